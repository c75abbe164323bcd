package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// People's names are found from the words around them and the name tables:
//
//	Mr. Okafor, Mrs. K           a courtesy title and a capitalised word
//	pt Ana Ruiz, my patient JD   a patient word and a known name or initials
//	his wife Linda               a relation and a known first name
//	Maria Lopez                  a known first name and a surname
//	Maria (alone)                a known first name, in a post about a patient
//	@jess.whitaker22             a person's @handle (not an organisation's)
//
// Names after "Dr." or "nurse" are colleagues: reported, never escalated.

// nameHit kinds, kept in hit.kind for weigh.
const (
	patLoneName patKind = 10 + iota // a first name alone: only in patient posts
)

// detNames finds people's names (see above).
var detNames = detector{
	name:   "names",
	doc:    `A person's name: "Mr. Okafor", "pt Ana Ruiz", "his wife Linda", "Maria Lopez".`,
	shapes: []string{"name"},
	classes: []string{"firstname", "firstname_common", "surname", "surname_common", "title", "office_title", "clinician",
		"patient_noun", "relation", "name_stop", "enc_verb", "sex_word"},
	cues: []string{"family_noun", "org_handle", "credential", "place_prefix"},
	pass: (*Engine).detectNames,
}

func (e *Engine) detectNames(text string, st *scanState) {
	r := e.ruleOf(shName)
	if r < 0 {
		return
	}
	toks := st.toks
	cls := &e.b.cls
	classOf := func(i int) classSet { return e.classOf(toks, i) }
	cap := func(i int) bool { return toks[i].flags&tUpper != 0 && toks[i].flags&tDigit == 0 }
	plain := func(i int) bool { return toks[i].flags&(tDigit|tHan) == 0 && toks[i].flags&tLetter != 0 }
	initials := func(i int) bool {
		n := toks[i].end - toks[i].start
		return toks[i].flags&tAllCaps != 0 && n >= 2 && n <= 3 || n == 1 && toks[i].flags&tUpper != 0
	}
	knownFirst := func(i int) bool { return classOf(i)&cls.first != 0 }
	knownName := func(i int) bool { return classOf(i)&(cls.first|cls.surname) != 0 }
	anyName := func(i int) bool {
		return classOf(i)&(cls.first|cls.surname|cls.firstCommon|cls.surnameCommon) != 0
	}
	stop := func(i int) bool { return classOf(i)&cls.nameStop != 0 }
	// extend grows a name over following surnames, initials and unknown
	// capitalised words: "Ana Ruiz", "John D.", "Maria de la Cruz".
	extend := func(j int, lower bool) int {
		k := j + 1
		for n := 0; k < len(toks) && n < 3 && toks[k].gap <= gapJoin; n++ {
			switch {
			case stop(k) || !plain(k) && !initials(k):
				return k
			case cap(k) && (anyName(k) || toks[k].lex < 0 || initials(k)):
				k++
			case lower && classOf(k)&cls.surname != 0:
				k++
			default:
				return k
			}
		}
		return k
	}
	add := func(t0, t1 int, sev Severity, strong bool, kind patKind) {
		h := st.add(r, toks, t0, t1, int(toks[t0].start), int(toks[t1-1].end))
		h.sev, h.strong, h.kind = sev, strong, kind
		h.fixed = kind != patReport
	}
	// fullName reports the full name over tokens [t0, end) and returns the
	// token the pass goes on from. Followed by credentials it is a
	// colleague's, reported quietly, and the credentials are not read again
	// ("Rebecca Stahl, PT, DPT": "PT, DPT" is not "patient, D.P.T.").
	fullName := func(t0, end int, strong bool) int {
		if k := credentialsEnd(text, toks, end, &e.b.cue.credential); k > end {
			add(t0, end, Info, false, patColleague)
			return k - 1
		}
		add(t0, end, "", strong, patReport)
		return end - 1
	}
	for i := 0; i < len(toks); i++ {
		if toks[i].flags&tHan != 0 {
			e.cjkNames(text, st, i, r)
			continue
		}
		if toks[i].flags&tMention != 0 {
			// "@jess.whitaker22": a handle names a person unless it
			// belongs to an organisation; a clinician's is a colleague's.
			end := handleEnd(text, toks, i)
			at := int(toks[i].start) - 1
			if text[at] == '/' {
				at-- // "u/kay_bee": the handle starts at the "u"
			}
			if (at == 0 || !isWordByte(text[at-1])) && !e.orgHandle(text[toks[i].start:toks[end-1].end]) {
				h := st.add(r, toks, i, end, at, int(toks[end-1].end))
				h.kind = patReport
				if classOf(i)&cls.clinician != 0 || clinicianHandle(text[toks[i].start:toks[end-1].end]) {
					h.sev, h.kind, h.fixed = Info, patColleague, true
				}
			}
			i = end - 1
			continue
		}
		c := classOf(i)
		if c == 0 && toks[i].flags&tUpper == 0 {
			continue // most words: no class, no capital
		}
		colleague := i > 0 && classOf(i-1)&cls.clinician != 0 && toks[i].gap <= gapJoin
		// A capitalised first name, not a colleague's: where the full-name
		// and the lone-name readings below start.
		first := c&cls.first != 0 && !colleague && cap(i) && plain(i) && !stop(i)
		next := i + 1
		if next >= len(toks) {
			// The post's last word: only a first name alone can start
			// there ("Not today, Richard.", "Enjoy your pudding, Kevin").
			if first && toks[i].flags&tAllCaps == 0 {
				add(i, next, Warn, false, patLoneName)
			}
			break
		}
		if e.townByKind(text, toks, i) {
			i = next // "San Isidro", "Villa Esperanza": a town (place_context)
			continue
		}
		switch {
		case c&cls.title != 0 && toks[next].gap <= gapJoin && (cap(next) && plain(next) || initials(next)) && !stop(next) &&
			(toks[i].flags&tAllCaps == 0 || toks[next].flags&tAllCaps != 0):
			// "Mr. Okafor", "Ms. Oyelaran": any capitalised word after a
			// courtesy title. In a clinician's post such a name is nearly
			// always a patient's. A title in capitals before a word that
			// is not is an abbreviation ("MS Walk", "MR Imaging").
			end := extend(next, false)
			add(i, end, "", true, patReport)
			i = end - 1
			continue
		case c&cls.officeTitle != 0 && toks[i].flags&tUpper != 0 && toks[next].gap <= gapJoin && cap(next) && plain(next) && !stop(next):
			// "Coach Dunn", "Senator Ray Holloway": a public figure.
			end := extend(next, false)
			add(i, end, "", false, patReport)
			i = end - 1
			continue
		case c&cls.clinician != 0 && toks[next].gap <= gapJoin && cap(next) && plain(next) && !stop(next) &&
			(anyName(next) || toks[i].flags&tUpper != 0 && toks[next].lex < 0):
			// "Dr. Maria Lopez", "nurse Amy": a colleague, reported quietly,
			// and the credentials after the name are not read again ("Dr.
			// Kwame Asante, PT, DPT" is no patient named D.P.T.).
			end := extend(next, false)
			add(next, end, Info, false, patColleague)
			i = credentialsEnd(text, toks, end, &e.b.cue.credential) - 1
			continue
		case c&cls.patientNoun != 0 && toks[next].gap <= gapSoft:
			// "pt Ana Ruiz", "my patient, JD,", "patient 张伟", "pt john smith".
			j := next
			ok := false
			switch {
			case toks[j].flags&tHan != 0:
				n := runeCount(text[toks[j].start:toks[j].end])
				ok = n >= 2 && n <= 4
			case initials(j):
				// "pt JD", "my patient, J.R.,"; not a word the lexicon
				// knows in capitals ("patient's HIV test", "pt's MRI").
				ok = !stop(j) && toks[j].flags&tAllCaps != 0 && (toks[j].lex < 0 || anyName(j)) ||
					j+1 < len(toks) && text[toks[j].end:toks[j+1].start] == "." && toks[j].end-toks[j].start == 1
			case cap(j) && plain(j):
				// "pt Grace Lee": a name that is also a word counts when a
				// capitalised surname follows it.
				ok = !stop(j) && (knownName(j) || anyName(j) && j+1 < len(toks) && toks[j+1].gap <= gapSpace && cap(j+1) && plain(j+1) && !stop(j+1))
			case plain(j):
				// "pt john smith"; but after the Spanish noun a word in lower
				// case is the sentence going on ("mi paciente vive sola",
				// "la paciente ella dijo"): Spanish posts capitalise names.
				ok = knownFirst(j) && !stop(j) && !isWordIn(text, toks[i], "paciente", "pacienta", "pacientes", "pacientas")
			}
			if ok {
				end := j + 1
				if toks[j].flags&tHan == 0 {
					end = extend(j, !cap(j))
				}
				add(j, end, Block, true, patReport)
				i = end - 1
				continue
			}
		case c&cls.relation != 0 && toks[next].gap <= gapSoft && cap(next) && plain(next) && knownName(next) && !stop(next):
			// "his wife Linda", "her son Marcus Hill".
			end := extend(next, false)
			add(next, end, "", false, patReport)
			i = end - 1
			continue
		}
		// "a guy named Okonkwo", "a pt named T. Barnes": whoever a person
		// is named, after "named" or "called".
		if i > 0 && c&cls.sexWord != 0 && isWordIn(text, toks[next], "named", "called", "llamado", "llamada") && next+1 < len(toks) {
			j := next + 1
			if toks[j].gap <= gapSpace && cap(j) && plain(j) && !stop(j) && toks[j].flags&tAllCaps == 0 &&
				(toks[j].lex < 0 || anyName(j) || initials(j)) {
				end := extend(j, false)
				add(j, end, "", true, patReport)
				i = end - 1
				continue
			}
		}
		// "Name: Oyelaran, Grace", "Member: R. Delacroix": a form's field.
		if gap := text[toks[i].end:toks[next].start]; (gap == ": " || gap == ":") &&
			(toks[next].end-toks[next].start >= 2 || next+1 < len(toks) && text[toks[next].end] == '.') &&
			isWordIn(text, toks[i], "name", "nombre", "member", "insured", "subscriber", "beneficiary", "guarantor", "pt", "patient", "paciente") &&
			cap(next) && plain(next) && !stop(next) && toks[next].flags&tAllCaps == 0 && (toks[next].lex < 0 || anyName(next) || initials(next)) {
			end := extend(next, false)
			add(next, end, Block, true, patReport)
			i = end - 1
			continue
		}
		// "the Kowalczyk family": a family name.
		if cap(i) && plain(i) && !stop(i) && (toks[i].lex < 0 || c&(cls.surname|cls.surnameCommon|cls.first) != 0) &&
			i > 0 && toks[i].gap <= gapSpace && next < len(toks) && toks[next].gap <= gapSpace &&
			isWordIn(text, toks[i-1], "the") && e.b.cue.familyNoun.has(text, toks[next]) {
			add(i, i+1, "", false, patReport)
			continue
		}
		// "J.R., 34": initials with an age.
		if toks[i].end-toks[i].start == 1 { // one letter: read initials only then
			if n := initialsAt(text, toks, i); n > 0 && i+n+1 < len(toks) && toks[i+n].gap == gapSoft && toks[i+n].flags&tLetter == 0 && text[toks[i+n-1].end] == '.' {
				if a := atoi(text[toks[i+n].start:toks[i+n].end]); a > 0 && a < 120 {
					add(i, i+n, Block, true, patReport)
					i += n - 1
					continue
				}
			}
		}
		// "Deb came to us", "Walt Brennan was my patient": an unknown
		// capitalised word acting as someone in a story.
		if cap(i) && plain(i) && toks[i].lex < 0 && toks[i].flags&tAllCaps == 0 && i > 0 && toks[i].gap < gapHard && !colleague {
			k := i + 1
			if k < len(toks) && toks[k].gap <= gapSpace && cap(k) && plain(k) && (toks[k].lex < 0 || classOf(k)&(cls.surname|cls.surnameCommon) != 0) {
				k++
			}
			if k < len(toks) && toks[k].gap <= gapSpace && classOf(k)&cls.encVerb != 0 {
				add(i, k, Warn, false, patLoneName)
				i = k - 1
				continue
			}
		}
		// "Tony Russo", "Earl Whitcomb": a first name that is also a word
		// (firstname_common: "Tony", "Earl", "Grace") is a name when a
		// surname the tables know, or a capitalised word they do not,
		// follows it ("Earl Grey" is then a name too: info at most outside
		// a patient's story).
		if c&cls.firstCommon != 0 && c&(cls.first|cls.streetSuffix) == 0 && !colleague && cap(i) && plain(i) && !stop(i) && toks[i].flags&tAllCaps == 0 &&
			toks[next].gap <= gapJoin && cap(next) && plain(next) && !stop(next) && toks[next].flags&tAllCaps == 0 &&
			(classOf(next)&cls.surname != 0 || toks[next].lex < 0) && classOf(next)&cls.streetSuffix == 0 {
			end := extend(next, false)
			if end < len(toks) && toks[end].gap <= gapSpace && cap(end) && stop(end) {
				i = end // "Cedar Lane Dental", "Grace Whitcomb Clinic": a place's name
				continue
			}
			i = fullName(i, end, false)
			continue
		}
		if first {
			if toks[next].gap <= gapJoin && cap(next) && plain(next) && !stop(next) &&
				(classOf(next)&(cls.surname|cls.surnameCommon|cls.first) != 0 || toks[next].lex < 0 || initials(next)) {
				end := extend(next, false)
				// "Keisha Warren, 27,": a name with an age is a case.
				strong := end+1 < len(toks) && text[toks[end-1].end] == ',' && toks[end].flags&tLetter == 0 && isAge(atoi(text[toks[end].start:toks[end].end]))
				i = fullName(i, end, strong)
				continue
			}
			if toks[next].gap <= gapSpace && cap(next) && stop(next) {
				// "Dalton County", "Grace Hospital": a first name that starts
				// the name of a place or an organisation is no one's.
				i = next
				continue
			}
			if toks[i].flags&tAllCaps == 0 {
				// A first name alone: info, or warn in a post about a patient.
				add(i, i+1, Warn, false, patLoneName)
			}
		}
	}
}

// credentialAfter reports whether the name ending before token end is
// followed by ", RN", ", PharmD", ", PT, DPT": a professional credential
// written in capitals, which makes it a colleague's name.
func credentialAfter(text string, toks []token, end int, creds *cueList) bool {
	return end < len(toks) && toks[end].gap <= gapSoft && text[toks[end-1].end:toks[end].start] == ", " &&
		toks[end].flags&tUpper != 0 && creds.has(text, toks[end])
}

// credentialsEnd returns the index of the token after the credentials
// that follow the name ending before token end (", PT, DPT"), or end when
// none does.
func credentialsEnd(text string, toks []token, end int, creds *cueList) int {
	for credentialAfter(text, toks, end, creds) {
		end++
	}
	return end
}

// handleEnd returns the index of the token after the @handle that starts
// at token i: its parts are joined by '_' or '.' with no space
// ("jess.whitaker22", "kaylee_m").
func handleEnd(text string, toks []token, i int) int {
	k := i + 1
	for k < len(toks) && toks[k].start == toks[k-1].end+1 && (text[toks[k-1].end] == '_' || text[toks[k-1].end] == '.') {
		k++
	}
	return k
}

// orgHandle reports whether handle (without its '@') contains a word of the
// org_handle cue list: "@cdcgov", "@mercyhealth", "@stjudeshospital".
func (e *Engine) orgHandle(handle string) bool {
	var buf [64]byte
	low := appendLower(buf[:0], handle)
	for _, w := range e.b.cue.orgHandle.words {
		if strings.Contains(string(low), w) {
			return true
		}
	}
	return false
}

// clinicianHandle reports whether a handle reads as a clinician's:
// "drsmith", "dr_lee" (not "drew"), "nursejen", "janesmithmd", "amy_rn".
func clinicianHandle(handle string) bool {
	var buf [64]byte
	low := string(appendLower(buf[:0], handle))
	if len(low) > 3 && low[:2] == "dr" && !strings.ContainsRune("aeiouy", rune(low[2])) {
		return true
	}
	for _, p := range [...]string{"doc", "nurse", "thenurse", "pharm"} {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	for _, s := range [...]string{"md", "rn", "np", "dds", "dnp", "pharmd", "phd", "do"} {
		if len(low) > len(s)+2 && strings.HasSuffix(low, s) && (s != "do" && s != "rn" || low[len(low)-len(s)-1] == '_' || low[len(low)-len(s)-1] == '.') {
			return true
		}
	}
	return false
}

// isWordByte reports whether c is an ASCII letter or digit (before an '@',
// one makes an e-mail address, not a handle).
func isWordByte(c byte) bool {
	return c-'a' < 26 || c-'A' < 26 || c-'0' < 10
}

// isWordIn reports whether token t is one of words, ignoring case.
func isWordIn(text string, t token, words ...string) bool {
	w := text[t.start:t.end]
	for _, x := range words {
		if len(w) == len(x) && equalLowerASCII(x, w) {
			return true
		}
	}
	return false
}

// initialsAt returns how many single capital letters joined by periods
// start at token i ("J.R." is 2), or 0 for fewer than two.
func initialsAt(text string, toks []token, i int) int {
	if toks[i].end-toks[i].start != 1 {
		return 0
	}
	n := 0
	for k := i; k < len(toks) && n < 3; k++ {
		t := &toks[k]
		if t.end-t.start != 1 || t.flags&tUpper == 0 || int(t.end) >= len(text) || text[t.end] != '.' {
			break
		}
		if k > i && text[toks[k-1].end:t.start] != "." {
			break
		}
		n++
	}
	if n < 2 {
		return 0
	}
	return n
}

// cjkTitles follow a name used as a form of address, with how many
// characters of name may come before them: 陈先生 (Mr. Chen), 李奶奶
// (Granny Li), 田中さん (Tanaka-san), 김영수 씨. Chinese, Japanese and Korean
// have no spaces between words, so the name is found by its title.
var cjkTitles = []struct {
	title string
	max   int
}{{"先生", 2}, {"女士", 2}, {"太太", 1}, {"小姐", 2}, {"阿姨", 1}, {"奶奶", 1}, {"爷爷", 1}, {"大爷", 1}, {"大妈", 1},
	{"さん", 3}, {"様", 3}, {"ちゃん", 3}, {"くん", 3}, {"씨", 3}, {"님", 3}, {"할아버지", 3}, {"할머니", 3}}

// cjkNames finds names by their titles inside the CJK token i.
func (e *Engine) cjkNames(text string, st *scanState, i int, r int32) {
	t := st.toks[i]
	w := text[t.start:t.end]
	for _, ct := range cjkTitles {
		for off := 0; off < len(w); {
			k := strings.Index(w[off:], ct.title)
			if k < 0 {
				break
			}
			at := off + k
			off = at + len(ct.title)
			// Back up over at most max CJK characters of name.
			start, n := at, 0
			for start > 0 && n < ct.max {
				rr, size := utf8.DecodeLastRuneInString(w[:start])
				if !(unicode.Is(unicode.Han, rr) || unicode.Is(unicode.Hangul, rr)) || isCJKParticle(rr) {
					break
				}
				start -= size
				n++
			}
			if n == 0 && i > 0 && st.toks[i-1].flags&tHan != 0 && at == 0 && st.toks[i].gap == gapSpace {
				// "김영수 할아버지": the name is the previous word.
				p := st.toks[i-1]
				h := st.add(r, st.toks, i-1, i+1, int(p.start), int(t.start)+off)
				h.strong = true
				continue
			}
			if n == 0 {
				continue
			}
			h := st.add(r, st.toks, i, i+1, int(t.start)+start, int(t.start)+off)
			h.strong = true
		}
	}
}

// isCJKParticle reports runes that end a word rather than belong to a name:
// Japanese particles and common Chinese function characters.
func isCJKParticle(r rune) bool {
	switch r {
	case 'の', 'に', 'は', 'が', 'を', 'と', 'で', 'も', 'へ', '、', '。', '给', '的', '了', '和', '跟', '是', '在', '天', '日':
		return true
	}
	return false
}

// patColleague marks a clinician's name: reported at info, never escalated.
const patColleague patKind = 20

func runeCount(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// isAge reports whether n is a plausible age in years.
func isAge(n int) bool { return n > 0 && n < 120 }
