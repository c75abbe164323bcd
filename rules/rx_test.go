package rules

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRxAgreesWithRegexp checks the Pike VM finds the same matches as
// package regexp on record-number patterns and tricky texts.
func TestRxAgreesWithRegexp(t *testing.T) {
	patterns := []string{`SE-\d{6}`, `\bMRN\d{7}\b`, `[A-Z]{2}\d{5,8}`, `(?i)acct[- ]?\d+`, `\d{3}-\d{2}-\d{4}`,
		`a|ab`, `ab|a`, `(a+)(b*)`, `x*y`, `^\d+`, `\d+$`, `\bé\w+`, `[\p{Han}]{2,3}`, `(?m)^id:\d+$`, `colou?r`}
	texts := []string{"", "SE-123456 and SE-654321", "MRN1234567 xMRN1234567", "AB12345 CD123456789", "ACCT-99 acct 12",
		"123-45-6789", "ab a abab", "aaabbb ab a", "xxy y xy", "12 34", "12 34", "épée éa", "我的病人张伟在医院", "id:1\nid:22\nx", "color colour colr"}
	for _, p := range patterns {
		want := regexp.MustCompile(p)
		got, err := compileRx(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, s := range texts {
			var w [][2]int
			for _, m := range want.FindAllStringIndex(s, 100) {
				if m[1] > m[0] {
					w = append(w, [2]int{m[0], m[1]})
				}
			}
			budget := rxBudget
			if diff := cmp.Diff(w, got.findAll(s, 100, &budget)); diff != "" {
				t.Errorf("pattern %q on %q (-regexp +rx):\n%s", p, s, diff)
			}
		}
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
