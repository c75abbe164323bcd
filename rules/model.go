package rules

import (
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/discreet-health/discreet/rules/internal/huffman"
)

// The learned model judges what phrase lists cannot: whether a post tells a
// real patient's story, and whether it crosses a professional boundary, is
// unprofessional, spreads misinformation or hides an endorsement. It is a
// linear classifier, one score per output, over hashed features of the
// post: its words, word pairs, the engine's word classes and the built-in
// detectors' hits (fastText's design without the embedding layer). The
// weights are quantised to one byte each and embedded as data
// (model_data.go), written by rules/gen/train from the labelled posts in
// rules/testdata/posts (go generate ./rules); MODEL.md says how it was
// trained and how it scores.
//
// A post's score is its bias (the log-odds of the output in the training
// posts) plus the sum of its features' weights divided by the square root
// of the number of features, at least ModelMinFeatures: a long post is not
// judged by its length, and a word or two ("ok", "lol") weighs no more than
// in a sentence. The division is done in integers, so native and
// WebAssembly answers stay identical.
//
// The model adds to the rules, in weigh: a story score over its threshold
// makes the post about a patient (so identifiers are raised and the
// quasi-identifiers counted), and a category with no rule finding gets a
// finding of its learned rule (<category>.learned) on the sentence that
// carries most of the score.

// The model's outputs.
const (
	outStory = iota // the post tells a real patient's story (privacy)
	outBoundaries
	outConduct
	outMisinformation
	outDisclosure
	modelOutputs
)

// modelOutputNames name the outputs in the model file and in the trainer.
var modelOutputNames = [modelOutputs]string{"story", "boundaries", "conduct", "misinformation", "disclosure"}

// outputCategory is the category each output's findings belong to.
var outputCategory = [modelOutputs]Category{Privacy, Boundaries, Conduct, Misinformation, Disclosure}

// modelMagic starts a model file.
const modelMagic = "DSCM8\n"

// model is a decoded model file.
type model struct {
	bits  uint   // log2 of the number of weight buckets
	mask  uint32 // buckets - 1
	scale float64
	// marks says which buckets hold weights, 64 to a block, and how many
	// do before each block; w holds those buckets' quantised weights as
	// int8 bytes, in bucket order, modelOutputs each (see weights). Seven
	// buckets in ten hold none, so this is a fifth of the memory of a table
	// of every bucket: memory the module's start-up would write, at some
	// microseconds a fresh page.
	marks []markBlock
	w     []byte
	bias  [modelOutputs]int32
	warn  [modelOutputs]int32 // score at or above which an output fires
	block [modelOutputs]int32 // score at or above which its finding blocks
	// veto is the score below which the rules' own verdict on the output
	// is overruled: no patient context (story), no finding of the
	// category (the others).
	veto [modelOutputs]int32
	// veto2 is, for the story, the veto of a context that a patient-context
	// phrase made ("my patient"), which takes a surer model to overrule.
	veto2 [modelOutputs]int32
	// veto3 is, for the story, the veto of a context a patient-context
	// phrase made next to a sensitive condition ("a guy with a brain bleed"
	// in a post about naloxone): set below every such story the trainer
	// scored, since these are the stories whose loss costs most.
	veto3 [modelOutputs]int32
	// warnIdent is, for the story, the warn threshold of a post that holds
	// a direct identifier (a name, an account number): with one, less
	// evidence makes it a patient's story.
	warnIdent [modelOutputs]int32
	// sentence is how far a sentence's own score (its features' weights
	// divided by the root of their number, at least ModelMinFeatures) is
	// lowered before it may stand for the post's, or math.MaxInt32 when
	// only the post's score counts: one contemptuous sentence in a long
	// patient story must not be averaged away by the rest.
	sentence [modelOutputs]int32
	// shortWarn is the story's warn threshold for a post of fewer than
	// ModelVetoFeatures features: at least ShortStoryLogits above the base
	// rate, since two or three words ("ok", "omg same") say too little to
	// make a patient's story of.
	shortWarn int32
	// Settings records how the model was trained (trainer flags, data).
	Settings string
	// size is the model file's length in bytes.
	size int
	// conj: the model was trained with the conjoined features (its
	// settings' kinds name "conj"), so scans add them.
	conj bool
	// gpair: likewise for glossed word pairs in Spanish posts ("gpair").
	gpair bool
}

// ModelInfo describes the engine's learned model.
type ModelInfo struct {
	Buckets  int    // weight buckets
	Bytes    int    // size of the model file
	Settings string // how it was trained
	// Thresholds are each output's warn/block/veto/veto2/warnIdent
	// thresholds, sentence margin and veto3 as logits.
	Thresholds string
}

// decodeModel reads a model file:
//
//	magic "DSCM8\n", settings length (uvarint) and text, bits (1 byte),
//	outputs (1 byte), scale (float64 bits, 8 bytes LE), then per output
//	bias, warn, block, veto, veto2, warnIdent, sentence and veto3 (int32 LE
//	each),
//	then a bitmap of 2^bits bits (bucket k is bit k&7 of byte k>>3) marking
//	the buckets that hold a non-zero weight, then, for each marked bucket in
//	order, its outputs' int8 weights, each plus 64 (mod 256), Huffman-coded
//	with one code per output (rules/internal/huffman).
//
// Seven buckets in ten hold no weight (rare features are left at zero), so
// the sparse form took 60 KB off the gzipped module against storing every
// bucket, and coding the weights another 37 KB against leaving their bytes
// to gzip. The expanded table holds the int8 weights themselves.
func decodeModel(data string) (*model, error) {
	bad := func(what string) error { return &Error{Msg: "learned model: " + what} }
	if len(data) < len(modelMagic) || data[:len(modelMagic)] != modelMagic {
		return nil, bad("not a model file")
	}
	p := data[len(modelMagic):]
	n, k := huffman.Uvarint(p)
	if k <= 0 || uint64(len(p)-k) < n {
		return nil, bad("truncated settings")
	}
	m := &model{Settings: p[k : k+int(n)], size: len(data)}
	m.conj = usesKind(m.Settings, "conj")
	m.gpair = usesKind(m.Settings, "gpair")
	p = p[k+int(n):]
	if len(p) < 10 {
		return nil, bad("truncated header")
	}
	m.bits = uint(p[0])
	if p[1] != modelOutputs || m.bits < 4 || m.bits > 24 {
		return nil, bad("unsupported shape (" + strconv.Itoa(int(p[1])) + " outputs, " + strconv.Itoa(int(m.bits)) + " bits)")
	}
	m.scale = math.Float64frombits(le64(p[2:10]))
	p = p[10:]
	if len(p) < modelHeader*modelOutputs {
		return nil, bad("truncated thresholds")
	}
	for o := 0; o < modelOutputs; o++ {
		m.bias[o] = int32(le32(p[0:]))
		m.warn[o] = int32(le32(p[4:]))
		m.block[o] = int32(le32(p[8:]))
		m.veto[o] = int32(le32(p[12:]))
		m.veto2[o] = int32(le32(p[16:]))
		m.warnIdent[o] = int32(le32(p[20:]))
		m.sentence[o] = int32(le32(p[24:]))
		m.veto3[o] = int32(le32(p[28:]))
		if m.sentence[o] < 0 {
			return nil, bad("negative sentence margin")
		}
		p = p[modelHeader:]
	}
	m.shortWarn = max(m.warn[outStory], m.bias[outStory]+int32(math.Ceil(ShortStoryLogits/m.scale)))
	nb := 1 << m.bits
	if len(p) < nb/8 {
		return nil, bad("truncated bucket bitmap")
	}
	// The bitmap becomes the blocks weights looks buckets up in, and the
	// marked buckets' weights are decoded, in bucket order, into w. The
	// file stores each weight plus 64 (a zero is '@', which gzip likes); w
	// holds the int8 itself.
	m.marks = make([]markBlock, (nb+63)/64)
	marked := 0
	for i := range m.marks {
		var x uint64
		for j := 7; j >= 0; j-- { // bucket k is bit k&7 of byte k>>3
			if k := i*8 + j; k < nb/8 {
				x = x<<8 | uint64(p[k])
			} else {
				x <<= 8
			}
		}
		m.marks[i] = markBlock{bits: x, before: uint32(marked)}
		marked += bits.OnesCount64(x)
	}
	m.w = make([]byte, marked*modelOutputs)
	rest, err := huffman.DecodeRows(m.w, p[nb/8:], modelOutputs, 64)
	if err != nil {
		return nil, bad("weights: " + err.Error())
	}
	if len(rest) != 0 {
		return nil, bad("weights: " + strconv.Itoa(len(rest)) + " bytes past the coded stream")
	}
	m.mask = 1<<m.bits - 1
	return m, nil
}

// markBlock is 64 weight buckets: bit j of bits is set when bucket
// 64*block+j holds weights, and before counts the buckets that do in the
// blocks before it.
type markBlock struct {
	bits   uint64
	before uint32
}

// weights returns the int8 weights (as bytes), one per output, of the
// bucket feature f falls in, or nil when they are all zero.
func (m *model) weights(f uint32) []byte {
	k := f & m.mask
	b := &m.marks[k>>6]
	bit := uint64(1) << (k & 63)
	if b.bits&bit == 0 {
		return nil
	}
	i := (int(b.before) + bits.OnesCount64(b.bits&(bit-1))) * modelOutputs
	return m.w[i : i+modelOutputs : i+modelOutputs]
}

// usesKind reports whether a model's settings name feature kind k among
// their kinds ("kinds=word,pair,...").
func usesKind(settings, k string) bool {
	i := strings.Index(settings, "kinds=")
	if i < 0 {
		return false
	}
	list := settings[i+len("kinds="):]
	if j := strings.IndexByte(list, ' '); j >= 0 {
		list = list[:j]
	}
	for _, x := range strings.Split(list, ",") {
		if x == k {
			return true
		}
	}
	return false
}

// modelHeader is the bytes of thresholds per output in a model file.
const modelHeader = 32

func le32(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// Feature kinds, mixed into every feature id so that a word and a class of
// the same name differ.
const (
	featWord  = 0x1
	featPair  = 0x2
	featClass = 0x3
	featHit   = 0x4
	featIdent = 0x5
	featShape = 0x6
	featConj  = 0x7 // a symbol in a post that speaks of a person (featScratch.conjoin)
)

// featID turns a 64-bit value and a kind into a feature id: 29 bits of
// hash under the kind in the top three bits (the trainer reads it to try
// subsets of the features; the weights are found by the low bits).
func featID(h uint64, kind uint64) uint32 {
	h ^= kind * 0xd6e8feb86659fd93
	h ^= h >> 32
	h *= 0xd6e8feb86659fd93
	h ^= h >> 32
	return uint32(h)&(1<<29-1) | uint32(kind)<<29
}

// FeatureKind names the kind of a feature id from ModelFeatures: "word",
// "pair", "class", "hit", "ident" or "shape".
func FeatureKind(id uint32) string {
	switch id >> 29 {
	case featWord:
		return "word"
	case featPair:
		return "pair"
	case featClass:
		return "class"
	case featHit:
		return "hit"
	case featIdent:
		return "ident"
	case featShape:
		return "shape"
	case featConj:
		return "conj"
	}
	return ""
}

// Shape features: what a token looks like when its word says little.
const (
	shapeMention  = 1       // an @handle
	shapeCapNew   = 2       // a capitalised word the lexicon does not know
	shapeNumBase  = 16      // + digit count (1-12): a number
	shapeAlnum    = 40      // a code of letters and digits
	shapeQuestion = 41      // the post asks something
	shapeShout    = 43      // a word in capitals ("NEVER")
	shapeSymbol   = 1 << 24 // + the rune: an emoji or another symbol
)

// symbolFeatures adds a feature for each emoji or symbol in gap, text
// between two tokens: "🙄", "💀" and "🙏" say much about a post's tone.
// Joiners, variation selectors and skin tones are left out.
func (e *Engine) symbolFeatures(gap string, fs *featScratch, s int32) {
	for i := 0; i < len(gap); {
		if gap[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(gap[i:])
		i += size
		if r < 0x2100 || r == 0x200d || r >= 0xfe00 && r <= 0xfe0f || r >= 0x1f3fb && r <= 0x1f3ff || unicode.IsLetter(r) || unicode.IsDigit(r) {
			continue
		}
		f := featID(uint64(shapeSymbol+r), featShape)
		fs.add(f, s)
		fs.syms = append(fs.syms, symMark{f, s})
	}
}

// symMark is a symbol feature and its sentence, kept for conjoin.
type symMark struct {
	f uint32
	s int32
}

// conjSalt tells a symbol conjoined with a person from the symbol alone.
const conjSalt = 0x6a09e667f3bcc909

// conjoin adds, for a post that speaks of a person (a patient, a "lady",
// "Mrs."), a feature for each of its symbols joined to that fact:
// "😂" or "🐷" next to a person is mockery far more often than alone, which
// a linear model over separate features cannot say.
func (fs *featScratch) conjoin() {
	for _, m := range fs.syms {
		fs.add(featID(uint64(m.f)^conjSalt, featConj), m.s)
	}
}

// featScratch is the per-scan state of the feature extractor. Each
// feature is scored as it is found (and its id kept only for the trainer);
// a small open-addressing set keeps each id once. A slot of the set
// belongs to this scan when its stamp is the scan's, so a new stamp empties
// it without clearing.
type featScratch struct {
	m     *model // the model that scores the features, or nil
	keep  bool   // keep the ids (the trainer)
	n     int    // features added
	score [modelOutputs]int32
	sums  []int32 // positive score per sentence and output
	net   []int32 // score per sentence and output
	count []int32 // features per sentence
	ids   []uint32
	sent  []int32 // sentence of ids[i]
	sents []sentence
	stamp uint32
	seen  [featSeenSize]seenSlot
	// The strongest word feature of each output: its weight and its
	// tokens [topT0, topT1) (a word, or a pair of words); tok0 and tok1
	// are the tokens of the feature being added, -1 for other kinds.
	top          [modelOutputs]int32
	topT0, topT1 [modelOutputs]int32
	tok0, tok1   int32
	syms         []symMark // the post's symbol features, for conjoin
	gpairs       []gpair   // the post's glossed word pairs, kept until it is known to be Spanish
}

// gpair is a word pair read with its words' English glosses ("deja la" as
// "stop the"): its feature, sentence and tokens.
type gpair struct {
	f      uint32
	s      int32
	t0, t1 int32
}

// spanishMarks is how many marked Spanish words ("que", "los", "para")
// make a post Spanish, so that its word pairs are also read with their
// English glosses (data/gloss_es_pairs.txt).
const spanishMarks = 3

// seenSlot is a slot of the set of features seen: an id and the stamp of
// the scan that put it there, side by side so a probe reads one line.
type seenSlot struct{ id, stamp uint32 }

// featSeenSize bounds the set that keeps features unique; past 3/4 of it a
// post's later features count even when repeated (only in posts far longer
// than any site allows).
const featSeenSize = 4096

type sentence struct {
	t0, t1 int32 // tokens [t0, t1)
}

// add records feature f of sentence s unless it was seen in this post.
func (fs *featScratch) add(f uint32, s int32) {
	if fs.n < featSeenSize*3/4 {
		for k := f & (featSeenSize - 1); ; k = (k + 1) & (featSeenSize - 1) {
			sl := &fs.seen[k]
			if sl.stamp != fs.stamp {
				*sl = seenSlot{f, fs.stamp}
				break
			}
			if sl.id == f {
				return
			}
		}
	}
	fs.n++
	if fs.keep {
		fs.ids = append(fs.ids, f)
		fs.sent = append(fs.sent, s)
	}
	if m := fs.m; m != nil {
		fs.count[s]++
		w := m.weights(f)
		if w == nil {
			return
		}
		sum := fs.sums[int(s)*modelOutputs : int(s)*modelOutputs+modelOutputs]
		net := fs.net[int(s)*modelOutputs : int(s)*modelOutputs+modelOutputs]
		for o := 0; o < modelOutputs; o++ {
			x := int32(int8(w[o]))
			fs.score[o] += x
			net[o] += x
			if x > 0 {
				sum[o] += x
				if x > fs.top[o] && fs.tok0 >= 0 {
					fs.top[o], fs.topT0[o], fs.topT1[o] = x, fs.tok0, fs.tok1
				}
			}
		}
	}
}

func (fs *featScratch) reset(m *model, keep bool) {
	fs.stamp++
	if fs.stamp == 0 { // wrapped: old marks could match again
		fs.seen = [featSeenSize]seenSlot{}
		fs.stamp = 1
	}
	fs.m, fs.keep, fs.n = m, keep, 0
	fs.score = [modelOutputs]int32{}
	fs.top = [modelOutputs]int32{}
	fs.tok0 = -1
	fs.ids, fs.sent, fs.sents, fs.sums, fs.net, fs.count = fs.ids[:0], fs.sent[:0], fs.sents[:0], fs.sums[:0], fs.net[:0], fs.count[:0]
	fs.syms = fs.syms[:0]
	fs.gpairs = fs.gpairs[:0]
}

// newSentence starts a sentence at token t.
func (fs *featScratch) newSentence(t int32) {
	fs.sents = append(fs.sents, sentence{t0: t})
	fs.sums = append(fs.sums, 0, 0, 0, 0, 0)
	fs.net = append(fs.net, 0, 0, 0, 0, 0)
	fs.count = append(fs.count, 0)
}

// features extracts the model's input from a scanned post, the tokens and
// the hits of the rules and detectors before weighing, and scores it with m
// (when not nil); keep keeps the feature ids for the trainer.
func (e *Engine) features(text string, st *scanState, m *model, keep bool) {
	fs := &st.feat
	fs.reset(m, keep)
	var prev uint64
	var prevG uint64 // prev read as its English gloss (prev itself when it has none)
	marks := 0       // marked Spanish words seen
	gpairs := m == nil && e.glossPairs || m != nil && m.gpair
	s := int32(0)
	fs.newSentence(0)
	question := false
	person := false // a word for a person: a patient, a "lady", "Mrs."
	neg := 0        // words left in the scope of a negation ("not", "won't", "nunca")
	quoted := 0     // words left inside quotation marks
	gapFrom := 0    // where the text between the tokens starts
	stop := len(st.toks)
	for i := range st.toks {
		if i >= modelMaxTokens {
			stop = i // a document, not a post: the model has read enough
			break
		}
		t := &st.toks[i]
		if i > 0 && t.gap == gapHard {
			fs.sents[s].t1 = int32(i)
			fs.newSentence(int32(i))
			s++
			prev = 0
		}
		if int(t.start)-gapFrom >= 2 { // a symbol takes two bytes or more
			e.symbolFeatures(text[gapFrom:t.start], fs, s)
		}
		if i > 0 {
			quoted = quoteScope(text[gapFrom:t.start], quoted)
		}
		gapFrom = int(t.end)
		if t.gap >= gapSoft {
			neg = 0 // punctuation (a comma, a quotation mark, a sentence end) closes a negation's scope
		}
		if t.flags&tAllowed != 0 {
			prev = 0 // the clinician said this is nothing to flag
			continue
		}
		if t.flags&tAllCaps != 0 && t.end-t.start >= 3 {
			fs.add(featID(shapeShout, featShape), s)
		}
		h := t.hash
		w := text[t.start:t.end]
		if h == 0 || t.flags&(tNonASCII|tFold) != 0 {
			st.low = appendLower(st.low[:0], w)
			h = hashWord(trimPossessive(st.low))
		}
		g := uint64(0) // the word's English gloss, if it has one
		if t.flags&tDigit != 0 && t.flags&tLetter == 0 {
			// Numbers: their length says more than their value.
			h = uint64(shapeNumBase + min(len(w), 12))
			fs.add(featID(h, featShape), s)
		} else {
			if t.flags&(tDigit|tLetter) == tDigit|tLetter {
				fs.add(featID(shapeAlnum, featShape), s)
			}
			fs.tok0, fs.tok1 = int32(i), int32(i+1)
			fs.add(featID(h, featWord), s)
			if k, ok := e.b.gloss.slot(h); ok {
				if f := e.b.gloss.feats[k]; f != 0 {
					fs.add(f, s)
				}
				if e.b.gloss.marks[k] {
					marks++
				}
				g = e.b.gloss.words[k]
			}
			if neg > 0 {
				fs.add(featID(h^negatedSalt, featWord), s)
				neg--
			}
			if quoted > 0 {
				fs.add(featID(h^quotedSalt, featWord), s)
				quoted--
			}
			fs.tok0 = -1
		}
		if g == 0 {
			g = h
		}
		if t.cls&e.b.cls.negation != 0 {
			neg = negationScope
		}
		if t.flags&tMention != 0 {
			fs.add(featID(shapeMention, featShape), s)
		}
		if t.lex < 0 && t.flags&tUpper != 0 && t.gap != gapHard && i > 0 {
			fs.add(featID(shapeCapNew, featShape), s)
		}
		for c := t.cls; c != 0; c &= c - 1 {
			fs.add(e.b.classFeat[bits.TrailingZeros64(uint64(c))], s)
		}
		if t.cls&e.b.personCls != 0 {
			person = true
		}
		if prev != 0 && t.gap <= gapSoft {
			fs.tok0, fs.tok1 = int32(i-1), int32(i+1)
			fs.add(featID(prev*0x9e3779b97f4a7c15^h, featPair), s)
			fs.tok0 = -1
			if gpairs && (prevG != prev || g != h) {
				fs.gpairs = append(fs.gpairs, gpair{featID(prevG*0x9e3779b97f4a7c15^g, featPair), s, int32(i - 1), int32(i + 1)})
			}
		}
		prev, prevG = h, g
		if !question && t.end < int32(len(text)) && text[t.end] == '?' {
			question = true
		}
	}
	fs.sents[s].t1 = int32(stop)
	if stop == len(st.toks) {
		e.symbolFeatures(text[gapFrom:], fs, s)
	}
	if marks >= spanishMarks {
		for _, p := range fs.gpairs {
			fs.tok0, fs.tok1 = p.t0, p.t1
			fs.add(p.f, p.s)
		}
		fs.tok0 = -1
	}
	if question {
		fs.add(featID(shapeQuestion, featShape), 0)
	}
	if person && (m == nil || m.conj) {
		fs.conjoin()
	}
	for i := range st.hits {
		h := &st.hits[i]
		r := e.rules[h.rule]
		hs := e.sentenceOf(h.t0, fs)
		if int(h.rule) < len(e.b.rules) {
			fs.add(e.b.ruleFeat[h.rule], hs)
		}
		switch {
		case h.ident != "":
			fs.add(e.b.identFeat[h.ident], hs)
		case int(h.rule) < len(e.b.rules) && e.b.ruleIdentFeat[h.rule] != 0:
			fs.add(e.b.ruleIdentFeat[h.rule], hs)
		case r.Identifier != "":
			fs.add(e.b.identFeat[r.Identifier], hs) // a policy's own rule
		}
	}
}

func (e *Engine) sentenceOf(t int32, fs *featScratch) int32 {
	lo, hi := 0, len(fs.sents)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if fs.sents[m].t1 <= t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return int32(min(lo, len(fs.sents)-1))
}

// modelScores are a post's scores, one per output, and the sentence that
// carries most of each.
type modelScores struct {
	score [modelOutputs]int32
	best  [modelOutputs]int32 // sentence index
	few   bool                // fewer than ModelVetoFeatures features: no veto
}

// scores are the model's scores of the features in fs.
func (m *model) scores(fs *featScratch) modelScores {
	var ms modelScores
	n := len(fs.sents)
	ms.few = fs.n < ModelVetoFeatures
	root := isqrt(uint64(max(fs.n, ModelMinFeatures)) << 16) // in 1/256ths
	for o := 0; o < modelOutputs; o++ {
		ms.score[o] = m.bias[o] + int32(int64(fs.score[o])*256/int64(root))
	}
	if n > 1 {
		// A sentence's own score, less the margin, may stand for the post's.
		for k := 0; k < n; k++ {
			r := int64(isqrt(uint64(max(fs.count[k], ModelMinFeatures)) << 16))
			for o := 0; o < modelOutputs; o++ {
				if mg := m.sentence[o]; mg != math.MaxInt32 {
					v := m.bias[o] + int32(int64(fs.net[k*modelOutputs+o])*256/r) - mg
					ms.score[o] = max(ms.score[o], v)
				}
			}
		}
	}
	for o := 0; o < modelOutputs; o++ {
		best, bs := int32(0), int32(-1)
		for k := 0; k < n; k++ {
			if v := fs.sums[k*modelOutputs+o]; v > bs {
				best, bs = int32(k), v
			}
		}
		ms.best[o] = best
	}
	return ms
}

// ModelMinFeatures is the fewest features a post's score is divided as if
// it had (about one short sentence's worth).
const ModelMinFeatures = 64

// negationScope is how many words after a negation ({negation}: "not",
// "don't", "won't", "nunca") are read as negated, up to the next
// punctuation between words (a comma, colon, quotation mark, bracket or
// sentence end: gapSoft and above). Each adds a feature of its own beside
// its word's, so the model can tell "turmeric cures arthritis" from
// "turmeric won't cure arthritis" and a clinician declining to advise ("I
// can't send you a prescription") from one advising (Das and Chen's
// negation tagging).
const negationScope = 4

// negatedSalt turns a word's hash into its negated word's.
const negatedSalt = 0x6e65676174656421

// quotedScope is the most words after an opening quotation mark read as
// quoted. A quoted word adds a feature of its own beside its word's: a
// term or claim put in quotation marks is often held at a distance
// ("let's retire 'frequent flyer'", "you can't 'boost' your immune
// system"), not used.
const quotedScope = 8

// quotedSalt turns a word's hash into its quoted word's.
const quotedSalt = 0x71756f7465642121

// quoteScope reads the text between two tokens, gap, and returns how many
// words are left quoted after it, given left before it: an opening mark
// (a straight one not right after a word, or a curly opening one) starts
// quotedScope words, a closing one (right after a word, or curly closing)
// ends them, as does a line break. A straight mark between two words is an
// apostrophe and never reaches here: it is inside a token.
func quoteScope(gap string, left int) int {
	for k := 0; k < len(gap); k++ {
		switch c := gap[k]; {
		case c == '\n':
			left = 0
		case c == '"' || c == '\'':
			if k == 0 && left > 0 || k > 0 && gap[k-1] != ' ' && gap[k-1] != '(' && left > 0 {
				left = 0 // closes: right after a word or a mark
			} else if k+1 == len(gap) || gap[k+1] != ' ' {
				left = quotedScope
			}
		case c == 0xe2 && k+2 < len(gap) && gap[k+1] == 0x80:
			switch gap[k+2] {
			case 0x9c, 0x98: // “ ‘
				left = quotedScope
			case 0x9d, 0x99: // ” ’
				left = 0
			}
			k += 2
		}
	}
	return left
}

// modelMaxTokens bounds the words the model reads from one text: about
// 65,000 characters of English, more than any platform allows in a post;
// past it, in a document pasted whole, the rules alone read on.
const modelMaxTokens = 12_000

// ModelVetoFeatures is the fewest features a post needs for the model to
// overrule the rules: a post of a few words says too little for its score
// to be evidence against them.
const ModelVetoFeatures = 40

// ShortStoryLogits is how far above the base rate the story's score must
// be for the model alone to make a post of fewer than ModelVetoFeatures
// features a patient's story. The story's own warn floor sits closer to the
// base rate (0.2 logits), where a reply of two words leaning the story's
// way ("ok", "lol") crossed it once the model trained on 93 writers.
const ShortStoryLogits = 1.0

// isqrt is the integer square root of x (the largest r with r*r <= x).
func isqrt(x uint64) uint64 {
	r := uint64(math.Sqrt(float64(x)))
	for r*r > x {
		r--
	}
	for (r+1)*(r+1) <= x {
		r++
	}
	return r
}

// ModelFeatures returns the learned model's input for text under this
// engine: the feature ids (each once) and, for each, the index of the
// sentence it was found in. It is for the trainer (rules/gen/train).
func (e *Engine) ModelFeatures(text string) (ids []uint32, sents []int32) {
	st := e.pool.get()
	defer e.pool.put(st)
	e.prepare(text, st)
	e.features(text, st, nil, true)
	ids = append(ids, st.feat.ids...)
	sents = append(sents, st.feat.sent...)
	st.text = ""
	return ids, sents
}

// SetGlossPairs says whether ModelFeatures, on an engine with no model,
// adds the glossed word pairs of Spanish posts ("deja la" read as "stop
// the"). They are word pairs, so a trainer cannot leave them out by their
// feature kind as it does the others; it calls this for settings whose kinds
// do not name "gpair". A model's own settings decide for its scans.
func (e *Engine) SetGlossPairs(on bool) { e.glossPairs = on }

// ModelScores returns the learned model's raw scores for text, one per
// output (story, boundaries, conduct, misinformation, disclosure), and
// whether each reaches its warn threshold; nil when the engine has no model.
func (e *Engine) ModelScores(text string) (scores []float64, fire []bool) {
	m := e.model
	if m == nil {
		return nil, nil
	}
	st := e.pool.get()
	defer e.pool.put(st)
	e.prepare(text, st)
	e.features(text, st, m, false)
	ms := m.scores(&st.feat)
	st.text = ""
	for o := 0; o < modelOutputs; o++ {
		scores = append(scores, float64(ms.score[o])*m.scale)
		fire = append(fire, ms.score[o] >= m.warn[o])
	}
	return scores, fire
}

// PatientContext says how the rules alone find the post is about a
// patient: 0 not, 1 by a hit tied to a patient, 2 by a patient-context
// phrase, 3 by such a phrase in a post naming a sensitive condition (which
// only veto3 undoes). It is for the trainer (rules/gen/train), which sets the vetoes.
func (e *Engine) PatientContext(text string) int {
	pc := e.rulesContext(text)
	switch {
	case pc.explicit && pc.sensitive:
		return 3
	case pc.explicit:
		return 2
	case pc.patient:
		return 1
	}
	return 0
}

// DirectIdentifier reports whether the rules find, in text, an identifier
// that alone points at one person (a name, not a colleague's; an account or
// licence number...). It is for the trainer, which sets warnIdent.
func (e *Engine) DirectIdentifier(text string) bool {
	return e.rulesContext(text).ident
}

// rulesContext is the post context the rules alone read in text.
func (e *Engine) rulesContext(text string) postContext {
	st := e.pool.get()
	defer e.pool.put(st)
	e.prepare(text, st)
	pc := e.readContext(st)
	st.text = ""
	return pc
}

// ModelInfo describes the learned model, or is zero when there is none.
func (e *Engine) ModelInfo() ModelInfo {
	m := e.model
	if m == nil {
		return ModelInfo{}
	}
	var b []byte
	for o := 0; o < modelOutputs; o++ {
		b = append(b, modelOutputNames[o]...)
		b = append(b, ' ')
		for k, v := range [7]int32{m.warn[o], m.block[o], m.veto[o], m.veto2[o], m.warnIdent[o], m.sentence[o], m.veto3[o]} {
			if k > 0 {
				b = append(b, '/')
			}
			switch v {
			case math.MaxInt32:
				b = append(b, "never"...)
			case math.MinInt32:
				b = append(b, "none"...)
			default:
				b = strconv.AppendFloat(b, float64(v)*m.scale, 'f', 2, 64)
			}
		}
		b = append(b, "  "...)
	}
	return ModelInfo{Buckets: 1 << m.bits, Bytes: m.size, Settings: m.Settings, Thresholds: string(b)}
}

// sentenceHit is a hit of rule over sentence k of the post.
func (e *Engine) sentenceHit(st *scanState, rule int32, k int32) hit {
	fs := &st.feat
	h := hit{rule: rule, fixed: true}
	if int(k) < len(fs.sents) {
		h.t0, h.t1 = fs.sents[k].t0, fs.sents[k].t1
	}
	if h.t1 <= h.t0 { // a sentence with no token: the whole post
		h.t0, h.t1 = 0, int32(len(st.toks))
	}
	if h.t1 > h.t0 {
		h.start, h.end = st.toks[h.t0].start, st.toks[h.t1-1].end
		if st.toks[h.t0].flags&(tMention|tHashtag) != 0 {
			h.start-- // the '@' or '#' the token follows
		}
	}
	return h
}

// modelFindings adds a finding of a category's learned rule where the
// model's score reaches the rule's threshold and no rule found anything of
// that category at warn or above: the model fills what phrase lists miss,
// and one category found never hides another.
func (e *Engine) modelFindings(st *scanState, out []draft, ms *modelScores) []draft {
	m := e.model
	// A rule's finding in a category the model is sure the post is clear
	// of is a false alarm: a quoted term criticised, a joke about no one.
	kept := out[:0]
	for _, d := range out {
		r := e.rules[d.rule]
		if o := r.cat; o > outStory && o < modelOutputs && ms.score[o] < m.veto[o] && !ms.few && e.b.learned[o] >= 0 && e.enabled[e.b.learned[o]] && !r.Sure && !r.recFormat && int(d.rule) < len(e.b.rules) {
			continue
		}
		kept = append(kept, d)
	}
	out = kept
	var have [8]bool
	for i := range out {
		if out[i].sev >= int8(Warn.Rank()) {
			have[e.rules[out[i].rule].cat] = true
		}
	}
	for o := outBoundaries; o < modelOutputs; o++ {
		li := e.b.learned[o]
		if li < 0 || !e.enabled[li] || st.silenced[li] || ms.score[o] < m.warn[o] || have[e.rules[li].cat] {
			continue
		}
		sev := Warn
		if ms.score[o] >= m.block[o] {
			sev = Block
		}
		h := e.sentenceHit(st, li, ms.best[o])
		if h.end <= h.start {
			continue // an empty post
		}
		h.msg = e.strongest(st, o, e.rules[li].Message)
		st.hits = append(st.hits, h)
		out = append(out, e.draft(e.rules[li], &st.hits[len(st.hits)-1], int32(len(st.hits)-1), sev))
	}
	return out
}

// strongest is msg followed by the words that weigh most for output o, so
// the card says why: "… (“walker brigade”)".
func (e *Engine) strongest(st *scanState, o int, msg string) string {
	fs := &st.feat
	if fs.top[o] <= 0 {
		return ""
	}
	a, b := st.toks[fs.topT0[o]].start, st.toks[fs.topT1[o]-1].end
	return msg + " (“" + st.text[a:b] + "”)"
}
