package rules

// detCard finds payment card numbers: 13 to 19 digits, written whole or in
// the groups cards print (4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3), with an issuer
// prefix and a valid Luhn check digit. It needs no cue: a Luhn-valid number
// of that shape is a card. The prefixes and the check follow Microsoft
// Presidio's CreditCardRecognizer (presidio-analyzer, generic/
// credit_card_recognizer.py) and ISO/IEC 7812-1.
//
// A number in four groups of four followed by an expiry date ("5412 7534
// 0091 2246 exp 09/27") is a card even when its check digit is wrong: that
// is how a card prints, and a digit mistyped in a post still leaves the
// card's holder to be found. Without the expiry the check decides, as it
// does for Presidio ("my credit card number is 4012-8888-8888-1882" is
// none).
var detCard = detector{
	name:   "card",
	doc:    `A payment card number with a valid Luhn digit: "4012 8888 8888 1881"; or printed in fours with its expiry: "5412 7534 0091 2246 exp 09/27".`,
	shapes: []string{"card"},
	cues:   []string{"card_expiry"},
	on:     kRun,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shCard)
		if r < 0 || c.t.end-c.t.start < 4 {
			return 0
		}
		g := readGroups(c.text, int(c.t.start), " -")
		if g.glue || !cardShape(&g) {
			return 0
		}
		d := g.digits()
		if !cardPrefix(d) || sameDigits(d) {
			return 0
		}
		j := tokenAt(c.toks, g.end-1) + 1
		if !luhn(d) && !(g.shape(4, 4, 4, 4) && expiryAt(c, j)) {
			return 0
		}
		c.add(r, c.i, j, int(c.t.start), g.end)
		return j
	},
}

// expiryAt reports whether an expiry date starts at token j: a word of the
// cue list card_expiry ("exp", "expires") and a month and year ("09/27",
// "9/2027").
func expiryAt(c *tokCtx, j int) bool {
	toks, text := c.toks, c.text
	if j+2 >= len(toks) || toks[j].gap > gapSoft || !c.e.b.cue.cardExpiry.has(text, toks[j]) {
		return false
	}
	m, y := toks[j+1], toks[j+2]
	return m.gap <= gapSoft && text[m.end:y.start] == "/" && m.end-m.start <= 2 && (y.end-y.start == 2 || y.end-y.start == 4) &&
		allDigits(text[m.start:m.end]) && allDigits(text[y.start:y.end])
}

// cardShape reports whether the groups are written as a card number.
func cardShape(g *digitGroups) bool {
	if g.nd < 13 || g.nd > 19 {
		return false
	}
	switch {
	case g.n == 1:
		return true
	case g.shape(4, 6, 5), g.shape(4, 6, 4):
		return true
	}
	for k := 0; k < g.n-1; k++ {
		if g.g[k] != 4 {
			return false
		}
	}
	return g.n >= 4 && g.g[g.n-1] >= 1 && g.g[g.n-1] <= 4
}

// cardPrefix reports whether d starts as an issuer's number does: 4 (Visa),
// 51-55 and 2221-2720 (Mastercard), 34 and 37 (American Express), 30, 36,
// 38 and 39 (Diners), 35 (JCB), 6 (Discover, Maestro, UnionPay), 50 and
// 56-69 (Maestro), 1 with 15 digits (UATP).
func cardPrefix(d string) bool {
	switch d[0] {
	case '4', '6':
		return true
	case '1':
		return len(d) == 15
	case '3':
		return d[1] == '0' || d[1] == '4' || d[1] == '5' || d[1] == '6' || d[1] == '7' || d[1] == '8' || d[1] == '9'
	case '5':
		return true
	case '2':
		p := atoi(d[:4])
		return p >= 2221 && p <= 2720
	}
	return false
}

// detIMEI finds a phone's IMEI written as it prints, 2-6-6-1 digits with
// dashes or spaces, with a valid Luhn digit (Presidio's ImeiRecognizer,
// generic/imei_recognizer.py).
var detIMEI = detector{
	name:   "imei",
	doc:    `A phone's IMEI: "35-209900-176148-1".`,
	shapes: []string{"device"},
	on:     kRun,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shDevice)
		if r < 0 || c.t.end-c.t.start != 2 {
			return 0
		}
		g := readGroups(c.text, int(c.t.start), " -")
		if g.glue || !g.shape(2, 6, 6, 1) || !luhn(g.digits()) {
			return 0
		}
		j := tokenAt(c.toks, g.end-1) + 1
		h := c.add(r, c.i, j, int(c.t.start), g.end)
		h.msg = "A phone's IMEI number. It identifies one device, and so its owner."
		return j
	},
}
