package rules

// detPatientContact finds personal contact with someone the author cared
// for, worded any way: a word of personal contact ("matched", "followed",
// "DM'd", "texting", "Instagram", "le escribí") within about a sentence of
// a word of their care (a patient noun, "I discharged", "the guy whose
// ankle I splinted", "on my rotation", "que atendí"). The phrase rules of
// boundaries.patient_contact need both in one fixed wording; the writers'
// sets word it hundreds of ways. An invitation to the public ("DM me")
// is solicitation, not contact, and a rule against it ("never friend a
// patient") is not contact either.
var detPatientContact = detector{
	name:    "patient_contact",
	doc:     `Personal contact with a patient: "matched on hinge with the guy whose ankle I splinted last month".`,
	shapes:  []string{"patient_contact"},
	rules:   []string{"privacy.patient_context", "privacy.encounter", "privacy.care_by_me"},
	classes: []string{"patient_noun"},
	cues:    []string{"contact_act", "past_care", "contact_not"},
	pass:    (*Engine).detectPatientContact,
}

func (e *Engine) detectPatientContact(text string, st *scanState) {
	ids := &e.b.ids
	r, ok := e.reportsWith(shPatientContact, e.b.ctxRule, ids.encounter, ids.careByMe)
	if !ok || st.hasHit(r) {
		return
	}
	toks := st.toks
	cue := &e.b.cue
	// Most posts hold no word of contact: look for one before the care.
	first := cue.contactAct.find(text, toks, 0)
	for first < len(toks) && e.contactExcluded(text, toks, first) {
		first = cue.contactAct.find(text, toks, first+1)
	}
	if first == len(toks) {
		return
	}
	// Where the post speaks of someone's care: its patient nouns, words of
	// past care and the hits of the context rules.
	var care []int32
	for i := range toks {
		if e.classOf(toks, i)&e.b.cls.patientNoun != 0 || cue.pastCare.has(text, toks[i]) {
			care = append(care, int32(i))
		}
	}
	for _, id := range []int32{e.b.ctxRule, ids.encounter, ids.careByMe} {
		for h := range st.hitsOf(id) {
			care = append(care, h.t0)
		}
	}
	if len(care) == 0 {
		return
	}
	for i := first; i < len(toks); i = cue.contactAct.find(text, toks, i+1) {
		if e.contactExcluded(text, toks, i) {
			continue
		}
		for _, c := range care {
			if d := int(c) - i; d <= contactReach && d >= -contactReach && !e.denied(text, toks, int(c)) {
				st.addTokens(r, min(i, int(c)), max(i, int(c))+1)
				return // one finding a post
			}
		}
	}
}

// contactExcluded reports whether the contact word at token i invites the
// public ("DM me", "message me"), is "followed up" or "the following",
// or is denied.
func (e *Engine) contactExcluded(text string, toks []token, i int) bool {
	return i+1 < len(toks) && isWordIn(text, toks[i+1], "me", "us", "up") ||
		i > 0 && isWordIn(text, toks[i], "following") && isWordIn(text, toks[i-1], "the") ||
		e.denied(text, toks, i)
}

// denied reports whether one of the three words before token i denies or
// forbids it ("never friend", "don't follow", "policy on", "no patients").
func (e *Engine) denied(text string, toks []token, i int) bool {
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if e.b.cue.contactNot.has(text, toks[k]) {
			return true
		}
	}
	return false
}
