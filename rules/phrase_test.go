package rules

import (
	"strings"
	"testing"
)

// TestLowerCaseElement checks "=word": the word only as written without
// capitals, first in a phrase or later, and refused on classes.
func TestLowerCaseElement(t *testing.T) {
	e, err := Compile(&Policy{Terms: []Term{
		{Phrase: "=zq", Category: "conduct", Severity: "warn", Message: "first"},
		{Phrase: "vorpal =blix", Category: "conduct", Severity: "warn", Message: "second"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]int{
		"so zq today":       1,
		"so ZQ today":       0,
		"Zq at the start":   0,
		"a vorpal blix":     1,
		"a Vorpal blix":     1, // only the marked word is case-bound
		"a vorpal BLIX":     0,
		"a vorpal Blix too": 0,
	} {
		n := 0
		for _, f := range e.Scan(text).Findings {
			if f.Message == "first" || f.Message == "second" {
				n++
			}
		}
		if n != want {
			t.Errorf("%q: %d term findings, want %d", text, n, want)
		}
	}
	for _, bad := range []string{"={drug}", "!=af", "=a|{cap}"} {
		if _, err := parsePhrase(bad); err == nil || !strings.Contains(err.Error(), "plain words") {
			t.Errorf("parsePhrase(%q) = %v, want a plain-words error", bad, err)
		}
	}
}
