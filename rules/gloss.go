package rules

import (
	"strconv"
	"strings"
)

// A gloss lets the learned model read a word it has few examples of with
// the weights of a word it knows well: the labelled corpus is mostly
// English, and a Spanish post ("deja la metformina", "mándame fotos por
// privado") shares few words with it, so the model found a third to a half
// fewer of the boundaries, conduct and misinformation posts written in
// Spanish. Each Spanish word of data/gloss_es.txt adds, beside its own
// feature, the feature of its English gloss ("deja" -> "stop"). Only the
// model reads glosses; the rules and the words' classes are unchanged.
//
// The thirty-second session glossed 1,250 more words: every content word
// seen in twelve or more Spanish posts of the corpus that had none.
// Cross-validated by writer (153,600 posts), the Spanish posts' conduct
// recall went from 0.689 to 0.700, misinformation from 0.834 to 0.838 and
// boundaries from 0.847 to 0.850, with the English posts' figures and the
// benign rate unchanged. Spanish still trails English (conduct 0.83).

// glossTable maps a word's hash to the word feature of its gloss, by open
// addressing over a power-of-two table that the scan probes once per word.
type glossTable struct {
	keys  []uint64 // 0 marks an empty slot
	feats []uint32 // the gloss's word feature; 0 for a word glossed in pairs only
	words []uint64 // the gloss's word hash, which pairs are formed from
	marks []bool   // the word counts towards making a post Spanish (data/gloss_es_pairs.txt)
	mask  uint64
	// seen has a bit set for each word's hash (bits 40-54): most words
	// are no glossed word, and one test of a bit in L1 says so. At 32,768
	// bits it is about 5% full with 1,600 words (a quarter with 4,096
	// bits, when an English word probed the table one time in four).
	seen [512]uint64
}

// newGlossTable reads "word gloss" lines (blank lines and "# " comments
// skipped); a line of another shape is an error. pairsData, in the same
// form, glosses words only where they stand in a word pair ("la the"); a
// line ending in "mark" ("que that mark") also counts towards making a post
// Spanish (see Engine.features). A word of both lists keeps its own gloss.
func newGlossTable(name, data, pairsName, pairsData string) (glossTable, error) {
	size, lines := 1, strings.Count(data, "\n")+strings.Count(pairsData, "\n")
	for size < 2*lines+2 {
		size <<= 1
	}
	g := glossTable{keys: make([]uint64, size), feats: make([]uint32, size), words: make([]uint64, size), marks: make([]bool, size), mask: uint64(size - 1)}
	if err := g.read(name, data, false); err != nil {
		return glossTable{}, err
	}
	if err := g.read(pairsName, pairsData, true); err != nil {
		return glossTable{}, err
	}
	return g, nil
}

// read adds the lines of one gloss file; pairOnly marks the pair glosses.
func (g *glossTable) read(name, data string, pairOnly bool) error {
	n := 0
	for len(data) > 0 {
		var line string
		line, data, _ = strings.Cut(data, "\n")
		n++
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// Two fields, split on spaces or tabs as strings.Fields would.
		line = strings.TrimSpace(line)
		cut := strings.IndexAny(line, " \t")
		if cut < 0 {
			cut = len(line)
		}
		w, gl := line[:cut], strings.TrimSpace(line[cut:])
		mark := false
		if pairOnly {
			if c := strings.IndexAny(gl, " \t"); c >= 0 && strings.TrimSpace(gl[c:]) == "mark" {
				gl, mark = gl[:c], true
			}
		}
		if w == "" || gl == "" || strings.ContainsAny(gl, " \t") {
			want := "a word and its gloss"
			if pairOnly {
				want += ", then \"mark\" or nothing"
			}
			return &Error{Msg: "data/" + name + ": line " + strconv.Itoa(n) + ": want " + want}
		}
		h := hashWord(normWord(w))
		if h == 0 {
			h = 1
		}
		k := h & g.mask
		for g.keys[k] != 0 && g.keys[k] != h {
			k = (k + 1) & g.mask
		}
		gh := hashWord(normWord(gl))
		switch {
		case !pairOnly:
			g.keys[k], g.feats[k], g.words[k] = h, featID(gh, featWord), gh
		case g.keys[k] == h:
			g.marks[k] = g.marks[k] || mark // glossed alone already
		default:
			g.keys[k], g.words[k], g.marks[k] = h, gh, mark
		}
		g.seen[h>>40&511] |= 1 << (h >> 49 & 63)
	}
	return nil
}

// slot returns the table slot of the word hashed h, if it has a gloss.
func (g *glossTable) slot(h uint64) (uint64, bool) {
	if h == 0 {
		h = 1
	}
	if g.seen[h>>40&511]&(1<<(h>>49&63)) == 0 {
		return 0, false // also when the table is empty
	}
	for k := h & g.mask; ; k = (k + 1) & g.mask {
		switch g.keys[k] {
		case h:
			return k, true
		case 0:
			return 0, false
		}
	}
}
