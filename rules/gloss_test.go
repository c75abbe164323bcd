package rules

import (
	"slices"
	"testing"
)

// TestGlossSharesEnglishFeatures checks that a glossed Spanish word, with
// or without its accents and in any case, gives the model the very feature
// its English gloss gives, and that other words get none.
func TestGlossSharesEnglishFeatures(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	wordFeat := func(text string) []uint32 {
		ids, _ := e.ModelFeatures(text)
		var out []uint32
		for _, f := range ids {
			if FeatureKind(f) == "word" {
				out = append(out, f)
			}
		}
		return out
	}
	for _, c := range []struct{ es, en string }{
		{"vacuna", "vaccine"}, {"Vacunas", "vaccines"}, {"mándame", "send"}, {"mandame", "send"},
		{"ESCRÍBEME", "dm"}, {"borracho", "drunk"}, {"código", "code"}, {"codigo", "code"},
		{"alta", "discharge"}, {"cirugía", "surgery"}, {"cirugia", "surgery"},
	} {
		en := wordFeat(c.en)
		es := wordFeat(c.es)
		if len(en) != 1 || len(es) != 2 || !slices.Contains(es, en[0]) {
			t.Errorf("%q: word features %v, want its own and %q's %v", c.es, es, c.en, en)
		}
	}
	for _, w := range []string{"el", "ojalá", "patient", "desde"} {
		if got := wordFeat(w); len(got) != 1 {
			t.Errorf("%q: %d word features, want 1 (no gloss)", w, len(got))
		}
	}
	if _, err := newGlossTable("bad.txt", "deja stop\nuna dos tres\n"); err == nil {
		t.Error("a line of three words: no error")
	}
	if g, err := newGlossTable("tabs.txt", "deja\tstop\n  manda   send \r\n"); err != nil || g.find(hashWord("deja")) == 0 || g.find(hashWord("manda")) == 0 {
		t.Errorf("words split by a tab or several spaces: err %v", err)
	}
}
