package rules

// detPhone finds phone and fax numbers: North American 3-3-4 and 3-4
// shapes and other countries' national formats (digitRun.isPhone); a number
// after "fax" is a fax number, unless a word of phone_cue comes closer
// ("fax 555-201-7789, phone 555-201-7788").
var detPhone = detector{
	name:   "phone",
	doc:    `A phone or fax number: "555-201-7788", "(07) 5550 4123", "fax 555-201-7789".`,
	shapes: []string{"phone", "fax"},
	cues:   []string{"fax_cue", "fax_verb", "phone_cue"},
	on:     kRun,
	token: func(c *tokCtx) int {
		if !c.run.isPhone() {
			return 0
		}
		r := c.e.ruleOf(shPhone)
		if (c.cue(3, &c.e.b.cue.fax) || c.cue(8, &c.e.b.cue.faxVerb)) && !(c.cue(2, &c.e.b.cue.phone) && !c.cue(2, &c.e.b.cue.fax)) {
			r = c.e.ruleOf(shFax)
		}
		if r >= 0 {
			c.add(r, c.i, c.j, c.start, c.run.end)
		}
		return c.j
	},
}
