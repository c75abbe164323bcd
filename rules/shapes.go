package rules

import (
	"iter"
	"strings"
)

// The built-in detectors find identifiers by their shape: numbers grouped
// like a phone number or a date, an e-mail address, a URL. Each looks only at
// the tokens that can start its shape and confirms with cheap checks
// (ranges, check digits, a cue word before), never a regular expression.

// classOf returns the word classes of token i, or none when i is out of
// range or the word is unknown.
func (e *Engine) classOf(toks []token, i int) classSet {
	if i < 0 || i >= len(toks) || toks[i].lex < 0 {
		return 0
	}
	return toks[i].cls
}

func (e *Engine) rule(shape string) int32 {
	if i, ok := e.b.shapes[shape]; ok && e.enabled[i] {
		return i
	}
	return -1
}

// add records a hit of rule over tokens [t0, t1).
func (st *scanState) add(rule int32, toks []token, t0, t1 int, start, end int) *hit {
	st.hits = append(st.hits, hit{rule: rule, start: int32(start), end: int32(end), t0: int32(t0), t1: int32(t1)})
	return &st.hits[len(st.hits)-1]
}

// addTokens records a hit of rule over tokens [t0, t1).
func (st *scanState) addTokens(rule int32, t0, t1 int) *hit {
	return st.add(rule, st.toks, t0, t1, int(st.toks[t0].start), int(st.toks[t1-1].end))
}

// hitsOf yields the hits of rule found so far. A detector that adds a hit
// while reading them stops there (the slice may move).
func (st *scanState) hitsOf(rule int32) iter.Seq[hit] {
	return func(yield func(hit) bool) {
		for i, n := 0, len(st.hits); i < n; i++ {
			if st.hits[i].rule == rule && !yield(st.hits[i]) {
				return
			}
		}
	}
}

// hasHit reports whether rule has a hit so far.
func (st *scanState) hasHit(rule int32) bool {
	for range st.hitsOf(rule) {
		return true
	}
	return false
}

// tokenAt returns the index of the first token that ends after off.
func tokenAt(toks []token, off int) int {
	lo, hi := 0, len(toks)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if int(toks[m].end) > off {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func hasAnyPrefix(w string, ps ...string) bool { return firstPrefix(w, ps...) != "" }

func firstPrefix(w string, ps ...string) string {
	for _, p := range ps {
		if strings.HasPrefix(w, p) {
			return p
		}
	}
	return ""
}

// monthOK rejects "may" and "march" used as words: a month needs a capital
// or a number right after it.
func (e *Engine) monthOK(text string, toks []token, i int) bool {
	w := text[toks[i].start:toks[i].end]
	lw := strings.ToLower(w)
	if lw == "may" || lw == "march" || lw == "jan" || lw == "sat" || lw == "sun" || lw == "wed" {
		return toks[i].flags&tUpper != 0
	}
	return true
}

// dateYear extends a date over ", 2024" or " 2024" after token k-1.
func (e *Engine) dateYear(text string, toks []token, k int) int {
	if k < len(toks) && toks[k].gap <= gapSoft {
		w := text[toks[k].start:toks[k].end]
		if len(w) == 4 && (w[0] == '1' || w[0] == '2') && atoi(w) > 0 {
			return k + 1
		}
	}
	return k
}

// addAge records an age over tokens [t0, t1): an age90 hit too when it is
// over 89, and a sex hit when the age names one ("45M").
func (e *Engine) addAge(st *scanState, toks []token, t0, t1, age int, casey, sex bool) {
	rAge, rAge90, rSex := e.ruleOf(shAge), e.ruleOf(shAge90), e.ruleOf(shSex)
	start, end := int(toks[t0].start), int(toks[t1-1].end)
	if t0 > 0 && toks[t0].gap <= gapSpace && e.b.cue.own.has(st.text, toks[t0-1]) {
		// "my 8yo": the writer's own child, not a case; but "my 91-year-old
		// stroke patient" is one.
		casey = false
		for k := t1; k < len(toks) && k < t1+3; k++ {
			if toks[k].lex >= 0 && toks[k].cls&e.b.cls.patientNoun != 0 {
				casey = true
			}
		}
	}
	if age >= 90 && age <= 125 && rAge90 >= 0 {
		h := st.add(rAge90, toks, t0, t1, start, end)
		h.strong = casey
	}
	if rAge >= 0 {
		h := st.add(rAge, toks, t0, t1, start, end)
		h.strong = casey
	}
	if sex && rSex >= 0 {
		st.add(rSex, toks, t0, t1, start, end)
	}
}

// ageAfter recognises an age unit after the number token i: "yo", "y/o",
// "yr old", "year old", "-year-old", "years old", "month old", "M", "F",
// "male". It returns the token index after the age, whether it is written as
// in a case presentation ("45 y/o", "45M"), and whether it names a sex.
func ageAfter(text string, toks []token, i int) (end int, casey, sex bool) {
	if e, c, s := ageAfterYO(text, toks, i); e > i+1 {
		return e, c, s
	}
	k := i + 1
	if k >= len(toks) || toks[k].gap > gapJoin {
		return i, false, false
	}
	w := strings.ToLower(text[toks[k].start:toks[k].end])
	switch w {
	case "yo", "yom", "yof":
		end, casey = k+1, true
		sex = w != "yo"
	case "años", "anos":
		return k + 1, false, false
	case "year", "years", "yr", "yrs", "month", "months", "week", "weeks", "day", "mo":
		if k+1 < len(toks) && toks[k+1].gap <= gapJoin && isOld(text[toks[k+1].start:toks[k+1].end]) {
			end = k + 2
		} else {
			return i, false, false
		}
		if w != "year" && w != "years" && w != "yr" && w != "yrs" {
			return end, false, false // "3-month-old": an age, but not over 89
		}
	case "m", "f":
		// "45 M" or "45M": only in capitals, and not "5 m" of distance.
		if text[toks[k].start] != 'M' && text[toks[k].start] != 'F' {
			return i, false, false
		}
		return k + 1, true, true
	default:
		return i, false, false
	}
	if end < len(toks) && toks[end].gap <= gapJoin {
		switch strings.ToLower(text[toks[end].start:toks[end].end]) {
		case "m", "f", "male", "female", "man", "woman", "boy", "girl", "gentleman", "lady":
			return end + 1, casey, true
		}
	}
	return end, casey, sex
}

// isOld reports whether w is "old" or its possessive or plural: "a 92
// year old's inhaler", "two 90 year olds".
func isOld(w string) bool {
	if len(w) < 3 || !strings.EqualFold(w[:3], "old") {
		return false
	}
	switch w[3:] {
	case "", "'s", "’s", "s":
		return true
	}
	return false
}

// ageAfterYO matches "y/o" and "y.o." after token i.
func ageAfterYO(text string, toks []token, i int) (int, bool, bool) {
	k := i + 1
	if k+1 < len(toks) && strings.EqualFold(text[toks[k].start:toks[k].end], "y") && strings.EqualFold(text[toks[k+1].start:toks[k+1].end], "o") {
		sep := text[toks[k].end:toks[k+1].start]
		if (sep == "/" || sep == ".") && toks[k].gap <= gapJoin || toks[k].start == toks[i].end {
			end := k + 2
			if end < len(toks) && toks[end].gap <= gapJoin {
				switch strings.ToLower(text[toks[end].start:toks[end].end]) {
				case "m", "f", "male", "female", "man", "woman", "boy", "girl":
					return end + 1, true, true
				}
			}
			return end, true, false
		}
	}
	// "45y/o": the token before is "45y".
	if k < len(toks) && strings.EqualFold(text[toks[k].start:toks[k].end], "o") && strings.HasSuffix(strings.ToLower(text[toks[i].start:toks[i].end]), "y") && text[toks[i].end:toks[k].start] == "/" {
		return k + 1, true, false
	}
	return i, false, false
}

// leadingNumber returns the count of leading ASCII digits and the rest.
func leadingNumber(w string) (int, string) {
	n := 0
	for n < len(w) && w[n] >= '0' && w[n] <= '9' {
		n++
	}
	return n, w[n:]
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || n > 1e8 {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	if len(s) == 0 {
		return -1
	}
	return n
}

// digitRun describes digit groups joined by one separator each, such as
// "555-201-7788" (groups 3,3,4; separators "--").
type digitRun struct {
	g    [6]int  // group lengths
	v    [6]int  // group values (for short groups)
	sep  [6]byte // separator after each group
	n    int
	end  int
	area bool // "(555) 201-7788", "(07) 5550 4123"
	zero bool // the first group starts with a trunk 0
	plus bool // preceded by '+'
}

func numRun(text string, p int) digitRun {
	var r digitRun
	r.zero = p < len(text) && text[p] == '0'
	r.plus = p > 0 && text[p-1] == '+'
	for r.n < len(r.g) {
		s := p
		for p < len(text) && text[p] >= '0' && text[p] <= '9' {
			p++
		}
		r.g[r.n] = p - s
		r.v[r.n] = atoi(text[s:p])
		r.end = p
		r.n++
		if p+1 >= len(text) {
			break
		}
		c := text[p]
		switch {
		case c == ')' && r.n == 1 && r.g[0] >= 2 && r.g[0] <= 4 && s > 0 && text[s-1] == '(':
			q := p + 1
			if q < len(text) && text[q] == ' ' {
				q++
			}
			if q < len(text) && text[q] >= '0' && text[q] <= '9' {
				r.area = true
				r.sep[r.n-1] = ')'
				p = q
				continue
			}
		case c == '-' || c == '.' || c == '/' || c == ' ':
			if text[p+1] >= '0' && text[p+1] <= '9' {
				// A space joins groups only in phone-like runs (3 3 4).
				if c == ' ' && !(r.g[r.n-1] >= 2 && r.g[r.n-1] <= 5 || r.g[r.n-1] == 1 && r.n == 1) {
					return r
				}
				r.sep[r.n-1] = c
				p++
				continue
			}
		}
		break
	}
	// A trailing letter or digit glued to the run means it is something else.
	return r
}

func (r *digitRun) seps(want byte) bool {
	for k := 0; k < r.n-1; k++ {
		if r.sep[k] != want {
			return false
		}
	}
	return true
}

func (r *digitRun) isPhone() bool {
	if r.intlPhone() {
		return true
	}
	switch {
	case r.n == 3 && r.g[0] == 3 && r.g[1] == 3 && r.g[2] == 4:
		return r.area || r.sep[0] == r.sep[1] && r.sep[0] != '/'
	case r.n == 4 && r.g[0] == 1 && r.v[0] == 1 && r.g[1] == 3 && r.g[2] == 3 && r.g[3] == 4:
		return r.sep[1] == r.sep[2] && r.sep[0] != '/'
	case r.n == 2 && r.g[0] == 3 && r.g[1] == 4:
		return r.sep[0] == '-' || r.sep[0] == '.'
	}
	return false
}

// intlPhone accepts the national formats of other countries: "020 7946
// 0958", "(07) 5550 4123", "0491 570 156", "+44 20 7946 0958": two to five
// groups, 9 to 13 digits in all, a trunk 0 or an area code in brackets, and
// no group longer than 5 digits.
func (r *digitRun) intlPhone() bool {
	if r.n < 2 || r.n > 5 || r.n == 3 && r.g[0] == 3 && r.g[1] == 2 && r.g[2] == 4 {
		return false // 3-2-4 is written as an SSN, not a phone number
	}
	total := 0
	for k := 0; k < r.n; k++ {
		if r.g[k] > 5 {
			return false
		}
		total += r.g[k]
		if k < r.n-1 && r.sep[k] != ' ' && r.sep[k] != '-' && r.sep[k] != '.' && r.sep[k] != ')' {
			return false
		}
	}
	return total >= 9 && total <= 13 && (r.zero || r.area || r.plus)
}

// ssnShape reports whether the run is written like an SSN (3-2-4 digits,
// one separator, the same twice). Named as an SSN, such a number is flagged
// even when the SSA would never issue it (000, 666, 9xx): typed next to
// "SSN" it is one.
func (r *digitRun) ssnShape() bool {
	return r.n == 3 && r.g[0] == 3 && r.g[1] == 2 && r.g[2] == 4 && r.sep[0] == r.sep[1] && (r.sep[0] == '-' || r.sep[0] == ' ' || r.sep[0] == '.')
}

// isSSN reports whether the run is an SSN the SSA could have issued: not
// area 000, 666 or 9xx, group 00 or serial 0000, not one digit repeated,
// and none of the numbers printed as samples (123-45-6789, 987-65-432x,
// the 078-05-1120 of a wallet insert), as Presidio's UsSsnRecognizer
// rejects them.
func (r *digitRun) isSSN() bool {
	if !r.ssnShape() {
		return false
	}
	a := r.v[0]
	if a == 0 || a == 666 || a >= 900 || r.v[1] == 0 || r.v[2] == 0 {
		return false
	}
	if oneDigit(a, r.v[1], r.v[2]) {
		return false // 111-11-1111
	}
	switch {
	case a == 123 && r.v[1] == 45 && r.v[2] == 6789, a == 987 && r.v[1] == 65 && r.v[2]/10 == 432, a == 78 && r.v[1] == 5 && r.v[2] == 1120:
		return false
	}
	return true
}

// oneDigit reports whether an SSN's area a, group g and serial s are one
// digit repeated ("111-11-1111").
func oneDigit(a, g, s int) bool {
	return a == g/10*111 && g == g%10*11 && s == g%10*1111
}

// glued reports whether a letter follows the run ("123-45-6789abc").
func (r *digitRun) glued(text string) bool {
	return r.end < len(text) && (isAlpha(text[r.end]) || text[r.end] == '_')
}

func (r *digitRun) isIP(text string, start int) bool {
	n := r.n
	if n == 5 && r.sep[3] == '/' && r.g[4] <= 2 && r.v[4] <= 32 {
		n = 4 // a network in CIDR notation: "10.20.0.0/16"
	}
	if n != 4 || r.sep[0] != '.' || r.sep[1] != '.' || r.sep[2] != '.' {
		return false
	}
	for k := 0; k < 4; k++ {
		if r.g[k] > 3 || r.v[k] > 255 {
			return false
		}
	}
	return true
}

// isDate recognises 3/4/2024, 03-04-61, 2024-03-04, and 3/4 after a cue word
// ("on 3/4"). strong is true for a full date of birth shape.
func (r *digitRun) isDate(text string, start int, cued bool, cues *builtinCues) (ok, strong bool) {
	md := func(m, d int) bool { return m >= 1 && m <= 12 && d >= 1 && d <= 31 }
	switch {
	case r.n == 3 && r.g[0] == 4 && r.g[1] <= 2 && r.g[2] <= 2 && r.sep[0] == '-' && r.sep[1] == '-':
		return md(r.v[1], r.v[2]), false
	case r.n == 3 && r.g[0] <= 2 && r.g[1] <= 2 && (r.g[2] == 2 || r.g[2] == 4) && r.sep[0] == r.sep[1] && (r.sep[0] == '/' || r.sep[0] == '-' || r.sep[0] == '.'):
		return md(r.v[0], r.v[1]) || md(r.v[1], r.v[0]), false
	case r.n == 2 && r.g[0] <= 2 && r.g[1] <= 2 && r.sep[0] == '/':
		// "on 3/14", "Deadline 8/15", "through 7/18": a month and a day,
		// unless the words around make it a fraction or a score.
		if !md(r.v[0], r.v[1]) {
			return false, false
		}
		if cued {
			return true, false
		}
		common := r.v[0] < r.v[1] && r.v[1] <= 4 // 1/2, 2/3, 3/4
		// Out of ten, uncued, is a rating: "10/10 would recommend", "pain 7/10".
		rating := r.v[1] == 10
		return !common && !rating && !fractionContext(text, start, r.end, cues), false
	}
	return false, false
}

// fractionContext reports whether "3/4" at text[start:end] reads as a
// fraction, a ratio or a score ("3/4 of", "rated 9/10", "1/2 tab"): a word
// of the cue list fraction_after follows, or one of fraction_before precedes.
func fractionContext(text string, start, end int, cues *builtinCues) bool {
	after := text[end:]
	if len(after) > 24 {
		after = after[:24]
	}
	after = strings.ToLower(strings.TrimLeft(after, " "))
	for _, w := range cues.fractionAfter.words {
		if strings.HasPrefix(after, w) && (len(after) == len(w) || !isAlpha(after[len(w)])) {
			return true
		}
	}
	before := text[:start]
	if len(before) > 24 {
		before = before[len(before)-24:]
	}
	before = strings.ToLower(strings.TrimRight(before, " "))
	for _, w := range cues.fractionBefore.words {
		if strings.HasSuffix(before, w) && (len(before) == len(w) || !isAlpha(before[len(before)-len(w)-1])) {
			return true
		}
	}
	return false
}

// streetBefore matches a street name without a number before the suffix
// at token i: "on Main St", "the Elm St shooting", "5th Ave". It returns the
// first token of the name, or -1. "Dr." before a name and "St." before a
// saint ("St. Mary's") are not streets.
func (e *Engine) streetBefore(text string, toks []token, i int) int {
	w := strings.ToLower(text[toks[i].start:toks[i].end])
	if w == "dr" || w == "drive" && i+1 < len(toks) && toks[i+1].flags&tUpper != 0 {
		return -1
	}
	// "St. Mary's", "Way Forward" are no streets; "the Maple Ave CVS" is,
	// and so is "on Birch Ave. Thank you": after a suffix that is no title,
	// a period ends the sentence.
	if n := i + 1; n < len(toks) && toks[n].gap <= gapJoin && toks[n].flags&tUpper != 0 &&
		(toks[n].flags&tAllCaps == 0 || toks[i].flags&tAllCaps != 0) &&
		(w == "st" || text[toks[i].end] != '.') {
		return -1
	}
	k := i - 1
	for ; k >= 0 && k >= i-3; k-- {
		t := &toks[k]
		if toks[k+1].gap > gapSpace || t.flags&tUpper == 0 && !isOrdinal(text[t.start:t.end]) || t.lex >= 0 && t.cls&e.b.cls.nameStop != 0 {
			break
		}
	}
	first := k + 1
	if first == i {
		return -1
	}
	// A preposition or a number before, or the start of a sentence after
	// "on"/"at": require some sign that this is a place.
	if k >= 0 && toks[first].gap <= gapSpace && e.b.cue.streetBefore.has(text, toks[k]) {
		return first
	}
	return -1
}

func isOrdinal(w string) bool {
	n, suf := leadingNumber(w)
	return n > 0 && (suf == "st" || suf == "nd" || suf == "rd" || suf == "th")
}

// streetAddress matches "1428 Elm Street", "12 N. Main St": a number, one to
// four capitalised words, and a street suffix. It returns the end token.
func (e *Engine) streetAddress(text string, toks []token, i int) int {
	k := i + 1
	for words := 0; k < len(toks) && words <= 4; k++ {
		t := &toks[k]
		if t.gap > gapJoin || t.flags&tUpper == 0 {
			return i
		}
		if words > 0 && t.lex >= 0 && t.cls&e.b.cls.streetSuffix != 0 {
			return k + 1
		}
		words++
	}
	return i
}

// isVIN checks a 17-character vehicle identification number: no I, O or Q,
// letters and digits, and the check digit (position 9) unless cued by "VIN".
func isVIN(w string, cued bool) bool {
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum, letters, digits := 0, 0, 0
	for k := 0; k < 17; k++ {
		c := w[k]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
			digits++
		case c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q':
			letters++
			v = vinValue(c)
		default:
			return false
		}
		sum += v * weights[k]
	}
	if letters < 2 || digits < 5 {
		return false
	}
	check := byte('0' + sum%11)
	if sum%11 == 10 {
		check = 'X'
	}
	return cued || w[8] == check
}

func vinValue(c byte) int {
	switch {
	case c >= 'A' && c <= 'H':
		return int(c-'A') + 1
	case c >= 'J' && c <= 'N':
		return int(c-'J') + 1
	case c == 'P':
		return 7
	case c == 'R':
		return 9
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2
	}
	return 0
}

// isDEA checks a DEA registration number: a registrant-type capital, a
// letter (the registrant's initial, either case, as Presidio's
// DrugEnforcementAgencyNumberRecognizer accepts) or 9, seven digits, and
// its check digit.
func isDEA(w string) bool {
	if !strings.ContainsRune("ABCDEFGHJKLMPRSTUX", rune(w[0])) || !isAlpha(w[1]) && w[1] != '9' {
		return false
	}
	d := make([]int, 7)
	for k := 0; k < 7; k++ {
		c := w[2+k]
		if c < '0' || c > '9' {
			return false
		}
		d[k] = int(c - '0')
	}
	return (d[0]+d[2]+d[4]+2*(d[1]+d[3]+d[5]))%10 == d[6]
}

// mbiAt matches a Medicare Beneficiary Identifier such as 1EG4-TE5-MK73.
func mbiAt(text string, toks []token, i int, cued bool) (int, bool) {
	var b [11]byte
	n, k := 0, i
	for ; k < len(toks) && k < i+3; k++ {
		if k > i && text[toks[k-1].end:toks[k].start] != "-" {
			break
		}
		w := text[toks[k].start:toks[k].end]
		if n+len(w) > 11 {
			return i, false
		}
		n += copy(b[n:], w)
		if n == 11 {
			break
		}
	}
	if n != 11 {
		return i, false
	}
	const bad = "SLOIBZ"
	// After its own label ("MBI 3QW7-HJ2-PL58") a letter the CMS scheme
	// leaves out is still an MBI, mistyped or invented.
	letter := func(c byte) bool { return c >= 'A' && c <= 'Z' && (cued || strings.IndexByte(bad, c) < 0) }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	alnum := func(c byte) bool { return letter(c) || digit(c) }
	ok := b[0] >= '1' && b[0] <= '9' && letter(b[1]) && alnum(b[2]) && digit(b[3]) && letter(b[4]) && alnum(b[5]) &&
		digit(b[6]) && letter(b[7]) && letter(b[8]) && digit(b[9]) && digit(b[10])
	return k + 1, ok
}

func isURLByte(c byte) bool {
	return c > ' ' && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '`'
}

func isEmailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }
func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// placeContext decides whether a place-name match stands as a place: a
// capitalised name, or one after "in", "from", "near"..., or before a state.
func (e *Engine) placeContext(text string, toks []token, h *hit) bool {
	cls := &e.b.cls
	t0, t1 := int(h.t0), int(h.t1)
	capital := toks[t0].flags&tUpper != 0
	locative := t0 > 0 && toks[t0].gap <= gapSpace && toks[t0-1].lex >= 0 && toks[t0-1].cls&cls.locative != 0
	state := t1 < len(toks) && toks[t1].gap == gapSoft && toks[t1].lex >= 0 && toks[t1].cls&(cls.state|cls.stateAbbr) != 0 &&
		(toks[t1].flags&tUpper != 0)
	// A place that is also a word of not_place ("Ayer", Spanish for
	// yesterday) needs the context of a place that is a common word.
	if h.kind == patPlace && (t1-t0 != 1 || toks[t0].cls&cls.notPlace == 0) {
		return capital || locative
	}
	return capital && (locative || state)
}

// isBirthday reports whether w is a word of the cue list birthday, in any case.
func (e *Engine) isBirthday(w string) bool {
	lw := strings.ToLower(w)
	for _, b := range e.b.cue.birthday.words {
		if lw == b {
			return true
		}
	}
	return false
}
