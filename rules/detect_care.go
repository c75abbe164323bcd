package rules

import "strings"

// detCareAddress finds a person's care told to them in public: a post
// that opens by addressing someone (an @handle, "Mr. Haskins,", "Rosa!!",
// "Frankie your ...") and speaks of their prescription, results, visit or
// relative ("your Eliquis refill", "your potassium", "your mom") in words
// of the author's own part in that care ("is ready for pickup", "came
// back", "at the clinic", "I called it in"). Replies that advise a
// stranger say "your" and a medicine too, but not the author's part: in
// the 60 writers' sets 49 of the 51 posts with the three signals were
// labelled privacy. Words that make the addressee the author's own patient
// (privacy.patient_addressed: "you were literally in my clinic Tuesday",
// "it's in your chart", "ya te dije en la sesión") need no "your" and
// medicine: in 109,200 writers' posts, 60 of the 61 replies with them were
// labelled privacy.
var detCareAddress = detector{
	name:    "care_address",
	doc:     `A named person's care in public: "Jasmine — your amoxicillin is ready for pick-up at the Elm Street counter".`,
	shapes:  []string{"care_address"},
	rules:   []string{"privacy.care_by_me", "privacy.patient_addressed"},
	classes: []string{"drug", "firstname", "firstname_common"},
	cues:    []string{"care_noun", "address_title", "your"},
	pass:    (*Engine).detectCareAddress,
}

func (e *Engine) detectCareAddress(text string, st *scanState) {
	byMe, addressed := e.b.ids.careByMe, e.b.ids.addressed
	r, ok := e.reportsWith(shCareAddress, byMe, addressed)
	if !ok || len(st.toks) < 3 {
		return
	}
	mine := st.hasHit(byMe)
	if !mine && !st.hasHit(addressed) {
		return
	}
	toks := st.toks
	k := e.addressEnd(text, toks)
	if k < 0 {
		return
	}
	// Words that make the addressee one's patient, after the address.
	for h := range st.hitsOf(addressed) {
		if int(h.t0) >= k {
			st.addTokens(r, 0, int(h.t1))
			return
		}
	}
	if !mine {
		return
	}
	cls := &e.b.cls
	for i := k; i < len(toks) && i < k+careReach; i++ {
		if !e.b.cue.your.has(text, toks[i]) {
			continue
		}
		for j := i + 1; j < len(toks) && j <= i+3; j++ {
			if e.classOf(toks, j)&cls.drug != 0 || e.b.cue.careNoun.has(text, toks[j]) || j == i+1 && brandLike(toks[j]) {
				st.addTokens(r, 0, j+1)
				return
			}
		}
	}
}

// brandLike reports whether t looks like a brand name the drug table does
// not hold ("your Creon", "your Jardiance"): a capitalised word the
// lexicon does not know.
func brandLike(t token) bool {
	return t.flags&tUpper != 0 && t.flags&(tDigit|tAllCaps) == 0 && t.lex < 0
}

// addressEnd returns the index of the token after the post's opening
// address, or -1 when it opens with none: "@handle" (after "Replying to"),
// a title and a name ("Mr. Haskins", "Señora Leticia"), or a first name,
// even one that is also a word ("Jasmine —", "Glen,"), set off by
// punctuation or followed by "your" ("Rosa!!", "Frankie your").
func (e *Engine) addressEnd(text string, toks []token) int {
	k := replyLead(text, toks)
	t := toks[k]
	switch {
	case t.flags&tMention != 0:
		return handleEnd(text, toks, k)
	case e.b.cue.addressTitle.has(text, t) && k+1 < len(toks) && toks[k+1].flags&tUpper != 0:
		return k + 2
	case t.flags&tUpper != 0 && e.classOf(toks, k)&(e.b.cls.first|e.b.cls.firstCommon) != 0 && k+1 < len(toks):
		if end := int(t.end); end < len(text) && (text[end] == ',' || text[end] == '!' || text[end] == ':') ||
			strings.HasPrefix(text[end:], " —") || strings.HasPrefix(text[end:], " -") ||
			e.b.cue.your.has(text, toks[k+1]) {
			return k + 1
		}
	}
	return -1
}
