package rules

import "testing"

// TestNewsHeadline checks the headline shape: a kind of person, an age
// between commas and what happened, opening a sentence or a quotation.
func TestNewsHeadline(t *testing.T) {
	e := mustEngine(t, "")
	r := e.ruleOf(shNewsHeadline)
	if r < 0 {
		t.Fatal("no rule of shape news_headline")
	}
	found := func(text string) bool {
		st := &scanState{silenced: make([]bool, len(e.rules))}
		e.prepare(text, st)
		return st.hasHit(r)
	}
	for _, text := range []string{
		"Man, 51, dies after fall from scaffolding at downtown Ridgeport construction site.",
		"Local man, 73, recovering after ATV crash near Elk Ridge.",
		"LOCAL: 'Girl, 11, recovering after being bitten by shark at Hatteras beach.'",
		"Crews were busy Saturday. Hiker, 45, airlifted from Mount Baldy trail.",
	} {
		if !found(text) {
			t.Errorf("headline not found: %q", text)
		}
	}
	for _, text := range []string{
		"Ethan, 9, cried when we took out his IV.",               // a name
		"My dad, 78, had his knee done today.",                   // a relative
		"Her mom, 88, the sweetest lady on our unit, went home.", // someone's relative
		"Pt, 51, presented with chest pain.",                     // a patient
		"Man, 51. Chest pain since noon.",                        // no verb after a comma
		"The man, 51, was seen in our clinic.",                   // not at the start
	} {
		if found(text) {
			t.Errorf("headline found in %q", text)
		}
	}
}
