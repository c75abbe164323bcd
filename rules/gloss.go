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
	feats []uint32
	mask  uint64
	// seen has a bit set for each word's hash (bits 40-54): most words
	// are no glossed word, and one test of a bit in L1 says so. At 32,768
	// bits it is about 5% full with 1,600 words (a quarter with 4,096
	// bits, when an English word probed the table one time in four).
	seen [512]uint64
}

// newGlossTable reads "word gloss" lines (blank lines and "# " comments
// skipped); a line of another shape is an error.
func newGlossTable(name, data string) (glossTable, error) {
	size := 1
	for size < 2*strings.Count(data, "\n")+2 {
		size <<= 1
	}
	g := glossTable{keys: make([]uint64, size), feats: make([]uint32, size), mask: uint64(size - 1)}
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
		if w == "" || gl == "" || strings.ContainsAny(gl, " \t") {
			return glossTable{}, &Error{Msg: "data/" + name + ": line " + strconv.Itoa(n) + ": want a word and its gloss"}
		}
		h := hashWord(normWord(w))
		if h == 0 {
			h = 1
		}
		k := h & g.mask
		for g.keys[k] != 0 && g.keys[k] != h {
			k = (k + 1) & g.mask
		}
		g.keys[k], g.feats[k] = h, featID(hashWord(normWord(gl)), featWord)
		g.seen[h>>40&511] |= 1 << (h >> 49 & 63)
	}
	return g, nil
}

// find returns the feature of the gloss of the word hashed h, or 0.
func (g *glossTable) find(h uint64) uint32 {
	if h == 0 {
		h = 1
	}
	if g.seen[h>>40&511]&(1<<(h>>49&63)) == 0 {
		return 0 // also when the table is empty
	}
	for k := h & g.mask; ; k = (k + 1) & g.mask {
		switch g.keys[k] {
		case h:
			return g.feats[k]
		case 0:
			return 0
		}
	}
}
