package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/discreet-health/discreet/host/internal/cli"
	"github.com/discreet-health/discreet/host/wasmhost"
	"github.com/discreet-health/discreet/rules"
)

const helpText = `discreet checks social-media posts by clinicians for patient-privacy,
boundary, conduct, misinformation and disclosure risks. The post text never
leaves this machine.

Usage:
  discreet scan [--policy FILE] [--format text|json|jsonl] [--engine wasm|native]
                [--min-severity info|warn|block] [FILE|-]
      Scan one post (a file, or standard input when FILE is - or absent).
      text   diagnostics like a compiler's: file:line:col: severity [rule] message,
             the line with the span underlined, the citation and suggested fixes
             (columns count display cells: wide CJK characters and emoji are 2;
             colour only on a terminal and when NO_COLOR is unset)
      json   the whole result (findings and summary) as one JSON object
      jsonl  one post per input line, {"id": any JSON value, "text": "..."};
             one output line {"id": same, "findings": [...]} per input line, in
             order; a bad line gives {"id": id or null, "findings": [], "error": "..."}
  discreet policy check FILE
      Validate a policy, compile it and run its own examples.
  discreet rules [--policy FILE] [--engine wasm|native]
      List the rules: id, category, severity, enabled, citation.
  discreet eval [--engine wasm|native] [--policy FILE] [-v] FILE
      Score the engine against a labelled corpus (JSON lines: id, text, labels
      {category: severity}, identifiers [{type, text, occurrence}]): precision,
      recall and F1 per category, severity agreement, identifier recall, benign
      posts flagged. -v lists every miss and false alarm.
  discreet audit [--policy FILE] [--out DIR] [--engine wasm|native] PATH...
      Audit past posts in X, Facebook, Instagram or LinkedIn data exports (zip
      or folder) or .txt/.csv/.jsonl files; writes report.html, findings.json
      and findings.csv to DIR (default ./discreet-audit).
  discreet serve [--addr 127.0.0.1:8080] [--db ./discreet.db]
      Run the institution settings backend and its admin console.
  discreet keys list|rotate --db FILE, discreet keys retire ID --db FILE
      Rotate the backend's signing key: the new key is introduced by a
      statement the current key signs, and both are listed until the old one
      is retired. --worker --seed-file F [--new-seed-file F2] does the same
      for Cloudflare Workers and prints the SQL for D1 (host/server/README.md).
  discreet db backup --db FILE OUT
      Write a consistent copy of the live database to OUT (mode 0600).
  discreet version
  discreet help

The default engine is the WebAssembly scanner module, the same file the
browser extension runs; --engine native uses the Go rule engine directly.
Findings below --min-severity are not shown and do not count for the exit code.

Exit codes:
  0  no finding at warn or above (policy check: the policy is valid and its examples pass)
  1  the highest finding is a warning
  2  usage or input error: bad flag, unreadable file, bad policy (or failed examples)
  3  at least one finding is a block
  For jsonl the code is the highest over all lines; an error on a single line does
  not make it 2, an unreadable input does.
`

func writeHelp(w io.Writer) { io.WriteString(w, helpText) }

func runHelp(_ context.Context, _ []string, _ io.Reader, stdout, _ io.Writer) int {
	writeHelp(stdout)
	return cli.ExitClean
}

func runVersion(_ context.Context, _ []string, _ io.Reader, stdout, _ io.Writer) int {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	mod := "not built"
	if b, err := wasmhost.Module(); err == nil {
		mod = fmt.Sprintf("%d bytes", len(b))
	}
	fmt.Fprintf(stdout, "discreet %s (%s, %s/%s; scanner module ABI %d, %s)\n", v, runtime.Version(),
		runtime.GOOS, runtime.GOARCH, wasmhost.ABIVersion, mod)
	return cli.ExitClean
}

// newFlags returns a flag set that reports errors on stderr without exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("discreet "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses flags that may come before or after the positional
// arguments ("retire ID --db FILE"), and returns the positional ones; all
// after a "--" are positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// engine is what the commands need from either engine.
type engine interface {
	Scan(ctx context.Context, text string) (rules.Result, error)
	Catalog(ctx context.Context) ([]rules.RuleInfo, error)
	Close(ctx context.Context) error
}

type nativeEngine struct{ *wasmhost.Native }

func (nativeEngine) Close(context.Context) error { return nil }

// openEngine starts the named engine ("wasm" or "native") with a policy
// (nil: the defaults). instances bounds the wasm pool.
func openEngine(ctx context.Context, name string, policy []byte, instances int) (engine, error) {
	if open, ok := testEngines[name]; ok {
		return open(policy)
	}
	switch name {
	case "native":
		c, err := wasmhost.NewNative(policy)
		if err != nil {
			return nil, err
		}
		return nativeEngine{c.(*wasmhost.Native)}, nil
	case "wasm", "":
		s, err := wasmhost.New(ctx, wasmhost.Config{Instances: instances})
		if err != nil {
			return nil, err
		}
		if len(policy) > 0 {
			if _, err := s.Configure(ctx, policy); err != nil {
				s.Close(ctx)
				return nil, err
			}
		}
		return s, nil
	}
	return nil, fmt.Errorf("unknown engine %q: want wasm or native", name)
}

// testEngines lets tests add engines whose findings they control; it is
// empty in the command.
var testEngines map[string]func(policy []byte) (engine, error)

// readPolicy reads a policy file; an empty name means the defaults (nil).
func readPolicy(name string) ([]byte, error) {
	if name == "" {
		return nil, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, fmt.Errorf("policy %s: the file is empty", name)
	}
	return b, nil
}

// errorf prints "discreet <cmd>: msg" on stderr and returns cli.ExitUsage.
func errorf(stderr io.Writer, cmd string, format string, a ...any) int {
	fmt.Fprintf(stderr, "discreet %s: %s\n", cmd, fmt.Sprintf(format, a...))
	return cli.ExitUsage
}

// flagError turns a flag parsing error into the exit code: help is not an
// error.
func flagError(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return cli.ExitClean
	}
	return cli.ExitUsage
}

// filterFindings keeps the findings at min or above; it never returns nil.
func filterFindings(fs []rules.Finding, min rules.Severity) []rules.Finding {
	out := make([]rules.Finding, 0, len(fs))
	for _, f := range fs {
		if f.Severity.Rank() >= min.Rank() {
			out = append(out, f)
		}
	}
	return out
}

// topSeverity is the highest severity among fs, or "".
func topSeverity(fs []rules.Finding) rules.Severity {
	var top rules.Severity
	for _, f := range fs {
		if f.Severity.Rank() > top.Rank() {
			top = f.Severity
		}
	}
	return top
}
