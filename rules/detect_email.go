package rules

import (
	"strings"
)

// detEmail finds e-mail addresses: name@domain.tld around each '@'.
var detEmail = detector{
	name:   "email",
	doc:    `An e-mail address: "ana.ruiz@example.com".`,
	shapes: []string{"email"},
	pass:   (*Engine).detectEmails,
}

// detectEmails finds name@domain.tld around each '@'.
func (e *Engine) detectEmails(text string, st *scanState) {
	r := e.ruleOf(shEmail)
	if r < 0 {
		return
	}
	for off := 0; ; {
		k := strings.IndexByte(text[off:], '@')
		if k < 0 {
			return
		}
		at := off + k
		off = at + 1
		s := at
		for s > 0 && isEmailLocal(text[s-1]) {
			s--
		}
		for s < at && (text[s] == '.' || text[s] == '-') {
			s++
		}
		end, dots := at+1, 0
		for end < len(text) && (isAlnum(text[end]) || text[end] == '-' || text[end] == '.' && end+1 < len(text) && isAlnum(text[end+1])) {
			if text[end] == '.' {
				dots++
			}
			end++
		}
		if s == at || dots == 0 || !isAlpha(text[end-1]) {
			continue
		}
		t0 := tokenAt(st.toks, s)
		t1 := tokenAt(st.toks, end-1) + 1
		st.add(r, st.toks, t0, t1, s, end)
		off = end
	}
}
