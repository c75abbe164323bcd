package rules

// detIBAN finds an International Bank Account Number, written whole
// ("GB82WEST12345698765432") or in the groups of four it prints in
// ("DE89 3704 0044 0532 0130 00"): a country code, two check digits and up
// to 30 letters and digits whose ISO 13616 check (mod 97) comes to 1. It
// needs no cue: a string of that shape that passes the check is an IBAN
// (Presidio's IbanRecognizer, generic/iban_recognizer.py, reads it the
// same way). Bank accounts are a Safe Harbor identifier wherever they are
// held.
var detIBAN = detector{
	name:   "iban",
	doc:    `An IBAN with a valid check: "DE89 3704 0044 0532 0130 00".`,
	shapes: []string{"bank"},
	on:     kAlnum,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shBank)
		if r < 0 {
			return 0
		}
		w := c.w
		if len(w) < 4 || !isUpper(w[0]) || !isUpper(w[1]) || !isDigit(w[2]) || !isDigit(w[3]) {
			return 0
		}
		end, ok := ibanAt(c.text, c.toks, c.i)
		if !ok {
			return 0
		}
		h := c.add(r, c.i, end, int(c.t.start), int(c.toks[end-1].end))
		h.msg = "A bank account number (IBAN)."
		return end
	},
}

// ibanAt reads an IBAN from token i: the tokens [i, end), and ok when one
// starts there and passes its check.
// Groups after the first are joined only across one space and only while
// each before them has four characters, as IBANs print.
func ibanAt(text string, toks []token, i int) (end int, ok bool) {
	var buf [34]byte
	n := 0
	end = i
	for k := i; k < len(toks); k++ {
		t := toks[k]
		w := text[t.start:t.end]
		if k > i {
			prev := toks[k-1]
			if prev.end-prev.start != 4 || t.start != prev.end+1 || text[prev.end] != ' ' || len(w) > 4 {
				break
			}
		}
		if n+len(w) > len(buf) {
			return 0, false
		}
		for j := 0; j < len(w); j++ {
			ch := w[j]
			if !isDigit(ch) && !isUpper(ch) {
				return 0, false
			}
			buf[n] = ch
			n++
		}
		end = k + 1
		if k == i && len(w) > 4 {
			break // written whole
		}
	}
	if end < len(toks) && toks[end].start == toks[end-1].end && isAlnum(text[toks[end].start]) {
		return 0, false
	}
	return end, ibanValid(string(buf[:n]))
}

// ibanValid applies the ISO 13616 check: the first four characters moved to
// the end, letters read as 10-35, the number mod 97 is 1.
func ibanValid(s string) bool {
	if len(s) < 15 || len(s) > 34 || !isDigit(s[2]) || !isDigit(s[3]) || sameDigits(s[4:]) {
		return false
	}
	rem := 0
	for k := 0; k < len(s); k++ {
		ch := s[(k+4)%len(s)]
		if isDigit(ch) {
			rem = (rem*10 + int(ch-'0')) % 97
		} else {
			rem = (rem*100 + int(ch-'A'+10)) % 97
		}
	}
	return rem == 1
}
