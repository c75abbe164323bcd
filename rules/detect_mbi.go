package rules

// detMBI finds a Medicare Beneficiary Identifier, with or without its
// dashes: "1EG4-TE5-MK73" (mbiAt); after "MBI" a letter outside the CMS
// alphabet is forgiven.
var detMBI = detector{
	name:   "mbi",
	doc:    `A Medicare Beneficiary Identifier: "1EG4-TE5-MK73".`,
	shapes: []string{"mbi"},
	cues:   []string{"mbi_cue"},
	on:     kDigitFirst | kAlnum,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shMBI)
		if r < 0 {
			return 0
		}
		cued := c.i > 0 && c.e.b.cue.mbi.has(c.text, c.toks[c.i-1])
		if end, ok := mbiAt(c.text, c.toks, c.i, cued); ok {
			c.add(r, c.i, end, int(c.t.start), int(c.toks[end-1].end))
			return end
		}
		return 0
	},
}
