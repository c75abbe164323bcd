package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/discreet-health/discreet/rules"
)

// maxLine is the longest jsonl input line scanned; a longer one gets an
// error answer and the next line is read.
const maxLine = 16 << 20

type scanOptions struct {
	format, engine, policy, minSeverity string
}

func runScan(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o scanOptions
	fs := newFlags("scan", stderr)
	fs.StringVar(&o.policy, "policy", "", "policy `FILE` (JSON); default: the built-in defaults")
	fs.StringVar(&o.format, "format", "text", "output format: text, json or jsonl")
	fs.StringVar(&o.engine, "engine", "wasm", "engine: wasm (the scanner module) or native")
	fs.StringVar(&o.minSeverity, "min-severity", "info", "lowest severity shown: info, warn or block")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: discreet scan [--policy FILE] [--format text|json|jsonl] [--engine wasm|native] [--min-severity info|warn|block] [FILE|-]")
		fs.PrintDefaults()
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	switch o.format {
	case "text", "json", "jsonl":
	default:
		return errorf(stderr, "scan", "--format %q: want text, json or jsonl", o.format)
	}
	if _, test := testEngines[o.engine]; !test && o.engine != "wasm" && o.engine != "native" {
		return errorf(stderr, "scan", "--engine %q: want wasm or native", o.engine)
	}
	min := rules.Severity(o.minSeverity)
	if min.Rank() == 0 {
		return errorf(stderr, "scan", "--min-severity %q: want info, warn or block", o.minSeverity)
	}
	if len(pos) > 1 {
		return errorf(stderr, "scan", "one input at a time (got %d: %s)", len(pos), strings.Join(pos, " "))
	}
	name := "-"
	if len(pos) == 1 {
		name = pos[0]
	}
	in := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return errorf(stderr, "scan", "%v", err)
		}
		defer f.Close()
		in = f
	}
	policy, err := readPolicy(o.policy)
	if err != nil {
		return errorf(stderr, "scan", "%v", err)
	}
	instances := 1
	if o.format == "jsonl" {
		instances = runtime.NumCPU()
	}
	eng, err := openEngine(ctx, o.engine, policy, instances)
	if err != nil {
		return errorf(stderr, "scan", "%v", err)
	}
	defer eng.Close(context.WithoutCancel(ctx))

	if o.format == "jsonl" {
		return scanLines(ctx, eng, in, stdout, stderr, min, instances)
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return errorf(stderr, "scan", "reading %s: %v", displayName(name), err)
	}
	text := string(data)
	res, err := eng.Scan(ctx, text)
	if err != nil {
		return errorf(stderr, "scan", "%v", err)
	}
	res.Findings = filterFindings(res.Findings, min)
	if o.format == "json" {
		out := rules.AppendResultJSON(nil, res)
		if _, err := stdout.Write(append(out, '\n')); err != nil {
			return errorf(stderr, "scan", "writing: %v", err)
		}
	} else {
		w := bufio.NewWriter(stdout)
		writeDiagnostics(w, displayName(name), text, res, useColor(stdout))
		if err := w.Flush(); err != nil {
			return errorf(stderr, "scan", "writing: %v", err)
		}
	}
	return severityExit(topSeverity(res.Findings))
}

func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// useColor reports whether w is a terminal and NO_COLOR is unset.
func useColor(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// lineJob is one jsonl line on its way through the scanners.
type lineJob struct {
	n    int    // line number, from 1
	line []byte // nil when too long
	done chan lineAnswer
}

type lineAnswer struct {
	out []byte
	top rules.Severity
}

// scanLines streams jsonl: workers scan lines in parallel and the answers
// are written in input order, each as soon as it and all before it are done.
func scanLines(ctx context.Context, eng engine, in io.Reader, stdout, stderr io.Writer, min rules.Severity, workers int) int {
	jobs := make(chan *lineJob)
	order := make(chan *lineJob, 4*workers)
	for range workers {
		go func() {
			for j := range jobs {
				j.done <- scanLine(ctx, eng, j, min)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		br := bufio.NewReaderSize(in, 64<<10)
		for n := 1; ; n++ {
			line, err := readLine(br)
			if len(bytes.TrimSpace(line)) > 0 || errors.Is(err, errTooLong) {
				j := &lineJob{n: n, line: line, done: make(chan lineAnswer, 1)}
				if errors.Is(err, errTooLong) {
					j.line = nil
				}
				select {
				case order <- j:
				case <-ctx.Done():
					readErr <- ctx.Err()
					return
				}
				jobs <- j
			}
			if err != nil && !errors.Is(err, errTooLong) {
				if !errors.Is(err, io.EOF) {
					readErr <- err
				}
				return
			}
		}
	}()

	w := bufio.NewWriter(stdout)
	top := rules.Severity("")
	writeFailed := false
	for j := range order {
		a := <-j.done
		if a.top.Rank() > top.Rank() {
			top = a.top
		}
		if !writeFailed {
			w.Write(a.out)
			// Flush whenever no further answer is ready, so a caller
			// feeding one line at a time gets each answer at once.
			if len(order) == 0 {
				if err := w.Flush(); err != nil {
					writeFailed = true
				}
			}
		}
	}
	if err := w.Flush(); err != nil || writeFailed {
		return errorf(stderr, "scan", "writing: %v", err)
	}
	select {
	case err := <-readErr:
		return errorf(stderr, "scan", "reading the input: %v", err)
	default:
	}
	return severityExit(top)
}

var errTooLong = errors.New("line too long")

// readLine reads one line (without its newline). A line longer than maxLine
// is skipped and reported as errTooLong; io.EOF comes with the last line.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > maxLine+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			if err == nil {
				err = errTooLong
			} else if errors.Is(err, io.EOF) {
				err = errTooLong // the next read gives EOF again
			}
			return nil, err
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")), err
	}
}

// scanLine answers one jsonl line.
func scanLine(ctx context.Context, eng engine, j *lineJob, min rules.Severity) lineAnswer {
	id := json.RawMessage("null")
	fail := func(msg string) lineAnswer {
		return lineAnswer{out: lineJSON(id, nil, "line "+strconv.Itoa(j.n)+": "+msg)}
	}
	if j.line == nil {
		return fail("longer than " + strconv.Itoa(maxLine) + " bytes")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(j.line, &obj); err != nil {
		return fail("not a JSON object: " + err.Error())
	}
	if raw, ok := obj["id"]; ok {
		var buf bytes.Buffer
		if json.Compact(&buf, raw) == nil {
			id = buf.Bytes()
		}
	}
	raw, ok := obj["text"]
	if !ok {
		return fail(`no "text" field`)
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return fail(`"text" must be a string`)
	}
	res, err := eng.Scan(ctx, text)
	if err != nil {
		return fail(err.Error())
	}
	fs := filterFindings(res.Findings, min)
	return lineAnswer{out: lineJSON(id, fs, ""), top: topSeverity(fs)}
}

// lineJSON writes {"id":...,"findings":[...]} and "error" when msg is set.
func lineJSON(id json.RawMessage, fs []rules.Finding, msg string) []byte {
	b := append([]byte(`{"id":`), id...)
	b = append(b, `,"findings":[`...)
	for i := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = rules.AppendFindingJSON(b, &fs[i])
	}
	b = append(b, ']')
	if msg != "" {
		e, _ := json.Marshal(msg)
		b = append(b, `,"error":`...)
		b = append(b, e...)
	}
	return append(b, "}\n"...)
}
