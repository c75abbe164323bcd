package rules

import "testing"

// TestSentenceEnds checks where a dot after a short word ends a sentence:
// the model weighs a post's sentences one by one, and a phrase may not run
// across their ends.
func TestSentenceEnds(t *testing.T) {
	for _, tc := range []struct {
		text, before string
		hard         bool
	}{
		{"what a waste of a bed lol. Vaccines cause autism", "Vaccines", true},
		{"Long night in the ED. Another frequent flyer", "Another", true},
		{"Sent him to bed. My shift is over", "My", true},
		{"Seen by Dr. Smith today", "Smith", false},
		{"at St. Jude tonight", "Jude", false},
		{"J. Smith was seen", "Smith", false},
		{"the pt. was stable", "was", false},
		{"for min. 3 hours", "3", false},
		{"in Rm. 214", "214", false},
	} {
		toks := tokenize(tc.text, nil)
		found := false
		for _, tk := range toks {
			if tc.text[tk.start:tk.end] == tc.before {
				found = true
				if got := tk.gap == gapHard; got != tc.hard {
					t.Errorf("%q: sentence end before %q is %v, want %v", tc.text, tc.before, got, tc.hard)
				}
			}
		}
		if !found {
			t.Errorf("%q: no token %q", tc.text, tc.before)
		}
	}
}

// TestOneCategoryDoesNotHideAnother checks that a post with contempt for a
// patient and a false health claim keeps both findings: the learned model's
// veto reads each sentence, and "lol." ends one.
func TestOneCategoryDoesNotHideAnother(t *testing.T) {
	e := mustEngine(t, "")
	text := "Long night in the ED. Another frequent flyer junkie, what a waste of a bed lol. Vaccines cause autism and ivermectin cures cancer."
	got := map[Category]bool{}
	for _, f := range e.Scan(text).Findings {
		if f.Severity.Rank() >= Warn.Rank() {
			got[f.Category] = true
		}
	}
	for _, c := range []Category{Conduct, Misinformation} {
		if !got[c] {
			t.Errorf("no %s finding at warn or above in %q", c, text)
		}
	}
}
