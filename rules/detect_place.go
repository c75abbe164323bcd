package rules

// detPlaceContext finds towns missing from the place tables by the words
// around them. The cue lists: place_cue, the words after which an unknown
// capitalised word is taken for a place ("patient in Swindon", "from
// Wolverhampton"); compass, before "of" ("north of Gympie"); place_site,
// after the name ("the Fremantle clinic") when place_site_before precedes it;
// place_kind, after the name in capitals ("Harlow County", not after a
// word of place_kind_not: "Our County Commissioner").
var detPlaceContext = detector{
	name:   "place_context",
	doc:    `A town the tables miss, by its context: "from Wolverhampton", "the Fremantle clinic".`,
	shapes: []string{"place"},
	classes: []string{"firstname", "firstname_common", "surname_common", "month", "weekday", "title", "clinician",
		"patient_noun", "relation", "unit_noun", "name_stop", "not_place", "state", "state_abbr", "street_suffix"},
	cues: []string{"place_cue", "compass", "place_site", "place_site_before", "place_prefix", "place_kind", "place_kind_not"},
	pass: (*Engine).detectPlacesByContext,
}

// detectPlacesByContext finds towns missing from the place tables by their
// context: a capitalised word that is no known name, unit or common word,
// after "in", "from", "near"... ("of" only after a compass word), or before
// "clinic", "branch", "surgery", "hostel"... ("the Fremantle clinic").
func (e *Engine) detectPlacesByContext(text string, st *scanState) {
	r := e.ruleOf(shPlace)
	if r < 0 {
		return
	}
	toks := st.toks
	cls, cues := &e.b.cls, &e.b.cue
	excl := cls.first | cls.firstCommon | cls.surnameCommon | cls.month | cls.weekday | cls.title | cls.clinician |
		cls.patientNoun | cls.relation | cls.unitNoun | cls.nameStop | cls.notPlace | cls.state | cls.stateAbbr | cls.streetSuffix
	candidate := func(k int) bool {
		if k < 0 || k >= len(toks) {
			return false
		}
		t := &toks[k]
		if t.flags&tUpper == 0 || t.flags&(tDigit|tHan) != 0 || t.end-t.start < 3 || t.flags&(tHashtag|tMention) != 0 {
			return false
		}
		return t.lex < 0 || t.cls&excl == 0
	}
	kindExcl := cls.month | cls.weekday | cls.title | cls.clinician | cls.patientNoun | cls.unitNoun | cls.nameStop | cls.notPlace
	for i := 0; i < len(toks); i++ {
		// Every reading below starts at a capitalised word: most words
		// are passed over here, at one test.
		if toks[i].flags&tUpper == 0 {
			continue
		}
		// "Harlow County", "Tangipahoa Parish": a county named before its
		// kind (cue list place_kind, in capitals), whatever the name but a
		// determiner (place_kind_not: "The County fair", "Every County").
		if n := i + 1; toks[i].flags&(tDigit|tHan|tHashtag|tMention) == 0 && n < len(toks) &&
			toks[n].flags&tUpper != 0 && toks[n].gap <= gapSpace && toks[i].end-toks[i].start >= 3 && cues.placeKind.has(text, toks[n]) &&
			(toks[i].lex < 0 || toks[i].cls&kindExcl == 0) && !cues.placeKindNot.has(text, toks[i]) {
			h := st.add(r, toks, i, n+1, int(toks[i].start), int(toks[n].end))
			h.kind = patReport
			i = n
			continue
		}
		// "San Isidro", "Villa Esperanza", "Puerto Escondido": a Spanish
		// town is named after its kind, before any word in capitals.
		if e.townByKind(text, toks, i) {
			end := i + 2
			if end < len(toks) && toks[end].gap <= gapSpace && candidate(end) {
				end++
			}
			h := st.add(r, toks, i, end, int(toks[i].start), int(toks[end-1].end))
			h.kind = patReport
			i = end - 1
			continue
		}
		if i == 0 || !candidate(i) || toks[i].gap > gapSpace {
			continue
		}
		prev := &toks[i-1]
		cue := false
		switch {
		case isWordIn(text, *prev, "of"):
			cue = i >= 2 && cues.compass.has(text, toks[i-2])
		case cues.placeCue.has(text, *prev):
			cue = prev.flags&tUpper == 0 || prev.flags&tAllCaps != 0 && toks[i].flags&tAllCaps != 0
		}
		end := i + 1
		if end < len(toks) && toks[end].gap <= gapSpace && candidate(end) && (toks[end].lex < 0 || toks[i].flags&tAllCaps == 0) {
			end++ // "Moose Jaw", "Thunder Bay"
		}
		if !cue && end < len(toks) && toks[end].gap <= gapSpace &&
			cues.placeSite.has(text, toks[end]) &&
			cues.placeSiteBefore.has(text, *prev) {
			cue = true
		}
		if !cue {
			continue
		}
		h := st.add(r, toks, i, end, int(toks[i].start), int(toks[end-1].end))
		h.kind = patReport
		i = end - 1
	}
}

// townByKind reports whether tokens i and i+1 name a Spanish town after its
// kind ("San Isidro", "Villa Esperanza"): a place_prefix word in capitals,
// then a capitalised word. detectPlacesByContext reports it as a place and
// detectNames leaves it alone.
func (e *Engine) townByKind(text string, toks []token, i int) bool {
	n := i + 1
	return n < len(toks) && toks[i].flags&tUpper != 0 && toks[i].flags&tAllCaps == 0 && e.b.cue.placePrefix.has(text, toks[i]) &&
		toks[n].gap <= gapSpace && toks[n].flags&tUpper != 0 && toks[n].flags&(tDigit|tHan|tHashtag|tMention) == 0 && !isWordIn(text, toks[n], "claus")
}
