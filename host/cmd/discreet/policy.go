package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/discreet-health/discreet/host/eval"
	"github.com/discreet-health/discreet/rules"
)

func runPolicy(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: discreet policy check FILE")
		return exitUsage
	}
	fs := newFlags("policy check", stderr)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return flagError(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: discreet policy check FILE")
		return exitUsage
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
		return exitUsage
	}
	e, err := rules.Compile(p)
	if err != nil {
		fmt.Fprintf(stdout, "%s: the policy does not compile: %v\n", name, err)
		return exitUsage
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

	type entry struct {
		label    string
		examples rules.Examples
		match    func(rules.Finding) bool
	}
	var entries []entry
	for i, r := range p.RecordFormats {
		ident := rules.Identifier(r.Identifier)
		if ident == "" {
			ident = rules.IDMRN
		}
		entries = append(entries, entry{
			label:    "record_formats[" + strconv.Itoa(i) + "] " + strconv.Quote(r.Name),
			examples: r.Examples,
			match: func(f rules.Finding) bool {
				return f.Rule == "privacy.record_format" && f.Identifier == ident
			},
		})
	}
	for i, t := range p.Terms {
		entries = append(entries, entry{
			label:    "terms[" + strconv.Itoa(i) + "] " + strconv.Quote(t.Phrase),
			examples: t.Examples,
			match: func(f rules.Finding) bool {
				return string(f.Category) == t.Category && f.Message == t.Message &&
					strings.HasPrefix(f.Rule, t.Category+".term.")
			},
		})
	}
	total, failed := 0, 0
	for _, en := range entries {
		n := len(en.examples.Flag) + len(en.examples.Pass)
		if n == 0 {
			fmt.Fprintf(stdout, "  %s: no examples\n", en.label)
			continue
		}
		var bad []string
		for _, c := range []struct {
			texts []string
			flag  bool
		}{{en.examples.Flag, true}, {en.examples.Pass, false}} {
			for _, text := range c.texts {
				total++
				hit := false
				for _, f := range e.Scan(text).Findings {
					hit = hit || en.match(f)
				}
				if hit != c.flag {
					failed++
					if c.flag {
						bad = append(bad, "flag example gave no finding from this entry: "+strconv.Quote(eval.Excerpt(text, 80)))
					} else {
						bad = append(bad, "pass example was flagged by this entry: "+strconv.Quote(eval.Excerpt(text, 80)))
					}
				}
			}
		}
		if len(bad) == 0 {
			fmt.Fprintf(stdout, "  %s: %d examples ok\n", en.label, n)
			continue
		}
		fmt.Fprintf(stdout, "  %s: FAIL\n", en.label)
		for _, b := range bad {
			fmt.Fprintf(stdout, "    %s\n", b)
		}
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "FAIL: %d of %d examples failed\n", failed, total)
		return exitUsage
	}
	fmt.Fprintf(stdout, "ok: the policy is valid and its %d examples pass\n", total)
	return exitClean
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
	return exitClean
}
