package rules

// detDEA finds a DEA registration number: two letters and seven digits
// whose last is the check digit (isDEA). Labelled as a DEA number ("DEA
// BF4829317", "his DEA is AP4417283"), two capitals and seven digits are
// one even when the check fails: a mistyped or forged number still names
// a prescriber. So are they when the post speaks of a DEA number elsewhere
// ("his DEA number for everything, even when he's not in. FA4829371 is
// printed on pads"): in the writers' posts every such number was one.
var detDEA = detector{
	name:   "dea",
	doc:    `A DEA number with its check digit: "AB1234563"; in a post that names a DEA number, any two capitals and seven digits.`,
	shapes: []string{"license"},
	cues:   []string{"dea_cue"},
	on:     kDigitFirst | kAlnum,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shLicense)
		w := c.w
		if r < 0 || len(w) != 9 || !isDEA(w) && !(isUpper(w[0]) && isUpper(w[1]) && allDigits(w[2:]) && deaInPost(c)) {
			return 0
		}
		c.add(r, c.i, c.i+1, int(c.t.start), int(c.t.end))
		return c.i + 1
	},
}

// deaInPost reports whether the post names a DEA number anywhere ("DEA",
// "DEA#"), the number's own label included.
func deaInPost(c *tokCtx) bool {
	return c.e.b.cue.dea.find(c.text, c.toks, 0) < len(c.toks)
}
