package rules

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestRxAgreesWithRegexp checks the Pike VM finds the same matches as
// package regexp on record-number patterns and tricky texts.
func TestRxAgreesWithRegexp(t *testing.T) {
	patterns := []string{`SE-\d{6}`, `\bMRN\d{7}\b`, `[A-Z]{2}\d{5,8}`, `(?i)acct[- ]?\d+`, `\d{3}-\d{2}-\d{4}`,
		`a|ab`, `ab|a`, `(a+)(b*)`, `x*y`, `^\d+`, `\d+$`, `\bé\w+`, `[一-龥]{2,3}`, `(?m)^id:\d+$`, `colou?r`}
	texts := []string{"", "SE-123456 and SE-654321", "MRN1234567 xMRN1234567", "AB12345 CD123456789", "ACCT-99 acct 12",
		"123-45-6789", "ab a abab", "aaabbb ab a", "xxy y xy", "12 34", "12 34", "épée éa", "我的病人张伟在医院", "id:1\nid:22\nx", "color colour colr"}
	for _, p := range patterns {
		want := regexp.MustCompile(p)
		got, err := compileRx(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		compareMatches(t, p, want, got, texts)
	}
}

// TestRxBudget checks a costly pattern over a huge text stops within its
// budget instead of running for minutes.
func TestRxBudget(t *testing.T) {
	x, err := compilePattern(`(\w+\s?){1,30}X`)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("word ", 200000) // 1 MB, no X: every position is tried
	budget := 1_000_000
	if got := x.findAll(text, 100, &budget); len(got) != 0 || budget >= 0 {
		t.Fatalf("got %v with budget %d left; want no match and the budget used up", got, budget)
	}
}

// TestScanBudget checks the per-scan budget: 150,000 steps for a post of
// up to 3,000 bytes, proportionally more for longer texts, never more than
// rxBudget; and that a typical record-number format still finds a match at
// the end of a 3,000-character post within it.
func TestScanBudget(t *testing.T) {
	for _, c := range []struct{ n, want int }{
		{0, 150_000}, {3000, 150_000}, {10_000, 500_000}, {1 << 30, rxBudget},
	} {
		if got := scanBudget(c.n); got != c.want {
			t.Errorf("scanBudget(%d) = %d, want %d", c.n, got, c.want)
		}
	}
	x, err := compilePattern(`(?i)\bMRN[-: ]?\d{6,10}\b`)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("Long shift, many admits. ", 120)[:2980] + " MRN 44120931"
	budget := scanBudget(len(text))
	got := x.findAll(text, 100, &budget)
	if len(got) != 1 || text[got[0][0]:got[0][1]] != "MRN 44120931" {
		t.Fatalf("got %v (budget left %d), want the MRN at the end", got, budget)
	}
}

// TestSlowFormatsRefused checks that a policy whose record formats would
// use up a scan's budget on a 3,000-character post is refused when
// compiled, naming the format, and that ordinary formats compile.
func TestSlowFormatsRefused(t *testing.T) {
	var slow []string
	for i := range 32 {
		slow = append(slow, `{"name": "slow`+strconv.Itoa(i)+`", "pattern": "(?:[a-z]{0,600})Q"}`)
	}
	p, err := ParsePolicy([]byte(`{"record_formats": [` + strings.Join(slow, ",") + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(p)
	var re *Error
	if !errors.As(err, &re) || !strings.HasPrefix(re.Field, "record_formats[") || !strings.Contains(re.Msg, "too slow") {
		t.Fatalf("Compile = %v, want a too-slow error on a record format", err)
	}
	p, err = ParsePolicy([]byte(`{"record_formats": [{"name": "Mercy MRN", "pattern": "MRN-\\d{8}"}, {"name": "account", "pattern": "\\bACCT[0-9]{6,10}\\b"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(p); err != nil {
		t.Fatalf("ordinary formats refused: %v", err)
	}
}
