package rules

import "strings"

// Network and hardware addresses: IPv6 addresses (IPv4 are digit runs,
// detIP) and MAC addresses. Shapes follow Microsoft Presidio's
// IpRecognizer and MacAddressRecognizer (presidio-analyzer, generic/).

// detIPv6 finds IPv6 addresses: eight groups of one to four hex digits, or
// fewer with one "::", possibly ending in an IPv4 address. A compressed
// address must have a group of three or four characters or a hex letter,
// so "12::30" (a time, a score) is not one.
var detIPv6 = detector{
	name:   "ipv6",
	doc:    `An IPv6 address: "2001:db8:85a3::8a2e:370:7334", "fe80::1".`,
	shapes: []string{"ip"},
	pass:   (*Engine).detectIPv6,
}

func (e *Engine) detectIPv6(text string, st *scanState) {
	r := e.ruleOf(shIP)
	if r < 0 {
		return
	}
	for off := 0; off < len(text); {
		k := indexColon(text, off)
		if k < 0 {
			return
		}
		s := k
		for s > 0 && isIPv6Byte(text[s-1]) {
			s--
		}
		end := k
		for end < len(text) && isIPv6Byte(text[end]) {
			end++
		}
		off = end + 1
		if s > 0 && (isAlnum(text[s-1]) || text[s-1] == '_') || end < len(text) && (isAlnum(text[end]) || text[end] == '_') {
			continue
		}
		for end > s && text[end-1] == '.' {
			end--
		}
		if end > s+1 && text[end-1] == ':' && text[end-2] != ':' {
			end-- // "at 2001:db8::1:" is not "...1:"
		}
		for s < end && text[s] == '.' {
			s++
		}
		if end-s < 3 || !isIPv6(text[s:end]) {
			continue
		}
		h := st.add(r, st.toks, tokenAt(st.toks, s), tokenAt(st.toks, end-1)+1, s, end)
		h.msg = "An IP address (IPv6)."
	}
}

// indexColon is the index of the first ':' at or after off, or -1.
func indexColon(text string, off int) int {
	if i := strings.IndexByte(text[off:], ':'); i >= 0 {
		return off + i
	}
	return -1
}

func isIPv6Byte(c byte) bool { return c == ':' || c == '.' || isHex(c) }

func isHex(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }

// isIPv6 parses an IPv6 address (RFC 4291 section 2.2).
func isIPv6(s string) bool {
	groups, double, long := 0, false, false
	i := 0
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		double = true
		i = 2
	} else if s[0] == ':' {
		return false
	}
	for i < len(s) {
		j := i
		letter := false
		for j < len(s) && isHex(s[j]) {
			if s[j] > '9' {
				letter = true
			}
			j++
		}
		if j < len(s) && s[j] == '.' {
			// An IPv4 address ends it, counting as two groups.
			r := numRun(s, i)
			if r.end != len(s) || !r.isIP(s, i) || groups > 6 {
				return false
			}
			groups += 2
			long = true
			break
		}
		n := j - i
		if n == 0 || n > 4 {
			return false
		}
		if n >= 3 || letter {
			long = true
		}
		groups++
		if j == len(s) {
			break
		}
		if s[j] != ':' {
			return false
		}
		if j+1 < len(s) && s[j+1] == ':' {
			if double {
				return false
			}
			double = true
			i = j + 2
			continue
		}
		if j+1 == len(s) {
			return false
		}
		i = j + 1
	}
	if double {
		return groups >= 1 && groups <= 7 && long && (groups >= 2 || i > 2)
	}
	return groups == 8
}

// detMAC finds MAC addresses: six pairs of hex digits joined by colons or
// by dashes ("00:1A:2B:3C:4D:5E"), or Cisco's three dotted quads
// ("0012.3456.789A"); not the broadcast address. Written with dashes or
// dots and no hex letter, it needs a cue ("MAC", "ethernet", "hardware
// address"): otherwise it may be a lot or a part number.
var detMAC = detector{
	name:   "mac",
	doc:    `A MAC address: "00:1A:2B:3C:4D:5E", "0012.3456.789A".`,
	shapes: []string{"device"},
	cues:   []string{"mac_cue"},
	pass:   (*Engine).detectMAC,
}

func (e *Engine) detectMAC(text string, st *scanState) {
	r := e.ruleOf(shDevice)
	if r < 0 {
		return
	}
	toks := st.toks
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		n := int(t.end - t.start)
		if t.flags&tSepAfter == 0 || n != 2 && n != 4 || !isHex(text[t.start]) || !isHex(text[t.end-1]) ||
			t.start > 0 && (text[t.start-1] == ':' || text[t.start-1] == '-' || text[t.start-1] == '.') {
			continue // most words: not two or four hex digits
		}
		sep := text[t.end]
		if n == 2 && sep != ':' && sep != '-' || n == 4 && sep != '.' {
			continue
		}
		groups, size := 6, 2
		if n == 4 {
			groups, size = 3, 4
		}
		end, ok := hexGroups(text, int(t.start), groups, size, sep)
		if !ok || end < len(text) && (isAlnum(text[end]) || text[end] == sep && end+1 < len(text) && isAlnum(text[end+1])) {
			continue
		}
		v := text[t.start:end]
		letters, allF := false, true
		for k := 0; k < len(v); k++ {
			if v[k] > '9' && v[k] != sep {
				letters = true
			}
			if v[k]|0x20 != 'f' && v[k] != sep {
				allF = false
			}
		}
		if allF {
			continue
		}
		j := tokenAt(toks, end-1) + 1
		if !letters && sep != ':' && !cueBefore(text, toks, i, 5, &e.b.cue.mac) {
			continue
		}
		h := st.add(r, toks, i, j, int(t.start), end)
		h.msg = "A MAC address. It identifies one device, and so its owner."
		i = j - 1
	}
}

// hexGroups reads groups of size hex digits joined by sep from p and
// returns the end.
func hexGroups(text string, p, groups, size int, sep byte) (int, bool) {
	for g := 0; g < groups; g++ {
		if g > 0 {
			if p >= len(text) || text[p] != sep {
				return p, false
			}
			p++
		}
		for k := 0; k < size; k++ {
			if p >= len(text) || !isHex(text[p]) {
				return p, false
			}
			p++
		}
	}
	return p, true
}

// cueBefore reports whether one of the n tokens before token i is one of words.
func cueBefore(text string, toks []token, i, n int, words *cueList) bool {
	for k := i - 1; k >= 0 && k >= i-n; k-- {
		if words.has(text, toks[k]) {
			return true
		}
	}
	return false
}
