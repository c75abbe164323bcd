package rules

import (
	"strings"
	"unicode/utf8"
)

// The built-in detectors find identifiers by their shape: numbers grouped
// like a phone number or a date, an e-mail address, a URL. Each looks only at
// the tokens that can start its shape and confirms with cheap checks
// (ranges, check digits, a cue word before), never a regular expression.

// shapeNames are the detectors a pack rule can name in "shape".
var shapeNames = []string{"phone", "fax", "ssn", "date", "ip", "zip", "street", "email", "url", "vin",
	"mbi", "dea", "age", "age90", "sex", "masked", "name", "place", "facility", "record_format", "story", "learned"}

// classOf returns the word classes of token i, or none when i is out of
// range or the word is unknown.
func (e *Engine) classOf(toks []token, i int) classSet {
	if i < 0 || i >= len(toks) || toks[i].lex < 0 {
		return 0
	}
	return toks[i].cls
}

func (e *Engine) rule(shape string) int32 {
	if i, ok := e.b.shapes[shape]; ok && e.enabled[i] {
		return i
	}
	return -1
}

// add records a hit of rule over tokens [t0, t1).
func (st *scanState) add(rule int32, toks []token, t0, t1 int, start, end int) *hit {
	st.hits = append(st.hits, hit{rule: rule, start: int32(start), end: int32(end), t0: int32(t0), t1: int32(t1)})
	return &st.hits[len(st.hits)-1]
}

// tokenAt returns the index of the first token that ends after off.
func tokenAt(toks []token, off int) int {
	lo, hi := 0, len(toks)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if int(toks[m].end) > off {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func (e *Engine) detectShapes(text string, st *scanState) {
	toks := st.toks
	cls := &e.b.cls
	classOf := func(i int) classSet { return e.classOf(toks, i) }
	// cue reports whether one of the n tokens before i is one of words.
	cue := func(i, n int, words ...string) bool {
		for k := i - 1; k >= 0 && k >= i-n; k-- {
			if isWordIn(text, toks[k], words...) {
				return true
			}
		}
		return false
	}
	rPhone, rFax, rSSN, rDate, rIP, rZip := e.rule("phone"), e.rule("fax"), e.rule("ssn"), e.rule("date"), e.rule("ip"), e.rule("zip")
	rStreet, rVIN, rMBI, rDEA, rAge, rAge90, rSex := e.rule("street"), e.rule("vin"), e.rule("mbi"), e.rule("dea"), e.rule("age"), e.rule("age90"), e.rule("sex")

	// Words without a digit matter here only if they are a month, a street
	// suffix or an age cue: the rest are skipped after one check.
	cueClasses := cls.month | cls.streetSuffix | cls.ageWord
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if t.flags&tDigit == 0 && (t.lex < 0 || t.cls&cueClasses == 0) {
			continue
		}
		w := text[t.start:t.end]
		c0 := w[0]
		if c0 >= '0' && c0 <= '9' {
			if t.flags&tLetter == 0 {
				// A run of digit groups: phone, SSN, date, IP, ZIP, street number.
				run := numRun(text, int(t.start))
				start := int(t.start)
				if run.area && start > 0 && text[start-1] == '(' {
					start--
				} else if start > 0 && text[start-1] == '+' {
					start--
				}
				j := tokenAt(toks, run.end-1) + 1
				switch {
				case run.ssnShape() && !run.isSSN() && cue(i, 3, "ssn", "ss", "social", "security"):
					// Named as an SSN, though no SSN is issued in that range.
					if rSSN >= 0 {
						st.add(rSSN, toks, i, j, start, run.end)
					}
					i = j - 1
					continue
				case run.isPhone():
					r := rPhone
					if cue(i, 3, "fax", "f", "facsimile") || cue(i, 8, "faxed", "faxing", "fax", "faxes") {
						r = rFax
					}
					if r >= 0 {
						st.add(r, toks, i, j, start, run.end)
					}
					i = j - 1
					continue
				case run.isSSN() || run.n == 1 && run.g[0] == 9 && cue(i, 3, "ssn", "ss", "social", "security"):
					if rSSN >= 0 {
						st.add(rSSN, toks, i, j, start, run.end)
					}
					i = j - 1
					continue
				case run.isIP(text, int(t.start)):
					if rIP >= 0 {
						st.add(rIP, toks, i, j, start, run.end)
					}
					i = j - 1
					continue
				}
				if ok, strong := run.isDate(text, int(t.start), classOf(i-1)&cls.dateCue != 0); ok {
					if rDate >= 0 {
						h := st.add(rDate, toks, i, j, start, run.end)
						// A date of birth, admission, discharge or death is the
						// patient's own: Safe Harbor's first date element.
						h.strong = strong || cue(i, 4, "dob", "born", "birthday", "admitted", "discharged", "died", "delivered", "expired", "passed")
						if h.strong {
							h.sev = Block
						}
					}
					i = j - 1
					continue
				}
				if run.n == 1 && (run.g[0] == 5 || run.g[0] == 9) || run.n == 2 && run.g[0] == 5 && run.g[1] == 4 {
					if classOf(i-1)&(cls.state|cls.stateAbbr) != 0 || cue(i, 2, "zip", "zipcode", "postal") {
						if rZip >= 0 {
							st.add(rZip, toks, i, j, start, run.end)
						}
						i = j - 1
						continue
					}
				}
				if run.n == 1 && run.g[0] <= 6 && rStreet >= 0 {
					if end := e.streetAddress(text, toks, i); end > i+1 {
						st.add(rStreet, toks, i, end, int(t.start), int(toks[end-1].end))
						i = end - 1
						continue
					}
				}
				// A date written "3 March" or "3rd of March".
				if run.n == 1 && run.g[0] <= 2 && rDate >= 0 {
					k := i + 1
					if k < len(toks) && strings.EqualFold(text[toks[k].start:toks[k].end], "of") {
						k++
					}
					if k < len(toks) && classOf(k)&cls.month != 0 && toks[k].gap <= gapSpace && atoi(w) >= 1 && atoi(w) <= 31 && e.monthOK(text, toks, k) {
						end := e.dateYear(text, toks, k+1)
						h := st.add(rDate, toks, i, end, int(t.start), int(toks[end-1].end))
						if cue(i, 4, "dob", "born", "birthday", "admitted", "discharged", "died", "delivered") {
							h.strong, h.sev = true, Block
						}
						i = end - 1
						continue
					}
				}
				// "Dad (91)": an age in brackets after a person or relation.
				if a := atoi(w); run.n == 1 && a > 0 && a < 120 && i > 0 && t.start > 0 && text[t.start-1] == '(' &&
					run.end < len(text) && text[run.end] == ')' && toks[i-1].lex >= 0 && toks[i-1].cls&(cls.sexWord|cls.relation) != 0 {
					e.addAge(st, toks, i, i+1, a, false, false, rAge, rAge90, rSex)
					continue
				}
				// "German girl, 22": an age after a person word and a comma.
				if a := atoi(w); run.n == 1 && a > 0 && a < 120 && i > 0 && toks[i].gap == gapSoft && text[toks[i-1].end] == ',' &&
					toks[i-1].lex >= 0 && toks[i-1].cls&cls.sexWord != 0 {
					e.addAge(st, toks, i, i+1, a, true, false, rAge, rAge90, rSex)
					continue
				}
				// "My dad is 91", "she's 94": an age over 89 after "is".
				if a := atoi(w); run.n == 1 && a >= 90 && a <= 125 && i > 0 && toks[i].gap <= gapSpace &&
					(run.end >= len(text) || text[run.end] == ' ' || text[run.end] == '.' || text[run.end] == ',' || text[run.end] == ')' || text[run.end] == '!') &&
					(isWordIn(text, toks[i-1], "is", "he's", "she's", "hes", "shes", "turns", "turned", "tiene") || i+1 < len(toks) && isWordIn(text, toks[i+1], "años", "anos", "ans", "jahre")) {
					e.addAge(st, toks, i, i+1, a, false, false, rAge, rAge90, rSex)
					continue
				}
				// Ages: "92 yo", "45 y/o", "45-year-old", "45 M".
				if run.n == 1 && run.g[0] <= 3 {
					if end, casey, sex := ageAfter(text, toks, i); end > i {
						// "a 58-year-old", "our 97-year-old": a description of
						// someone, as in a case presentation.
						if i > 0 && toks[i].gap <= gapSpace && end > i+2 {
							switch strings.ToLower(text[toks[i-1].start:toks[i-1].end]) {
							case "a", "an", "the", "our", "this", "that", "una", "un":
								casey = true
							}
						}
						e.addAge(st, toks, i, end, atoi(w), casey || sex, sex, rAge, rAge90, rSex)
						i = end - 1
						continue
					}
				}
				continue
			}
			// Letters and digits in one token: "45yo", "92M", "3rd", a VIN, a DEA number.
			if n, suffix := leadingNumber(w); n > 0 && n <= 3 {
				if (suffix == "th" || suffix == "st" || suffix == "nd" || suffix == "rd") && (cue(i, 1, "happy", "her", "his") ||
					i+1 < len(toks) && isBirthday(text[toks[i+1].start:toks[i+1].end])) {
					// "happy 95th", "her 100th birthday": an age.
					if a := atoi(w[:n]); a >= 13 {
						e.addAge(st, toks, i, i+1, a, false, false, rAge, rAge90, rSex)
						continue
					}
				}
				switch suffix {
				case "yo", "yr", "yrs", "y", "yom", "yof", "m", "f", "M", "F", "yoM", "yoF", "YO":
					end := i + 1
					casey := suffix != "y" && suffix != "yr" && suffix != "yrs"
					sex := strings.ContainsAny(suffix, "MF") || suffix == "yom" || suffix == "yof"
					if suffix == "y" { // "45y/o"
						if e2, _, _ := ageAfterYO(text, toks, i); e2 > i+1 {
							end, casey = e2, true
						} else {
							break
						}
					}
					if suffix == "m" || suffix == "f" {
						break // "5m" is five minutes or metres
					}
					if e2, _, s2 := ageAfter(text, toks, end-1); e2 > end && s2 {
						end, sex = e2, true
					}
					e.addAge(st, toks, i, end, atoi(w[:n]), casey, sex, rAge, rAge90, rSex)
					continue
				}
			}
		}
		if t.flags&tDigit != 0 && t.flags&tLetter != 0 {
			if rVIN >= 0 && len(w) == 17 && isVIN(w, cue(i, 3, "vin")) {
				st.add(rVIN, toks, i, i+1, int(t.start), int(t.end))
				continue
			}
			if rVIN >= 0 && len(w) >= 5 && len(w) <= 8 && t.flags&tAllCaps != 0 && countDigits(w) >= 2 && cue(i, 14, "plate", "plates", "tag", "tags") {
				st.add(rVIN, toks, i, i+1, int(t.start), int(t.end)) // a licence plate
				continue
			}
			if rDEA >= 0 && len(w) == 9 && isDEA(w) {
				st.add(rDEA, toks, i, i+1, int(t.start), int(t.end))
				continue
			}
			if rMBI >= 0 {
				if end, ok := mbiAt(text, toks, i); ok {
					st.add(rMBI, toks, i, end, int(t.start), int(toks[end-1].end))
					i = end - 1
					continue
				}
			}
		}
		if rStreet >= 0 && t.lex >= 0 && t.cls&cls.streetSuffix != 0 && t.flags&tUpper != 0 && i > 0 {
			if s0 := e.streetBefore(text, toks, i); s0 >= 0 {
				end := i + 1
				st.add(rStreet, toks, s0, end, int(toks[s0].start), int(toks[i].end))
				continue
			}
		}
		if t.lex >= 0 && t.cls&cls.month != 0 && rDate >= 0 && e.monthOK(text, toks, i) {
			// "March 3", "March 3rd, 2024", "March 2024".
			if k := i + 1; k < len(toks) && toks[k].gap <= gapSoft {
				kw := text[toks[k].start:toks[k].end]
				d, suf := leadingNumber(kw)
				day := d > 0 && d <= 2 && (suf == "" || suf == "st" || suf == "nd" || suf == "rd" || suf == "th") && atoi(kw[:d]) >= 1 && atoi(kw[:d]) <= 31
				year := d == 4 && suf == "" && (kw[0] == '1' || kw[0] == '2')
				if day || year {
					end := k + 1
					if day {
						end = e.dateYear(text, toks, end)
					}
					h := st.add(rDate, toks, i, end, int(t.start), int(toks[end-1].end))
					// A birth date with a year before 1900 is history, not a patient's.
					old := end > k+1 && atoi(text[toks[end-1].start:toks[end-1].end]) < 1900 && toks[end-1].end-toks[end-1].start == 4
					if cue(i, 2, "dob", "born", "birthday") && !old {
						h.strong, h.sev = true, Block
					}
					i = end - 1
					continue
				}
			}
		}
		if t.flags&tDigit == 0 && t.cls&cls.ageWord != 0 && i+1 < len(toks) && toks[i+1].gap <= gapSoft {
			nw := text[toks[i+1].start:toks[i+1].end]
			if n := atoi(nw); n > 0 && n < 130 && len(nw) <= 3 {
				e.addAge(st, toks, i, i+2, n, false, false, rAge, rAge90, rSex)
				i++
				continue
			}
		}
	}
	e.detectEmails(text, st)
	e.detectURLs(text, st)
	e.detectMasked(text, st)
	e.detectCJK(text, st)
	e.detectPlacesByContext(text, st)
}

// cjkPhrases are phrases of other rules found as substrings of CJK text:
// DM me, a discount code, profanity.
var cjkPhrases = []struct{ rule, text string }{
	{"boundaries.solicit_advice", "私信我"}, {"boundaries.solicit_advice", "私信给我"}, {"boundaries.solicit_advice", "DMください"},
	{"boundaries.solicit_advice", "メッセージください"}, {"boundaries.solicit_advice", "디엠 주세요"},
	{"disclosure.undisclosed", "私のコード"}, {"disclosure.undisclosed", "割引コード"}, {"disclosure.undisclosed", "优惠码"}, {"disclosure.undisclosed", "折扣码"},
	{"disclosure.undisclosed", "クーポン"}, {"disclosure.undisclosed", "할인코드"},
	{"conduct.profanity", "他妈的"}, {"conduct.profanity", "クソ"}, {"conduct.profanity", "씨발"},
}

// cjkPatient are words for a patient in Chinese, Japanese and Korean; the
// text has no spaces, so they are found as substrings of CJK tokens.
var cjkPatient = []string{"患者", "病人", "病患", "환자", "入院", "退院", "出院", "住院", "응급실", "病房"}

// detectCJK finds, in CJK text, patient words (a patient encounter), ages
// ("92세", "88岁", "95歳") and room numbers ("302号室", "12호실").
func (e *Engine) detectCJK(text string, st *scanState) {
	if !st.hasHan {
		return
	}
	toks := st.toks
	enc, hasEnc := e.b.byID["privacy.encounter"]
	rAge, rAge90, rRoom := e.rule("age"), e.rule("age90"), int32(-1)
	if ri, ok := e.b.byID["privacy.room"]; ok && e.enabled[ri] {
		rRoom = ri
	}
	sawCJK := false
	for i := range toks {
		t := &toks[i]
		if t.flags&tHan == 0 {
			continue
		}
		sawCJK = true
		w := text[t.start:t.end]
		if hasEnc && e.enabled[enc] {
			for _, p := range cjkPatient {
				if k := strings.Index(w, p); k >= 0 {
					st.add(enc, toks, i, i+1, int(t.start)+k, int(t.start)+k+len(p))
					break
				}
			}
		}
		// A number right before: an age or a room.
		if i == 0 || toks[i-1].end != t.start || toks[i-1].flags&tLetter != 0 {
			continue
		}
		num := text[toks[i-1].start:toks[i-1].end]
		n := atoi(num)
		if n < 0 {
			continue
		}
		switch {
		case hasAnyPrefix(w, "세", "岁", "歳", "살", "才"):
			_, size := utf8.DecodeRuneInString(w)
			e.addAge(st, toks, i-1, i, n, true, false, rAge, rAge90, -1)
			// Extend the age spans over the unit.
			for k := len(st.hits) - 1; k >= 0 && st.hits[k].start == toks[i-1].start; k-- {
				st.hits[k].end = t.start + int32(size)
				st.hits[k].t1 = int32(i + 1)
			}
		case rRoom >= 0 && hasAnyPrefix(w, "号室", "號室", "호실", "号房", "号床", "床", "호"):
			end := int(t.start) + len(firstPrefix(w, "号室", "號室", "호실", "号房", "号床", "床", "호"))
			st.add(rRoom, toks, i-1, i+1, int(toks[i-1].start), end)
		}
	}
	// Phrases over the raw text: a word may span several CJK tokens
	// ("私のコード" mixes kanji, kana and the prolonged-sound mark).
	if sawCJK {
		for _, p := range cjkPhrases {
			if k := strings.Index(text, p.text); k >= 0 {
				if ri, ok := e.b.byID[p.rule]; ok && e.enabled[ri] {
					t0, t1 := tokenAt(toks, k), tokenAt(toks, k+len(p.text)-1)+1
					st.add(ri, toks, t0, t1, k, k+len(p.text))
				}
			}
		}
	}
}

func hasAnyPrefix(w string, ps ...string) bool { return firstPrefix(w, ps...) != "" }

func firstPrefix(w string, ps ...string) string {
	for _, p := range ps {
		if strings.HasPrefix(w, p) {
			return p
		}
	}
	return ""
}

// placeCues are the words after which an unknown capitalised word is taken
// for a place: "patient in Swindon", "from Wolverhampton", "north of Gympie".
var placeCues = []string{"in", "from", "near", "outside", "around", "visiting", "of"}

// detectPlacesByContext finds towns missing from the place tables by their
// context: a capitalised word that is no known name, unit or common word,
// after "in", "from", "near"... ("of" only after a compass word), or before
// "clinic", "branch", "surgery", "hostel"... ("the Fremantle clinic").
func (e *Engine) detectPlacesByContext(text string, st *scanState) {
	r := e.rule("place")
	if r < 0 {
		return
	}
	toks := st.toks
	cls := &e.b.cls
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
	for i := 1; i < len(toks); i++ {
		if !candidate(i) || toks[i].gap > gapSpace {
			continue
		}
		prev := &toks[i-1]
		cue := false
		switch {
		case isWordIn(text, *prev, "of"):
			cue = i >= 2 && isWordIn(text, toks[i-2], "north", "south", "east", "west", "outskirts")
		case isWordIn(text, *prev, placeCues...):
			cue = prev.flags&tUpper == 0 || prev.flags&tAllCaps != 0 && toks[i].flags&tAllCaps != 0
		}
		end := i + 1
		if end < len(toks) && toks[end].gap <= gapSpace && candidate(end) && (toks[end].lex < 0 || toks[i].flags&tAllCaps == 0) {
			end++ // "Moose Jaw", "Thunder Bay"
		}
		if !cue && end < len(toks) && toks[end].gap <= gapSpace &&
			isWordIn(text, toks[end], "clinic", "branch", "surgery", "practice", "hostel", "campus", "site", "er", "ed", "office", "pharmacy") &&
			isWordIn(text, *prev, "the", "our", "my", "at") {
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

// detectMasked finds words with letters starred out, "f***", "sh*t",
// "clusterf***": the writer knew it was profanity.
func (e *Engine) detectMasked(text string, st *scanState) {
	r := e.rule("masked")
	if r < 0 || strings.IndexByte(text, '*') < 0 {
		return
	}
	toks := st.toks
	for i := range toks {
		t := &toks[i]
		end := int(t.end)
		if end >= len(text) || text[end] != '*' || t.flags&tDigit != 0 || t.end-t.start > 8 {
			continue
		}
		if t.start > 0 && text[t.start-1] == '*' {
			continue // "**bold**"
		}
		stars := 0
		for end < len(text) && text[end] == '*' {
			end++
			stars++
		}
		for end < len(text) && isAlpha(text[end]) {
			end++
		}
		if stars < 1 || stars > 6 || end-int(t.start) < 3 {
			continue
		}
		st.add(r, toks, i, tokenAt(toks, end-1)+1, int(t.start), end)
	}
}

// monthOK rejects "may" and "march" used as words: a month needs a capital
// or a number right after it.
func (e *Engine) monthOK(text string, toks []token, i int) bool {
	w := text[toks[i].start:toks[i].end]
	lw := strings.ToLower(w)
	if lw == "may" || lw == "march" || lw == "jan" || lw == "sat" || lw == "sun" || lw == "wed" {
		return toks[i].flags&tUpper != 0
	}
	return true
}

// dateYear extends a date over ", 2024" or " 2024" after token k-1.
func (e *Engine) dateYear(text string, toks []token, k int) int {
	if k < len(toks) && toks[k].gap <= gapSoft {
		w := text[toks[k].start:toks[k].end]
		if len(w) == 4 && (w[0] == '1' || w[0] == '2') && atoi(w) > 0 {
			return k + 1
		}
	}
	return k
}

func (e *Engine) addAge(st *scanState, toks []token, t0, t1, age int, casey, sex bool, rAge, rAge90, rSex int32) {
	start, end := int(toks[t0].start), int(toks[t1-1].end)
	if t0 > 0 && toks[t0].gap <= gapSpace && isWordIn(st.text, toks[t0-1], "my", "mine") {
		// "my 8yo": the writer's own child, not a case; but "my 91-year-old
		// stroke patient" is one.
		casey = false
		for k := t1; k < len(toks) && k < t1+3; k++ {
			if toks[k].lex >= 0 && toks[k].cls&e.b.cls.patientNoun != 0 {
				casey = true
			}
		}
	}
	if age >= 90 && age <= 125 && rAge90 >= 0 {
		h := st.add(rAge90, toks, t0, t1, start, end)
		h.strong = casey
	}
	if rAge >= 0 {
		h := st.add(rAge, toks, t0, t1, start, end)
		h.strong = casey
	}
	if sex && rSex >= 0 {
		st.add(rSex, toks, t0, t1, start, end)
	}
}

// ageAfter recognises an age unit after the number token i: "yo", "y/o",
// "yr old", "year old", "-year-old", "years old", "month old", "M", "F",
// "male". It returns the token index after the age, whether it is written as
// in a case presentation ("45 y/o", "45M"), and whether it names a sex.
func ageAfter(text string, toks []token, i int) (end int, casey, sex bool) {
	if e, c, s := ageAfterYO(text, toks, i); e > i+1 {
		return e, c, s
	}
	k := i + 1
	if k >= len(toks) || toks[k].gap > gapJoin {
		return i, false, false
	}
	w := strings.ToLower(text[toks[k].start:toks[k].end])
	switch w {
	case "yo", "yom", "yof":
		end, casey = k+1, true
		sex = w != "yo"
	case "años", "anos":
		return k + 1, false, false
	case "year", "years", "yr", "yrs", "month", "months", "week", "weeks", "day", "mo":
		if k+1 < len(toks) && toks[k+1].gap <= gapJoin && strings.EqualFold(text[toks[k+1].start:toks[k+1].end], "old") {
			end = k + 2
		} else {
			return i, false, false
		}
		if w != "year" && w != "years" && w != "yr" && w != "yrs" {
			return end, false, false // "3-month-old": an age, but not over 89
		}
	case "m", "f":
		// "45 M" or "45M": only in capitals, and not "5 m" of distance.
		if text[toks[k].start] != 'M' && text[toks[k].start] != 'F' {
			return i, false, false
		}
		return k + 1, true, true
	default:
		return i, false, false
	}
	if end < len(toks) && toks[end].gap <= gapJoin {
		switch strings.ToLower(text[toks[end].start:toks[end].end]) {
		case "m", "f", "male", "female", "man", "woman", "boy", "girl", "gentleman", "lady":
			return end + 1, casey, true
		}
	}
	return end, casey, sex
}

// ageAfterYO matches "y/o" and "y.o." after token i.
func ageAfterYO(text string, toks []token, i int) (int, bool, bool) {
	k := i + 1
	if k+1 < len(toks) && strings.EqualFold(text[toks[k].start:toks[k].end], "y") && strings.EqualFold(text[toks[k+1].start:toks[k+1].end], "o") {
		sep := text[toks[k].end:toks[k+1].start]
		if (sep == "/" || sep == ".") && toks[k].gap <= gapJoin || toks[k].start == toks[i].end {
			end := k + 2
			if end < len(toks) && toks[end].gap <= gapJoin {
				switch strings.ToLower(text[toks[end].start:toks[end].end]) {
				case "m", "f", "male", "female", "man", "woman", "boy", "girl":
					return end + 1, true, true
				}
			}
			return end, true, false
		}
	}
	// "45y/o": the token before is "45y".
	if k < len(toks) && strings.EqualFold(text[toks[k].start:toks[k].end], "o") && strings.HasSuffix(strings.ToLower(text[toks[i].start:toks[i].end]), "y") && text[toks[i].end:toks[k].start] == "/" {
		return k + 1, true, false
	}
	return i, false, false
}

// leadingNumber returns the count of leading ASCII digits and the rest.
func leadingNumber(w string) (int, string) {
	n := 0
	for n < len(w) && w[n] >= '0' && w[n] <= '9' {
		n++
	}
	return n, w[n:]
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || n > 1e8 {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	if len(s) == 0 {
		return -1
	}
	return n
}

// digitRun describes digit groups joined by one separator each, such as
// "555-201-7788" (groups 3,3,4; separators "--").
type digitRun struct {
	g    [6]int  // group lengths
	v    [6]int  // group values (for short groups)
	sep  [6]byte // separator after each group
	n    int
	end  int
	area bool // "(555) 201-7788", "(07) 5550 4123"
	zero bool // the first group starts with a trunk 0
	plus bool // preceded by '+'
}

func numRun(text string, p int) digitRun {
	var r digitRun
	r.zero = p < len(text) && text[p] == '0'
	r.plus = p > 0 && text[p-1] == '+'
	for r.n < len(r.g) {
		s := p
		for p < len(text) && text[p] >= '0' && text[p] <= '9' {
			p++
		}
		r.g[r.n] = p - s
		r.v[r.n] = atoi(text[s:p])
		r.end = p
		r.n++
		if p+1 >= len(text) {
			break
		}
		c := text[p]
		switch {
		case c == ')' && r.n == 1 && r.g[0] >= 2 && r.g[0] <= 4 && s > 0 && text[s-1] == '(':
			q := p + 1
			if q < len(text) && text[q] == ' ' {
				q++
			}
			if q < len(text) && text[q] >= '0' && text[q] <= '9' {
				r.area = true
				r.sep[r.n-1] = ')'
				p = q
				continue
			}
		case c == '-' || c == '.' || c == '/' || c == ' ':
			if text[p+1] >= '0' && text[p+1] <= '9' {
				// A space joins groups only in phone-like runs (3 3 4).
				if c == ' ' && !(r.g[r.n-1] >= 2 && r.g[r.n-1] <= 5 || r.g[r.n-1] == 1 && r.n == 1) {
					return r
				}
				r.sep[r.n-1] = c
				p++
				continue
			}
		}
		break
	}
	// A trailing letter or digit glued to the run means it is something else.
	return r
}

func (r *digitRun) seps(want byte) bool {
	for k := 0; k < r.n-1; k++ {
		if r.sep[k] != want {
			return false
		}
	}
	return true
}

func (r *digitRun) isPhone() bool {
	if r.intlPhone() {
		return true
	}
	switch {
	case r.n == 3 && r.g[0] == 3 && r.g[1] == 3 && r.g[2] == 4:
		return r.area || r.sep[0] == r.sep[1] && r.sep[0] != '/'
	case r.n == 4 && r.g[0] == 1 && r.v[0] == 1 && r.g[1] == 3 && r.g[2] == 3 && r.g[3] == 4:
		return r.sep[1] == r.sep[2] && r.sep[0] != '/'
	case r.n == 2 && r.g[0] == 3 && r.g[1] == 4:
		return r.sep[0] == '-' || r.sep[0] == '.'
	}
	return false
}

// intlPhone accepts the national formats of other countries: "020 7946
// 0958", "(07) 5550 4123", "0491 570 156", "+44 20 7946 0958": two to five
// groups, 9 to 13 digits in all, a trunk 0 or an area code in brackets, and
// no group longer than 5 digits.
func (r *digitRun) intlPhone() bool {
	if r.n < 2 || r.n > 5 {
		return false
	}
	total := 0
	for k := 0; k < r.n; k++ {
		if r.g[k] > 5 {
			return false
		}
		total += r.g[k]
		if k < r.n-1 && r.sep[k] != ' ' && r.sep[k] != '-' && r.sep[k] != '.' && r.sep[k] != ')' {
			return false
		}
	}
	return total >= 9 && total <= 13 && (r.zero || r.area || r.plus)
}

// ssnShape reports whether the run is written like an SSN (3-2-4 digits,
// one separator). Named as an SSN, such a number is flagged even when the
// SSA would never issue it (000, 666, 9xx): typed next to "SSN" it is one.
func (r *digitRun) ssnShape() bool {
	return r.n == 3 && r.g[0] == 3 && r.g[1] == 2 && r.g[2] == 4 && r.sep[0] == r.sep[1] && (r.sep[0] == '-' || r.sep[0] == ' ')
}

func (r *digitRun) isSSN() bool {
	if !r.ssnShape() {
		return false
	}
	a := r.v[0]
	return a != 0 && a != 666 && a < 900 && r.v[1] != 0 && r.v[2] != 0
}

func (r *digitRun) isIP(text string, start int) bool {
	if r.n != 4 || !r.seps('.') {
		return false
	}
	for k := 0; k < 4; k++ {
		if r.g[k] > 3 || r.v[k] > 255 {
			return false
		}
	}
	return true
}

// isDate recognises 3/4/2024, 03-04-61, 2024-03-04, and 3/4 after a cue word
// ("on 3/4"). strong is true for a full date of birth shape.
func (r *digitRun) isDate(text string, start int, cued bool) (ok, strong bool) {
	md := func(m, d int) bool { return m >= 1 && m <= 12 && d >= 1 && d <= 31 }
	switch {
	case r.n == 3 && r.g[0] == 4 && r.g[1] <= 2 && r.g[2] <= 2 && r.sep[0] == '-' && r.sep[1] == '-':
		return md(r.v[1], r.v[2]), false
	case r.n == 3 && r.g[0] <= 2 && r.g[1] <= 2 && (r.g[2] == 2 || r.g[2] == 4) && r.sep[0] == r.sep[1] && (r.sep[0] == '/' || r.sep[0] == '-' || r.sep[0] == '.'):
		return md(r.v[0], r.v[1]) || md(r.v[1], r.v[0]), false
	case r.n == 2 && r.g[0] <= 2 && r.g[1] <= 2 && r.sep[0] == '/':
		// "on 3/14", "Deadline 8/15", "through 7/18": a month and a day,
		// unless the words around make it a fraction or a score.
		if !md(r.v[0], r.v[1]) {
			return false, false
		}
		if cued {
			return true, false
		}
		common := r.v[0] < r.v[1] && r.v[1] <= 4 // 1/2, 2/3, 3/4
		return !common && !fractionContext(text, start, r.end), false
	}
	return false, false
}

// fractionContext reports whether "3/4" at text[start:end] reads as a
// fraction, a ratio or a score ("3/4 of", "rated 9/10", "1/2 tab").
func fractionContext(text string, start, end int) bool {
	after := text[end:]
	if len(after) > 24 {
		after = after[:24]
	}
	after = strings.ToLower(strings.TrimLeft(after, " "))
	for _, w := range []string{"of", "pain", "tab", "tabs", "tablet", "cup", "tsp", "tbsp", "inch", "mile", "dose", "strength",
		"times", "people", "patients", "nurses", "days", "hours", "ratio", "stars", "split", "staffing", "x", "mg", "ml", "th", "rd", "nd", "st", "scale", "for"} {
		if strings.HasPrefix(after, w) && (len(after) == len(w) || !isAlpha(after[len(w)])) {
			return true
		}
	}
	before := text[:start]
	if len(before) > 24 {
		before = before[len(before)-24:]
	}
	before = strings.ToLower(strings.TrimRight(before, " "))
	for _, w := range []string{"rated", "rate", "score", "scored", "a", "only", "about", "nearly", "over", "under", "than", "gave", "give", "ratio", "pain", "is", "at", "was", "were", "went"} {
		if strings.HasSuffix(before, w) && (len(before) == len(w) || !isAlpha(before[len(before)-len(w)-1])) {
			return true
		}
	}
	return false
}

// streetBefore matches a street name without a number before the suffix
// at token i: "on Main St", "the Elm St shooting", "5th Ave". It returns the
// first token of the name, or -1. "Dr." before a name and "St." before a
// saint ("St. Mary's") are not streets.
func (e *Engine) streetBefore(text string, toks []token, i int) int {
	w := strings.ToLower(text[toks[i].start:toks[i].end])
	if w == "dr" || w == "drive" && i+1 < len(toks) && toks[i+1].flags&tUpper != 0 {
		return -1
	}
	if i+1 < len(toks) && toks[i+1].gap <= gapJoin && toks[i+1].flags&tUpper != 0 {
		return -1 // "St. Mary's", "Way Forward"
	}
	k := i - 1
	for ; k >= 0 && k >= i-3; k-- {
		t := &toks[k]
		if toks[k+1].gap > gapSpace || t.flags&tUpper == 0 && !isOrdinal(text[t.start:t.end]) || t.lex >= 0 && t.cls&e.b.cls.nameStop != 0 {
			break
		}
	}
	first := k + 1
	if first == i {
		return -1
	}
	// A preposition or a number before, or the start of a sentence after
	// "on"/"at": require some sign that this is a place.
	if k >= 0 && toks[first].gap <= gapSpace {
		switch strings.ToLower(text[toks[k].start:toks[k].end]) {
		case "on", "at", "off", "near", "the", "from", "down", "up", "along", "of", "to", "by", "in":
			return first
		}
	}
	return -1
}

func isOrdinal(w string) bool {
	n, suf := leadingNumber(w)
	return n > 0 && (suf == "st" || suf == "nd" || suf == "rd" || suf == "th")
}

// streetAddress matches "1428 Elm Street", "12 N. Main St": a number, one to
// four capitalised words, and a street suffix. It returns the end token.
func (e *Engine) streetAddress(text string, toks []token, i int) int {
	k := i + 1
	for words := 0; k < len(toks) && words <= 4; k++ {
		t := &toks[k]
		if t.gap > gapJoin || t.flags&tUpper == 0 {
			return i
		}
		if words > 0 && t.lex >= 0 && t.cls&e.b.cls.streetSuffix != 0 {
			return k + 1
		}
		words++
	}
	return i
}

// isVIN checks a 17-character vehicle identification number: no I, O or Q,
// letters and digits, and the check digit (position 9) unless cued by "VIN".
func isVIN(w string, cued bool) bool {
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum, letters, digits := 0, 0, 0
	for k := 0; k < 17; k++ {
		c := w[k]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
			digits++
		case c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q':
			letters++
			v = vinValue(c)
		default:
			return false
		}
		sum += v * weights[k]
	}
	if letters < 2 || digits < 5 {
		return false
	}
	check := byte('0' + sum%11)
	if sum%11 == 10 {
		check = 'X'
	}
	return cued || w[8] == check
}

func vinValue(c byte) int {
	switch {
	case c >= 'A' && c <= 'H':
		return int(c-'A') + 1
	case c >= 'J' && c <= 'N':
		return int(c-'J') + 1
	case c == 'P':
		return 7
	case c == 'R':
		return 9
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2
	}
	return 0
}

// isDEA checks a DEA registration number: two letters, seven digits, and
// its check digit.
func isDEA(w string) bool {
	if !strings.ContainsRune("ABCDEFGHJKLMPRSTUX", rune(w[0])) || w[1] < 'A' || w[1] > 'Z' && w[1] != '9' {
		return false
	}
	d := make([]int, 7)
	for k := 0; k < 7; k++ {
		c := w[2+k]
		if c < '0' || c > '9' {
			return false
		}
		d[k] = int(c - '0')
	}
	return (d[0]+d[2]+d[4]+2*(d[1]+d[3]+d[5]))%10 == d[6]
}

// mbiAt matches a Medicare Beneficiary Identifier such as 1EG4-TE5-MK73.
func mbiAt(text string, toks []token, i int) (int, bool) {
	var b [11]byte
	n, k := 0, i
	for ; k < len(toks) && k < i+3; k++ {
		if k > i && text[toks[k-1].end:toks[k].start] != "-" {
			break
		}
		w := text[toks[k].start:toks[k].end]
		if n+len(w) > 11 {
			return i, false
		}
		n += copy(b[n:], w)
		if n == 11 {
			break
		}
	}
	if n != 11 {
		return i, false
	}
	const bad = "SLOIBZ"
	letter := func(c byte) bool { return c >= 'A' && c <= 'Z' && strings.IndexByte(bad, c) < 0 }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	alnum := func(c byte) bool { return letter(c) || digit(c) }
	ok := b[0] >= '1' && b[0] <= '9' && letter(b[1]) && alnum(b[2]) && digit(b[3]) && letter(b[4]) && alnum(b[5]) &&
		digit(b[6]) && letter(b[7]) && letter(b[8]) && digit(b[9]) && digit(b[10])
	return k + 1, ok
}

// detectEmails finds name@domain.tld around each '@'.
func (e *Engine) detectEmails(text string, st *scanState) {
	r := e.rule("email")
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

// tlds are the endings of a bare domain ("gofundme.com/...") that count as a
// URL without a scheme.
var tlds = map[string]bool{"com": true, "org": true, "net": true, "edu": true, "gov": true, "io": true,
	"co": true, "us": true, "me": true, "ly": true, "info": true, "health": true, "care": true, "app": true,
	"uk": true, "ca": true, "link": true, "page": true, "site": true, "blog": true, "example": true, "mil": true,
	"biz": true, "ai": true, "dev": true, "clinic": true, "hospital": true, "to": true, "tv": true, "news": true, "nhs": true,
	"au": true, "nz": true, "ie": true, "de": true, "fr": true, "es": true, "mx": true, "in": true, "ng": true, "za": true, "eu": true}

// detectURLs finds http(s)://..., www.... and bare domains with a known TLD.
func (e *Engine) detectURLs(text string, st *scanState) {
	r := e.rule("url")
	if r < 0 {
		return
	}
	toks := st.toks
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		// Every URL shape has a '.' or ':' right after its first word.
		if int(t.end) >= len(text) || text[t.end] != '.' && text[t.end] != ':' {
			continue
		}
		w := text[t.start:t.end]
		start := int(t.start)
		if t.start > 0 && text[t.start-1] == '@' {
			continue // part of an e-mail address
		}
		isURL := false
		switch {
		case (w == "http" || w == "https" || w == "HTTP" || w == "HTTPS") && strings.HasPrefix(text[t.end:], "://"):
			isURL = true
		case (w == "www" || w == "WWW") && strings.HasPrefix(text[t.end:], "."):
			isURL = true
		default:
			// A bare domain: label(.label)*.tld
			k := i
			for k+1 < len(toks) && text[toks[k].end:toks[k+1].start] == "." {
				k++
			}
			if k > i && toks[k].flags&tDigit == 0 {
				tld := strings.ToLower(text[toks[k].start:toks[k].end])
				// A known ending, or any short one followed by a path.
				isURL = tlds[tld] || len(tld) >= 2 && len(tld) <= 6 && int(toks[k].end) < len(text) && text[toks[k].end] == '/'
			}
		}
		if !isURL {
			continue
		}
		end := int(t.end)
		for end < len(text) && isURLByte(text[end]) {
			end++
		}
		for end > start && strings.IndexByte(".,;:!?)'\"", text[end-1]) >= 0 {
			end--
		}
		if end <= int(t.end) && w != "www" {
			// a bare domain is at least label.tld
			if !strings.Contains(text[start:end], ".") {
				continue
			}
		}
		j := tokenAt(toks, end-1) + 1
		st.add(r, toks, i, j, start, end)
		i = j - 1
	}
}

func isURLByte(c byte) bool {
	return c > ' ' && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '`'
}

func isEmailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isAlnum(c byte) bool { return isAlpha(c) || c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// placeContext decides whether a place-name match stands as a place: a
// capitalised name, or one after "in", "from", "near"..., or before a state.
func (e *Engine) placeContext(text string, toks []token, h *hit) bool {
	cls := &e.b.cls
	t0, t1 := int(h.t0), int(h.t1)
	capital := toks[t0].flags&tUpper != 0
	locative := t0 > 0 && toks[t0].gap <= gapSpace && toks[t0-1].lex >= 0 && toks[t0-1].cls&cls.locative != 0
	state := t1 < len(toks) && toks[t1].gap == gapSoft && toks[t1].lex >= 0 && toks[t1].cls&(cls.state|cls.stateAbbr) != 0 &&
		(toks[t1].flags&tUpper != 0)
	if h.kind == patPlace {
		return capital || locative
	}
	return capital && (locative || state)
}

func isBirthday(w string) bool {
	switch strings.ToLower(w) {
	case "birthday", "bday", "birthdays", "cumpleaños":
		return true
	}
	return false
}
