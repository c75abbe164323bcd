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
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/discreet-health/discreet/host/internal/cli"
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
		// Each answer is garbage once written, while the engine's tables
		// (some 14 MB) stay live, and every collection marks them again:
		// at the default GOGC, a dozen per 100,000 short lines. Unless
		// GOGC is set, collect at five times the live heap while scanning.
		if _, set := os.LookupEnv("GOGC"); !set {
			defer debug.SetGCPercent(debug.SetGCPercent(400))
		}
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
	return cli.SeverityExit(topSeverity(res.Findings))
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
	return ok && cli.IsTerminal(f)
}

// lineBatch is a run of jsonl lines on their way through the scanners:
// the reader sends a batch when it holds batchLines lines or batchBytes
// bytes, or when no more input is waiting, so a caller feeding one line at
// a time still gets each answer at once.
type lineBatch struct {
	ns    []int    // line numbers, from 1
	lines [][]byte // nil when too long
	done  chan []lineAnswer
}

const (
	batchLines = 256
	batchBytes = 256 << 10
)

type lineAnswer struct {
	out []byte
	top rules.Severity
}

// scanLines streams jsonl: workers scan batches of lines in parallel and the
// answers are written in input order, each batch as soon as it and all
// before it are done.
func scanLines(ctx context.Context, eng engine, in io.Reader, stdout, stderr io.Writer, min rules.Severity, workers int) int {
	jobs := make(chan *lineBatch)
	order := make(chan *lineBatch, 4*workers)
	for range workers {
		go func() {
			for b := range jobs {
				as := make([]lineAnswer, len(b.lines))
				for i, line := range b.lines {
					as[i] = scanLine(ctx, eng, b.ns[i], line, min)
				}
				b.done <- as
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		br := bufio.NewReaderSize(in, 64<<10)
		b, size := &lineBatch{}, 0
		send := func() bool {
			if len(b.lines) == 0 {
				return true
			}
			b.done = make(chan []lineAnswer, 1)
			select {
			case order <- b:
			case <-ctx.Done():
				readErr <- ctx.Err()
				return false
			}
			jobs <- b
			b, size = &lineBatch{}, 0
			return true
		}
		for n := 1; ; n++ {
			line, err := readLine(br)
			if len(bytes.TrimSpace(line)) > 0 || errors.Is(err, errTooLong) {
				if errors.Is(err, errTooLong) {
					line = nil
				}
				b.ns = append(b.ns, n)
				b.lines = append(b.lines, line)
				size += len(line)
			}
			if err != nil && !errors.Is(err, errTooLong) {
				if send() && !errors.Is(err, io.EOF) {
					readErr <- err
				}
				return
			}
			if (len(b.lines) >= batchLines || size >= batchBytes || br.Buffered() == 0) && !send() {
				return
			}
		}
	}()

	w := bufio.NewWriter(stdout)
	top := rules.Severity("")
	writeFailed := false
	for b := range order {
		for _, a := range <-b.done {
			if a.top.Rank() > top.Rank() {
				top = a.top
			}
			if !writeFailed {
				w.Write(a.out)
			}
		}
		// Flush whenever no further answer is ready, so a caller feeding
		// one line at a time gets each answer at once.
		if !writeFailed && len(order) == 0 {
			if err := w.Flush(); err != nil {
				writeFailed = true
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
	return cli.SeverityExit(top)
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
func scanLine(ctx context.Context, eng engine, n int, line []byte, min rules.Severity) lineAnswer {
	if line == nil {
		return lineAnswer{out: lineJSON([]byte("null"), nil, "line "+strconv.Itoa(n)+": longer than "+strconv.Itoa(maxLine)+" bytes")}
	}
	id, text, msg := decodeLine(line)
	if msg == "" {
		res, err := eng.Scan(ctx, text)
		if err == nil {
			fs := filterFindings(res.Findings, min)
			return lineAnswer{out: lineJSON(id, fs, ""), top: topSeverity(fs)}
		}
		msg = err.Error()
	}
	return lineAnswer{out: lineJSON(id, nil, "line "+strconv.Itoa(n)+": "+msg)}
}

// lineJSON writes {"id":...,"findings":[...]} and "error" when msg is set.
func lineJSON(id []byte, fs []rules.Finding, msg string) []byte {
	b := make([]byte, 0, 64+len(id)+400*len(fs)) // one allocation for most lines
	b = append(b, `{"id":`...)
	b = append(b, id...)
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
