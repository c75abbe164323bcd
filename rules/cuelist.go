package rules

import "unicode/utf8"

// cueList is a compiled cue list: its words and a prefilter that rules out
// most tokens before any string compare.
//
// The detectors ask "is this token one of the list's words?" of nearly
// every token of a post, and the longer lists hold some fifty words, so a
// plain loop of compares was a third of the time spent on prose. Most
// tokens share neither the length nor the first and last letters of any
// word of a list: first[n] and last[n] hold one bit for each first and last
// byte (folded by foldBit) of the list's words of n bytes, so one test of
// each mask settles those tokens. The filter only ever says "maybe": a token
// it lets through is compared as before, so the answers are unchanged.
type cueList struct {
	words []string // the words, lower-cased, as the pack lists them
	// first[n] and last[n] have bit foldBit(c) set for the first and the
	// last byte c of every word of n bytes; words of cueMaxLen bytes or
	// more share the last entry.
	first, last [cueMaxLen + 1]uint32
	// byLen holds the words again, shortest first, and at[n] where those of
	// n bytes start (at[cueMaxLen] where the longer ones start): a token
	// the prefilter lets through is compared with the words of its length
	// only.
	byLen []string
	at    [cueMaxLen + 2]uint16
	// set holds hashWord of each word made of ASCII letters and digits
	// only (0 marks an empty slot): the tokenizer has hashed every such
	// token already, so a plain token is ruled out with one probe and
	// compared only on a hit.
	set     []uint64
	setMask uint64
}

// cueMaxLen is the word length from which the words of a cue list share
// one prefilter entry (few cue words are that long).
const cueMaxLen = 15

// newCueList compiles words into a cueList.
func newCueList(words []string) cueList {
	l := cueList{words: words}
	for _, w := range words {
		if w == "" {
			continue // an empty token never reaches the filter
		}
		n := min(len(w), cueMaxLen)
		l.first[n] |= foldBit(w[0])
		l.last[n] |= foldBit(w[len(w)-1])
	}
	var count [cueMaxLen + 2]uint16
	for _, w := range words {
		count[min(len(w), cueMaxLen)+1]++
	}
	for n := 1; n < len(l.at); n++ {
		l.at[n] = l.at[n-1] + count[n]
	}
	l.byLen = make([]string, len(words))
	next := l.at
	for _, w := range words {
		n := min(len(w), cueMaxLen)
		l.byLen[next[n]] = w
		next[n]++
	}
	size := 8
	for size < 4*len(words) {
		size <<= 1
	}
	l.set, l.setMask = make([]uint64, size), uint64(size-1)
	for _, w := range words {
		if !plainWord(w) {
			continue // only a token with an apostrophe or other letters can be it
		}
		h := hashWord(w)
		if h == 0 {
			l.set = nil // cannot be marked: fall back to compares
			break
		}
		k := h & l.setMask
		for l.set[k] != 0 && l.set[k] != h {
			k = (k + 1) & l.setMask
		}
		l.set[k] = h
	}
	return l
}

// plainWord reports whether w is made of ASCII letters and digits only, as
// the tokens whose hash the tokenizer keeps are.
func plainWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf || asciiClass[w[i]]&cWord == 0 {
			return false
		}
	}
	return w != ""
}

// lacks reports whether the set rules out token t: a plain token (ASCII
// letters and digits, hashed by the tokenizer) whose hash it does not hold.
func (l *cueList) lacks(t *token) bool {
	if t.hash == 0 || t.flags&(tNonASCII|tFold) != 0 || l.set == nil {
		return false
	}
	for k := t.hash & l.setMask; ; k = (k + 1) & l.setMask {
		switch l.set[k] {
		case t.hash:
			return false
		case 0:
			return true
		}
	}
}

// foldBit returns the prefilter bit of byte c. It keeps the low five bits,
// which an ASCII letter shares with its other case, so a byte and its
// lower-case form (as equalLowerASCII folds it) have the same bit; other
// bytes merely share bits, which costs a compare, never a match.
func foldBit(c byte) uint32 {
	return 1 << (c & 31)
}

// has reports whether token t is one of the list's words, ignoring ASCII
// case; it answers as isWordIn(text, t, l.words...) does.
func (l *cueList) has(text string, t token) bool {
	if l.lacks(&t) {
		return false
	}
	w := text[t.start:t.end]
	return l.may(w) && l.match(w)
}

// find returns the index of the first token at or after from that is one
// of the list's words, or len(toks) if none is. It is has in a loop, for
// the detectors that look for a cue word among all of a post's tokens: the
// prefilter is inlined in the loop, so the many tokens it rules out cost
// no call.
func (l *cueList) find(text string, toks []token, from int) int {
	for i := from; i < len(toks); i++ {
		if l.lacks(&toks[i]) {
			continue
		}
		if w := text[toks[i].start:toks[i].end]; l.may(w) && l.match(w) {
			return i
		}
	}
	return len(toks)
}

// may reports whether w can be one of the list's words: false if no word
// of its length has its first and last bytes.
func (l *cueList) may(w string) bool {
	n := len(w)
	return n == 0 || n >= cueMaxLen || l.first[n]&foldBit(w[0]) != 0 && l.last[n]&foldBit(w[n-1]) != 0
}

// match reports whether w is one of the list's words, ignoring ASCII case.
func (l *cueList) match(w string) bool {
	n := min(len(w), cueMaxLen)
	for _, x := range l.byLen[l.at[n]:l.at[n+1]] {
		if len(w) == len(x) && equalLowerASCII(x, w) {
			return true
		}
	}
	return false
}
