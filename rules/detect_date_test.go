package rules

import "testing"

// TestDateEventCue checks that a date after a birth, admission, discharge
// or death cue is the patient's own (block), and that a count between the
// cue and the date makes it a tally instead ("delivered 11 babies on 3/14").
func TestDateEventCue(t *testing.T) {
	e := mustEngine(t, "")
	cases := []struct {
		text  string
		block bool
	}{
		{"My patient was admitted 3/14 with pneumonia.", true},
		{"My patient was born on 3/14/1961.", true},
		{"My patient was admitted at 0300 on 3/14 with sepsis.", true},
		{"J.M., nacido el 3 de marzo de 1961, pasa por tus resultados.", true},
		{"Our L&D delivered 11 babies on 3/14 this year, my patient among them.", false},
		{"We admitted 6 patients on 3/14 after the bus crash.", false},
	}
	for _, tc := range cases {
		got := ruleSeverity(e, tc.text, "privacy.date")
		if got == "" || (got == Block) != tc.block {
			t.Errorf("%q: privacy.date %q, want block %v", tc.text, got, tc.block)
		}
	}
}
