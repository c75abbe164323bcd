package rules

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A scan makes one pass to tokenize the text and look every token up in the
// lexicon; phrase patterns are then tried only where their first word
// occurs, the built-in detectors look only at the tokens that can start
// their shape, and regular expressions run only for a policy's record
// formats. The hits are then weighed together: whether the post is about a
// patient, how many quasi-identifiers its story holds, whether it was
// shared with permission.

// hit is a match before it is weighed into a finding.
type hit struct {
	rule       int32
	start, end int32 // bytes
	t0, t1     int32 // tokens [t0, t1)
	sev        Severity
	ident      Identifier // overrides the rule's identifier when set
	kind       patKind
	strong     bool // tied to a patient by its own words ("pt Ana", "DOB")
	focused    bool // the span starts past the match's first words (">")
	fixed      bool // sev is final: no escalation in a patient post
	msg        string
}

type scanState struct {
	toks     []token
	hits     []hit
	low      []byte
	silenced []bool  // per rule: an "unless" phrase matched
	silent   []int32 // the rules set in silenced, to clear them
	drafts   []draft
	adj      []utf16Adjust
	u16      []int32
	story    hit         // the hit the story finding is anchored on
	storyMsg string      // and its message
	text     string      // the text being scanned
	hasHan   bool        // a CJK token is present (set by lookup)
	shown    bool        // an identifier is written as a sample ("sample: 900-70-0000"; detSample)
	feat     featScratch // the learned model's features and scores
	pc       postContext // what weigh learns of the whole post
	tc       tokCtx      // the token pass's cursor (runDetectors)
}

// statePool lends scan states to concurrent scans. It is typed rather than a
// sync.Pool because boxing a *scanState in an interface marks every type it
// reaches (the Engine, its record formats, regexp/syntax's Prog) as used
// through an interface, and the linker then keeps their String methods:
// regexp/syntax's program printer alone was 17 KB of the module.
type statePool struct {
	mu   sync.Mutex
	free []*scanState
}

// maxFreeStates bounds the states kept between scans: one per concurrent
// scan is enough, and each may hold a long post's buffers.
const maxFreeStates = 16

func (p *statePool) get() *scanState {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		st := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		return st
	}
	return &scanState{}
}

func (p *statePool) put(st *scanState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < maxFreeStates {
		p.free = append(p.free, st)
	}
}

func (st *scanState) reset() {
	st.toks = st.toks[:0]
	st.hits = st.hits[:0]
	st.shown = false
	for _, r := range st.silent {
		st.silenced[r] = false
	}
	st.silent = st.silent[:0]
}

// maxScanBytes bounds the text one scan reads; a longer text is cut at a rune
// boundary (findings past the cut are not reported). 1 MiB is over 300 times
// the longest post any of the three sites accepts.
const maxScanBytes = 1 << 20

// Scan checks a post and returns its findings in document order.
func (e *Engine) Scan(text string) Result {
	if len(text) > maxScanBytes {
		cut := maxScanBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	st := e.pool.get()
	defer e.pool.put(st)
	e.prepare(text, st)
	res := e.weigh(text, st)
	st.text = ""
	return res
}

// prepare runs everything that finds hits in the text: tokens, phrases,
// the built-in detectors and the policy's record formats.
func (e *Engine) prepare(text string, st *scanState) {
	st.reset()
	st.text = text
	if len(st.silenced) < len(e.rules) {
		st.silenced = make([]bool, len(e.rules))
	}
	e.tokenize(text, st)
	e.matchPhrases(text, st, &e.b.m, false)
	if e.over != nil {
		e.matchPhrases(text, st, e.over, true)
	}
	e.runDetectors(text, st)
	e.matchFormats(text, st)
	if e.allow != nil {
		e.dropAllowed(text, st)
	}
}

// tokenize splits the text into tokens and sets their lexicon entries:
// plain ASCII words are looked up by the tokenizer with the hash it
// computed; words with other letters, curly apostrophes or a possessive
// 's that missed are lower-cased (and folded, and trimmed) here first,
// from the first token the tokenizer's slow path read (none in most
// English prose, which then skips this pass).
func (e *Engine) tokenize(text string, st *scanState) {
	tab := &e.b.m.lex.table
	var tab2 *wordTable
	if e.over != nil {
		tab2 = &e.over.lex.table
	}
	var slow int
	st.toks, slow = tokenizeLookup(text, st.toks, tab, tab2)
	st.hasHan = false
	for i := slow; i < len(st.toks); i++ { // the tokens before slow are done
		t := &st.toks[i]
		if t.flags&(tNonASCII|tFold) == 0 && (t.flags&tPossessive == 0 || t.lex >= 0 && (tab2 == nil || t.lex2 >= 0)) {
			continue
		}
		if t.flags&tHan != 0 {
			st.hasHan = true
		}
		st.low = appendLower(st.low[:0], text[t.start:t.end])
		low := st.low
		for try := 0; try < 2; try++ {
			h := hashWord(low)
			if t.lex < 0 {
				t.lex, t.cls = tab.find(h, low)
			}
			if tab2 != nil && t.lex2 < 0 {
				t.lex2, _ = tab2.find(h, low)
			}
			if t.flags&tPossessive == 0 {
				break
			}
			low = trimPossessive(low)
		}
	}
}

func hasUpper(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i]-'A' < 26 {
			return true
		}
	}
	return false
}

func trimPossessive(b []byte) []byte {
	if len(b) > 2 && b[len(b)-2] == '\'' && b[len(b)-1] == 's' {
		return b[:len(b)-2]
	}
	return b
}

// appendLower appends the lower-case form of w, folding ’ to '.
func appendLower(dst []byte, w string) []byte {
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			if c-'A' < 26 {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(w[i:])
		if r == '\u2019' {
			dst = append(dst, '\'')
		} else {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		i += size
	}
	return dst
}

func (e *Engine) matchPhrases(text string, st *scanState, m *matcher, over bool) {
	lex := m.lex
	for i := range st.toks {
		t := &st.toks[i]
		if id := t.lexIn(over); id >= 0 {
			ld := &lex.lead[id]
			starts := lex.starts[ld.start : ld.start+int32(ld.nStart)]
			for k := range starts {
				ref := &starts[k]
				if !e.enabled[ref.rule] {
					continue
				}
				if f := t.flags; ref.hashtag && f&tHashtag == 0 || ref.mention && f&tMention == 0 || ref.lower && f&(tUpper|tAllCaps) != 0 {
					continue
				}
				if ref.filter && i+1 < len(st.toks) {
					// A necessary condition for the checks below: the next
					// token's word or a class of it is one second or alt may take.
					n := &st.toks[i+1]
					if nid := n.lexIn(over); (nid < 0 || ref.nextWords&(1<<(uint32(nid)&63)) == 0) && n.cls&ref.nextClasses == 0 {
						continue
					}
				}
				if ref.second != nil {
					if i+1 >= len(st.toks) {
						continue
					}
					if n := &st.toks[i+1]; n.gap > gapJoin || !e.elemMatch(ref.second, n, over) {
						continue
					}
				} else if ref.alt != nil {
					// An optional second element, then a required one: the
					// next token fits one of them.
					if i+1 >= len(st.toks) {
						continue
					}
					if n := &st.toks[i+1]; n.gap > gapJoin || !e.elemMatch(&m.patterns[ref.p].elems[1], n, over) && !e.elemMatch(ref.alt, n, over) {
						continue
					}
				}
				skip := 1
				if ref.second != nil {
					skip = 2 // the second element fits already
				}
				e.matchPattern(text, st, &m.patterns[ref.p], i, skip, over)
			}
			if ld.nPair > 0 && i+1 < len(st.toks) && st.toks[i+1].gap <= gapJoin {
				next := st.toks[i+1].lexIn(over)
				if next >= 0 && ld.pairMask&(1<<uint(next&31)) != 0 {
					// matchPairs, by hand: this is the scan's busiest loop.
					ps := lex.pairs[ld.pair : ld.pair+int32(ld.nPair)]
					for k := searchPairs(ps, next); k < len(ps) && ps[k].w2 == next; k++ {
						pp := &ps[k]
						if !e.enabled[pp.rule] || pp.hashtag && t.flags&tHashtag == 0 || pp.mention && t.flags&tMention == 0 {
							continue
						}
						if pp.third != nil && (i+2 >= len(st.toks) || st.toks[i+2].gap > gapJoin || !e.elemMatch(pp.third, &st.toks[i+2], over)) {
							continue
						}
						e.matchPattern(text, st, &m.patterns[pp.p], i, 2, over)
					}
				}
			}
		}
		if t.flags&(tDigit|tLetter) == tDigit {
			for _, p := range m.numStarts {
				e.tryPattern(text, st, m, p, i, over)
			}
			if len(m.numPairs) > 0 && i+1 < len(st.toks) && st.toks[i+1].gap <= gapJoin {
				e.matchPairs(text, st, m, m.numPairs, i, over)
			}
		}
		if over && t.lex >= 0 {
			if cls := t.cls; cls != 0 {
				for b := 0; b < 64; b++ {
					if cls&(1<<uint(b)) != 0 {
						for _, p := range m.classStarts[b] {
							e.tryPattern(text, st, m, p, i, over)
						}
					}
				}
			}
		}
	}
}

// matchPairs tries the patterns of the pair list ps whose second word is
// token i+1 (which follows token i closely enough).
func (e *Engine) matchPairs(text string, st *scanState, m *matcher, ps []pairID, i int, over bool) {
	next := st.toks[i+1].lexIn(over)
	if next < 0 {
		return
	}
	t := &st.toks[i]
	for k := searchPairs(ps, next); k < len(ps) && ps[k].w2 == next; k++ {
		pp := &ps[k]
		if !e.enabled[pp.rule] || pp.hashtag && t.flags&tHashtag == 0 || pp.mention && t.flags&tMention == 0 {
			continue
		}
		if pp.third != nil && (i+2 >= len(st.toks) || st.toks[i+2].gap > gapJoin || !e.elemMatch(pp.third, &st.toks[i+2], over)) {
			continue
		}
		// Both words fit: match from the third element.
		e.matchPattern(text, st, &m.patterns[pp.p], i, 2, over)
	}
}

func (e *Engine) tryPattern(text string, st *scanState, m *matcher, p int32, i int, over bool) {
	cp := &m.patterns[p]
	if !e.enabled[cp.rule] {
		return
	}
	if f := st.toks[i].flags; cp.elems[0].hashtag && f&tHashtag == 0 || cp.elems[0].mention && f&tMention == 0 {
		return
	}
	// Most tries fail on the second word: check a required word or class
	// there before the general matcher.
	skip := 1
	if len(cp.elems) > 1 {
		if ce := &cp.elems[1]; !ce.optional && (ce.kind == peWord || ce.kind == peClass) {
			if i+1 >= len(st.toks) {
				return
			}
			if t := &st.toks[i+1]; t.gap > gapJoin || !e.elemMatch(ce, t, over) {
				return
			}
			skip = 2
		}
	}
	e.matchPattern(text, st, cp, i, skip, over)
}

// matchPattern matches cp from token i, where its first skip elements are
// known to fit already, and records a hit or an unless.
func (e *Engine) matchPattern(text string, st *scanState, cp *cpattern, i, skip int, over bool) {
	end := e.matchFrom(text, st.toks, cp.elems[skip:], i+skip, over)
	if end < 0 {
		return
	}
	if cp.kind == patUnless {
		if !st.silenced[cp.rule] {
			st.silenced[cp.rule] = true
			st.silent = append(st.silent, cp.rule)
		}
		return
	}
	// The span starts at the phrase's focus; the tokens stay the whole
	// match, which weighing reads for context.
	st.hits = append(st.hits, hit{rule: cp.rule, start: st.toks[i+int(cp.focus)].start, end: st.toks[end-1].end,
		t0: int32(i), t1: int32(end), kind: cp.kind, focused: cp.focus > 0})
}

// matchFrom matches elems from token ti on and returns the index after the
// last token matched, or -1. Optional elements are tried present first.
func (e *Engine) matchFrom(text string, toks []token, elems []celem, ti int, over bool) int {
	// Required words and classes match one token each, with nothing to
	// try again: a loop takes them (most tries fail on the first) and
	// the recursion below only what may backtrack.
	for len(elems) > 0 {
		ce := &elems[0]
		if ce.optional || ce.kind == peNot || ce.kind == peValue {
			break
		}
		if ti >= len(toks) || toks[ti].gap > gapJoin || !e.elemMatch(ce, &toks[ti], over) {
			return -1
		}
		elems, ti = elems[1:], ti+1
	}
	if len(elems) == 0 {
		return ti
	}
	ce := &elems[0]
	if ce.kind == peNot {
		if ti < len(toks) && toks[ti].gap <= gapJoin && e.elemMatch(&celem{kind: peWord, words: ce.words}, &toks[ti], over) {
			return -1
		}
		return e.matchFrom(text, toks, elems[1:], ti, over)
	}
	if ti < len(toks) {
		t := &toks[ti]
		if ce.kind == peValue {
			if t.gap <= gapSoft {
				end := 0
				if ce.room {
					end = matchRoom(text, toks, ti, int(ce.minDigits))
				} else {
					end = matchValue(text, toks, ti, int(ce.minDigits))
				}
				if end > ti {
					if r := e.matchFrom(text, toks, elems[1:], end, over); r >= 0 {
						return r
					}
				}
			}
		} else if t.gap <= gapJoin && e.elemMatch(ce, t, over) {
			if r := e.matchFrom(text, toks, elems[1:], ti+1, over); r >= 0 {
				return r
			}
		}
	}
	if ce.optional {
		return e.matchFrom(text, toks, elems[1:], ti, over)
	}
	return -1
}

func (e *Engine) elemMatch(ce *celem, t *token, over bool) bool {
	if ce.hashtag && t.flags&tHashtag == 0 || ce.mention && t.flags&tMention == 0 || ce.lower && t.flags&(tUpper|tAllCaps) != 0 {
		return false
	}
	switch ce.kind {
	case peWord:
		if id := t.lexIn(over); id >= 0 && hasWord(ce.words, id) {
			return true
		}
		return t.cls&ce.classes != 0
	case peClass:
		return t.cls&ce.classes != 0
	case peAny:
		return t.flags&tLetter != 0
	case peNum:
		// Seven digits or more are an identifier, not a count, an age or a
		// time: "his MRN is 40028817" holds no age.
		return t.flags&tDigit != 0 && t.flags&tLetter == 0 && t.end-t.start <= 6
	case peCap:
		return t.flags&tUpper != 0
	}
	return false
}

// searchPairs returns the first index in ps whose w2 is at least w.
func searchPairs(ps []pairID, w int32) int {
	lo, hi := 0, len(ps)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ps[m].w2 < w {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// hasWord reports whether the sorted list ws holds id.
func hasWord(ws []int32, id int32) bool {
	if len(ws) < 8 {
		for _, w := range ws {
			if w == id {
				return true
			}
		}
		return false
	}
	lo, hi := 0, len(ws)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ws[m] < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(ws) && ws[lo] == id
}

func countDigits(w string) int {
	n := 0
	for i := 0; i < len(w); i++ {
		if w[i] >= '0' && w[i] <= '9' {
			n++
		}
	}
	return n
}

// spacedGroups reports whether two tokens separated by sep are groups of
// three to five digits spaced as a card prints them ("7734 8812 0091").
func spacedGroups(text string, a, b token, sep string) bool {
	na, nb := a.end-a.start, b.end-b.start
	return sep == " " && na >= 3 && na <= 5 && nb >= 3 && nb <= 5 && allDigits(text[a.start:a.end]) && allDigits(text[b.start:b.end])
}

// matchRoom matches a room or bed written bare, as a ward calls it ("the
// guy in 7B", "Mrs. K from 302"), at token ti and returns ti+1, or ti when
// the token is none: one to four digits, at least minDigits of them, with
// at most one letter before or after them. A year ("the guy in 2019"), a
// part of a time, a date or a decimal ("10:30", "3/14", "2.5"), and "5G",
// "4K" or "3D" are no rooms.
func matchRoom(text string, toks []token, ti, minDigits int) int {
	t := toks[ti]
	w := text[t.start:t.end]
	if len(w) == 0 || len(w) > 5 || t.flags&tDigit == 0 {
		return ti
	}
	lead, trail := 0, len(w)
	if isAlpha(w[0]) {
		lead = 1
	} else if c := w[len(w)-1]; isAlpha(c) {
		trail = len(w) - 1
		switch c | 0x20 {
		case 'd', 'g', 'k', 'm', 'h', 's', 'x': // "3D", "5G", "4K", "5m", "2h", "80s", "2x"
			return ti
		}
	}
	digits := w[lead:trail]
	if len(digits) < max(minDigits, 1) || len(digits) > 4 || !allDigits(digits) {
		return ti
	}
	if len(digits) == 4 && len(w) == 4 && (w[:2] == "19" || w[:2] == "20") {
		return ti
	}
	if e := int(t.end); e+1 < len(text) && strings.IndexByte(":/.,-", text[e]) >= 0 && isDigit(text[e+1]) {
		return ti
	}
	return ti + 1
}

// matchValue matches an identifier value such as "44120931", "3B",
// "A-1234-77" or "1EG4-TE5-MK73" from token ti and returns the index after
// it, or ti when there is none with at least minDigits digits.
func matchValue(text string, toks []token, ti, minDigits int) int {
	digits, j := 0, ti
	for j < len(toks) {
		t := &toks[j]
		if t.end-t.start > 24 || t.flags&tNonASCII != 0 {
			break
		}
		if j > ti {
			sep := text[toks[j-1].end:t.start]
			if sep != "-" && sep != "." && sep != "/" && !spacedGroups(text, toks[j-1], *t, sep) {
				break
			}
			if t.flags&tDigit == 0 && t.end-t.start > 3 {
				break
			}
		} else if t.flags&tDigit == 0 {
			// A value starts with a digit somewhere in its first token, or
			// is a short code such as "A" in "bed A", or a capitalised
			// prefix such as "HAR" in "HAR 100482213".
			if t.end-t.start > 4 || t.flags&tUpper == 0 {
				break
			}
			if t.end-t.start > 2 {
				if t.flags&tAllCaps == 0 || t.lex >= 0 || j+1 >= len(toks) || toks[j+1].flags&tDigit == 0 || toks[j+1].gap > gapJoin {
					break // not a code but a word the rules know ("SSN", "DOB")
				}
				if sep := text[t.end:toks[j+1].start]; sep != " " && sep != "-" && sep != "#" {
					break
				}
				digits += countDigits(text[toks[j+1].start:toks[j+1].end])
				j += 2
				continue
			}
		}
		digits += countDigits(text[t.start:t.end])
		j++
		// "647 XKQ": a plate's letters after its digits.
		if j == ti+1 && t.flags&tLetter == 0 && j < len(toks) && toks[j].flags&tAllCaps != 0 && toks[j].flags&tDigit == 0 &&
			toks[j].end-toks[j].start <= 4 && text[t.end:toks[j].start] == " " {
			j++
			break
		}
	}
	if j == ti || digits < minDigits {
		return ti
	}
	return j
}

// matchFormats runs the policy's record-number patterns. A pattern with a
// literal prefix runs only where that prefix occurs.
func (e *Engine) matchFormats(text string, st *scanState) {
	budget := scanBudget(len(text))
	for _, f := range e.formats {
		if !e.enabled[f.rule] {
			return
		}
		if f.re.prefix != "" && !strings.Contains(text, f.re.prefix) {
			continue
		}
		for _, m := range f.re.findAll(text, 100, &budget) {
			if m[0] == m[1] {
				continue
			}
			t0 := tokenAt(st.toks, m[0])
			t1 := tokenAt(st.toks, m[1]-1) + 1
			h := st.add(f.rule, st.toks, t0, t1, m[0], m[1])
			h.ident, h.sev, h.fixed = f.ident, f.sev, f.sev != ""
			h.msg = "This matches " + f.name + ", a record-number format of your institution."
		}
	}
}

// noFixes is the empty fix list of findings without one (JSON [], not null);
// shared and read-only.
var noFixes = []Fix{}

// A draft is a finding while it is weighed, sorted and merged: 32 bytes
// and no pointers, where a Finding is 150 bytes with seven, so moving drafts
// around is cheap and needs no write barriers. weigh writes the Findings
// out once at the end.
type draft struct {
	key        uint64 // the sort key, set by sortDrafts
	start, end int32
	rule       int32 // index in Engine.rules
	hit        int32 // index in scanState.hits, or -1 for the story finding
	sev        int8  // Severity.Rank
	ident      bool  // the finding is an identifier
	quasi      bool  // the finding only marks a quasi-identifier of a story
	recFormat  bool  // the finding is the institution's own record format
	checked    bool  // a check digit proves the identifier's type (a card)
	// name and code: the identifier is a person's name, or a room or
	// other code (whose phrase may read a name before it; see dedupe).
	name, code bool
}

func (e *Engine) draft(r *crule, h *hit, hi int32, sev Severity) draft {
	if fixed := e.severity[r.idx]; fixed != "" {
		sev = fixed
	}
	id := e.identOf(r, h)
	return draft{start: h.start, end: h.end, rule: r.idx, hit: hi, sev: int8(sev.Rank()),
		ident: id != "", quasi: id == "" && r.quasiRule, recFormat: r.recFormat, checked: r.checked,
		name: id == IDName, code: id == IDOther}
}

func (e *Engine) identOf(r *crule, h *hit) Identifier {
	if h.ident != "" {
		return h.ident
	}
	return r.Identifier
}

// quasiOf returns the index in quasiKinds of the quasi-identifier a hit is,
// or -1. Identifiers count too: a date is a time, a town a place.
func (e *Engine) quasiOf(r *crule, h *hit) int {
	if r.quasi >= 0 || h.ident == "" {
		return r.quasi
	}
	return identQuasi(h.ident)
}

// isDirect reports whether an identifier on its own points at one person.
func isDirect(id Identifier) bool {
	switch id {
	case "", IDGeo, IDDate, IDAge90, IDURL:
		return false
	}
	return true
}

// dedupe sorts drafts, merges repeats of one rule over overlapping spans,
// and of two overlapping identifier findings keeps the stronger: the higher
// severity, then the institution's own record format, then the longer span.
// A number whose check digit proves its type (a card) keeps its type over a
// value a cue phrase read ("register: 4111 1111 1111 1111" is a card, not
// a licence), at the higher of the two severities.
func (e *Engine) dedupe(fs []draft) []draft {
	e.sortDrafts(fs)
	strength := func(f *draft) int {
		s := int(f.sev) * 4
		if f.recFormat {
			s += 2
		}
		return s
	}
	out := fs[:0]
	// Drafts before lo ended before the current start; as starts only
	// grow, they can overlap nothing that follows.
	lo := 0
	for _, f := range fs {
		for lo < len(out) && out[lo].end <= f.start {
			lo++
		}
		keep := true
		for k := len(out) - 1; k >= lo && keep; k-- {
			g := &out[k]
			if g.end <= f.start || g.start >= f.end {
				continue
			}
			switch {
			case g.rule == f.rule:
				if f.end > g.end {
					g.end = f.end
				}
				if f.sev > g.sev {
					g.sev = f.sev
				}
				keep = false
			case f.quasi && g.ident:
				keep = false // the identifier says it already
			case g.quasi && f.ident:
				*g = f
				keep = false
			case (g.name && f.code || g.code && f.name) && (g.start <= f.start && f.end <= g.end || f.start <= g.start && g.end <= f.end):
				// A code whose phrase reads a name before it and marks
				// no focus (">"; a policy's term can): both are
				// identifiers, and the name must not vanish into the
				// code's finding. The packs' room phrases now mark the
				// room alone ("Mrs. Feldstein in 7B" -> "in 7B").
			case g.ident && f.ident && g.checked != f.checked && !g.recFormat && !f.recFormat:
				sev := max(g.sev, f.sev)
				if f.checked {
					*g = f
				}
				g.sev = sev
				keep = false
			case g.ident && f.ident:
				sg, sf := strength(g), strength(&f)
				if sf > sg || sf == sg && f.end-f.start > g.end-g.start {
					*g = f // f replaces g
				}
				keep = false
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	e.sortDrafts(out)
	return out
}

// sortDrafts orders drafts for display: by start, end, then rule id, as
// one integer key.
func (e *Engine) sortDrafts(fs []draft) {
	sorted := true
	for i := range fs {
		d := &fs[i]
		d.key = uint64(d.start)<<43 | uint64(d.end)<<22 | uint64(e.order[d.rule])
		if i > 0 && d.key < fs[i-1].key {
			sorted = false
		}
	}
	if !sorted {
		sortByKey(fs)
	}
}

// sortByKey sorts drafts by key: a quicksort with the median of three as
// pivot down to runs of twelve, then one insertion sort. It compares keys
// directly: in the module, sort.Sort's three interface calls per step were
// a twentieth of a long post's scan, and slices.SortFunc would add a
// generic instantiation to a module near its size budget.
func sortByKey(s []draft) {
	for len(s) > 12 {
		m, h := len(s)/2, len(s)-1
		if s[m].key < s[0].key {
			s[m], s[0] = s[0], s[m]
		}
		if s[h].key < s[0].key {
			s[h], s[0] = s[0], s[h]
		}
		if s[h].key < s[m].key {
			s[h], s[m] = s[m], s[h]
		}
		pivot := s[m].key
		i, j := 0, h
		for i <= j {
			for s[i].key < pivot {
				i++
			}
			for s[j].key > pivot {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		// Recurse into the shorter side, loop on the longer.
		if j+1 < len(s)-i {
			sortByKey(s[:j+1])
			s = s[i:]
		} else {
			sortByKey(s[i:])
			s = s[:j+1]
		}
	}
	for i := 1; i < len(s); i++ {
		for k := i; k > 0 && s[k].key < s[k-1].key; k-- {
			s[k], s[k-1] = s[k-1], s[k]
		}
	}
}

// setUTF16 returns the UTF-16 offsets of the drafts' spans in u16 (start
// and end of draft i at 2i and 2i+1). One pass over the text, eight ASCII
// bytes at a time, notes after each non-ASCII rune how many more bytes than
// code units the text has so far; an offset then converts with a binary
// search over those notes (usually none or a few). Invalid UTF-8 bytes
// count as one unit each, as U+FFFD does in a JavaScript string decoded
// from them.
func setUTF16(text string, fs []draft, adj []utf16Adjust, u16 []int32) ([]utf16Adjust, []int32) {
	u16 = slices.Grow(u16[:0], 2*len(fs))[:2*len(fs)]
	adj = adj[:0]
	last := 0
	for i := range fs {
		last = max(last, int(fs[i].end))
	}
	var delta int32
	for b := 0; b < last && b < len(text); {
		if b+8 <= len(text) && load8(text, b)&hi8 == 0 {
			b += 8
			continue
		}
		if text[b] < utf8.RuneSelf {
			b++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[b:])
		b += size
		units := 1
		if r >= 0x10000 {
			units = 2
		}
		if size != units {
			delta += int32(size - units)
			adj = append(adj, utf16Adjust{end: int32(b), delta: delta})
		}
	}
	conv := func(off int32) int32 {
		lo, hi := 0, len(adj) // the first note after off
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if adj[m].end <= off {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo == 0 {
			return off
		}
		return off - adj[lo-1].delta
	}
	for i := range fs {
		u16[2*i] = conv(fs[i].start)
		u16[2*i+1] = conv(fs[i].end)
	}
	return adj, u16
}

// utf16Adjust says that from byte end on, the text has delta more UTF-8
// bytes than UTF-16 code units.
type utf16Adjust struct{ end, delta int32 }
