package rules

import (
	"strings"
	"testing"
)

func mustEngine(t testing.TB, policy string) *Engine {
	t.Helper()
	var p *Policy
	if policy != "" {
		var err error
		if p, err = ParsePolicy([]byte(policy)); err != nil {
			t.Fatalf("ParsePolicy: %v", err)
		}
	}
	e, err := Compile(p)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return e
}

func describe(fs []Finding, text string) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n\t\t" + f.Rule + " " + string(f.Severity) + " " + string(f.Identifier) + " " + strconvQuote(text[f.Start:f.End]))
	}
	if b.Len() == 0 {
		return " none"
	}
	return b.String()
}

func strconvQuote(s string) string { return "\"" + s + "\"" }

// TestRuleExamples runs every example of every rule in the packs: texts that
// must flag give a finding of that rule, texts that must pass give none.
func TestRuleExamples(t *testing.T) {
	e := mustEngine(t, ExamplePolicy)
	// Every rule that reports findings carries examples both ways (the
	// module's build leaves them out, so this is checked here).
	for _, r := range e.rules {
		if !r.Silent && (len(r.Examples.Flag) == 0 || len(r.Examples.Pass) == 0) {
			t.Errorf("rule %s needs at least one example that must flag and one that must pass", r.ID)
		}
	}
	if n := len(e.Examples()); n < 100 {
		t.Fatalf("only %d examples; every rule needs some", n)
	}
	for _, f := range e.CheckExamples(false) {
		verb := "must flag"
		if !f.Flag {
			verb = "must pass"
		}
		t.Errorf("%s %s: %q\n\tfindings:%s", f.Rule, verb, f.Text, describe(f.Got, f.Text))
	}
}
