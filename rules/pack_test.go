package rules

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// readWordList returns the entries of an embedded data/*.txt table, as the
// compiler reads them one by one (eachWord).
func readWordList(name string) []string {
	var out []string
	eachWord(name, func(w string) { out = append(out, w) })
	return out
}

// TestWordTables checks the front-coded tables decode to sorted, unique,
// lower-case entries that include well-known names and places.
func TestWordTables(t *testing.T) {
	for _, tc := range []struct {
		file string
		min  int
		want []string
	}{
		{"first_names.txt", 5000, []string{"john", "maria", "ana", "jaylen"}},
		{"surnames.txt", 3000, []string{"nguyen", "garcia", "kowalczyk"}},
		{"places.txt", 3000, []string{"boise", "springfield", "san antonio", "st. louis"}},
		{"places_common.txt", 100, []string{"mobile", "dallas"}},
		{"drugs.txt", 300, []string{"metformin", "insulin", "suboxone"}},
	} {
		words := readWordList(tc.file)
		if len(words) < tc.min {
			t.Errorf("%s: %d entries, want at least %d", tc.file, len(words), tc.min)
		}
		if !sort.StringsAreSorted(words) {
			t.Errorf("%s: not sorted", tc.file)
		}
		have := map[string]bool{}
		for i, w := range words {
			if i > 0 && words[i-1] == w {
				t.Errorf("%s: duplicate %q", tc.file, w)
			}
			have[w] = true
		}
		for _, w := range tc.want {
			if !have[w] {
				t.Errorf("%s: missing %q", tc.file, w)
			}
		}
	}
}

// TestEmbeddedUpToDate fails when a pack or table was edited without
// running go generate ./rules.
func TestEmbeddedUpToDate(t *testing.T) {
	for _, f := range packFiles {
		disk, err := os.ReadFile(f.name)
		if err != nil {
			t.Fatal(err)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, disk); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if c.String() != f.data {
			t.Errorf("%s changed: run go generate ./rules", f.name)
		}
	}
	names, _ := filepath.Glob("packs/*.json")
	if len(names) != len(packFiles) {
		t.Errorf("%d packs on disk, %d embedded: run go generate ./rules", len(names), len(packFiles))
	}
	for name, data := range dataFiles {
		disk, err := os.ReadFile("data/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if string(disk) != data {
			t.Errorf("data/%s changed: run go generate ./rules", name)
		}
	}
}

// TestNoSplitNegation guards the phrase grammar's trap: spaces separate
// slots, so "don't|dont|do not tell" is the slots "don't|dont|do", "not",
// "tell", which never matches "don't tell". A slot that lists a negated
// contraction beside "do", "does", "did" or "not" is such a split "do
// not" (two built-in phrases had it); write the two forms as two phrases.
func TestNoSplitNegation(t *testing.T) {
	negated := func(w string) bool {
		switch w {
		case "dont", "cant", "wont", "didnt", "doesnt", "isnt", "arent", "wasnt", "shouldnt", "wouldnt", "couldnt":
			return true
		}
		return strings.HasSuffix(w, "n't") || strings.HasSuffix(w, "n’t")
	}
	aux := map[string]bool{"do": true, "does": true, "did": true, "not": true}
	eachSlot(t, func(id, ph, slot string, alts []string) {
		neg, plain := false, false
		for _, w := range alts {
			neg = neg || negated(w)
			plain = plain || aux[w]
		}
		if neg && plain {
			t.Errorf("%s: phrase %q: slot %q mixes a negated contraction with %q-like words: \"do not\" cannot sit in one slot", id, ph, slot, "do/not")
		}
	})
}

// eachSlot calls f with each slot of every phrase and unless phrase of the
// built-in packs, and the slot's words (its alternatives, brackets off).
func eachSlot(t *testing.T, f func(ruleID, phrase, slot string, alts []string)) {
	t.Helper()
	packs, err := loadPacks()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range packs {
		for _, r := range p.rules {
			for _, ph := range append(append([]string(nil), r.Phrase...), r.Unless...) {
				for _, slot := range strings.Fields(ph) {
					f(r.ID, ph, slot, strings.Split(strings.Trim(slot, "[]"), "|"))
				}
			}
		}
	}
}

// TestNoRepeatedAlternative fails a phrase slot that lists one word twice.
// Spaces separate slots and '|' separates the words of one slot, so
// "identifying details|details changed" is three slots ("identifying",
// "details|details", "changed") that match only "identifying details
// changed", not "details changed": a repeated word is the mark of a phrase
// written as if '|' joined whole phrases.
func TestNoRepeatedAlternative(t *testing.T) {
	eachSlot(t, func(id, ph, slot string, alts []string) {
		seen := map[string]bool{}
		for _, w := range alts {
			if seen[w] {
				t.Errorf("%s: phrase %q: slot %q lists %q twice ('|' joins words of one slot, not phrases)", id, ph, slot, w)
			}
			seen[w] = true
		}
	})
}
