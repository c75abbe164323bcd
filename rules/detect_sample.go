package rules

import "strings"

// detSample marks identifiers that point at no patient, after every other
// detector has run: a number that a sample word introduces ("the test card
// 4111 1111 1111 1111", "sample: 900-70-0000", "the CMS sample looks like
// 1EG4-TE5-MK73"), a well-known test number, one whose digits end in a run
// of zeros ("ZXA000000000"), and the author's own or family's ("my ITIN
// 912-78-4410", "my husband's ITIN", "my OWN insurance member ID ...",
// "mine is serial PX4-7781", "plate 8TRW223, that's mine", a plate in a
// sentence about "my car", a card in one about "my debit card"), and every
// one of a post that says its numbers are no one's (a scam text quoted, a
// dummy or test record, "made up"):
// teaching posts show identifier shapes this way, and one's own number is
// no patient's. It is reported at info, never raised by the post's
// context, and does not count as a direct identifier.
var detSample = detector{
	name: "sample",
	doc:  `An identifier written as an example: "an ITIN always starts with 9 (sample: 900-70-0000)".`,
	// The rules whose findings it marks (and phone and device numbers).
	rules:   []string{"privacy.ssn", "privacy.card", "privacy.health_plan", "privacy.account", "privacy.license", "privacy.mrn", "privacy.vehicle", "privacy.name", "privacy.date"},
	classes: []string{"patient_noun"},
	cues:    []string{"sample_cue", "sample_post", "specimen_word", "own", "own_id_word", "own_after", "own_vehicle", "own_thing", "own_filler"},
	pass:    (*Engine).markSamples,
}

// testNumbers are published test and advertising numbers, digits only:
// card networks' test cards, the SSA's advertising SSNs and the wallet
// card SSN, the CMS sample MBI.
var testNumbers = []string{
	"4111111111111111", "4242424242424242", "4012888888881881", "5555555555554444", "5105105105105100",
	"378282246310005", "371449635398431", "6011111111111117", "4000056655665556",
	"5500000000000004", "5200828282828210", "2223003122003222", "6011000990139424",
	"3566002020360505", "36227206271667", "30569309025904",
	"078051120", "219099999", "123456789",
	"1EG4TE5MK73",
}

// patExample marks an identifier written as an example or as the author's
// own: info, never escalated, not a direct identifier.
const patExample patKind = 21

func (e *Engine) markSamples(text string, st *scanState) {
	toks := st.toks
	post := -1 // whether the post says its numbers are no one's, read at its first number
	for i := range st.hits {
		h := &st.hits[i]
		id := e.identOf(e.rules[h.rule], h)
		if id == IDOther && e.b.cue.sample.has(text, toks[h.t0]) {
			// A labelled value whose label is a sample word: "sample: 900-70-0000".
			h.sev, h.kind, h.fixed = Info, patExample, true
			st.shown = true
			continue
		}
		if id == IDName && placeholderName(text, toks, h) {
			// "John Doe", "Jane Sample": the placeholder a form, a
			// teaching slide or an unidentified patient's chart carries.
			h.sev, h.kind, h.fixed = Info, patExample, true
			continue
		}
		if id == IDDate && placeholderDate(text[h.start:h.end]) {
			// "DOB 01/01/1900": the date a record system or a teaching
			// chart fills in when the real one is unknown. Its cue ("DOB")
			// makes it no patient's context either.
			h.sev, h.kind, h.fixed, h.strong = Info, patExample, true, false
			continue
		}
		if id == IDPhone && serviceNumber(text[h.start:h.end]) {
			// "call 911", "text 988": an emergency or crisis line is
			// everyone's number, so it never identifies a patient.
			h.sev, h.kind, h.fixed, h.strong = Info, patExample, true, false
			continue
		}
		if !personalNumber(id) && id != IDPhone && id != IDDevice && id != IDVehicle {
			continue
		}
		if post < 0 {
			post = 0
			if e.samplePost(text, toks) {
				post = 1
			}
		}
		shown := post == 1 || e.sampleWordBefore(text, toks, int(h.t0))
		if !shown && !sampleNumber(text[h.start:h.end]) && !e.ownBefore(text, toks, int(h.t0)) &&
			!e.ownAfter(text, toks, int(h.t1)) && !(id == IDVehicle && e.ownVehicleBefore(text, toks, int(h.t0))) &&
			!(id != IDMRN && e.ownInSentence(text, toks, int(h.t0))) {
			continue
		}
		st.shown = st.shown || shown
		h.sev, h.kind, h.fixed = Info, patExample, true
	}
}

// samplePost reports whether the post says its numbers are no one's: a word
// of sample_post ("scam", "dummy", "fictitious", "zztest") or "made up",
// "test patient", "test record" anywhere in it. In the writers' sets 13
// benign posts with such a word flagged a number at warn or above, and one
// privacy post had one (a phishing e-mail's target, which is why "phishing"
// is none).
func (e *Engine) samplePost(text string, toks []token) bool {
	l := &e.b.cue.samplePost
	for i := range toks {
		w := text[toks[i].start:toks[i].end]
		if l.may(w) && l.match(w) {
			return true
		}
		if len(w) == 3 && equalLowerASCII("not", w) && notRealAt(text, toks, i) {
			return true
		}
		// "made up", "test patient": four letters, m or t, first.
		if len(w) != 4 || w[0]|0x20 != 'm' && w[0]|0x20 != 't' || i+1 == len(toks) || toks[i+1].gap > gapSpace {
			continue
		}
		if equalLowerASCII("made", w) && isWordIn(text, toks[i+1], "up") ||
			equalLowerASCII("test", w) && isWordIn(text, toks[i+1], "patient", "patients", "environment", "record", "records", "database") {
			return true
		}
	}
	return false
}

// serviceNumber reports whether s (a phone finding as written, "call
// 988") holds only three digits: an N11 or crisis line (911, 988, 211,
// 999, 112), which no one person answers.
func serviceNumber(s string) bool { return countDigits(s) == 3 }

// sampleNumber reports whether s (an identifier as written) is a published
// test number or ends in a run of four or more zeros.
func sampleNumber(s string) bool {
	var b [32]byte
	n, zeros := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if c == '0' {
				zeros++
			} else {
				zeros = 0
			}
		case c-'a' < 26:
			c -= 'a' - 'A'
			zeros = 0
		case c-'A' < 26:
			zeros = 0
		default:
			continue // separators
		}
		if n < len(b) {
			b[n] = c
		}
		n++
	}
	if zeros >= 4 {
		return true
	}
	if n > len(b) {
		return false
	}
	for _, t := range testNumbers {
		if string(b[:n]) == t {
			return true
		}
	}
	return false
}

// sampleWordBefore reports whether a sample word ("sample", "e.g.",
// "demo") stands in the sampleReach tokens before token t0, in its
// sentence; a specimen ("blood sample", "lab sample") is not one, but a
// lab's mannequin is ("sim lab mannequin").
func (e *Engine) sampleWordBefore(text string, toks []token, t0 int) bool {
	if toks[t0].flags&tDigit != 0 && abbrevEG(text, toks, t0-1) {
		return true // "e.g. 912-78-1234", not "e.g. MRN 00482291 Gomez"
	}
	for k := t0 - 1; k >= 0 && k >= t0-sampleReach; k-- {
		if e.b.cue.sample.has(text, toks[k]) {
			return k == 0 || !isWordIn(text, toks[k], "sample", "samples", "muestra", "muestras") ||
				!e.b.cue.specimen.has(text, toks[k-1])
		}
		if toks[k].gap == gapHard {
			return false
		}
	}
	return false
}

// notRealAt reports whether the token after "not" at i says a number is
// no one's: "not a real person", "not real numbers", "not a real patient".
func notRealAt(text string, toks []token, i int) bool {
	k := i + 1
	if k < len(toks) && isWordIn(text, toks[k], "a") {
		k++
	}
	return k+1 < len(toks) && isWordIn(text, toks[k], "real") &&
		isWordIn(text, toks[k+1], "person", "patient", "number", "numbers", "card", "id", "ssn", "mbi", "account", "people", "patients")
}

// abbrevEG reports whether token k is the "g" of "e.g.", which the
// tokenizer splits in two: a cue list cannot hold it.
func abbrevEG(text string, toks []token, k int) bool {
	return k > 0 && isWordIn(text, toks[k], "g") && isWordIn(text, toks[k-1], "e") &&
		text[toks[k-1].end:toks[k].start] == "."
}

// ownBefore reports whether the identifier at token t0 is the author's own
// or a relative's: "my" (or "mine") in the ownReach tokens before it with
// only words of a label or a relative between ("my own dental insurance
// member ID", "my husband's ITIN"); "my patient's MRN" is not.
func (e *Engine) ownBefore(text string, toks []token, t0 int) bool {
	for k := t0 - 1; k >= 0 && k >= t0-ownReach; k-- {
		if e.b.cue.own.has(text, toks[k]) {
			return true
		}
		if toks[k+1].gap == gapHard && k+1 < t0 || !e.b.cue.ownIDWord.has(text, toks[k]) {
			return false
		}
	}
	return false
}

// ownInSentence reports whether the sentence of the identifier at token t0
// speaks, before it, of the author's own card, papers or relative: the
// nearest "my" and, at most two words of own_filler on ("my whole debit
// card"), a word of own_thing ("printed my whole debit card on the
// receipt: 4539 ...", "sent to my card by mistake, charge on 5425 ...",
// "My own mom got a bill with her Medicare number 1EG4TE5MK72"). An identifier that opens its
// sentence reads the sentence before too ("my ITIN paperwork finally came
// through! 912-78-4405, framed"). A patient word between them makes the
// number a patient's, and a medical record number is never counted own
// this way: "my cousin ... MRN" is a relative one treated.
func (e *Engine) ownInSentence(text string, toks []token, t0 int) bool {
	cue := &e.b.cue
	for k := t0 - 1; k >= 0 && k >= t0-ownSentenceReach; k-- {
		// A sentence's start ends the search, but for the identifier's
		// own: one that opens its sentence reads the one before.
		if toks[k+1].gap == gapHard && k+1 != t0 {
			return false
		}
		if toks[k].lex >= 0 && toks[k].cls&e.b.cls.patientNoun != 0 {
			return false // "my sister-in-law is the new patient with ITIN ..."
		}
		if !cue.own.has(text, toks[k]) || toks[k].flags&tMention != 0 {
			continue
		}
		// The nearest "my" decides: "my card got declined, and then my
		// patient's card ..." is the patient's.
		for j := k + 1; j < t0 && j <= k+3 && toks[j].gap <= gapSpace; j++ {
			if cue.ownThing.has(text, toks[j]) {
				return true
			}
			if !cue.ownFiller.has(text, toks[j]) {
				break
			}
		}
		return false
	}
	return false
}

// ownAfter reports whether the identifier ending before token t1 is
// claimed by the author right after it: "mine" within ownAfterReach tokens
// ("Plate 8TRW223 if anyone sees it, that's mine").
func (e *Engine) ownAfter(text string, toks []token, t1 int) bool {
	for k := t1; k < len(toks) && k < t1+ownAfterReach; k++ {
		if e.b.cue.ownAfter.has(text, toks[k]) {
			return true
		}
	}
	return false
}

// ownVehicleBefore reports whether the sentence of the plate or VIN at
// token t0 speaks of the author's own vehicle before it ("my car got
// broken into in the clinic lot ... a silver Civic, plate 4TRW981").
func (e *Engine) ownVehicleBefore(text string, toks []token, t0 int) bool {
	for k := t0 - 1; k > 0 && k >= t0-ownVehicleReach; k-- {
		if e.b.cue.ownVehicle.has(text, toks[k]) && e.b.cue.own.has(text, toks[k-1]) {
			return true
		}
		if toks[k].gap == gapHard {
			return false
		}
	}
	return false
}

// placeholderDate reports whether a date written in digits is a
// placeholder: 1 January 1900 (a common default of record systems), 31
// December 1899, a year 0000 or 0001, or all zeros. No patient's birth date
// is one of them.
func placeholderDate(s string) bool {
	var parts [3]string
	n := 0
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if n == len(parts) {
			return false
		}
		parts[n] = s[i:j]
		n++
		i = j
	}
	if n != 3 {
		return false
	}
	year, a, b := "", "", ""
	switch {
	case len(parts[0]) == 4:
		year, a, b = parts[0], parts[1], parts[2]
	case len(parts[2]) == 4:
		year, a, b = parts[2], parts[0], parts[1]
	default:
		return false
	}
	one := func(x string) bool { return x == "1" || x == "01" }
	zero := func(x string) bool { return strings.Trim(x, "0") == "" }
	switch year {
	case "1900":
		return one(a) && one(b)
	case "1899":
		return a == "12" && b == "31" || a == "31" && b == "12"
	case "0000", "0001":
		return true
	}
	return zero(year) && zero(a) && zero(b)
}

// placeholderName reports whether name hit h is a placeholder name: John,
// Jane or Baby Doe, or Jane or John Sample, written as one ("John Doe")
// whether or not the name detector took the surname too. Such a name is
// no one's: the alias of an unidentified patient, or a form's example.
func placeholderName(text string, toks []token, h *hit) bool {
	if !isWordIn(text, toks[h.t0], "john", "jane", "baby", "jon") {
		return false
	}
	last := int(h.t1) - 1
	if last == int(h.t0) {
		if last+1 >= len(toks) || toks[last+1].gap > gapSpace {
			return false
		}
		last++
	}
	return last == int(h.t0)+1 && isWordIn(text, toks[last], "doe", "sample")
}
