package rules

import (
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// classSet is a set of word classes, one bit each.
type classSet uint64

// crule is a rule ready to run: the pack's Rule plus its index.
type crule struct {
	*Rule
	idx   int32
	fixes []Fix // the rule's fix as a slice, shared by its findings
	// focusFixes: the fix of a span a phrase's ">" narrowed, or nil for
	// the rule's own.
	focusFixes []Fix
	quasi      int  // index in quasiKinds of what the rule's matches are, or -1
	story      bool // the re-identification rule, reported by weigh itself
	cat        int  // index of the category in Categories
	// quasiRule is set for the rules that mark quasi-identifiers
	// (privacy.quasi.*), recFormat for the policy's record formats, checked
	// for the identifiers a check digit proves (payment cards).
	quasiRule, recFormat, checked bool
	pack                          string // the pack the rule comes from ("conduct", "privacy-context")
}

// identQuasi returns the index in quasiKinds of the quasi-identifier an
// identifier type stands for in a patient story (a date is a time, a town a
// place), or -1.
func identQuasi(id Identifier) int {
	switch id {
	case IDDate:
		return quasiTime
	case IDGeo:
		return quasiPlace
	case IDAge90:
		return quasiAge
	}
	return -1
}

// Indices in quasiKinds of the kinds identifiers stand for.
const (
	quasiAge   = 0
	quasiTime  = 2
	quasiPlace = 3
)

func newCrule(r *Rule, idx int) *crule {
	c := &crule{Rule: r, idx: int32(idx), quasi: identQuasi(r.Identifier), story: r.Shape == "story",
		quasiRule: strings.HasPrefix(r.ID, "privacy.quasi."), recFormat: r.ID == "privacy.record_format",
		checked: r.Shape == "card"}
	for k, cat := range Categories {
		if r.Category == cat {
			c.cat = k
		}
	}
	for k, name := range quasiKinds {
		if name == r.Quasi {
			c.quasi = k
		}
	}
	if r.Fix != nil {
		c.fixes = []Fix{*r.Fix}
	}
	if r.FocusFix != nil {
		c.focusFixes = []Fix{*r.FocusFix}
	}
	return c
}

// celem is a compiled phrase element.
type celem struct {
	words     []int32 // lexicon entries (peWord)
	classes   classSet
	kind      pelemKind
	optional  bool
	hashtag   bool
	mention   bool
	lower     bool  // only a token written without capitals
	minDigits uint8 // peValue: at most 20
	room      bool  // peValue: a bare room code (matchRoom)
}

type patKind uint8

const (
	patReport   patKind = iota // a match is a hit of the rule
	patUnless                  // a match silences the rule for the post
	patPlace                   // a place name: kept only in a place context
	patPlaceCmn                // a place name that is also a common word or a name
)

type cpattern struct {
	rule  int32
	kind  patKind
	focus int8 // the hit's span starts this many tokens in (">")
	elems []celem
}

// lexicon maps lower-case words to entries that carry their classes and the
// patterns they start.
type lexicon struct {
	table   wordTable // lower-case word -> entry
	classes []classSet
	// The patterns to try at each occurrence of word w are its start
	// list (startsOf), and those to try only when the next word is some w2
	// its pair list (pairsOf), by w2: one array each rather than a slice a
	// word, which cost the module's start-up an allocation a list and a
	// slice header a word. lead[w] says where both lists are.
	starts []startRef
	pairs  []pairID
	lead   []wordLead
	// Until matcher.finish, the start and pair lists are kept as one list
	// each, in the order they were added.
	startsTodo []wordStart
	pairsTodo  []wordPair
}

// wordLead locates a word's start and pair lists. Its fields share 16
// bytes, so that the scan reads one cache line a word for all of them
// (three arrays of offsets and masks cost three).
type wordLead struct {
	start, pair   int32  // where the lists begin in starts and pairs
	nStart, nPair uint16 // and their lengths
	pairMask      uint32 // bit w2%32 set for each of its pairs: a quick "no"
}

// maxLead bounds the patterns one word may start (or pair): a wordLead
// counts them in 16 bits.
const maxLead = 1<<16 - 1

// startsOf returns the start list of word id.
func (l *lexicon) startsOf(id int32) []startRef {
	ld := &l.lead[id]
	return l.starts[ld.start : ld.start+int32(ld.nStart)]
}

// pairsOf returns the pair list of word id.
func (l *lexicon) pairsOf(id int32) []pairID {
	ld := &l.lead[id]
	return l.pairs[ld.pair : ld.pair+int32(ld.nPair)]
}

type wordStart struct{ w, p int32 } // pattern p starts at word w
// wordPair is an entry of a pair list to be: pattern p, by its first word
// w and its second w2. matcher.finish makes its pairID from the pattern,
// which keeps this list, read once, at 16 bytes an entry rather than 32.
type wordPair struct {
	w, w2, p int32
	// name is set for a place name's pattern (addWords), whose pair
	// carries no marks and no third element.
	name bool
}

// pairOf returns the pair-list entry of s: what addVariant would give it.
func (m *matcher) pairOf(s wordPair) pairID {
	cp := &m.patterns[s.p]
	pid := pairID{w2: s.w2, p: s.p, rule: cp.rule}
	if s.name {
		return pid
	}
	first := &cp.elems[0]
	pid.hashtag, pid.mention = first.hashtag, first.mention
	if len(cp.elems) > 2 && oneToken(&cp.elems[2]) && !cp.elems[2].optional {
		pid.third = &cp.elems[2]
	}
	return pid
}

// startRef is a pattern in a word's start list, with what rules most tries
// out before the pattern itself is read: its rule (disabled?) and its second
// element when that is a required word list or class (the next word fits?).
// Keeping this beside the list spares a cache miss per try.
type startRef struct {
	p, rule int32
	second  *celem // required second element to check first, or nil
	// alt, when second is nil, is the element after an optional second
	// one: the next token must fit the one or the other ("the [very]
	// sick"), which rules out most tries before the pattern is read.
	alt *celem
	// nextWords and nextClasses, when filter is set, hold every word (a
	// bit per word id mod 64) and class the next token may have to fit
	// second or alt: a test of two masks rules out most tries on a common
	// first word ("the", "our") before elemMatch reads the word lists.
	nextWords   uint64
	nextClasses classSet
	filter      bool
	// The first element's marks: a hashtag, a mention, lower case only.
	hashtag, mention, lower bool
}

// pairID indexes a pattern by its second word: most phrases start with a
// common word ("my", "the") and are ruled out by the next one. It carries
// the pattern's rule and first-word marks, so a try reads the pattern only
// once both words fit.
type pairID struct {
	w2, p, rule      int32
	hashtag, mention bool
	// third is the pattern's third element when it is required and fits
	// one token: most pairs that fit ("the patient") fail on it.
	third *celem
}

func newLexicon(sizeHint int) *lexicon {
	l := &lexicon{}
	n := 16
	for n < 2*sizeHint {
		n <<= 1
	}
	l.table.init(n)
	l.table.keys = make([]string, 0, sizeHint)
	l.classes = make([]classSet, 0, sizeHint)
	return l
}

func (l *lexicon) intern(w string) int32 {
	h := hashWord(w)
	id := int32(-1)
	if lowerAlnum(w) {
		// The scan's look-up, which settles a short word by its slot
		// alone, without reading its key.
		id = l.table.findIDASCII(h, keyWord(w), w)
	} else {
		id = l.table.findKey(h, w)
	}
	if id >= 0 {
		return id
	}
	id = int32(len(l.classes))
	l.table.insert(h, w, id)
	l.classes = append(l.classes, 0)
	return id
}

// lowerAlnum reports whether w is lower-case ASCII letters and digits.
func lowerAlnum(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; !(c-'a' < 26 || c-'0' < 10) {
			return false
		}
	}
	return true
}

// matcher is a set of phrase patterns over one lexicon.
type matcher struct {
	lex      *lexicon
	patterns []cpattern
	// classStarts lists, per class bit, the patterns starting with that class.
	classStarts [64][]int32
	// numStarts lists the patterns starting with {num}, but for those
	// whose second element is a plain word list: numPairs holds them by
	// that word, as a word's pair list does ("{num} shots", "{num} yo").
	numStarts []int32
	numPairs  []pairID
	scratch   []token
	elemArena []celem
	wordArena []int32
	// classUse, when set, records the classes the patterns name.
	classUse map[string]bool
}

func (m *matcher) add(classIDs map[string]int, ph *phrase, rule int32, kind patKind) error {
	// The variants phrase.expand would list: the phrase with its first
	// element required, then, while that element is optional, the rest.
	for elems := ph.elems; ; elems = elems[1:] {
		if err := m.addVariant(classIDs, elems, rule, kind); err != nil {
			return err
		}
		if !elems[0].optional || len(elems) < 2 {
			break
		}
		if k := elems[1].kind; k != peWord && k != peClass && k != peNum {
			break
		}
	}
	return nil
}

// addVariant adds the pattern of the phrase elements pes, the first one
// required.
func (m *matcher) addVariant(classIDs map[string]int, pes []pelem, rule int32, kind patKind) error {
	nw := 0
	for k := range pes {
		nw += len(pes[k].words)
	}
	elems := m.newElems(len(pes))
	words := m.newWords(nw)
	for k := range pes {
		e := &pes[k]
		ce := celem{kind: e.kind, optional: e.optional && k > 0, hashtag: e.hashtag, mention: e.mention, lower: e.lower, minDigits: uint8(e.minDigits), room: e.room}
		if len(e.words) > 0 {
			ce.words = words[:len(e.words):len(e.words)]
			words = words[len(e.words):]
			for i, w := range e.words {
				ce.words[i] = m.lex.intern(w)
			}
		}
		for _, name := range e.classNames {
			bit, ok := classIDs[name]
			if !ok {
				return &Error{Msg: "unknown class {" + name + "}"}
			}
			if m.classUse != nil {
				m.classUse[name] = true
			}
			ce.classes |= 1 << uint(bit)
		}
		elems[k] = ce
	}
	id := int32(len(m.patterns))
	m.patterns = append(m.patterns, cpattern{rule: rule, kind: kind, focus: int8(max(focusOf(pes), 0)), elems: elems})
	first := &elems[0]
	second := &celem{optional: true}
	if len(elems) > 1 {
		second = &elems[1]
	}
	pair := !second.optional && second.kind == peWord && second.classes == 0 && !second.hashtag && !second.mention && !first.lower && !second.lower
	var third *celem
	if len(elems) > 2 && oneToken(&elems[2]) && !elems[2].optional {
		third = &elems[2]
	}
	if first.kind == peNum {
		if !pair {
			m.numStarts = append(m.numStarts, id)
		}
		for _, w2 := range second.words {
			if pair {
				m.numPairs = append(m.numPairs, pairID{w2: w2, p: id, rule: rule, hashtag: first.hashtag, mention: first.mention, third: third})
			}
		}
	}
	for _, w := range first.words {
		if pair {
			for _, w2 := range second.words {
				m.lex.pairsTodo = append(m.lex.pairsTodo, wordPair{w: w, w2: w2, p: id})
			}
			continue
		}
		m.lex.startsTodo = append(m.lex.startsTodo, wordStart{w, id})
	}
	for b := 0; b < 64; b++ {
		if first.classes&(1<<uint(b)) != 0 {
			m.classStarts[b] = append(m.classStarts[b], id)
		}
	}
	return nil
}

// newElems returns n elements from the matcher's arena: patterns would
// otherwise cost an allocation each, and their word lists another.
func (m *matcher) newElems(n int) []celem { return take(&m.elemArena, n, 4096, 16) }

// newWords returns room for n lexicon entries from the matcher's arena.
func (m *matcher) newWords(n int) []int32 { return take(&m.wordArena, n, 8192, 32) }

// take returns n items from the arena *a, starting a new chunk (twice the
// last, between least and most items, or n) when the current one is full;
// the slice it returns cannot grow into the next caller's items.
func take[T any](a *[]T, n, most, least int) []T {
	if cap(*a)-len(*a) < n {
		*a = make([]T, 0, max(n, min(most, 2*cap(*a)), least))
	}
	k := len(*a)
	*a = (*a)[:k+n]
	return (*a)[k : k+n : k+n]
}

// reserve makes room in the arenas for elems elements and words entries,
// when their number is known in advance.
func (m *matcher) reserve(elems, words int) {
	if cap(m.elemArena)-len(m.elemArena) < elems {
		m.elemArena = make([]celem, 0, elems)
	}
	if cap(m.wordArena)-len(m.wordArena) < words {
		m.wordArena = make([]int32, 0, words)
	}
}

// wordTable is an open-addressing hash table from lower-case words to
// lexicon entries, probed with the hash the tokenizer computed in passing.
// A slot holds the first eight bytes of its key, so a word of eight bytes
// or fewer (most words) is matched without reading the key itself.
type wordTable struct {
	mask  uint64
	slots []wordSlot
	keys  []string   // by entry
	cls   []classSet // by entry: its classes, set by matcher.finish
}

// wordSlot is 16 bytes: the entry's classes live in cls rather than here,
// since the slots, three in four empty, are most of the memory the
// module's start-up first touches (and pays for by the megabyte).
type wordSlot struct {
	word uint64 // keyWord of the key
	tag  uint32 // slotTag of the key's hash and length; 0 when empty
	id   int32
}

// slotTag is the high half of the hash with its top bit replaced by
// whether the word is longer than eight bytes, and its low bit set: an
// empty slot is all zero, as fresh memory is, so a new table needs no
// filling.
func slotTag(h uint64, n int) uint32 {
	t := uint32(h>>32)&^(1<<31) | 1
	if n > 8 {
		t |= 1 << 31
	}
	return t
}

func (t *wordTable) init(n int) {
	t.mask = uint64(n - 1)
	t.slots = make([]wordSlot, n)
	t.keys = t.keys[:0]
}

// insert adds word w, known to be absent, as entry id; the table doubles
// when it is half full.
func (t *wordTable) insert(h uint64, w string, id int32) {
	if 2*(len(t.keys)+1) > len(t.slots) {
		old := t.slots
		t.mask = uint64(2*len(old) - 1)
		t.slots = make([]wordSlot, 2*len(old))
		for _, s := range old {
			if s.tag != 0 {
				t.place(hashWord(t.keys[s.id]), s)
			}
		}
	}
	t.keys = append(t.keys, w)
	t.place(h, wordSlot{word: keyWord(w), tag: slotTag(h, len(w)), id: id})
}

func (t *wordTable) place(h uint64, s wordSlot) {
	k := h & t.mask
	for t.slots[k].tag != 0 {
		k = (k + 1) & t.mask
	}
	t.slots[k] = s
}

// findKey returns the entry of the lower-case word w with hash h, or -1.
// It compares a slot's first eight bytes before its key.
func (t *wordTable) findKey(h uint64, w string) int32 {
	if len(t.slots) == 0 {
		return -1
	}
	tag, first := slotTag(h, len(w)), keyWord(w)
	for k := h & t.mask; ; k = (k + 1) & t.mask {
		s := &t.slots[k]
		if s.tag == 0 {
			return -1
		}
		if s.tag == tag && s.word == first && t.keys[s.id] == w {
			return s.id
		}
	}
}

// find returns the entry of the lower-case word w with hash h and its
// classes, or -1.
func (t *wordTable) find(h uint64, w []byte) (int32, classSet) {
	if len(t.slots) == 0 {
		return -1, 0
	}
	tag := slotTag(h, len(w))
	for k := h & t.mask; ; k = (k + 1) & t.mask {
		s := &t.slots[k]
		if s.tag == 0 {
			return -1, 0
		}
		if s.tag == tag && t.keys[s.id] == string(w) {
			return s.id, t.cls[s.id]
		}
	}
}

// findASCII is find for a word of ASCII letters and digits as it appears
// in the text, with its hash h and keyWord first: letters compare
// case-insensitively against the lower-case key.
func (t *wordTable) findASCII(h, first uint64, w string) (int32, classSet) {
	if id := t.findIDASCII(h, first, w); id >= 0 {
		return id, t.cls[id]
	}
	return -1, 0
}

// findIDASCII is findASCII without the classes, which the lexicon has
// only once matcher.finish has run.
func (t *wordTable) findIDASCII(h, first uint64, w string) int32 {
	if len(t.slots) == 0 {
		return -1
	}
	tag := slotTag(h, len(w))
	for k := h & t.mask; ; k = (k + 1) & t.mask {
		s := &t.slots[k]
		if s.tag == 0 {
			return -1
		}
		if s.tag == tag && s.word == first {
			// The first eight bytes are equal and so, for a short word,
			// is everything: a zero byte ends both.
			if len(w) <= 8 {
				return s.id
			}
			if key := t.keys[s.id]; len(key) == len(w) && equalLowerASCII(key[8:], w[8:]) {
				return s.id
			}
		}
	}
}

func equalLowerASCII(key, w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c-'A' < 26 {
			c += 'a' - 'A'
		}
		if key[i] != c {
			return false
		}
	}
	return true
}

// addWords adds a place name ("san antonio", "st. louis") as a pattern of
// literal words, without the phrase parser: there are thousands of them and
// the module compiles them at every start.
func (m *matcher) addWords(name string, rule int32, kind patKind) {
	m.scratch = tokenize(name, m.scratch[:0])
	n := len(m.scratch)
	if n == 0 {
		return
	}
	elems := m.newElems(n)
	words := m.newWords(n)
	for i, t := range m.scratch {
		w := name[t.start:t.end]
		if t.flags&tNonASCII != 0 || hasUpper(w) {
			w = lowerWord(nil, w)
		}
		words[i] = m.lex.intern(w)
		elems[i] = celem{kind: peWord, words: words[i : i+1 : i+1]}
	}
	id := int32(len(m.patterns))
	m.patterns = append(m.patterns, cpattern{rule: rule, kind: kind, elems: elems})
	if n > 1 {
		m.lex.pairsTodo = append(m.lex.pairsTodo, wordPair{w: words[0], w2: words[1], p: id, name: true})
	} else {
		m.lex.startsTodo = append(m.lex.startsTodo, wordStart{words[0], id})
	}
}

// ref makes the start-list entry of pattern id.
func (m *matcher) ref(id int32) startRef {
	cp := &m.patterns[id]
	first := &cp.elems[0]
	r := startRef{p: id, rule: cp.rule, hashtag: first.hashtag, mention: first.mention, lower: first.lower}
	if len(cp.elems) > 1 {
		if ce := &cp.elems[1]; oneToken(ce) && !ce.optional {
			r.second = ce
		} else if oneToken(ce) && len(cp.elems) > 2 && oneToken(&cp.elems[2]) && !cp.elems[2].optional {
			r.alt = &cp.elems[2]
		}
	}
	var next []*celem
	if r.second != nil {
		next = []*celem{r.second}
	} else if r.alt != nil {
		next = []*celem{&cp.elems[1], r.alt}
	}
	r.filter = len(next) > 0
	for _, ce := range next {
		switch ce.kind {
		case peWord:
			for _, w := range ce.words {
				r.nextWords |= 1 << (uint32(w) & 63)
			}
			r.nextClasses |= ce.classes
		case peClass:
			r.nextClasses |= ce.classes
		default:
			r.filter = false // any word, a number, a capital: no mask says it
		}
	}
	return r
}

// oneToken reports whether ce matches exactly one token when present (a
// word, a class, any word, a number or a capital), so that elemMatch alone
// decides whether a token fits it.
func oneToken(ce *celem) bool {
	switch ce.kind {
	case peWord, peClass, peAny, peNum, peCap:
		return true
	}
	return false
}

// finish lays out each word's start and pair lists and sorts what the scan
// searches: each element's words and each word's pairs.
func (m *matcher) finish() error {
	l := m.lex
	// The table gives a word's classes with its entry.
	l.table.cls = l.classes
	// Each list is counted in the word's lead, then filled with the
	// lead's offset as the cursor, which is then set back: no arrays of
	// counts and cursors, a third of a megabyte the start-up touched.
	l.lead = make([]wordLead, len(l.classes))
	for _, s := range l.startsTodo {
		if l.lead[s.w].nStart == maxLead {
			return &Error{Msg: "more than 65535 phrases start with the word \"" + l.table.keys[s.w] + "\""}
		}
		l.lead[s.w].nStart++
	}
	for _, s := range l.pairsTodo {
		if l.lead[s.w].nPair == maxLead {
			return &Error{Msg: "more than 65535 phrases start with the word \"" + l.table.keys[s.w] + "\""}
		}
		l.lead[s.w].nPair++
	}
	start, pair := int32(0), int32(0)
	for w := range l.lead {
		ld := &l.lead[w]
		ld.start, ld.pair = start, pair
		start += int32(ld.nStart)
		pair += int32(ld.nPair)
	}
	l.starts = make([]startRef, len(l.startsTodo))
	for _, s := range l.startsTodo {
		ld := &l.lead[s.w]
		l.starts[ld.start] = m.ref(s.p)
		ld.start++
	}
	l.pairs = make([]pairID, len(l.pairsTodo))
	for _, s := range l.pairsTodo {
		ld := &l.lead[s.w]
		l.pairs[ld.pair] = m.pairOf(s)
		ld.pair++
	}
	for w := range l.lead {
		ld := &l.lead[w]
		ld.start -= int32(ld.nStart)
		ld.pair -= int32(ld.nPair)
	}
	l.startsTodo, l.pairsTodo = nil, nil
	for i := range m.patterns {
		for j := range m.patterns[i].elems {
			if w := m.patterns[i].elems[j].words; len(w) > 1 {
				sortInt32s(w)
			}
		}
	}
	if len(m.numPairs) > 1 {
		sortPairs(m.numPairs)
	}
	for i := range l.lead {
		ps := l.pairsOf(int32(i))
		if len(ps) > 1 {
			sortPairs(ps)
		}
		for _, p := range ps {
			l.lead[i].pairMask |= 1 << uint(p.w2&31)
		}
	}
	return nil
}

// sortInt32s and sortPairs sort short lists in place, and hand long ones to
// package sort (whose interface costs an allocation a call).
func sortInt32s(s []int32) {
	if len(s) > 12 {
		sort.Sort(int32s(s))
		return
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func sortPairs(s []pairID) {
	if len(s) > 12 {
		sort.Sort(pairIDs(s))
		return
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && pairIDs(s).Less(j, j-1); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// base is the compiled form of the embedded packs, shared by every engine.
type base struct {
	rules    []*crule
	byID     map[string]int32
	classIDs map[string]int
	m        matcher
	shapes   map[string]int32 // shape name -> rule
	ctxRule  int32            // privacy.patient_context, or -1
	ids      ruleIDs          // rules the detectors read by id, resolved once
	cls      builtinClasses   // the class bits the detectors read
	cue      builtinCues      // the cue lists the detectors read
	// tokenDets are the token detectors by tokKind (kindIndex), in
	// registry order.
	tokenDets [4][]*detector
	unused    []string // what the packs declare and nothing reads

	// The learned model (model.go) reads these: a feature id for each
	// class bit, each rule's hits and each identifier type, made from
	// names so that features survive a pack's reordering. learned is each
	// model output's rule (shape "learned"), or -1.
	classFeat [64]uint32
	ruleFeat  []uint32
	identFeat map[Identifier]uint32
	// ruleIdentFeat is each rule's identifier feature (0 for none), so a
	// hit that keeps its rule's identifier needs no map look-up.
	ruleIdentFeat []uint32
	// gloss gives the model the English gloss of a Spanish word (gloss.go).
	gloss   glossTable
	learned [modelOutputs]int32
	// personCls are the classes of words for a person ("patient", "lady",
	// "Mrs."), after which the model joins a post's symbols to that fact.
	personCls classSet
}

// builtinClasses are the class bits the Go detectors use, set by
// wireDetectors from what each detector declares.
type builtinClasses struct {
	first, firstCommon, surname, surnameCommon        classSet
	title, clinician, patientNoun, relation, month    classSet
	weekday, state, stateAbbr, streetSuffix, locative classSet
	streetPrefix, streetCommon                        classSet
	nameStop, dateCue, unitNoun, ageWord, sexWord     classSet
	notPlace, officeTitle, encVerb, occupation        classSet
	drug, medAny, medChange, disease                  classSet
	negation                                          classSet // the model's negation cues
}

var (
	baseOnce sync.Once
	baseVal  *base
	baseErr  error
)

func loadBase() (*base, error) {
	baseOnce.Do(func() { baseVal, baseErr = compileBase() })
	return baseVal, baseErr
}

// placeFiles are the place-name tables, with their pattern kinds.
var placeFiles = []struct {
	file string
	kind patKind
}{{"places.txt", patPlace}, {"places_common.txt", patPlaceCmn}}

// placeCounts counts, in one pass over a front-coded place table (see
// eachWord), its lines, its spaces, hyphens and periods, and its entries
// of more than one word (with one of those in them, shared prefix
// included): such an entry is a pair and the others a start, and room for
// just that saves the module's start-up a third of a megabyte of memory
// against room for either. One pass rather than one a count: wasm has no
// vector instructions to make each pass cheap.
func placeCounts(data string) (lines, seps, multi int) {
	sep := -1       // where the previous entry's first separator is, or -1
	lineSep := -1   // where this entry's own first separator is, or -1
	k, at := 0, 0   // this entry's shared prefix, and where its next byte goes
	start := true   // at the start of a line
	entry := false  // the line is an entry (it starts with a digit)
	end := func() { // at the end of a line
		if entry {
			if sep < 0 || sep >= k { // the shared prefix has none
				sep = lineSep
			}
			if sep >= 0 {
				multi++
			}
		}
		entry, start = false, true
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n':
			lines++
			end()
			continue
		case start:
			start = false
			k = int(c) - '0'
			entry = k >= 0 && k <= 9
			at, lineSep = k, -1
			continue
		case c == ' ' || c == '-' || c == '.':
			seps++
			if lineSep < 0 {
				lineSep = at
			}
		}
		at++
	}
	if !start {
		end()
	}
	return lines, seps, multi
}

// dataClasses are the classes filled from the generated word tables.
var dataClasses = []struct{ class, file string }{
	{"firstname", "first_names.txt"},
	{"firstname_common", "first_names_common.txt"},
	{"surname", "surnames.txt"},
	{"surname_common", "surnames_common.txt"},
	{"drug", "drugs.txt"},
}

func compileBase() (*base, error) {
	packs, err := loadPacks()
	if err != nil {
		return nil, err
	}
	return compilePacks(packs, detectors)
}

// compilePacks compiles packs for the detectors dets, checking what each
// detector needs.
func compilePacks(packs []*pack, dets []*detector) (*base, error) {
	b := &base{byID: map[string]int32{}, classIDs: map[string]int{}, shapes: map[string]int32{}}
	// Room for about every word: an entry a line of the word tables (a
	// place name's words are mostly known already) and some for the packs'.
	n := 4096
	for _, data := range dataFiles {
		n += strings.Count(data, "\n")
	}
	b.m.lex = newLexicon(n)
	b.m.classUse = map[string]bool{}
	cues := map[string][]string{}
	for _, p := range packs {
		for k, words := range p.cues {
			if _, dup := cues[k]; dup {
				return nil, &Error{Msg: "rule pack " + p.name + ": cue list " + quote(k) + " is declared twice"}
			}
			cues[k] = words
		}
	}
	classBit := func(name string) (classSet, error) {
		bit, ok := b.classIDs[name]
		if !ok {
			bit = len(b.classIDs)
			if bit >= 64 {
				return 0, &Error{Msg: "too many word classes (limit 64)"}
			}
			b.classIDs[name] = bit
		}
		return 1 << uint(bit), nil
	}
	addWord := func(w string, c classSet) {
		w = normWord(w)
		if !isPlainWord(w) {
			return // multi-word entries cannot be a class member
		}
		id := b.m.lex.intern(w)
		b.m.lex.classes[id] |= c
	}
	addClass := func(name string, words []string) error {
		c, err := classBit(name)
		if err != nil {
			return err
		}
		for _, w := range words {
			addWord(w, c)
		}
		return nil
	}
	for _, dc := range dataClasses {
		c, err := classBit(dc.class)
		if err != nil {
			return nil, err
		}
		eachWord(dc.file, func(w string) { addWord(w, c) })
	}
	for _, p := range packs {
		names := make([]string, 0, len(p.classes))
		for k := range p.classes {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if err := addClass(k, p.classes[k]); err != nil {
				return nil, err
			}
		}
	}
	// Room for every pattern at once: one a phrase (some make two or
	// three) and, with a place rule, one a place name, of a word a line
	// and one a space, hyphen or period, give or take the words of the
	// front-coded prefixes (the appends' copies were a tenth of the
	// module's start-up).
	phrases, nr, places, placeWords, placeMulti := 0, 0, 0, 0, 0
	for _, p := range packs {
		nr += len(p.rules)
		for _, r := range p.rules {
			phrases += len(r.Phrase) + len(r.Unless)
			if r.Shape == "place" && places == 0 {
				for _, f := range placeFiles {
					lines, seps, multi := placeCounts(dataFiles[f.file])
					places += lines
					placeWords += seps
					placeMulti += multi
				}
			}
		}
	}
	b.m.patterns = make([]cpattern, 0, phrases+phrases/2+places)
	b.rules = make([]*crule, 0, nr)
	var pp phraseParser // its phrases live until the next: add keeps none
	for _, p := range packs {
		for _, r := range p.rules {
			cr := newCrule(r, len(b.rules))
			cr.pack = p.name
			b.rules = append(b.rules, cr)
			b.byID[r.ID] = cr.idx
			if r.Shape != "" {
				b.shapes[r.Shape] = cr.idx
			}
			for _, src := range r.Phrase {
				ph, err := pp.parse(src)
				if err == nil {
					err = b.m.add(b.classIDs, ph, cr.idx, patReport)
				}
				if err != nil {
					return nil, &Error{Msg: "rule " + r.ID + ": " + err.Error()}
				}
			}
			for _, src := range r.Unless {
				ph, err := pp.parse(src)
				if err == nil {
					err = b.m.add(b.classIDs, ph, cr.idx, patUnless)
				}
				if err != nil {
					return nil, &Error{Msg: "rule " + r.ID + " unless: " + err.Error()}
				}
			}
		}
	}
	// A word that belongs to a class starts the phrases that start with
	// that class: fold them into the word's own list, so a scan makes one
	// look-up per token.
	for id, c := range b.m.lex.classes {
		for ; c != 0; c &= c - 1 { // each set bit, lowest first
			for _, p := range b.m.classStarts[bits.TrailingZeros64(uint64(c))] {
				b.m.lex.startsTodo = append(b.m.lex.startsTodo, wordStart{int32(id), p})
			}
		}
	}
	if geo, ok := b.shapes["place"]; ok {
		b.m.patterns = slices.Grow(b.m.patterns, places)
		// A place name of one word is a start, of more a pair, but for
		// the odd name that tokenize splits otherwise: room for each,
		// and some to spare.
		spare := places / 32
		b.m.lex.startsTodo = slices.Grow(b.m.lex.startsTodo, places-placeMulti+spare)
		b.m.lex.pairsTodo = slices.Grow(b.m.lex.pairsTodo, placeMulti+spare)
		b.m.reserve(places+placeWords, places+placeWords)
		for _, f := range placeFiles {
			eachWord(f.file, func(name string) { b.m.addWords(name, geo, f.kind) })
		}
	}
	if err := b.m.finish(); err != nil {
		return nil, err
	}
	b.ctxRule = b.id("privacy.patient_context")
	b.ids = ruleIDs{
		undisclosed: b.id("disclosure.undisclosed"), credentialHedge: b.id("conduct.credential_hedge"),
		accusationCue: b.id("conduct.accusation_cue"), name: b.id("privacy.name"), careByMe: b.id("privacy.care_by_me"),
		addressed: b.id("privacy.patient_addressed"),
		encounter: b.id("privacy.encounter"), permission: b.id("privacy.permission"), withheld: b.id("privacy.details_withheld"),
		room: b.id("privacy.room"),
	}
	if err := b.wireDetectors(dets, cues, b.m.classUse); err != nil {
		return nil, err
	}
	b.m.classUse = nil
	b.wireModel()
	var err error
	if b.gloss, err = newGlossTable("gloss_es.txt", dataFiles["gloss_es.txt"], "gloss_es_pairs.txt", dataFiles["gloss_es_pairs.txt"]); err != nil {
		return nil, err
	}
	return b, nil
}

// ruleIDs are the rules pass detectors read by id, looked up once at
// compile time rather than in a map on every scan (the look-ups were a
// twentieth of a short post's scan). Each is -1 when the packs lack it.
type ruleIDs struct {
	undisclosed, credentialHedge, accusationCue, name, careByMe, addressed, encounter, permission, withheld, room int32
}

// id returns the index of rule id, or -1.
func (b *base) id(id string) int32 {
	if i, ok := b.byID[id]; ok {
		return i
	}
	return -1
}

// wireModel sets what the learned model reads from the packs.
func (b *base) wireModel() {
	b.personCls = b.cls.patientNoun | b.cls.sexWord | b.cls.title
	for name, bit := range b.classIDs {
		b.classFeat[bit] = featID(hashWord(name), featClass)
	}
	b.identFeat = map[Identifier]uint32{}
	for _, id := range Identifiers {
		b.identFeat[id] = featID(hashWord(string(id)), featIdent)
	}
	b.ruleFeat = make([]uint32, len(b.rules))
	b.ruleIdentFeat = make([]uint32, len(b.rules))
	for i := range b.learned {
		b.learned[i] = -1
	}
	for i, r := range b.rules {
		b.ruleFeat[i] = featID(hashWord(r.ID), featHit)
		if r.Identifier != "" {
			b.ruleIdentFeat[i] = b.identFeat[r.Identifier]
		}
		if r.Shape == "learned" {
			for o, c := range outputCategory {
				if c == r.Category {
					b.learned[o] = int32(i)
				}
			}
		}
	}
}

// Engine is a compiled policy over the rule packs. It is immutable and safe
// for concurrent use.
type Engine struct {
	b        *base
	policy   *Policy
	rules    []*crule   // base rules, then the policy's own
	enabled  []bool     // per rule
	severity []Severity // per rule: the policy's fixed severity, or empty
	order    []int32    // per rule: its rank by id
	over     *matcher   // the policy's terms, facilities and units; nil if none
	formats  []recordFormat
	minSev   Severity
	intercep Severity
	enforce  string
	model    *model // the learned model, or nil
	modelOn  bool   // the model exists and one of its rules is enabled
	pool     statePool
	// glossPairs: with no model (the trainer's features), add glossed word
	// pairs in Spanish posts; SetGlossPairs turns them off.
	glossPairs bool
	allow      *allowList // the policy's personal allow list, or nil
	// shapeRule is, by shapeID, the enabled rule of that shape, or -1.
	shapeRule [numShapes]int32
}

type recordFormat struct {
	rule  int32
	re    *rx
	sev   Severity
	ident Identifier
	name  string
}

// Compile builds an engine from a policy; nil means the defaults. The policy
// is validated first, so a bad one gives an error naming the field.
func Compile(p *Policy) (*Engine, error) {
	m, err := loadModel()
	if err != nil {
		return nil, err
	}
	e, err := compile(p)
	if err != nil {
		return nil, err
	}
	e.setModel(m)
	return e, nil
}

var (
	modelOnce sync.Once
	modelVal  *model
	modelErr  error
)

// loadModel decodes the embedded model once; nil when there is none.
func loadModel() (*model, error) {
	modelOnce.Do(func() {
		if modelData != "" {
			modelVal, modelErr = decodeModel(modelData)
		}
	})
	return modelVal, modelErr
}

// CompileWithModel is Compile with the learned model read from a model file
// rather than the embedded one (an empty file means none). It is for the
// trainer (rules/gen/train), which weighs candidate thresholds.
func CompileWithModel(p *Policy, modelFile string) (*Engine, error) {
	e, err := compile(p)
	if err != nil {
		return nil, err
	}
	var m *model
	if modelFile != "" {
		if m, err = decodeModel(modelFile); err != nil {
			return nil, err
		}
	}
	e.setModel(m)
	return e, nil
}

// setModel makes m the engine's learned model.
func (e *Engine) setModel(m *model) {
	e.model, e.modelOn = m, false
	if m != nil {
		for _, li := range e.b.learned {
			if li >= 0 && e.enabled[li] {
				e.modelOn = true
			}
		}
	}
}

func compile(p *Policy) (*Engine, error) {
	if p == nil {
		p = &Policy{}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	b, err := loadBase()
	if err != nil {
		return nil, err
	}
	e := &Engine{b: b, policy: p, rules: append([]*crule(nil), b.rules...)}
	e.minSev, e.intercep, e.enforce = Info, Block, "warn"
	if p.MinSeverity != "" {
		e.minSev = Severity(p.MinSeverity)
	}
	if p.InterceptAt != "" {
		e.intercep = Severity(p.InterceptAt)
	}
	if p.Enforce != "" {
		e.enforce = p.Enforce
	}

	// The policy's own rules: custom terms, then facility and unit names.
	if len(p.Terms) > 0 || len(p.Facilities) > 0 || len(p.Units) > 0 {
		e.over = &matcher{lex: newLexicon(64)}
		used := map[string]int{}
		for i, t := range p.Terms {
			ph, err := parsePhrase(t.Phrase)
			if err != nil {
				return nil, fieldErr("terms["+strconv.Itoa(i)+"].phrase", err.Error())
			}
			sev := Severity(t.Severity)
			if sev == "" {
				sev = Warn
			}
			id := t.Category + ".term." + slug(t.Phrase)
			if used[id]++; used[id] > 1 {
				id += "_" + strconv.Itoa(used[id])
			}
			r := newCrule(&Rule{ID: id, Category: Category(t.Category), Severity: sev,
				Phrase: []string{t.Phrase}, Message: t.Message, Why: t.Message,
				Citation: institutionCitation(p), Examples: t.Examples}, len(e.rules))
			e.rules = append(e.rules, r)
			if err := e.over.add(b.classIDs, ph, r.idx, patReport); err != nil {
				return nil, fieldErr("terms["+strconv.Itoa(i)+"].phrase", err.Error())
			}
		}
		if fac, ok := b.shapes["facility"]; ok {
			for _, list := range []struct {
				field string
				names []string
			}{{"facilities", p.Facilities}, {"units", p.Units}} {
				for i, name := range list.names {
					ph, err := parsePhrase(plainWords(name))
					if err != nil {
						return nil, fieldErr(list.field+"["+strconv.Itoa(i)+"]", err.Error())
					}
					if err := e.over.add(b.classIDs, ph, fac, patReport); err != nil {
						return nil, fieldErr(list.field+"["+strconv.Itoa(i)+"]", err.Error())
					}
				}
			}
		}
	}
	if e.over != nil {
		if err := e.over.finish(); err != nil {
			return nil, err
		}
	}
	if rf, ok := b.shapes["record_format"]; ok {
		for i, f := range p.RecordFormats {
			re, err := compilePattern(f.Pattern)
			if err != nil {
				return nil, fieldErr("record_formats["+strconv.Itoa(i)+"].pattern", err.Error())
			}
			ident := Identifier(f.Identifier)
			if ident == "" {
				ident = IDMRN
			}
			e.formats = append(e.formats, recordFormat{rule: rf, re: re, sev: Severity(f.Severity), ident: ident, name: f.Name})
			if name, slow := formatsTooSlow(e.formats); slow {
				return nil, fieldErr("record_formats["+strconv.Itoa(i)+"].pattern",
					"too slow: with the formats before it, "+quote(name)+" takes more than a scan's 150,000 matching steps on a 3,000-character post; bound its repeats or give it a literal prefix")
			}
		}
	}

	e.enabled = make([]bool, len(e.rules))
	e.severity = make([]Severity, len(e.rules))
	for i, r := range e.rules {
		// "extends": "none" starts from no pack rules at all: only the
		// policy's own terms and formats, and what it enables.
		e.enabled[i] = !r.Off && (p.Extends != "none" || i >= len(b.rules) || r.Shape == "facility" || r.Shape == "record_format")
	}
	for _, sel := range p.Disable {
		e.setEnabled(sel, false)
	}
	for _, sel := range p.Enable {
		e.setEnabled(sel, true)
	}
	for s, name := range shapeNames {
		e.shapeRule[s] = -1
		if i, ok := b.shapes[name]; ok && e.enabled[i] {
			e.shapeRule[s] = i
		}
	}
	// Category overrides first, then rule overrides win.
	keys := make([]string, 0, len(p.Severity))
	for k := range p.Severity {
		keys = append(keys, k)
	}
	sort.Sort(selectorOrder(keys))
	for _, k := range keys {
		for i, r := range e.rules {
			if selects(k, r.ID) {
				e.severity[i] = Severity(p.Severity[k])
			}
		}
	}
	// Findings that share a span are listed by rule id.
	e.order = make([]int32, len(e.rules))
	byID := make([]int32, len(e.rules))
	for i := range byID {
		byID[i] = int32(i)
	}
	sort.Sort(idOrder{byID, e.rules})
	for k, i := range byID {
		e.order[i] = int32(k)
	}
	e.allow = newAllowList(p)
	e.glossPairs = true
	return e, nil
}

func (e *Engine) setEnabled(sel string, on bool) {
	for i, r := range e.rules {
		if selects(sel, r.ID) || sel == r.pack {
			e.enabled[i] = on
		}
	}
}

// selects reports whether a selector from a policy (a rule id, a category,
// or a prefix ending in '*') names the rule id. A pack's name (as in its
// file, "privacy-context") selects its rules too, in setEnabled.
func selects(sel, id string) bool {
	if strings.HasSuffix(sel, "*") {
		return strings.HasPrefix(id, sel[:len(sel)-1])
	}
	return sel == id || strings.HasPrefix(id, sel+".")
}

func institutionCitation(p *Policy) string {
	if p.Institution.Name != "" {
		return p.Institution.Name + " social media policy"
	}
	return "Institution social media policy"
}

// slug makes a short rule-id part from a phrase.
func slug(s string) string {
	var b []byte
	for _, t := range tokenize(s, nil) {
		if len(b) > 0 {
			b = append(b, '_')
		}
		b = append(b, lowerWord(nil, s[t.start:t.end])...)
		if len(b) > 40 {
			break
		}
	}
	if len(b) == 0 {
		return "term"
	}
	return string(b)
}

// plainWords turns a name like "St. Mary's Hospital" into a phrase pattern.
func plainWords(s string) string {
	var parts []string
	for _, t := range tokenize(s, nil) {
		parts = append(parts, s[t.start:t.end])
	}
	return strings.Join(parts, " ")
}

// Info describes the policy in force.
func (e *Engine) Info() PolicyInfo {
	n := 0
	for _, on := range e.enabled {
		if on {
			n++
		}
	}
	return PolicyInfo{Name: e.policy.Name, Version: e.policy.Version, Institution: e.policy.Institution,
		MinSeverity: string(e.minSev), InterceptAt: string(e.intercep), Enforce: e.enforce, Rules: n}
}

// Policy returns the policy the engine was compiled from.
func (e *Engine) Policy() *Policy { return e.policy }

// Catalog lists every rule the engine knows, enabled or not, in pack order.
func (e *Engine) Catalog() []RuleInfo {
	out := make([]RuleInfo, 0, len(e.rules))
	for i, r := range e.rules {
		if r.Silent {
			continue
		}
		sev := e.severity[i]
		if sev == "" {
			sev = r.Severity
		}
		out = append(out, RuleInfo{ID: r.ID, Category: string(r.Category), Severity: string(sev),
			Identifier: string(r.Identifier), Message: r.Message, Why: r.Why, Citation: r.Citation, Enabled: e.enabled[i]})
	}
	return out
}

// Sort orders without sort.Slice, whose reflection costs the module size.
type int32s []int32

func (s int32s) Len() int           { return len(s) }
func (s int32s) Less(i, j int) bool { return s[i] < s[j] }
func (s int32s) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }

type pairIDs []pairID

func (s pairIDs) Len() int { return len(s) }
func (s pairIDs) Less(i, j int) bool {
	return s[i].w2 < s[j].w2 || s[i].w2 == s[j].w2 && s[i].p < s[j].p
}
func (s pairIDs) Swap(i, j int) { s[i], s[j] = s[j], s[i] }

// selectorOrder puts categories before rule ids, so a rule's own severity
// override wins over its category's.
type selectorOrder []string

func (s selectorOrder) Len() int { return len(s) }
func (s selectorOrder) Less(i, j int) bool {
	di, dj := strings.Count(s[i], "."), strings.Count(s[j], ".")
	return di < dj || di == dj && s[i] < s[j]
}
func (s selectorOrder) Swap(i, j int) { s[i], s[j] = s[j], s[i] }

// idOrder sorts rule indices by rule id.
type idOrder struct {
	idx   []int32
	rules []*crule
}

func (s idOrder) Len() int           { return len(s.idx) }
func (s idOrder) Less(i, j int) bool { return s.rules[s.idx[i]].ID < s.rules[s.idx[j]].ID }
func (s idOrder) Swap(i, j int)      { s.idx[i], s.idx[j] = s.idx[j], s.idx[i] }
