package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/discreet-health/discreet/host/internal/cli"
	"github.com/discreet-health/discreet/host/internal/eval"
	"github.com/discreet-health/discreet/rules"
)

func runPolicy(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: discreet policy check FILE")
		return cli.ExitUsage
	}
	fs := newFlags("policy check", stderr)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return flagError(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: discreet policy check FILE")
		return cli.ExitUsage
	}
	return checkPolicy(pos[0], stdout, stderr)
}

// checkPolicy parses and compiles a policy, then runs the examples of its
// record formats and terms: every flag text must give a finding from that
// entry and no pass text may.
func checkPolicy(name string, stdout, stderr io.Writer) int {
	data, err := os.ReadFile(name)
	if err != nil {
		return errorf(stderr, "policy check", "%v", err)
	}
	p, err := rules.ParsePolicy(data)
	if err != nil {
		fmt.Fprintf(stdout, "%s: invalid policy: %v\n", name, err)
		return cli.ExitUsage
	}
	e, err := rules.Compile(p)
	if err != nil {
		fmt.Fprintf(stdout, "%s: the policy does not compile: %v\n", name, err)
		return cli.ExitUsage
	}
	info := e.Info()
	title := info.Name
	if title == "" {
		title = "(unnamed)"
	}
	fmt.Fprintf(stdout, "%s: policy %q", name, title)
	if info.Version != "" {
		fmt.Fprintf(stdout, " version %s", info.Version)
	}
	if info.Institution.Name != "" {
		fmt.Fprintf(stdout, " of %s", info.Institution.Name)
	}
	fmt.Fprintf(stdout, "\n  %d rules enabled; min_severity %s, intercept_at %s, enforce %s\n",
		info.Rules, orDefault(info.MinSeverity, "info"), orDefault(info.InterceptAt, "block"), orDefault(info.Enforce, "warn"))

	// The policy's own examples: its record formats' and its terms'.
	total := 0
	own := map[string]bool{} // the policy's example texts
	for i, r := range p.RecordFormats {
		n := len(r.Examples.Flag) + len(r.Examples.Pass)
		total += n
		fmt.Fprintf(stdout, "  record_formats[%d] %q: %s\n", i, r.Name, cli.Plural(n, "example"))
	}
	for i, t := range p.Terms {
		n := len(t.Examples.Flag) + len(t.Examples.Pass)
		total += n
		fmt.Fprintf(stdout, "  terms[%d] %q: %s\n", i, t.Phrase, cli.Plural(n, "example"))
	}
	for _, r := range p.RecordFormats {
		addTexts(own, r.Examples)
	}
	for _, t := range p.Terms {
		addTexts(own, t.Examples)
	}
	// CheckExamples(true) also runs the record-format rule's own pack
	// examples, written for rules.ExamplePolicy's format: only the policy's
	// examples count here.
	var fails []rules.ExampleFailure
	for _, f := range e.CheckExamples(true) {
		if own[f.Text] {
			fails = append(fails, f)
		}
	}
	for _, f := range fails {
		if f.Flag {
			fmt.Fprintf(stdout, "  FAIL [%s] flag example gave no finding from this rule: %q\n", f.Rule, eval.Excerpt(f.Text, 80))
		} else {
			fmt.Fprintf(stdout, "  FAIL [%s] pass example was flagged: %q\n", f.Rule, eval.Excerpt(f.Text, 80))
		}
		if len(f.Got) > 0 {
			var got []string
			for _, g := range f.Got {
				got = append(got, g.Rule+" "+strconv.Quote(spanOf(f.Text, g)))
			}
			fmt.Fprintf(stdout, "    findings: %s\n", strings.Join(got, ", "))
		}
	}
	if len(fails) > 0 {
		fmt.Fprintf(stdout, "FAIL: %d of %d examples failed\n", len(fails), total)
		return cli.ExitUsage
	}
	fmt.Fprintf(stdout, "ok: the policy is valid and its %s pass\n", cli.Plural(total, "example"))
	return cli.ExitClean
}

func addTexts(set map[string]bool, ex rules.Examples) {
	for _, t := range ex.Flag {
		set[t] = true
	}
	for _, t := range ex.Pass {
		set[t] = true
	}
}

func spanOf(text string, f rules.Finding) string {
	if f.Start < 0 || f.End > len(text) || f.Start > f.End {
		return "?"
	}
	return text[f.Start:f.End]
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func runRules(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("rules", stderr)
	policyFile := fs.String("policy", "", "policy `FILE` (JSON); default: the built-in defaults")
	engineName := fs.String("engine", "wasm", "engine: wasm or native")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return errorf(stderr, "rules", "unexpected argument %q", pos[0])
	}
	policy, err := readPolicy(*policyFile)
	if err != nil {
		return errorf(stderr, "rules", "%v", err)
	}
	eng, err := openEngine(ctx, *engineName, policy, 1)
	if err != nil {
		return errorf(stderr, "rules", "%v", err)
	}
	defer eng.Close(context.WithoutCancel(ctx))
	cat, err := eng.Catalog(ctx)
	if err != nil {
		return errorf(stderr, "rules", "%v", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCATEGORY\tSEVERITY\tENABLED\tCITATION")
	on := 0
	for _, r := range cat {
		enabled := "no"
		if r.Enabled {
			enabled = "yes"
			on++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Category, r.Severity, enabled, r.Citation)
	}
	if err := tw.Flush(); err != nil {
		return errorf(stderr, "rules", "writing: %v", err)
	}
	fmt.Fprintf(stdout, "%d rules, %d enabled\n", len(cat), on)
	return cli.ExitClean
}
