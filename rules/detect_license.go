package rules

// Licence and certificate numbers (Safe Harbor's element K): the NPI with
// its check digit, passport and driver's licence numbers after their cue
// words, and CLIA laboratory numbers. Shapes, cue words and checks follow
// Microsoft Presidio's UsNpiRecognizer, UsPassportRecognizer,
// UsLicenseRecognizer and UsCliaRecognizer (presidio-analyzer,
// country_specific/us/).

// detNPI finds a National Provider Identifier: ten digits starting 1 or 2
// (or 4-3-3 with dashes or spaces) whose Luhn check over "80840" and the
// number holds (the CMS rule), and not one digit repeated. Labelled as an
// NPI ("NPI 1487306655", "NPI # 1487306655"), the number is one even when
// the check fails: a mistyped NPI still points at its prescriber.
var detNPI = detector{
	name:   "npi",
	doc:    `A National Provider Identifier with its check digit: "NPI 1245319599", "1234-567-893"; after "NPI", any ten such digits.`,
	shapes: []string{"license"},
	cues:   []string{"npi_cue", "label_filler"},
	on:     kRun,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shLicense)
		if r < 0 || (c.w[0] != '1' && c.w[0] != '2') {
			return 0
		}
		g := readGroups(c.text, int(c.t.start), " -")
		if g.glue || !(g.shape(10) || g.shape(4, 3, 3) && g.sep != 0) {
			return 0
		}
		d := g.digits()
		if sameDigits(d[:9]) || !luhn("80840"+d) && !c.labelled(&c.e.b.cue.npi) {
			return 0
		}
		j := tokenAt(c.toks, g.end-1) + 1
		h := c.add(r, c.i, j, int(c.t.start), g.end)
		h.msg = "A National Provider Identifier (NPI). A provider's own NPI is public; with a patient's story it can point to the visit."
		return j
	},
}

// detPassport finds a passport number after "passport": a US book's nine
// digits or capital and eight digits, or another country's six to ten
// capitals and digits with at least five digits ("passport AB482019",
// "passport 19FR48823").
var detPassport = detector{
	name:   "passport",
	doc:    `A passport number after "passport": "passport 912803456", "passport no. A12345678", "passport AB482019"; a US one later in the sentence: "my passport again; X88213460".`,
	shapes: []string{"license"},
	cues:   []string{"passport_cue", "label_filler"},
	on:     kRun | kDigitFirst | kAlnum,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shLicense)
		w := c.w
		if r < 0 || !passportShape(w) || allDigits(w) && c.run.n != 1 {
			return 0
		}
		// Right after its cue, any passport's shape; further on in the
		// cue's sentence ("her kid's passport renewed before the hearing,
		// number 567210943"), a US book's only, as Presidio's
		// UsPassportRecognizer reads its context words.
		if !c.labelled(&c.e.b.cue.passport) && !(usPassport(w) && c.nearSpan(c.i, c.i+1, passportReach, &c.e.b.cue.passport)) {
			return 0
		}
		h := c.add(r, c.i, c.i+1, int(c.t.start), int(c.t.end))
		h.msg = "A passport number."
		return c.i + 1
	},
}

// detProfLicence finds a professional licence number after its cue
// ("license #PT-028817", "License #TX-PT-448120", "licencia número
// TR-20931"): one or more prefixes of one to four capitals, each joined by
// '-', then five to ten digits. It is tried at the digits, which come
// after the prefix.
var detProfLicence = detector{
	name:   "prof_licence",
	doc:    `A professional licence number after its cue: "PT License #PT-028817", "License #TX-PT-448120".`,
	shapes: []string{"license"},
	cues:   []string{"licence_cue", "label_filler"},
	on:     kRun,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shLicense)
		if r < 0 || c.run.n != 1 || len(c.w) < 5 || len(c.w) > 10 || c.run.glued(c.text) {
			return 0
		}
		k := c.i
		for k > 0 && k > c.i-3 && c.text[c.toks[k-1].end:c.toks[k].start] == "-" && licencePrefix(c.text[c.toks[k-1].start:c.toks[k-1].end]) {
			k--
		}
		if k == c.i || !c.labelledAt(k, &c.e.b.cue.licence) {
			return 0
		}
		h := c.add(r, k, c.i+1, int(c.toks[k].start), int(c.t.end))
		h.msg = "A professional licence number."
		return c.i + 1
	},
}

// licencePrefix reports whether w is one to four capitals: a licence
// number's prefix ("PT", "TX").
func licencePrefix(w string) bool {
	if len(w) > 4 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if !isUpper(w[i]) {
			return false
		}
	}
	return len(w) > 0
}

// passportReach is how many tokens before a US passport number its cue
// word may be, within its sentence.
const passportReach = 16

// usPassport reports whether w is a US passport book's number: nine
// digits, or a capital and eight digits.
func usPassport(w string) bool {
	return len(w) == 9 && (isUpper(w[0]) || isDigit(w[0])) && allDigits(w[1:])
}

// passportShape reports whether w is written as a passport number: six to
// ten capitals and digits, at least five of them digits.
func passportShape(w string) bool {
	if len(w) < 6 || len(w) > 10 {
		return false
	}
	digits := 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= '0' && c <= '9':
			digits++
		case !isUpper(c):
			return false
		}
	}
	return digits >= 5
}

// detDriverLicence finds a driver's licence number after its cue words
// ("driver's license", "DL", "permit"): six to fourteen or sixteen digits,
// one of the states' letter-and-digit formats (dlShape), or a capital and
// digits followed by dashed digit groups as a card prints it
// ("licencia D442-1180-9932", Florida's "D123-456-78-901-0").
var detDriverLicence = detector{
	name:   "driver_licence",
	doc:    `A driver's licence number after its cue: "driver's license D1234567", "DL# 123456789", "licencia D442-1180-9932".`,
	shapes: []string{"license"},
	cues:   []string{"licence_cue", "label_filler"},
	on:     kRun | kDigitFirst | kAlnum,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shLicense)
		w := c.w
		if r < 0 {
			return 0
		}
		if j, end := dlDashed(c.text, c.toks, c.i); j > 0 {
			// The dashed shape is a licence's own: its cue may come
			// earlier in the sentence ("left her driver's license in my
			// office yesterday, D4481-22917-06").
			if !c.labelled(&c.e.b.cue.licence) && !c.nearSpan(c.i, j, passportReach, &c.e.b.cue.licence) {
				return 0
			}
			h := c.add(r, c.i, j, int(c.t.start), end)
			h.msg = "A driver's licence number."
			return j
		}
		if allDigits(w) {
			if c.run.n != 1 || !(len(w) >= 6 && len(w) <= 14 || len(w) == 16) {
				return 0
			}
		} else if !dlShape(w) {
			return 0
		}
		if !c.labelled(&c.e.b.cue.licence) {
			return 0
		}
		h := c.add(r, c.i, c.i+1, int(c.t.start), int(c.t.end))
		h.msg = "A driver's licence number."
		return c.i + 1
	},
}

// dlDashed matches a driver's licence number written in dashed groups at
// token i: one or two capitals and one to five digits, then two to four
// groups of one to six digits, each after one '-', eight to sixteen digits
// in all ("D442-778-10093", "D4410-22871-06"). It returns the index of the
// token after it and its end, or 0.
func dlDashed(text string, toks []token, i int) (int, int) {
	w := text[toks[i].start:toks[i].end]
	n := 0
	for n < len(w) && n < 2 && isUpper(w[n]) {
		n++
	}
	if n == 0 || len(w)-n < 1 || len(w)-n > 5 || !allDigits(w[n:]) {
		return 0, 0
	}
	digits, groups, k := len(w)-n, 0, i+1
	for ; k < len(toks) && groups < 4; k++ {
		g := text[toks[k].start:toks[k].end]
		if text[toks[k-1].end:toks[k].start] != "-" || len(g) > 6 || !allDigits(g) {
			break
		}
		digits += len(g)
		groups++
	}
	end := int(toks[k-1].end)
	if groups < 2 || digits < 8 || digits > 16 || end < len(text) && (isAlnum(text[end]) || text[end] == '-' && end+1 < len(text) && isAlnum(text[end+1])) {
		return 0, 0
	}
	return k, end
}

// dlShape reports whether w is written as a US state writes a driver's
// licence number (the alphanumeric formats of Presidio's
// UsLicenseRecognizer): a capital and 1-14 or 18 digits; two capitals and
// 2-7 digits; 2 digits, 3 capitals, 5-6 digits; 9 digits and a capital;
// two capitals, 6 digits, a capital; 8 digits and two capitals; 3 digits,
// 2 capitals, 4 digits; 7-8 digits and a capital; a capital and 6 digits
// and R; or Washington's capital and 11 capitals and digits with a digit.
// At least four digits in all.
func dlShape(w string) bool {
	digits := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= '0' && c <= '9' {
			digits++
		} else if c < 'A' || c > 'Z' {
			return false
		}
	}
	if digits < 4 {
		return false
	}
	if len(w) == 12 && w[0] >= 'A' && w[0] <= 'Z' {
		return true // Washington
	}
	// The runs of capitals and of digits, at most three.
	var runs [3]struct {
		letter bool
		n      int
	}
	n := 0
	for i := 0; i < len(w); i++ {
		letter := w[i] >= 'A'
		if n > 0 && runs[n-1].letter == letter {
			runs[n-1].n++
			continue
		}
		if n == len(runs) {
			return false
		}
		runs[n].letter, runs[n].n = letter, 1
		n++
	}
	L := func(k, lo, hi int) bool { return runs[k].letter && runs[k].n >= lo && runs[k].n <= hi }
	D := func(k, lo, hi int) bool { return !runs[k].letter && runs[k].n >= lo && runs[k].n <= hi }
	switch n {
	case 2:
		return L(0, 1, 1) && (D(1, 1, 14) || D(1, 18, 18)) || L(0, 2, 2) && D(1, 2, 7) || D(0, 9, 9) && L(1, 1, 1) ||
			D(0, 8, 8) && L(1, 2, 2) || D(0, 7, 8) && L(1, 1, 1)
	case 3:
		return D(0, 2, 2) && L(1, 3, 3) && D(2, 5, 6) || L(0, 2, 2) && D(1, 6, 6) && L(2, 1, 1) ||
			D(0, 3, 3) && L(1, 2, 2) && D(2, 4, 4) || L(0, 1, 1) && D(1, 6, 6) && L(2, 1, 1) && w[len(w)-1] == 'R'
	}
	return false
}

func allDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return len(w) > 0
}

// detCLIA finds a CLIA laboratory certificate number: two digits, D, seven
// digits ("11D2030122"), not seven of one digit.
var detCLIA = detector{
	name:   "clia",
	doc:    `A CLIA laboratory number: "CLIA 11D2030122".`,
	shapes: []string{"license"},
	on:     kDigitFirst,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shLicense)
		w := c.w
		if r < 0 || len(w) != 10 || w[2] != 'D' && w[2] != 'd' || !allDigits(w[:2]) || !allDigits(w[3:]) || sameDigits(w[3:]) {
			return 0
		}
		h := c.add(r, c.i, c.i+1, int(c.t.start), int(c.t.end))
		h.msg = "A CLIA laboratory certificate number."
		return c.i + 1
	},
}
