package rules

import "strings"

// detOwnFamily finds a post that opens about the author's own family or
// pet ("My dad (83) got his pacemaker last month", "my 4yo nephew told
// me", "Mi hija de 5 años", "Happy birthday mom!"): the person in it is a
// relative, not someone the author cared for. Weighing then keeps the
// learned model from making the post a patient's story on its own, and a
// hit alone (an age, a date) from making it about a patient. A relative
// named later ("he asked about my kids", "going home to call my dad"),
// inside a quotation ("'my mom will kill me'"), as a link to someone else
// ("my kid's soccer coach", "la maestra de mi hijo"), addressed by @handle
// ("my cousin @bethanyg_87: your mom's level came back high"), or in a
// post that names a patient ("my patient", "a client") does not count. A
// family title used as a name opens about a relative too: "Grandpa Joe
// turned 97 yesterday", "Update for the family: Aunt Rosa is home".
var detOwnFamily = detector{
	name:    "own_family",
	doc:     `A post that opens about one's own relative or pet: "My husband, 45, needed a filling and asked me to hold his hand".`,
	shapes:  []string{"own_family"},
	cues:    []string{"family_lead", "family_skip", "relative", "family_link", "family_link_noun", "family_of_head", "family_greeting", "family_title", "patience_before", "patience_after"},
	classes: []string{"patient_noun", "occupation", "firstname", "clinician"},
	pass:    (*Engine).detectOwnFamily,
}

// familyOpener is the most tokens of a first sentence that only opens the
// post ("Long post, sorry.", "Update:", "Ok so."): the relative may come in
// the second.
const familyOpener = 4

func (e *Engine) detectOwnFamily(text string, st *scanState) {
	r := e.ruleOf(shOwnFamily)
	if r < 0 {
		return
	}
	toks := st.toks
	quoted := false // inside a quotation the first sentence has opened
	opened := false // past a short first sentence
	from := 0       // where the text not yet checked for quotes starts
	for i := 0; i < len(toks); i++ {
		if i > 0 && toks[i].gap == gapHard {
			// The first sentence only, or the second after a short
			// opener ("Long post, sorry. My mom gave me her blessing").
			if opened || i > familyOpener {
				return
			}
			opened = true
		}
		quoted = quoted != oddQuotes(text[from:toks[i].start])
		from = int(toks[i].end)
		if quoted {
			continue
		}
		if i0, j, ok := e.familyAt(text, toks, i); ok {
			if e.namesPatient(text, toks) {
				return
			}
			st.addTokens(r, i0, j+1)
			return
		}
	}
}

// familyAt reports whether token i starts the author's own relative: "my"
// and a relative (i0 = i), or a relative greeted at the end of the
// sentence ("Happy birthday mom!", "love you dad"; i0 = i-1). j is the
// relative's token.
func (e *Engine) familyAt(text string, toks []token, i int) (i0, j int, ok bool) {
	cue := &e.b.cue
	// The cheap test first: most tokens do not end a sentence.
	if i > 0 && (i+1 == len(toks) || toks[i+1].gap == gapHard) &&
		cue.relative.has(text, toks[i]) && cue.familyGreeting.has(text, toks[i-1]) && greetingDay(text, toks, i-1) {
		return i - 1, i, true
	}
	if j, ok := e.familyTitleAt(text, toks, i); ok {
		return i, j, true
	}
	if !cue.familyLead.has(text, toks[i]) {
		return 0, 0, false
	}
	if i > 0 && cue.familyLink.has(text, toks[i-1]) && !e.familyOfHeadAt(text, toks, i-1) {
		return 0, 0, false // "the teacher of my son"
	}
	// "my own kid", "my 94-year-old great-grandma", "my 92yo grandpa": up
	// to four words of age and kind between "my" and the relative.
	j = i + 1
	for n := 0; n < 4 && j < len(toks) && toks[j].gap != gapHard &&
		(cue.familySkip.has(text, toks[j]) || toks[j].flags&(tDigit|tLetter) == tDigit || isAgeWord(text[toks[j].start:toks[j].end])); n++ {
		j++
	}
	if j < len(toks) && toks[j].gap != gapHard && !cue.relative.has(text, withoutPossessive(text, toks[j])) {
		// "my 6 yo asked", "my 12-month-old", "my 4yo": an age standing
		// for one's child.
		if k, ok := e.ageAsChild(text, toks, i+1, j); ok {
			return i, k, true
		}
		return 0, 0, false
	}
	if j >= len(toks) || toks[j].gap == gapHard {
		return 0, 0, false
	}
	// "my cousin @bethanyg_87": a public reply to a relative, which may
	// well carry someone's care ("your mom's dig level came back high").
	if j+1 < len(toks) && toks[j+1].flags&tMention != 0 {
		return 0, 0, false
	}
	// "my grandma's 100th birthday" is about her; "my kid's soccer coach"
	// is about the coach.
	if toks[j].flags&tPossessive != 0 && e.linksTo(text, toks, j+1) {
		return 0, 0, false
	}
	return i, j, true
}

// familyOfHeadAt reports whether the link word at l ("of", "de") follows
// a word that makes the relative the subject, not a way to someone else,
// near the start of its sentence: "So proud of my daughter", "Found an old
// photo of my dad", "Cumpleaños 95 de mi abuela" (a number may stand
// between them); but not "she likes every photo of my kids".
func (e *Engine) familyOfHeadAt(text string, toks []token, l int) bool {
	h := l - 1
	if h > 0 && toks[h].flags&(tDigit|tLetter) == tDigit && toks[h].gap != gapHard {
		h-- // "Cumpleaños 95 de mi abuela"
	}
	if h < 0 || toks[l].gap == gapHard || !e.b.cue.familyOfHead.has(text, toks[h]) {
		return false
	}
	for k := h; k > 0 && toks[k].gap != gapHard; k-- {
		if h-k >= familyOpener-1 {
			return false
		}
	}
	return true
}

// familyTitleAt reports whether token i is a family title used as a name,
// capitalised and with a first name after it, that starts the post or
// follows a colon ("Grandpa Joe turned 97", "Update: Aunt Rosa is home"):
// one's own relative, where "the grandpa in 4", "our Grandpa Joe on 5
// West" or a relative addressed ("yes Lois, Uncle Raymond can eat now")
// is not. The title alone, possessive, opens about a relative too
// ("Grandpa's 102nd birthday party today"). j is the name's token (the
// title's, when it stands alone).
func (e *Engine) familyTitleAt(text string, toks []token, i int) (j int, ok bool) {
	j = i + 1
	if i > 0 && toks[i].gap != gapHard && strings.IndexByte(text[toks[i-1].end:toks[i].start], ':') < 0 {
		return 0, false // "Answering you here, Grandpa Joe:", "(we know them, Abuela Rosa's"
	}
	// "Grandpa's 102nd birthday party today", "Grandma's pacemaker check
	// went great": the title alone, possessive, opening the post.
	if toks[i].flags&(tUpper|tPossessive) == tUpper|tPossessive && e.b.cue.familyTitle.has(text, withoutPossessive(text, toks[i])) &&
		!e.linksTo(text, toks, i+1) && (i+1 == len(toks) || e.classOf(toks, i+1)&e.b.cls.clinician == 0) {
		return i, true // but "Grandma's nurse told me" is about the nurse
	}
	if j >= len(toks) || toks[j].gap != gapSpace ||
		toks[i].flags&tUpper == 0 || toks[j].flags&tUpper == 0 || toks[j].flags&tPossessive != 0 && e.linksTo(text, toks, j+1) {
		return 0, false
	}
	if !e.b.cue.familyTitle.has(text, toks[i]) || e.classOf(toks, j)&e.b.cls.first == 0 {
		return 0, false
	}
	return j, true
}

// ageAsChild reports whether the words [from, j) after "my", with token j,
// are an age that stands for a child ("6 yo", "12-month-old", "4yo") and
// returns the age's last token. The age must not go on to name someone
// else ("my 85 year old patient", "my 6 yo's teacher").
func (e *Engine) ageAsChild(text string, toks []token, from, j int) (int, bool) {
	last := -1
	switch {
	case j-from >= 1 && isAgeWord(text[toks[j-1].start:toks[j-1].end]):
		last = j - 1 // "4yo"
	case j-from >= 1 && j+1 < len(toks) && toks[j-1].flags&(tDigit|tLetter) == tDigit && isWordIn(text, toks[j], "y") &&
		isWordIn(text, toks[j+1], "o") && text[toks[j].end:toks[j+1].start] == "/":
		last = j + 1 // "4 y/o"
	case j-from >= 2 && toks[j-2].flags&(tDigit|tLetter) == tDigit && isWordIn(text, toks[j-1], "yo", "old") ||
		j-from >= 3 && toks[j-3].flags&(tDigit|tLetter) == tDigit && isWordIn(text, toks[j-2], "year", "month", "week") && isWordIn(text, toks[j-1], "old"):
		last = j - 1 // "6 yo", "12-month-old"
	default:
		return 0, false
	}
	// A child's age: "my 97yo on 6 North" is a patient.
	for k := from; k <= last; k++ {
		if toks[k].flags&tDigit != 0 {
			w := text[toks[k].start:toks[k].end]
			n := 0
			for n < len(w) && w[n] >= '0' && w[n] <= '9' {
				n++
			}
			if atoi(w[:n]) >= 18 {
				return 0, false
			}
			break
		}
	}
	if n := last + 1; n < len(toks) && toks[n].gap != gapHard &&
		(e.classOf(toks, n)&(e.b.cls.patientNoun|e.b.cls.occupation) != 0 || e.b.cue.familyLinkNoun.has(text, toks[n]) || toks[last].flags&tPossessive != 0) {
		return 0, false
	}
	return last, true
}

// isAgeWord reports whether w is an age written as one word: one or two
// digits, then "yo", "yr" or "mo" ("4yo", "18mo").
func isAgeWord(w string) bool {
	k := 0
	for k < len(w) && w[k] >= '0' && w[k] <= '9' {
		k++
	}
	if k == 0 || k > 2 {
		return false
	}
	rest := w[k:]
	return len(rest) == 2 && (equalLowerASCII("yo", rest) || equalLowerASCII("mo", rest) || equalLowerASCII("yr", rest))
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

// linksTo reports whether one of the three words from token k names
// another person ("soccer coach", "teacher", "friend"): a relative's
// possessive then introduces that person.
func (e *Engine) linksTo(text string, toks []token, k int) bool {
	for n := k; n < len(toks) && n < k+3 && (n == k || toks[n].gap != gapHard); n++ {
		if e.b.cue.familyLinkNoun.has(text, toks[n]) || e.classOf(toks, n)&e.b.cls.occupation != 0 {
			return true
		}
	}
	return false
}

// withoutPossessive returns t without its possessive "'s" or "’s", if it
// has one ("grandma's" reads as "grandma").
func withoutPossessive(text string, t token) token {
	if t.flags&tPossessive != 0 {
		if text[t.end-2] == '\'' {
			t.end -= 2
		} else {
			t.end -= 4 // ’s
		}
		t.flags &^= tPossessive
	}
	return t
}

// scareQuoted reports whether token t stands alone between quotation
// marks: "'pt'", "“patient”".
func scareQuoted(text string, t token) bool {
	before, after := text[:t.start], text[t.end:]
	return (strings.HasSuffix(before, "'") || strings.HasSuffix(before, `"`) || strings.HasSuffix(before, "\u2018") || strings.HasSuffix(before, "\u201c")) &&
		(strings.HasPrefix(after, "'") || strings.HasPrefix(after, `"`) || strings.HasPrefix(after, "\u2019") || strings.HasPrefix(after, "\u201d"))
}

// namesPatient reports whether the post speaks of a patient ("my
// patient", "a pt", "the client"), not of patience ("be patient with
// your denture people") or a physical therapist ("her own PT").
func (e *Engine) namesPatient(text string, toks []token) bool {
	for k := range toks {
		if e.classOf(toks, k)&e.b.cls.patientNoun == 0 || toks[k].flags&tAllCaps != 0 {
			continue
		}
		if k > 0 && e.b.cue.patienceBefore.has(text, toks[k-1]) || k+1 < len(toks) && e.b.cue.patienceAfter.has(text, toks[k+1]) {
			continue // the adjective
		}
		if scareQuoted(text, toks[k]) {
			continue // "my most compliant 'pt'": a relative called one in jest
		}
		return true
	}
	return false
}

// greetingDay reports whether the greeting at token g, when it is "day",
// names a day of greeting: "Happy Mother's Day mom!", "Fathers Day dad";
// not "Leap day baby!" or "Game day baby!", where the relative is a word of
// endearment or the newborn of a delivery. Other greetings always are.
func greetingDay(text string, toks []token, g int) bool {
	if !isWordIn(text, toks[g], "day") {
		return true
	}
	if g == 0 || toks[g].gap == gapHard {
		return false
	}
	w := text[toks[g-1].start:toks[g-1].end]
	return toks[g-1].flags&tPossessive != 0 || len(w) > 1 && (w[len(w)-1]|0x20) == 's'
}
