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
	if _, err := newGlossTable("bad.txt", "deja stop\nuna dos tres\n", "", ""); err == nil {
		t.Error("a line of three words: no error")
	}
	glossed := func(g *glossTable, w string) bool {
		k, ok := g.slot(hashWord(w))
		return ok && g.feats[k] != 0
	}
	if g, err := newGlossTable("tabs.txt", "deja\tstop\n  manda   send \r\n", "", ""); err != nil || !glossed(&g, "deja") || !glossed(&g, "manda") {
		t.Errorf("words split by a tab or several spaces: err %v", err)
	}
}

// TestGlossPairsOnlyInSpanishPosts checks that a Spanish post's word pairs
// are also read as their English glosses' pairs ("dejen la insulina" gives
// the pair features of "stop the" and "the insulin"), that a post with
// fewer than spanishMarks marked words gets none, and that SetGlossPairs
// turns them off.
func TestGlossPairsOnlyInSpanishPosts(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	pairs := func(text string) map[uint32]bool {
		ids, _ := e.ModelFeatures(text)
		out := map[uint32]bool{}
		for _, f := range ids {
			if FeatureKind(f) == "pair" {
				out[f] = true
			}
		}
		return out
	}
	en := pairs("stop the insulin")
	es := pairs("que todos los pacientes dejen la insulina")
	for f := range en {
		if !es[f] {
			t.Errorf("Spanish post lacks the English pair feature %x of %q", f, "stop the insulin")
		}
	}
	// Two marks ("la", "que") are not enough: the pairs stay Spanish only.
	short := pairs("que dejen la insulina")
	for f := range en {
		if short[f] {
			t.Errorf("a post with two marked words got the English pair %x", f)
		}
	}
	// An English post is read as before, even with Spanish names in it.
	if got, want := len(pairs("Dr. de la Cruz said stop the insulin")), len(pairs("Dr. Cruz said stop the insulin"))+2; got != want {
		t.Errorf("English post: %d pair features, want %d (its own words' pairs only)", got, want)
	}
	e.SetGlossPairs(false)
	off := pairs("que todos los pacientes dejen la insulina")
	e.SetGlossPairs(true)
	for f := range en {
		if off[f] {
			t.Errorf("SetGlossPairs(false): English pair %x still added", f)
		}
	}
	if _, err := newGlossTable("a.txt", "deja stop\n", "p.txt", "la the mark extra\n"); err == nil {
		t.Error("a pair gloss line of four words: no error")
	}
}
