// Package audit checks a clinician's past posts, read from the platforms'
// own data exports, with the same checker as the browser extension, and
// writes a report: report.html (self-contained), findings.json and
// findings.csv.
//
// It reads X archives (data/tweets.js and its split parts), Facebook and
// Instagram "Download Your Information" JSON, LinkedIn's Shares.csv and
// Comments.csv, and plain .txt, .csv or .jsonl files of posts, as zips or
// unpacked folders. Inputs are opened read-only and streamed: at most a
// window of posts is held at once, whatever the archive's size. Posts are
// scanned on all cores and reported in the order they were read.
//
// Exit codes (Summary.ExitCode): 0 nothing at warn or above, 1 the highest
// finding is a warning, 3 some post has a block finding, 2 nothing could
// be read or checked (every input failed).
package audit

import (
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/discreet-health/discreet/host/internal/cli"
	"github.com/discreet-health/discreet/rules"
)

// Options configures Run.
type Options struct {
	// Paths are the exports to read: zips, folders or files; "-" reads
	// Stdin (not a zip).
	Paths []string
	Stdin io.Reader
	// OutDir receives report.html, findings.json and findings.csv; it is
	// created (mode 0700) when missing. Required.
	OutDir string
	// Checker scans each post. Required.
	Checker Checker
	// Policy describes the policy the checker was configured with, for the
	// report's header.
	Policy rules.PolicyInfo
	// MinSeverity drops findings below it ("" keeps them all).
	MinSeverity rules.Severity
	// Workers is how many posts are scanned at once; 0 means one per CPU.
	Workers int
	// Window bounds the posts held in memory at once; 0 means 64 per
	// worker.
	Window int
	// Log receives a line per file read and per problem (stderr); nil
	// discards them.
	Log io.Writer
	// Progress, when set, receives a progress bar redrawn in place; set it
	// only when it is a terminal.
	Progress io.Writer
	// Now gives the report's date; nil means time.Now.
	Now func() time.Time
}

// Result is what Run did.
type Result struct {
	Summary *Summary
	Inputs  []InputReport
	Errors  []FileError
	// MaxHeld is the largest number of scanned posts that waited for an
	// earlier one at once (memory bound check).
	MaxHeld int
}

// maxNamedUnchecked bounds how many posts the checker failed on are named
// one by one.
const maxNamedUnchecked = 10

// Run reads every path, scans every post and writes the reports in
// opts.OutDir. Problems with inputs are in Result.Errors and on opts.Log;
// the error return is for what stops the audit itself (the output folder
// cannot be written, the context is cancelled).
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Checker == nil {
		return nil, errors.New("audit: no checker")
	}
	if opts.OutDir == "" {
		return nil, errors.New("audit: no output folder")
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	generated := now()
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	if err := outsideInputs(opts.OutDir, opts.Paths); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.OutDir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the output folder: %w", err)
	}
	jr, err := newJSONReport(opts.OutDir, generated, opts.Policy)
	if err != nil {
		return nil, fmt.Errorf("cannot write in the output folder: %w", err)
	}
	cr, err := newCSVReport(opts.OutDir)
	if err != nil {
		jr.out.abort()
		return nil, fmt.Errorf("cannot write in the output folder: %w", err)
	}
	hr, err := newHTMLReport(opts.OutDir)
	if err != nil {
		jr.out.abort()
		cr.out.abort()
		return nil, fmt.Errorf("cannot write in the output folder: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			jr.out.abort()
			cr.out.abort()
			hr.abort()
		}
	}()

	res := &Result{Summary: newSummary()}
	prog := newProgress(opts.Progress)
	var mu sync.Mutex // the reader and the collector both report
	say := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		prog.clear()
		fmt.Fprintf(logw, format+"\n", a...)
	}
	fail := func(file string, err error) {
		mu.Lock()
		res.Errors = append(res.Errors, FileError{File: file, Message: err.Error()})
		mu.Unlock()
		say("discreet audit: %s: %v", file, err)
	}

	// Open every input first, so progress knows the total size.
	var inputs []*input
	for _, p := range opts.Paths {
		in, err := openInput(p, opts.Stdin)
		if err != nil {
			fail(p, err)
			continue
		}
		if len(in.entries) == 0 && in.html > 0 {
			fail(p, errors.New("this is Facebook's or Instagram's HTML export, which cannot be read: download your information again choosing the JSON format"))
		} else if len(in.entries) == 0 {
			fail(p, errors.New("no posts found: expected an X archive (data/tweets.js), a Facebook or Instagram export (your_posts_1.json, comments.json, posts_1.json, post_comments_1.json) or a LinkedIn export (Shares.csv, Comments.csv)"))
		}
		for _, e := range in.entries {
			prog.total += e.size
		}
		inputs = append(inputs, in)
	}
	defer func() {
		for _, in := range inputs {
			if in.closer != nil {
				in.closer.Close()
			}
		}
	}()
	prog.start()

	var (
		s         = res.Summary
		unchecked int
		writeErr  error
	)
	pl := &pipeline{checker: opts.Checker, workers: opts.Workers, window: opts.Window}
	// On the worker: the policy's floor, then the record and the report
	// fragment of a flagged post.
	pl.prepare = func(sc *scanned) {
		if opts.MinSeverity.Rank() > 1 {
			kept := sc.res.Findings[:0:0]
			for _, f := range sc.res.Findings {
				if f.Severity.Rank() >= opts.MinSeverity.Rank() {
					kept = append(kept, f)
				}
			}
			sc.res.Findings = kept
		}
		if len(sc.res.Findings) > 0 {
			rec := newPostRecord(&sc.post, &sc.res)
			sc.rec = &rec
			sc.html, sc.htmlErr = renderPost(&rec, sc.seq+1)
		}
	}
	if pl.workers <= 0 {
		pl.workers = runtime.GOMAXPROCS(0)
	}
	if pl.window <= 0 {
		pl.window = 64 * pl.workers
	}
	produce := func(emit func(Post) error) error {
		for _, in := range inputs {
			ir := InputReport{Path: in.path, Kind: in.kind, Ignored: in.ignored}
			st := &readState{}
			for _, e := range in.entries {
				if err := ctx.Err(); err != nil {
					return err
				}
				fr, err := readEntry(e, st, &prog.read, emit, func(err error) { fail(e.display, err) })
				if fr.Format != "" && fr.Format != FormatXAccount {
					ir.Files = append(ir.Files, fr)
					say("discreet audit: read %s: %s, %s", e.display, fr.Format, cli.Plural(fr.Posts, "post"))
				}
				if err != nil {
					if _, ok := err.(stopped); ok {
						return err
					}
					fail(e.display, err)
				}
			}
			if in.kind != "file" && in.kind != "stdin" && len(in.entries) > 0 && len(ir.Files) == 0 {
				fail(in.path, errors.New("no posts file could be read in this archive"))
			}
			res.Inputs = append(res.Inputs, ir)
		}
		return nil
	}
	consume := func(sc *scanned) {
		prog.posts.Add(1)
		if sc.err != nil {
			s.PostsRead++
			s.PostsUnchecked++
			unchecked++
			if unchecked <= maxNamedUnchecked {
				fail(fmt.Sprintf("%s #%d", sc.post.Source, sc.post.Index), fmt.Errorf("this post could not be checked: %v", sc.err))
			}
			return
		}
		s.add(&sc.post, &sc.res)
		if sc.rec == nil || writeErr != nil {
			return
		}
		prog.flagged.Add(1)
		for _, w := range []interface{ post(*PostRecord) error }{jr, cr} {
			if err := w.post(sc.rec); err != nil && writeErr == nil {
				writeErr = err
			}
		}
		if sc.htmlErr != nil && writeErr == nil {
			writeErr = sc.htmlErr
		}
		if err := hr.write(sc.html); err != nil && writeErr == nil {
			writeErr = err
		}
	}
	err = pl.run(ctx, produce, consume)
	prog.stop()
	res.MaxHeld = pl.maxHeld
	if err != nil {
		if se, ok := err.(stopped); ok {
			err = se.error
		}
		return res, err
	}
	if writeErr != nil {
		return res, fmt.Errorf("cannot write the report: %w", writeErr)
	}
	if unchecked > maxNamedUnchecked {
		fail("(more posts)", fmt.Errorf("%d more posts could not be checked", unchecked-maxNamedUnchecked))
	}
	s.finish()
	s.ExitCode = exitCode(s, len(res.Errors))
	if res.Inputs == nil {
		res.Inputs = []InputReport{}
	}
	errs := res.Errors
	if errs == nil {
		errs = []FileError{}
	}
	if err := jr.finish(res.Inputs, errs, s); err != nil {
		return res, fmt.Errorf("cannot write findings.json: %w", err)
	}
	if err := cr.finish(); err != nil {
		return res, fmt.Errorf("cannot write findings.csv: %w", err)
	}
	if err := hr.finish(generated, opts.Policy, res.Inputs, errs, s); err != nil {
		return res, fmt.Errorf("cannot write report.html: %w", err)
	}
	committed = true
	return res, nil
}

func exitCode(s *Summary, errs int) int {
	if s.PostsChecked == 0 && (errs > 0 || s.PostsUnchecked > 0) {
		return cli.ExitUsage
	}
	switch s.Risk {
	case string(rules.Block):
		return cli.ExitBlock
	case string(rules.Warn):
		return cli.ExitWarn
	}
	return cli.ExitClean
}

// readEntry detects one file's format and reads its posts.
func readEntry(e entry, st *readState, counter *atomic.Int64, emit func(Post) error, warn func(error)) (FileReport, error) {
	fr := FileReport{File: e.display}
	rc, err := e.open()
	if err != nil {
		return fr, cleanErr(err)
	}
	defer rc.Close()
	head, br := peekReader(&countingReader{r: rc, n: counter})
	name := e.member
	if name == "" {
		name = e.display
	}
	format, err := detect(head, name)
	if err != nil {
		if e.member != "" || len(head) > 0 {
			return fr, fmt.Errorf("unknown format: %v", err)
		}
		return fr, err
	}
	fr.Format = format
	n := 0
	err = readers[format](br, e.display, st, func(p Post) error {
		n++
		return emit(p)
	}, warn)
	fr.Posts = n
	var corrupt flate.CorruptInputError
	if errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) || errors.As(err, &corrupt) {
		err = fmt.Errorf("the zip archive is damaged inside this file (%v); the %s before the damage were read", err, cli.Plural(n, "post"))
	}
	return fr, err
}

// countingReader counts bytes read, for progress.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// outsideInputs refuses an output folder inside an input folder: the audit
// never adds to or changes what it reads.
func outsideInputs(out string, paths []string) error {
	ao, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	for _, p := range paths {
		if p == "-" {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			continue
		}
		ap, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(ap, ao); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("the output folder %s is inside the input folder %s, which the audit never changes: choose another --out", out, p)
		}
	}
	return nil
}
