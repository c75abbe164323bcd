package rules

// detNHS finds a UK NHS number after its cue ("NHS number 943 476 5919"):
// ten digits, whole or written 3-3-4, whose last is the mod-11 check
// digit of the other nine (Presidio's NhsRecognizer, uk/uk_nhs_recognizer.py,
// uses the same check). The cue is required: a tenth of ten-digit phone
// numbers pass the check by chance. It is a health plan beneficiary number
// under Safe Harbor: it names one patient across the NHS.
var detNHS = detector{
	name:   "nhs",
	doc:    `A UK NHS number after "NHS": "NHS no. 943 476 5919".`,
	shapes: []string{"mbi"},
	cues:   []string{"nhs_cue"},
	on:     kRun,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shMBI)
		if r < 0 || c.run.glued(c.text) {
			return 0
		}
		whole := c.run.n == 1 && c.run.g[0] == 10
		grouped := c.run.n == 3 && c.run.g[0] == 3 && c.run.g[1] == 3 && c.run.g[2] == 4 && c.run.sep[0] == c.run.sep[1] && (c.run.sep[0] == ' ' || c.run.sep[0] == '-')
		if !whole && !grouped || !c.labelled(&c.e.b.cue.nhs) || !nhsValid(c.text[c.t.start:c.run.end]) {
			return 0
		}
		h := c.add(r, c.i, c.j, int(c.t.start), c.run.end)
		h.msg = "A UK NHS number."
		return c.j
	},
}

// nhsValid applies the NHS number's check to the digits of s: the first
// nine weighted 10 down to 2, 11 less the sum mod 11 (11 read as 0, 10
// invalid) is the tenth.
func nhsValid(s string) bool {
	var d [10]int
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			if n == 10 {
				return false
			}
			d[n] = int(s[i] - '0')
			n++
		}
	}
	if n != 10 {
		return false
	}
	sum := 0
	same := true
	for k := 0; k < 9; k++ {
		sum += d[k] * (10 - k)
		same = same && d[k] == d[0]
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == d[9] && !same
}
