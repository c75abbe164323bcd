package rules

import "strings"

// Ages, as a case presentation writes them ("92 yo", "45 y/o M", "a
// 58-year-old", "45M") or a story does ("Dad (91)", "German girl, 22", "my
// dad is 91", "happy 95th", "aged 92"). An age over 89 is also a Safe
// Harbor identifier (age90), and "45M" gives a sex.

// detAgeBracket finds "Dad (91)": an age in brackets after a person or a
// relation.
var detAgeBracket = detector{
	name:    "age_bracket",
	doc:     `An age in brackets after a person: "Dad (91)".`,
	shapes:  []string{"age", "age90", "sex"},
	classes: []string{"sex_word", "relation", "patient_noun"},
	cues:    []string{"own"},
	on:      kRun,
	token: func(c *tokCtx) int {
		text, toks, i, t := c.text, c.toks, c.i, c.t
		if a := atoi(c.w); c.run.n == 1 && a > 0 && a < 120 && i > 0 && t.start > 0 && text[t.start-1] == '(' &&
			c.run.end < len(text) && text[c.run.end] == ')' && toks[i-1].lex >= 0 && toks[i-1].cls&(c.e.b.cls.sexWord|c.e.b.cls.relation) != 0 {
			c.e.addAge(c.st, toks, i, i+1, a, false, false)
			return i + 1
		}
		return 0
	},
}

// detAgeComma finds "German girl, 22": an age after a person word and a
// comma; and "Mr. Harold Jensen, 91, lives ...", "Mrs. Abernathy, 94 and
// sharp": an age set off after a person's name, as a news story writes it.
var detAgeComma = detector{
	name:    "age_comma",
	doc:     `An age after a person word or a name and a comma: "German girl, 22", "Mrs. Abernathy, 94 and sharp as a tack".`,
	shapes:  []string{"age", "age90", "sex"},
	classes: []string{"sex_word", "patient_noun", "firstname", "surname", "title"},
	cues:    []string{"own", "age_after_name"},
	on:      kRun,
	token: func(c *tokCtx) int {
		text, toks, i := c.text, c.toks, c.i
		a := atoi(c.w)
		if c.run.n != 1 || !isAge(a) || i == 0 || toks[i].gap != gapSoft || text[toks[i-1].end] != ',' {
			return 0
		}
		if toks[i-1].lex >= 0 && toks[i-1].cls&c.e.b.cls.sexWord != 0 {
			c.e.addAge(c.st, toks, i, i+1, a, true, false)
			return i + 1
		}
		if personName(c, i-1) && ageSetOff(c) {
			c.e.addAge(c.st, toks, i, i+1, a, false, false)
			return i + 1
		}
		return 0
	},
}

// personName reports whether token k ends a person's name: a capitalised
// first name or surname of the name tables, or a capitalised word after a
// title ("Mrs. Abernathy", "Miss Odette").
func personName(c *tokCtx, k int) bool {
	t := &c.toks[k]
	if t.flags&tUpper == 0 || t.flags&tDigit != 0 {
		return false
	}
	cls := &c.e.b.cls
	if t.lex >= 0 && t.cls&(cls.first|cls.surname) != 0 {
		return true
	}
	for j := k - 1; j >= 0 && j >= k-2; j-- {
		if c.toks[j].lex >= 0 && c.toks[j].cls&cls.title != 0 {
			return true
		}
		if c.toks[j].flags&tUpper == 0 {
			return false
		}
	}
	return false
}

// ageSetOff reports whether the number at the context's run is set off as
// an age: the text ends or a comma, period, bracket or exclamation follows
// it, or a word of the cue list age_after_name ("and", "years").
func ageSetOff(c *tokCtx) bool {
	end := c.run.end
	if end >= len(c.text) {
		return true
	}
	switch c.text[end] {
	case ',', '.', ')', '!', ';':
		return true
	case ' ':
		return c.j < len(c.toks) && c.toks[c.j].gap <= gapSpace && c.e.b.cue.ageAfterName.has(c.text, c.toks[c.j])
	}
	return false
}

// detAgeIs finds "My dad is 91", "she's 94", "she was 93", "you are 91":
// an age over 89 after "is", or after "was" (or "are") and a person, unless
// a unit follows ("90 minutes").
var detAgeIs = detector{
	name:    "age_is",
	doc:     `An age over 89 after "is", after "was" and a person, or before "años": "she's 94", "She was 93 and still had her own teeth".`,
	shapes:  []string{"age", "age90", "sex"},
	classes: []string{"patient_noun"},
	cues:    []string{"age_is", "age_years_after", "age_was", "age_was_subject", "age_not_unit", "own"},
	on:      kRun,
	token: func(c *tokCtx) int {
		text, toks, i, run := c.text, c.toks, c.i, &c.run
		cue := &c.e.b.cue
		if a := atoi(c.w); run.n == 1 && a >= 90 && a <= 125 && i > 0 && toks[i].gap <= gapSpace &&
			(run.end >= len(text) || text[run.end] == ' ' || text[run.end] == '.' || text[run.end] == ',' || text[run.end] == ')' || text[run.end] == '!') &&
			(cue.ageIs.has(text, toks[i-1]) || i+1 < len(toks) && cue.ageYearsAfter.has(text, toks[i+1]) ||
				i > 1 && cue.ageWas.has(text, toks[i-1]) && cue.ageWasSubject.has(text, toks[i-2])) &&
			// "you're 90 minutes late", "he's 95 pounds": a measure, not an age.
			!(i+1 < len(toks) && toks[i+1].gap <= gapSpace && cue.ageNotUnit.has(text, toks[i+1])) {
			c.e.addAge(c.st, toks, i, i+1, a, false, false)
			return i + 1
		}
		return 0
	},
}

// detAgeUnits finds "92 yo", "45 y/o", "45-year-old", "45 M".
var detAgeUnits = detector{
	name:    "age_units",
	doc:     `A number and an age unit: "92 yo", "45 y/o M", "a 58-year-old"; and a room right after one: "the 92 y/o in 7C".`,
	shapes:  []string{"age", "age90", "sex"},
	rules:   []string{"privacy.room"},
	classes: []string{"patient_noun"},
	cues:    []string{"case_article", "own", "room_not_next"},
	on:      kRun,
	token: func(c *tokCtx) int {
		text, toks, i := c.text, c.toks, c.i
		if c.run.n != 1 || c.run.g[0] > 3 {
			return 0
		}
		end, casey, sex := ageAfter(text, toks, i)
		if end <= i {
			return 0
		}
		// "a 58-year-old", "our 97-year-old": a description of someone, as
		// in a case presentation.
		if i > 0 && toks[i].gap <= gapSpace && end > i+2 {
			if c.e.b.cue.caseArticle.has(text, toks[i-1]) {
				casey = true
			}
		}
		c.e.addAge(c.st, toks, i, end, atoi(c.w), casey || sex, sex)
		if casey || sex {
			c.e.roomAfterAge(c.st, toks, end)
		}
		return end
	},
}

// detAgeOrdinal finds "happy 95th", "her 100th birthday".
var detAgeOrdinal = detector{
	name:   "age_ordinal",
	doc:    `An ordinal birthday: "happy 95th", "her 100th birthday".`,
	shapes: []string{"age", "age90", "sex"},
	cues:   []string{"ordinal_age_before", "birthday", "own"},
	on:     kDigitFirst,
	token: func(c *tokCtx) int {
		n, suffix := leadingNumber(c.w)
		if n <= 0 || n > 3 || suffix != "th" && suffix != "st" && suffix != "nd" && suffix != "rd" {
			return 0
		}
		if !c.cue(1, &c.e.b.cue.ordinalAgeBefore) && !(c.i+1 < len(c.toks) && c.e.isBirthday(c.text[c.toks[c.i+1].start:c.toks[c.i+1].end])) {
			return 0
		}
		if a := atoi(c.w[:n]); a >= 13 {
			c.e.addAge(c.st, c.toks, c.i, c.i+1, a, false, false)
			return c.i + 1
		}
		return 0
	},
}

// detAgeSuffix finds an age written in one token: "45yo", "92M", "45y/o".
var detAgeSuffix = detector{
	name:    "age_suffix",
	doc:     `An age and its unit in one token: "45yo", "92M", "45y/o"; a decade of a person: "30s F", "her late 90s"; and a room right after one: "the 19yo in 3B", "our 80s F in 302".`,
	shapes:  []string{"age", "age90", "sex"},
	rules:   []string{"privacy.room"},
	classes: []string{"patient_noun"},
	cues:    []string{"own", "room_not_next"},
	on:      kDigitFirst,
	token: func(c *tokCtx) int {
		n, suffix := leadingNumber(c.w)
		if n <= 0 || n > 3 || inCode(c.text, int(c.t.start), int(c.t.end)) {
			return 0
		}
		text, toks, i := c.text, c.toks, c.i
		switch suffix {
		case "yo", "yr", "yrs", "y", "yom", "yof", "m", "f", "M", "F", "yoM", "yoF", "YO":
			end := i + 1
			casey := suffix != "y" && suffix != "yr" && suffix != "yrs"
			sex := strings.ContainsAny(suffix, "MF") || suffix == "yom" || suffix == "yof"
			if suffix == "y" { // "45y/o"
				e2, _, _ := ageAfterYO(text, toks, i)
				if e2 <= i+1 {
					return 0
				}
				end, casey = e2, true
			}
			if suffix == "m" || suffix == "f" {
				return 0 // "5m" is five minutes or metres
			}
			if e2, _, s2 := ageAfter(text, toks, end-1); e2 > end && s2 {
				end, sex = e2, true
			}
			c.e.addAge(c.st, toks, i, end, atoi(c.w[:n]), casey, sex)
			if casey || sex {
				c.e.roomAfterAge(c.st, toks, end)
			}
			return i + 1 // the pass goes on at the next token, inside the age
		case "s", "S":
			// A decade: "30s F", "40s male" as in a case presentation;
			// "in her 70s", "his late 90s" as an age band. A decade alone
			// ("temps in the 20s", "the 80s") is none.
			a := atoi(c.w[:n])
			if n != 2 || a < 10 || a%10 != 0 {
				return 0
			}
			end, sex := i+1, false
			if k := i + 1; k < len(toks) && toks[k].gap <= gapSpace {
				switch c.text[toks[k].start:toks[k].end] {
				case "F", "M", "f", "m", "yo", "female", "male", "woman", "man", "Female", "Male", "guy", "lady", "gentleman", "gent":
					end, sex = k+1, true
				}
			}
			if !sex && !decadeOwner(c.text, toks, i) {
				return 0
			}
			// "In her 90s" is already Safe Harbor's "90 or older": an age,
			// not an identifier.
			c.e.addAge(c.st, toks, i, end, min(a, 89), sex, sex)
			if sex {
				c.e.roomAfterAge(c.st, toks, end)
			}
			return end
		}
		return 0
	},
}

// decadeOwner reports whether the decade at token i belongs to a person:
// "her 30s", "his late 70s", "their mid-40s", "in her early 90s".
func decadeOwner(text string, toks []token, i int) bool {
	for k, n := i-1, 0; k >= 0 && n < 2 && toks[k+1].gap <= gapJoin; k, n = k-1, n+1 {
		switch strings.ToLower(text[toks[k].start:toks[k].end]) {
		case "her", "his", "their", "los", "sus":
			return true
		case "early", "mid", "late":
			continue
		}
		return false
	}
	return false
}

// detAgeWord finds "aged 92", "turns 90": an age word and a number.
var detAgeWord = detector{
	name:    "age_word",
	doc:     `An age word and a number: "aged 92".`,
	shapes:  []string{"age", "age90", "sex"},
	classes: []string{"age_word", "patient_noun"},
	cues:    []string{"own"},
	on:      kDigitFirst | kAlnum | kWord,
	token: func(c *tokCtx) int {
		t, toks, i := c.t, c.toks, c.i
		if t.flags&tDigit != 0 || t.cls&c.e.b.cls.ageWord == 0 || i+1 >= len(toks) || toks[i+1].gap > gapSoft {
			return 0
		}
		nw := c.text[toks[i+1].start:toks[i+1].end]
		if n := atoi(nw); n > 0 && n < 130 && len(nw) <= 3 {
			c.e.addAge(c.st, toks, i, i+2, n, false, false)
			return i + 2
		}
		return 0
	},
}

// inCode reports whether text[s:e] is a group of a code written with
// dashes or colons, two separators or more ("3C-52-82-1A-9F-07",
// "00:1B:9F:..."): "9F" there is a byte of a MAC address, not a nine-year-old
// girl.
func inCode(text string, s, e int) bool {
	seps := 0
	for i := s - 1; i >= 0 && (isAlnum(text[i]) || text[i] == '-' || text[i] == ':'); i-- {
		if text[i] == '-' || text[i] == ':' {
			seps++
		}
	}
	for i := e; i < len(text) && (isAlnum(text[i]) || text[i] == '-' || text[i] == ':'); i++ {
		if text[i] == '-' || text[i] == ':' {
			seps++
		}
	}
	return seps >= 2
}

// roomAfterAge reads a room written bare right after an age as a case
// presentation gives it ("the 19yo in 3B", "our 80s F in 302", "the 92 y/o
// from 7C"): the ward's way of naming a patient, which a person word
// before the room would have found ("the lady in 3B") but an age alone did
// not. Token k is the one after the age; the room is "in 3B", as the room
// phrases mark it.
func (e *Engine) roomAfterAge(st *scanState, toks []token, k int) {
	r := e.b.ids.room
	if r < 0 || !e.enabled[r] || k+1 >= len(toks) || toks[k].gap > gapSpace || toks[k+1].gap > gapSpace ||
		!isWordIn(st.text, toks[k], "in", "from") || matchRoom(st.text, toks, k+1, 1) != k+2 {
		return
	}
	if k+2 < len(toks) && toks[k+2].gap <= gapSpace && e.b.cue.roomNotNext.has(st.text, toks[k+2]) {
		return // "a 45M in 3 days"
	}
	// Focused, as a room phrase's hit is: its fix removes "in 3B" rather
	// than leaving "the 19yo a room".
	st.add(r, toks, k, k+2, int(toks[k].start), int(toks[k+1].end)).focused = true
}
