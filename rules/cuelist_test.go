package rules

import (
	"os"
	"strings"
	"testing"
)

// TestCueListHas checks that a cue list's prefilter never changes an
// answer: for every cue list the detectors read and every token of the
// corpus (and of the lists' own words, in three casings), has answers as
// the plain compare isWordIn does, and find stops at exactly the tokens
// isWordIn accepts.
func TestCueListHas(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/corpus.jsonl")
	if err != nil {
		t.Skip("no corpus")
	}
	var b strings.Builder
	b.Write(data)
	for _, d := range detectors {
		for _, name := range d.cues {
			for _, w := range e.b.cue.slot(name).words {
				b.WriteString(" " + w + " " + strings.ToUpper(w) + " " + capitalize(w))
			}
		}
	}
	text := b.String()
	toks := tokenize(text, nil)
	lists, found := 0, 0
	for _, d := range detectors {
		for _, name := range d.cues {
			l := e.b.cue.slot(name)
			lists++
			next := l.find(text, toks, 0)
			for i, tok := range toks {
				got, want := l.has(text, tok), isWordIn(text, tok, l.words...)
				if got != want {
					t.Fatalf("cue list %s, token %q: has = %v, isWordIn = %v", name, text[tok.start:tok.end], got, want)
				}
				if want {
					found++
				}
				if next < i {
					next = l.find(text, toks, i)
				}
				if (next == i) != want {
					t.Fatalf("cue list %s: find from token %d returns %d, isWordIn(token %d %q) = %v", name, i, next, i, text[tok.start:tok.end], want)
				}
			}
		}
	}
	if lists == 0 || found == 0 {
		t.Fatalf("%d cue lists, %d tokens found in them: the test checks nothing", lists, found)
	}
}

// capitalize returns w with its first byte upper-cased if it is an ASCII
// letter.
func capitalize(w string) string {
	if w != "" && w[0]-'a' < 26 {
		return string(w[0]-'a'+'A') + w[1:]
	}
	return w
}
