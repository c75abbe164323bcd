package rules

// detCredentialClaim finds a credential or title the author claims,
// hedged within a few words: "Jess Alvarez, RN, FNP-C (boards are in May
// but basically the same thing)", "as a radiologist (ok technically CT
// tech)", "updated my signature to PharmD, CDCES ... manifesting". The
// claim alone is every clinician's bio and the hedge alone ("technically",
// "boards are in May") is everyday talk; in the 60 writers' sets every one
// of the 30 posts it finds is labelled conduct.
var detCredentialClaim = detector{
	name:   "credential_claim",
	doc:    `A credential claimed and hedged: "officially an RN, BSN, CCRN, CEN 🎉 (CEN test is in two weeks but manifesting it!)".`,
	shapes: []string{"credential_claim"},
	rules:  []string{"conduct.credential_hedge"},
	cues:   []string{"credential", "claim_title", "claim_word", "claim_lead"},
	pass:   (*Engine).detectCredentialClaim,
}

func (e *Engine) detectCredentialClaim(text string, st *scanState) {
	hedge := e.b.ids.credentialHedge
	r, ok := e.reportsWith(shCredentialClaim, hedge)
	if !ok {
		return
	}
	for h := range st.hitsOf(hedge) {
		t0, t1 := int(h.t0), int(h.t1)
		for i := max(0, t0-credentialReach); i < len(st.toks) && i < t1+credentialReach; i++ {
			if (i < t0 || i >= t1) && e.claimAt(text, st.toks, i) {
				st.addTokens(r, min(i, t0), max(i+1, t1))
				return // one finding a post
			}
		}
	}
}

// claimAt reports whether token i claims a credential or a title: letters
// written as letters ("RN", "PharmD"; a two-letter one in capitals, so "do"
// and "pa" are words), "Dr." before a name, "as a radiologist", or a word
// about one's title ("signature", "bio", "the letters").
func (e *Engine) claimAt(text string, toks []token, i int) bool {
	t := toks[i]
	cue := &e.b.cue
	if cue.credential.has(text, t) {
		return t.flags&tAllCaps != 0 || t.flags&tUpper != 0 && t.end-t.start > 2
	}
	if cue.claimWord.has(text, t) {
		return true
	}
	if isWordIn(text, t, "dr") && t.flags&tUpper != 0 {
		return i+1 < len(toks) && toks[i+1].flags&tUpper != 0
	}
	// "as a|an [board certified] radiologist": a title after an article
	// that follows a lead-in.
	w := text[t.start:t.end]
	title := cue.claimTitle.has(text, t) || len(w) > 5 && (hasSuffixFold(w, "ist") || hasSuffixFold(w, "ian"))
	if !title {
		return false
	}
	for k := i - 1; k >= 1 && k >= i-3; k-- {
		if isWordIn(text, toks[k], "a", "an", "un", "una") {
			return cue.claimLead.has(text, toks[k-1])
		}
	}
	return false
}

// hasSuffixFold reports whether w ends with the lower-case ASCII suffix s,
// ignoring case.
func hasSuffixFold(w, s string) bool {
	return len(w) >= len(s) && equalLowerASCII(s, w[len(w)-len(s):])
}
