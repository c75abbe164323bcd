package rules

// detZip finds a ZIP code: five or nine digits (or 5+4) after a state or a
// ZIP cue ("IL 62704", "ZIP 90210").
var detZip = detector{
	name:    "zip",
	doc:     `A ZIP code after a state or "ZIP": "Springfield, IL 62704".`,
	shapes:  []string{"zip"},
	classes: []string{"state", "state_abbr"},
	cues:    []string{"zip_cue"},
	on:      kRun,
	token: func(c *tokCtx) int {
		run := &c.run
		if !(run.n == 1 && (run.g[0] == 5 || run.g[0] == 9) || run.n == 2 && run.g[0] == 5 && run.g[1] == 4) {
			return 0
		}
		if c.classOf(c.i-1)&(c.e.b.cls.state|c.e.b.cls.stateAbbr) == 0 && !c.cue(2, &c.e.b.cue.zip) {
			return 0
		}
		if r := c.e.ruleOf(shZip); r >= 0 {
			c.add(r, c.i, c.j, c.start, run.end)
		}
		return c.j
	},
}
