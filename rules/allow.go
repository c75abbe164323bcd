package rules

// The personal allow list: words a clinician says are not to be flagged
// (Policy.Allow). Hits are dropped before weighing, so an allowed name no
// longer makes a post about a patient or counts in its story.

// allowList holds the allowed words and phrases in normal form.
type allowList struct {
	words map[string]bool
	// identifiers: the privacy identifier rules still flag allowed words
	// (allow_scope "non_identifiers").
	identifiers bool
}

func newAllowList(p *Policy) *allowList {
	if len(p.Allow) == 0 {
		return nil
	}
	a := &allowList{words: make(map[string]bool, len(p.Allow)), identifiers: p.AllowScope == "non_identifiers"}
	for _, w := range p.Allow {
		if n := allowForm(nil, w); len(n) > 0 {
			a.words[string(n)] = true
		}
	}
	return a
}

// allowForm appends the normal form of s: lower case, curly apostrophes
// straight, runs of spaces (and other separators between words) as one
// space, no space at either end.
func allowForm(dst []byte, s string) []byte {
	toks := tokenize(s, nil)
	for i, t := range toks {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendLower(dst, s[t.start:t.end])
	}
	return dst
}

// dropAllowed removes the hits whose text is on the allow list.
func (e *Engine) dropAllowed(text string, st *scanState) {
	a := e.allow
	kept := st.hits[:0]
	for _, h := range st.hits {
		if !(a.identifiers && e.identOf(e.rules[h.rule], &h) != "") && a.has(st, text, &h) {
			for k := h.t0; k < h.t1; k++ {
				st.toks[k].flags |= tAllowed // nor does the learned model read it
			}
			continue
		}
		kept = append(kept, h)
	}
	st.hits = kept
}

// has reports whether the hit's text, or that text without a possessive
// 's, is allowed.
func (a *allowList) has(st *scanState, text string, h *hit) bool {
	st.low = st.low[:0]
	for k := h.t0; k < h.t1; k++ {
		t := &st.toks[k]
		if t.end <= h.start || t.start >= h.end {
			continue
		}
		if len(st.low) > 0 {
			st.low = append(st.low, ' ')
		}
		st.low = appendLower(st.low, text[max(t.start, h.start):min(t.end, h.end)])
	}
	if a.words[string(st.low)] {
		return true
	}
	if n := len(st.low); n > 2 && st.low[n-2] == '\'' && st.low[n-1] == 's' {
		return a.words[string(st.low[:n-2])]
	}
	return false
}
