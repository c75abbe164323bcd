package rules

import (
	"strings"
)

// detMasked finds starred-out profanity.
var detMasked = detector{
	name:   "masked",
	doc:    `A word with letters starred out: "f***", "sh*t".`,
	shapes: []string{"masked"},
	pass:   (*Engine).detectMasked,
}

// detectMasked finds words with letters starred out, "f***", "sh*t",
// "clusterf***": the writer knew it was profanity.
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
		if stars < 1 || stars > 6 || end-int(t.start) < 3 {
			continue
		}
		st.add(r, toks, i, tokenAt(toks, end-1)+1, int(t.start), end)
	}
}
