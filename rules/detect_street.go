package rules

// Street addresses: a number and capitalised words ending in a street
// suffix ("1428 Elm Street"), or a street name without a number after a
// preposition ("on Main St").

// detStreetNumber finds "1428 Elm Street", "12 N. Main St".
var detStreetNumber = detector{
	name:    "street_number",
	doc:     `A numbered street address: "1428 Elm Street".`,
	shapes:  []string{"street"},
	classes: []string{"street_suffix"},
	on:      kRun,
	token: func(c *tokCtx) int {
		rStreet := c.e.ruleOf(shStreet)
		if c.run.n != 1 || c.run.g[0] > 6 || rStreet < 0 {
			return 0
		}
		if end := c.e.streetAddress(c.text, c.toks, c.i); end > c.i+1 {
			c.add(rStreet, c.i, end, int(c.t.start), int(c.toks[end-1].end))
			return end
		}
		return 0
	},
}

// detStreetName finds a street named without a number: "on Main St", "the
// Elm St shooting", "5th Ave".
var detStreetName = detector{
	name:    "street_name",
	doc:     `A street name after a preposition: "on Main St".`,
	shapes:  []string{"street"},
	classes: []string{"street_suffix", "name_stop"},
	cues:    []string{"street_before"},
	on:      kDigitFirst | kAlnum | kWord,
	token: func(c *tokCtx) int {
		t := c.t
		rStreet := c.e.ruleOf(shStreet)
		if rStreet < 0 || t.lex < 0 || t.cls&c.e.b.cls.streetSuffix == 0 || t.flags&tUpper == 0 || c.i == 0 {
			return 0
		}
		if s0 := c.e.streetBefore(c.text, c.toks, c.i); s0 >= 0 {
			c.add(rStreet, s0, c.i+1, int(c.toks[s0].start), int(t.end))
			return c.i + 1
		}
		return 0
	},
}
