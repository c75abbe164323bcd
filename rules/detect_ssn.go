package rules

// Social Security numbers and ITINs: 3-2-4 digits with one separator (a
// dash, a space or a dot, the same twice), or nine digits named as one.
// A bare SSN needs no cue when it is in a range the SSA issues; the
// validation follows Microsoft Presidio's UsSsnRecognizer and
// UsItinRecognizer (presidio-analyzer, country_specific/us/) and the SSA's
// rules (no area 000, 666 or 900-999, no group 00, no serial 0000).

// detSSNNamed finds an SSN-shaped number named as one ("SSN 000-12-3456")
// in a range the SSA never issues (000, 666, 9xx): typed next to "SSN" it
// is one. It runs before the phone detector, which would take it otherwise.
var detSSNNamed = detector{
	name:   "ssn_named",
	doc:    `An SSN-shaped number after "SSN", even in a range never issued: "SSN 000-12-3456".`,
	shapes: []string{"ssn"},
	cues:   []string{"ssn_cue"},
	on:     kRun,
	token: func(c *tokCtx) int {
		if !c.run.ssnShape() || c.run.isSSN() || !c.cue(3, &c.e.b.cue.ssn) {
			return 0
		}
		if r := c.e.ruleOf(shSSN); r >= 0 {
			c.add(r, c.i, c.j, c.start, c.run.end)
		}
		return c.j
	},
}

// detSSN finds an SSN written 3-2-4 in an issued range, or nine digits
// named as an SSN ("SSN 123456789"). A bare number after a word such as
// "lot" or "order" (the cue list not_ssn) is that thing's number, and a
// number after '+' or in brackets is a phone number.
var detSSN = detector{
	name:   "ssn",
	doc:    `An SSN: "078-05-1123", "078.05.1123", "078 05 1123", or nine digits after "SSN".`,
	shapes: []string{"ssn"},
	cues:   []string{"ssn_cue", "not_ssn"},
	on:     kRun,
	token: func(c *tokCtx) int {
		named := c.run.n == 1 && c.run.g[0] == 9 && c.cue(3, &c.e.b.cue.ssn)
		if !named && !(c.run.isSSN() && !c.run.plus && !c.run.area && !c.run.glued(c.text) && !c.cue(2, &c.e.b.cue.notSSN)) {
			return 0
		}
		if r := c.e.ruleOf(shSSN); r >= 0 {
			c.add(r, c.i, c.j, c.start, c.run.end)
		}
		return c.j
	},
}

// detITIN finds an Individual Taxpayer Identification Number: 9xx-7x-xxxx
// (the fourth and fifth digits 50-65, 70-88, 90-92 or 94-99), or nine such
// digits after a cue ("ITIN", "taxpayer").
var detITIN = detector{
	name:   "itin",
	doc:    `An ITIN: "911-70-1234", "ITIN 911701234".`,
	shapes: []string{"ssn"},
	cues:   []string{"itin_cue", "not_ssn", "label_filler"},
	on:     kRun,
	token: func(c *tokCtx) int {
		run := &c.run
		var group int
		switch {
		case run.ssnShape() && run.v[0] >= 900 && !run.plus && !run.area && !run.glued(c.text) && !c.cue(2, &c.e.b.cue.notSSN):
			group = run.v[1]
		case run.n == 1 && run.g[0] == 9 && c.w[0] == '9' && c.labelled(&c.e.b.cue.itin):
			group = atoi(c.w[3:5])
		default:
			return 0
		}
		if !(group >= 50 && group <= 65 || group >= 70 && group <= 88 || group >= 90 && group <= 92 || group >= 94) {
			return 0
		}
		if r := c.e.ruleOf(shSSN); r >= 0 {
			h := c.add(r, c.i, c.j, c.start, run.end)
			h.msg = "An Individual Taxpayer Identification Number (ITIN), issued by the IRS in place of an SSN."
		}
		return c.j
	},
}

// detSSNContext finds an SSN-shaped number that no cue word labels but the
// sentence around it places in a record: "Name, DOB, 666.20.4417", "912-44-0871
// staring at me, DOB and all", "social is 666203318", "Walt K 666209931
// pureed/nectar thick" after a face sheet. 3-2-4 digits in a range the SSA
// never issues (000, 666, 9xx) or nine digits in any range count when "SSN"
// or "social" is within the sentence (a few words either side) or a record
// word (ssn_context: "DOB", "MRN", "registration", "face sheet", "chart",
// "field") is; nine digits whose label says they are something else (a
// claim, an order, a member ID: not_ssn, ssn_other_label) and the numbers printed
// as samples (one digit repeated, 123-45-6789, group 00, serial 0000, the
// last six digits counting up or down as in 000-12-3456) do not.
// Writers of invented posts, like training slides, use the unissued ranges;
// a real SSN in an issued range is found by detSSN without any cue.
var detSSNContext = detector{
	name:   "ssn_context",
	doc:    `An SSN-shaped number in a record's words: "Name, DOB, 666.20.4417", "her SSN should be 666-48-2291", "DOB 3/14/57, 900221487".`,
	shapes: []string{"ssn"},
	cues:   []string{"ssn_cue", "ssn_context", "not_ssn", "ssn_other_label"},
	on:     kRun,
	token: func(c *tokCtx) int {
		run := &c.run
		nine := run.n == 1 && run.g[0] == 9
		if !(run.ssnShape() && !run.isSSN() || nine) || run.plus || run.area || run.glued(c.text) {
			return 0
		}
		var a, g, s int
		if nine {
			a, g, s = atoi(c.w[:3]), atoi(c.w[3:5]), atoi(c.w[5:])
		} else {
			a, g, s = run.v[0], run.v[1], run.v[2]
		}
		if g == 0 || s == 0 || oneDigit(a, g, s) || counting(g*10000+s) {
			return 0 // a sample (counting covers 123-45-6789)
		}
		cues := &c.e.b.cue
		if c.cue(2, &cues.notSSN) || c.cue(2, &cues.ssnOther) {
			return 0 // labelled as something else
		}
		if !c.nearInSentence(ssnContextReach, &cues.ssn) && !c.nearInSentence(ssnContextReach, &cues.ssnContext) {
			return 0
		}
		if r := c.e.ruleOf(shSSN); r >= 0 {
			c.add(r, c.i, c.j, c.start, run.end)
		}
		return c.j
	},
}

// counting reports whether the six digits of n count up or down by one
// ("123456", "654321"): a number typed as a sample.
func counting(n int) bool {
	up, down := true, true
	prev := n % 10
	for k := 1; k < 6; k++ {
		n /= 10
		d := n % 10
		up = up && d == prev-1
		down = down && d == prev+1
		prev = d
	}
	return up || down
}
