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

// lineBatch is a run of jsonl lines on their way through the scanners and
// back, with its answers: the reader sends a batch when it holds batchLines
// lines or batchBytes bytes, or when no more input is waiting, so a caller
// feeding one line at a time still gets each answer at once. The lines sit
// one after another in buf and the answers in out, so a batch costs a few
// allocations rather than several per line, and the writer hands a written
// batch back to the reader (see batchPool) to be filled again.
type lineBatch struct {
	buf   []byte    // the lines' bytes, without newlines
	lines []lineRef // where each line is in buf
	out   []byte    // the answers, one JSON line each, in input order
	top   rules.Severity
	done  chan struct{} // receives once out and top are set
}

// lineRef is one input line of a batch: its number and buf[start:end];
// start < 0 marks a line longer than maxLine (skipped).
type lineRef struct{ n, start, end int }

const (
	batchLines = 256
	batchBytes = 256 << 10
)

// batchPool keeps the batches the writer is done with for the reader to
// fill again, so their buffers (grown to a batch's size once) are reused
// rather than allocated and collected for every few hundred lines. It
// holds at most as many batches as can be in flight.
type batchPool chan *lineBatch

// get returns an emptied batch, a reused one when there is one.
func (p batchPool) get() *lineBatch {
	select {
	case b := <-p:
		b.buf, b.lines, b.out, b.top = b.buf[:0], b.lines[:0], b.out[:0], ""
		return b
	default:
		return &lineBatch{buf: make([]byte, 0, 64<<10), done: make(chan struct{}, 1)}
	}
}

// put hands a written batch back; it is dropped when the pool is full or
// when a very long line grew its buffers, so as not to keep them.
func (p batchPool) put(b *lineBatch) {
	if cap(b.buf) > 4*batchBytes || cap(b.out) > 16*batchBytes {
		return
	}
	select {
	case p <- b:
	default:
	}
}

// scanLines streams jsonl: workers scan batches of lines in parallel and the
// answers are written in input order, each batch as soon as it and all
// before it are done.
func scanLines(ctx context.Context, eng engine, in io.Reader, stdout, stderr io.Writer, min rules.Severity, workers int) int {
	jobs := make(chan *lineBatch)
	order := make(chan *lineBatch, 4*workers)
	pool := make(batchPool, cap(order)+workers+2)
	for range workers {
		go func() {
			for b := range jobs {
				b.scan(ctx, eng, min)
				b.done <- struct{}{}
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		br := bufio.NewReaderSize(in, 64<<10)
		b := pool.get()
		send := func() bool {
			if len(b.lines) == 0 {
				return true
			}
			select {
			case order <- b:
			case <-ctx.Done():
				readErr <- ctx.Err()
				return false
			}
			jobs <- b
			b = pool.get()
			return true
		}
		for n := 1; ; n++ {
			start := len(b.buf)
			var err error
			b.buf, err = appendLine(b.buf, br)
			switch {
			case errors.Is(err, errTooLong):
				b.lines = append(b.lines, lineRef{n: n, start: -1})
			case len(bytes.TrimSpace(b.buf[start:])) > 0:
				b.lines = append(b.lines, lineRef{n: n, start: start, end: len(b.buf)})
			default:
				b.buf = b.buf[:start] // a blank line gets no answer
			}
			if err != nil && !errors.Is(err, errTooLong) {
				if send() && !errors.Is(err, io.EOF) {
					readErr <- err
				}
				return
			}
			if (len(b.lines) >= batchLines || len(b.buf) >= batchBytes || br.Buffered() == 0) && !send() {
				return
			}
		}
	}()

	w := bufio.NewWriterSize(stdout, 64<<10)
	top := rules.Severity("")
	writeFailed := false
	for b := range order {
		<-b.done
		if b.top.Rank() > top.Rank() {
			top = b.top
		}
		if !writeFailed {
			w.Write(b.out)
		}
		pool.put(b)
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

// appendLine appends the next line (without its newline) to dst. A line
// longer than maxLine is skipped (dst comes back as it was) and reported as
// errTooLong; io.EOF comes with the last line.
func appendLine(dst []byte, br *bufio.Reader) ([]byte, error) {
	start := len(dst)
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(dst)-start+len(chunk) > maxLine+1 {
				tooLong, dst = true, dst[:start]
			} else {
				dst = append(dst, chunk...)
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
			return dst, err
		}
		line := bytes.TrimSuffix(bytes.TrimSuffix(dst[start:], []byte("\n")), []byte("\r"))
		return dst[:start+len(line)], err
	}
}

// scan answers every line of the batch into b.out and sets b.top.
func (b *lineBatch) scan(ctx context.Context, eng engine, min rules.Severity) {
	for _, l := range b.lines {
		if l.start < 0 {
			b.out = appendLineJSON(b.out, nullID, nil, min, "line "+strconv.Itoa(l.n)+": longer than "+strconv.Itoa(maxLine)+" bytes")
			continue
		}
		id, text, msg := decodeLine(b.buf[l.start:l.end])
		if msg == "" {
			res, err := eng.Scan(ctx, text)
			if err == nil {
				b.out = appendLineJSON(b.out, id, res.Findings, min, "")
				if top := topSeverityFrom(res.Findings, min); top.Rank() > b.top.Rank() {
					b.top = top
				}
				continue
			}
			msg = err.Error()
		}
		b.out = appendLineJSON(b.out, id, nil, min, "line "+strconv.Itoa(l.n)+": "+msg)
	}
}

// topSeverityFrom is topSeverity(filterFindings(fs, min)) without the copy.
func topSeverityFrom(fs []rules.Finding, min rules.Severity) rules.Severity {
	var top rules.Severity
	for i := range fs {
		if r := fs[i].Severity.Rank(); r >= min.Rank() && r > top.Rank() {
			top = fs[i].Severity
		}
	}
	return top
}

// appendLineJSON appends {"id":...,"findings":[...]} and a newline, with
// "error" when msg is set; only the findings at min or above are written
// (filtering here spares a copy of the findings per line).
func appendLineJSON(b []byte, id []byte, fs []rules.Finding, min rules.Severity, msg string) []byte {
	b = append(b, `{"id":`...)
	b = append(b, id...)
	b = append(b, `,"findings":[`...)
	first := true
	for i := range fs {
		if fs[i].Severity.Rank() < min.Rank() {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
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
