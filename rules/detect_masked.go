package rules

import (
	"strings"
)

// detMasked finds starred-out profanity.
var detMasked = detector{
	name:   "masked",
	doc:    `A word with letters starred out: "f***", "sh*t".`,
	shapes: []string{"masked"},
	cues:   []string{"masked_word"},
	pass:   (*Engine).detectMasked,
}

// detectMasked finds words with letters starred out, "f***", "sh*t",
// "clusterf***": the writer knew it was profanity. The starred word must
// fit a profane word letter for letter (masked_word), so emphasis ("*beeps
// louder*") and a starred-out "Q****" (quiet) are not profanity.
func (e *Engine) detectMasked(text string, st *scanState) {
	r := e.ruleOf(shMasked)
	if r < 0 || strings.IndexByte(text, '*') < 0 {
		return
	}
	toks := st.toks
	for i := range toks {
		t := &toks[i]
		end := int(t.end)
		if end >= len(text) || text[end] != '*' || t.flags&tDigit != 0 || t.end-t.start > 8 {
			continue
		}
		if t.start > 0 && text[t.start-1] == '*' {
			continue // "**bold**"
		}
		stars := 0
		for end < len(text) && text[end] == '*' {
			end++
			stars++
		}
		for end < len(text) && isAlpha(text[end]) {
			end++
		}
		if stars < 1 || stars > 6 || end-int(t.start) < 3 || !e.fitsMasked(text[t.start:end]) {
			continue
		}
		st.add(r, toks, i, tokenAt(toks, end-1)+1, int(t.start), end)
	}
}

// fitsMasked reports whether w, with each '*' standing for one letter,
// spells a word of the masked_word cue list.
func (e *Engine) fitsMasked(w string) bool {
	for _, x := range e.b.cue.masked.words {
		if len(x) != len(w) {
			continue
		}
		k := 0
		for k < len(w) {
			c := w[k]
			if c-'A' < 26 {
				c += 'a' - 'A'
			}
			if c != '*' && c != x[k] {
				break
			}
			k++
		}
		if k == len(w) {
			return true
		}
	}
	return false
}
