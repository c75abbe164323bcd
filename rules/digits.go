package rules

// Helpers for identifiers that are groups of digits with a check digit.

// digitGroups are digit groups joined by one separator, the same each
// time: "4012 8888 8888 1881", "911-70-1234", "1234567893".
type digitGroups struct {
	d    [20]byte // the digits (at most 19 kept; nd is 20 when there were more)
	nd   int
	g    [8]int // group lengths
	n    int
	sep  byte // the separator, or 0 for one group
	end  int  // byte offset after the last digit
	glue bool // a letter, digit or '_' touches the end: part of something longer
}

// readGroups reads digit groups from p, joined by one of seps.
func readGroups(text string, p int, seps string) digitGroups {
	var r digitGroups
	for r.n < len(r.g) {
		s := p
		for p < len(text) && text[p] >= '0' && text[p] <= '9' {
			if r.nd < 20 {
				r.d[r.nd] = text[p]
				r.nd++
			}
			p++
		}
		if p == s {
			break
		}
		r.g[r.n] = p - s
		r.n++
		r.end = p
		if p+1 < len(text) && text[p+1] >= '0' && text[p+1] <= '9' && (r.sep == 0 || text[p] == r.sep) && indexByte(seps, text[p]) {
			r.sep = text[p]
			p++
			continue
		}
		break
	}
	if r.n > 0 && r.g[r.n-1] == 0 {
		r.n--
	}
	r.glue = r.end < len(text) && (isAlnum(text[r.end]) || text[r.end] == '_')
	return r
}

func indexByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// digits returns the digits read, or "" when there were more than 19.
func (r *digitGroups) digits() string {
	if r.nd > 19 {
		return ""
	}
	return string(r.d[:r.nd])
}

// shape reports whether the groups have exactly the lengths gs.
func (r *digitGroups) shape(gs ...int) bool {
	if r.n != len(gs) {
		return false
	}
	for k, g := range gs {
		if r.g[k] != g {
			return false
		}
	}
	return true
}

// luhn reports whether the digits pass the Luhn check (ISO/IEC 7812-1).
func luhn(d string) bool {
	sum, dbl := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if dbl {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		dbl = !dbl
	}
	return len(d) > 0 && sum%10 == 0
}

// sameDigits reports whether every digit of d is the same ("1111111111").
func sameDigits(d string) bool {
	for i := 1; i < len(d); i++ {
		if d[i] != d[0] {
			return false
		}
	}
	return true
}
