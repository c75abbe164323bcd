package rules

// detDEA finds a DEA registration number: two letters and seven digits
// whose last is the check digit (isDEA).
var detDEA = detector{
	name:   "dea",
	doc:    `A DEA number with its check digit: "AB1234563".`,
	shapes: []string{"license"},
	on:     kDigitFirst | kAlnum,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shLicense)
		if r < 0 || len(c.w) != 9 || !isDEA(c.w) {
			return 0
		}
		c.add(r, c.i, c.i+1, int(c.t.start), int(c.t.end))
		return c.i + 1
	},
}
