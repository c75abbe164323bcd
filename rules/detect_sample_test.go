package rules

import (
	"slices"
	"testing"
)

func TestPlaceholderDate(t *testing.T) {
	for s, want := range map[string]bool{
		"01/01/1900": true, "1/1/1900": true, "1900-01-01": true, "12/31/1899": true, "31.12.1899": true,
		"00/00/0000": true, "01/01/0001": true,
		"01/02/1900": false, "01/01/1970": false, "03/14/1952": false, "1/1/2000": false, "12/30/1899": false,
		"01/01": false, "1/1/1/1900": false, "": false,
	} {
		if got := placeholderDate(s); got != want {
			t.Errorf("placeholderDate(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestExampleAfterEG checks that a number right after "e.g." (which the
// tokenizer splits in two) is an example, and that "e.g." before a label
// and its number ("e.g. MRN 00482291 Gomez") is not.
func TestExampleAfterEG(t *testing.T) {
	e := mustEngine(t, "")
	wantRuleSeverity(t, e, map[string]Severity{
		"An ITIN starts with 9, e.g. 912-78-1234, and files taxes.":                 Info,
		"An ITIN starts with 9, like 912-78-1234, and files taxes.":                 Block,
		"the schedule showed everyone's MRN, e.g. MRN 00482291 Gomez, in the chat.": Block,
	}, "privacy.ssn", "privacy.mrn")
}

// TestSamplePostDemo checks that a post about a demo chart, a manikin or a
// sim chart shows its numbers as samples, and that the same number in a
// patient's chart stays a block.
func TestSamplePostDemo(t *testing.T) {
	e := mustEngine(t, "")
	wantRuleSeverity(t, e, map[string]Severity{
		"de-identify before you upload: the sticker on the med rec says 000-45-1187 for the demo chart.": Info,
		"copying the SimMan sticker for my notes: MRN 00913372, so the chart looks real.":                Info,
		"de-identify before you upload: the sticker on the med rec says 000-45-1187 for her chart.":      Block,
		"ok the SSN in the sim chart today was 900.55.1234. who wrote this scenario.":                    Info,
		"ok the SSN in the pt's chart today was 900.55.1234. who left this on the printer.":              Block,
	}, "privacy.ssn", "privacy.mrn")
}

// ruleSeverity returns the highest severity of text's findings by one of
// rules, or "" when there is none (topSeverity, by rule id).
func ruleSeverity(e *Engine, text string, rules ...string) Severity {
	return topSeverity(e.Scan(text), func(f *Finding) bool { return slices.Contains(rules, f.Rule) })
}

// wantRuleSeverity checks that in each text the strongest finding of rules
// has the wanted severity (none when there is no such finding).
func wantRuleSeverity(t *testing.T, e *Engine, cases map[string]Severity, rules ...string) {
	t.Helper()
	for text, want := range cases {
		if got := ruleSeverity(e, text, rules...); got != want {
			t.Errorf("%q: %v at %q, want %q", text, rules, got, want)
		}
	}
}

// TestServiceNumberStaysInfo checks that an emergency or crisis line in a
// patient's story stays info (it is no one's number), while the family's
// own number in the same story is a block.
func TestServiceNumberStaysInfo(t *testing.T) {
	e := mustEngine(t, "")
	wantRuleSeverity(t, e, map[string]Severity{
		"My patient in bed 4 relapsed last week. If you're in crisis, call or text 988.":        Info,
		"My patient in bed 4 relapsed last week. Her daughter said to call 911 next time.":      Info,
		"My patient in bed 4 relapsed last week. Her daughter left 555-201-7788 for callbacks.": Block,
	}, "privacy.phone")
	for s, want := range map[string]bool{"call 911": true, "988": true, "text 988": true, "555-0131": false, "(555) 201-7788": false} {
		if got := serviceNumber(s); got != want {
			t.Errorf("serviceNumber(%q) = %v, want %v", s, got, want)
		}
	}
}
