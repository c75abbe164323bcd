package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/discreet-health/discreet/host/audit"
	"github.com/discreet-health/discreet/host/internal/cli"
	"github.com/discreet-health/discreet/rules"
)

const auditHelp = `Usage: discreet audit [--policy FILE] [--out DIR] [--engine wasm|native]
                      [--min-severity info|warn|block] [--jobs N] PATH...

Checks your past posts, read from the platforms' own data exports, and writes
a report in DIR (default ./discreet-audit):
  report.html    open it in a browser (self-contained, needs no network):
                 counts, a chart over time, each flagged post with its risky
                 words highlighted and a link to the original to edit or delete it
  findings.json  every flagged post and finding, and the summary
  findings.csv   one row per finding
The reports quote your posts and are readable by you only: keep them private.

PATH is a zip or an unpacked folder of:
  X / Twitter archive      data/tweets.js (and tweets-part1.js ...), data/account.js
  Facebook (Download Your Information, JSON)
                           your_posts_1.json, comments.json (current and older layouts)
  Instagram (JSON)         content/posts_1.json, comments/post_comments_1.json
  LinkedIn                 Shares.csv, Comments.csv
or a single file: .txt (posts separated by blank lines), .csv (with a text,
post, content or message column), .jsonl ({"id", "text", "date", "url"}),
or - for standard input. Formats are recognised by content. Inputs are
only read, never changed.

Exit codes:
  0  no finding at warn or above
  1  the highest finding is a warning
  2  nothing could be read or checked (every input unreadable), or a usage error
  3  at least one post has a block finding
A file that cannot be read is named on stderr and in the report; the other
inputs are still checked and decide the code.

Flags:
`

// runAudit is `discreet audit`: the self-audit of past posts.
func runAudit(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("audit", stderr)
	policyFile := fs.String("policy", "", "policy JSON `file` (default: the default rules)")
	out := fs.String("out", "discreet-audit", "`folder` for report.html, findings.json and findings.csv")
	engineName := fs.String("engine", "wasm", "engine: wasm (the extension's module under wazero) or native")
	minSev := fs.String("min-severity", "info", "lowest `severity` reported: info, warn or block")
	jobs := fs.Int("jobs", 0, "posts scanned at once (default: one per CPU)")
	fs.Usage = func() {
		io.WriteString(stderr, auditHelp)
		fs.PrintDefaults()
	}
	paths, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(paths) == 0 {
		return errorf(stderr, "audit", "no PATH given: pass an export (zip or folder) or a file of posts; see discreet audit -h")
	}
	min := rules.Severity(*minSev)
	if min.Rank() == 0 {
		return errorf(stderr, "audit", "--min-severity must be info, warn or block, not %q", *minSev)
	}
	if *jobs < 0 {
		return errorf(stderr, "audit", "--jobs must be positive")
	}
	workers := *jobs
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	policy, err := readPolicy(*policyFile)
	if err != nil {
		return errorf(stderr, "audit", "%v", err)
	}
	info, err := policyInfo(policy)
	if err != nil {
		return errorf(stderr, "audit", "policy: %v", err)
	}
	eng, err := openEngine(ctx, *engineName, policy, workers)
	if err != nil {
		return errorf(stderr, "audit", "the checker cannot start, nothing was checked: %v", err)
	}
	defer eng.Close(ctx)

	var progress io.Writer
	if f, ok := stderr.(*os.File); ok && cli.IsTerminal(f) {
		progress = f
	}
	res, err := audit.Run(ctx, audit.Options{
		Paths: paths, Stdin: stdin, OutDir: *out, Checker: eng, Policy: info,
		MinSeverity: min, Workers: workers, Log: stderr, Progress: progress,
	})
	if err != nil {
		return errorf(stderr, "audit", "%v", err)
	}
	s := res.Summary
	report, _ := filepath.Abs(filepath.Join(*out, "report.html"))
	fmt.Fprintf(stdout, "%s read, %d flagged (%d block, %d warn, %d info findings)",
		cli.Plural(s.PostsRead, "post"), s.PostsFlagged, s.BySeverity["block"], s.BySeverity["warn"], s.BySeverity["info"])
	if s.PostsUnchecked > 0 {
		fmt.Fprintf(stdout, "; %d could NOT be checked", s.PostsUnchecked)
	}
	if len(res.Errors) > 0 {
		fmt.Fprintf(stdout, "; %s with the inputs (see above)", cli.Plural(len(res.Errors), "problem"))
	}
	fmt.Fprintf(stdout, ".\nReport: %s\n", report)
	return s.ExitCode
}

// policyInfo describes a policy (nil: the defaults) for the report header.
func policyInfo(policy []byte) (rules.PolicyInfo, error) {
	var p *rules.Policy
	if len(policy) > 0 {
		var err error
		if p, err = rules.ParsePolicy(policy); err != nil {
			return rules.PolicyInfo{}, err
		}
	}
	e, err := rules.Compile(p)
	if err != nil {
		return rules.PolicyInfo{}, err
	}
	return e.Info(), nil
}
