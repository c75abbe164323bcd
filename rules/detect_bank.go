package rules

// Bank identifiers (Safe Harbor's account numbers): ABA routing numbers
// with their check digit, and account numbers named as such. The patterns,
// cue words and check follow Microsoft Presidio's AbaRoutingRecognizer and
// UsBankRecognizer (presidio-analyzer, country_specific/us/).

// detRouting finds an ABA routing number: nine digits starting 0-3 or 6-8
// whose weighted sum (3, 7, 1, ...) is a multiple of 10, after a cue
// ("routing", "ABA"), or written 4-4-1 with dashes ("0711-0130-7").
var detRouting = detector{
	name:   "routing",
	doc:    `An ABA routing number with its check digit: "routing 121000358", "3222-7162-7".`,
	shapes: []string{"bank"},
	cues:   []string{"routing_cue", "label_filler"},
	on:     kRun,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shBank)
		if r < 0 {
			return 0
		}
		g := readGroups(c.text, int(c.t.start), "-")
		if g.glue || !(g.shape(9) && c.labelled(&c.e.b.cue.routing) || g.shape(4, 4, 1)) || !abaCheck(g.digits()) {
			return 0
		}
		j := tokenAt(c.toks, g.end-1) + 1
		h := c.add(r, c.i, j, int(c.t.start), g.end)
		h.msg = "A bank routing number. With an account number it reaches one person's bank account."
		return j
	},
}

// abaCheck checks an ABA routing number's prefix and check digit.
func abaCheck(d string) bool {
	if len(d) != 9 || d[0] == '4' || d[0] == '5' || d[0] == '9' {
		return false
	}
	w := [9]int{3, 7, 1, 3, 7, 1, 3, 7, 1}
	s := 0
	for k := 0; k < 9; k++ {
		s += int(d[k]-'0') * w[k]
	}
	return s%10 == 0 && !sameDigits(d)
}

// detBankAccount finds a bank account number: 8 to 17 digits after a cue
// ("account", "acct", "checking", "bank").
var detBankAccount = detector{
	name:   "bank_account",
	doc:    `A bank account number after a cue: "checking account is 000123456789".`,
	shapes: []string{"bank"},
	cues:   []string{"bank_cue", "label_filler"},
	on:     kRun,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shBank)
		if r < 0 || c.run.n != 1 || c.run.g[0] < 8 || c.run.g[0] > 17 || !c.labelled(&c.e.b.cue.bank) {
			return 0
		}
		if c.run.end < len(c.text) && (isAlpha(c.text[c.run.end]) || c.text[c.run.end] == '_') {
			return 0
		}
		h := c.add(r, c.i, c.j, int(c.t.start), c.run.end)
		h.msg = "A bank account number."
		return c.j
	},
}
