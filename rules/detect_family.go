package rules

// detOwnFamily finds a post that opens about the author's own family or pet
// ("My dad (83) got his pacemaker last month", "my 4yo nephew told me",
// "Mi hija de 5 años"): the person in it is a relative, not someone the
// author cared for. Weighing then keeps the learned model from making the
// post a patient's story on its own, and a hit alone (an age, a date)
// from making it about a patient. A relative named later ("he asked about
// my kids", "going home to call my dad"), inside a quotation ("'my mom
// will kill me'"), as a link to someone else ("my kid's soccer coach",
// "la maestra de mi hijo"), or in a post that names a patient ("my
// patient", "a client") does not count.
var detOwnFamily = detector{
	name:    "own_family",
	doc:     `A post that opens about one's own relative or pet: "My husband, 45, needed a filling and asked me to hold his hand".`,
	shapes:  []string{"own_family"},
	classes: []string{"patient_noun"},
	cues:    []string{"family_lead", "family_skip", "relative", "family_link"},
	pass:    (*Engine).detectOwnFamily,
}

func (e *Engine) detectOwnFamily(text string, st *scanState) {
	r := e.ruleOf(shOwnFamily)
	if r < 0 {
		return
	}
	toks := st.toks
	cue := &e.b.cue
	quoted := false // inside a quotation the first sentence has opened
	from := 0       // where the text not yet checked for quotes starts
	for i := 0; i < len(toks); i++ {
		if i > 0 && toks[i].gap == gapHard {
			return // the first sentence only
		}
		quoted = quoted != oddQuotes(text[from:toks[i].start])
		from = int(toks[i].end)
		if quoted || !cue.familyLead.has(text, toks[i]) {
			continue
		}
		if i > 0 && cue.familyLink.has(text, toks[i-1]) {
			continue // "the teacher of my son"
		}
		j := i + 1
		if j < len(toks) && toks[j].gap != gapHard && cue.familySkip.has(text, toks[j]) {
			j++
		}
		if j >= len(toks) || toks[j].gap == gapHard || toks[j].flags&tPossessive != 0 ||
			!cue.relative.has(text, toks[j]) {
			continue
		}
		for k := range toks {
			if e.classOf(toks, k)&e.b.cls.patientNoun != 0 {
				return
			}
		}
		st.addTokens(r, i, j+1)
		return
	}
}

// oddQuotes reports whether s holds an odd number of quotation marks
// (straight double, curly double, or a straight single quote standing
// alone, not an apostrophe inside a word).
func oddQuotes(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			n++
		case c == '\'' && (i == 0 || !isASCIILetter(s[i-1])):
			n++
		case c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0x9c || s[i+2] == 0x9d):
			n++ // “ ”
		}
	}
	return n%2 == 1
}
