package rules

// Social Security numbers: 3-2-4 digits with one separator, in the ranges
// the SSA issues; a number of that shape, or nine digits, named as an SSN.

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
		if !c.run.ssnShape() || c.run.isSSN() || !c.cue(3, c.e.b.cue.ssn) {
			return 0
		}
		if r := c.e.ruleOf(shSSN); r >= 0 {
			c.add(r, c.i, c.j, c.start, c.run.end)
		}
		return c.j
	},
}

// detSSN finds an SSN written 3-2-4 in an issued range, or nine digits
// named as an SSN ("SSN 123456789").
var detSSN = detector{
	name:   "ssn",
	doc:    `An SSN: "123-45-6789", or nine digits after "SSN".`,
	shapes: []string{"ssn"},
	cues:   []string{"ssn_cue"},
	on:     kRun,
	token: func(c *tokCtx) int {
		if !c.run.isSSN() && !(c.run.n == 1 && c.run.g[0] == 9 && c.cue(3, c.e.b.cue.ssn)) {
			return 0
		}
		if r := c.e.ruleOf(shSSN); r >= 0 {
			c.add(r, c.i, c.j, c.start, c.run.end)
		}
		return c.j
	},
}
