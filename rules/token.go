package rules

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// A token is a run of letters and digits in the text, with internal
// apostrophes ("don't", "o'neil") and the periods of abbreviations left out.
// Everything else is a gap between tokens; rules look at the gap to decide
// whether a phrase may continue across it.
type token struct {
	start, end int32 // byte span in the text
	flags      tokFlags
	gap        gapKind  // what separates this token from the previous one
	lex        int32    // entry in the packs' lexicon, or -1
	lex2       int32    // entry in the policy's own lexicon, or -1
	hash       uint64   // hashWord of the word (plain ASCII words only)
	cls        classSet // the classes of lex (0 when lex is -1)
}

// lexIn is the token's entry in the packs' lexicon, or with over in the
// policy's own (the matcher the scan runs decides which).
func (t *token) lexIn(over bool) int32 {
	if over {
		return t.lex2
	}
	return t.lex
}

type tokFlags uint16

const (
	tLetter  tokFlags = 1 << iota // has a letter (the same bit as cLetter)
	tDigit                        // has a digit (the same bit as cDigit)
	tUpper                        // first rune is upper case
	tAllCaps                      // every letter is upper case (and there are two or more)
	tNonASCII
	tHashtag // preceded directly by '#'
	tMention // preceded directly by '@'
	tHan     // CJK, Hangul or kana: no case, no spaces between words
	tPossessive
	tFold     // has a curly apostrophe: look up the folded lower-case form
	tAllowed  // part of a match the policy's allow list dropped: the model skips it
	tSepAfter // followed directly by '.', ':' or '-' (as the words of URLs and MAC addresses are)
)

// sepAfter is tSepAfter for the bytes that set it.
var sepAfter = [256]tokFlags{'.': tSepAfter, ':': tSepAfter, '-': tSepAfter}

// gapKind classifies the text between two tokens, from most to least joining.
type gapKind uint8

const (
	gapNone  gapKind = iota // tokens touch (only at the start)
	gapSpace                // spaces and tabs only
	gapJoin                 // a hyphen, slash or similar inside a phrase: "drug-seeking"
	gapSoft                 // a comma, colon, '#', quotes, brackets
	gapHard                 // a sentence end or a line break
)

// tokenize splits text into tokens, appending to toks. It works on bytes
// with an ASCII fast path and decodes runes only for non-ASCII text, so
// offsets are always on rune boundaries. Invalid UTF-8 bytes are gaps.
func tokenize(text string, toks []token) []token {
	toks, _ = tokenizeLookup(text, toks, nil, nil)
	return toks
}

// tokenizeLookup is tokenize that also looks each plain ASCII word up in
// tab (and tab2 when not nil) while the word is at hand; the other words
// are left to the caller (lex -1 and tFold or tNonASCII set).
//
// A word of ASCII letters and digits, most words of any text, is read
// eight bytes at a time: classify8 finds its end, case and kind without a
// branch per byte, and the same chunks give its hash and table key. Words
// with apostrophes and other scripts take slowToken; slow is the index of
// the first token it read (len(toks) when none did), as only those may
// need the caller's look-up.
func tokenizeLookup(text string, toks []token, tab, tab2 *wordTable) (_ []token, slow int) {
	slow = -1
	gap := gapNone
	i := 0
	n := len(text)
	for i < n {
		c := text[i]
		if wordClass[c] == 0 {
			if c < utf8.RuneSelf {
				g := gapKind(asciiGap[c])
				if c == '.' && len(toks) > 0 && gap <= gapSpace && i == int(toks[len(toks)-1].end) && toks[len(toks)-1].end-toks[len(toks)-1].start <= 3 && abbreviation(text, i, &toks[len(toks)-1]) {
					// "Mr.", "St.", "pt. was", "J.": an abbreviation, not a sentence end.
					g = gapJoin
				} else if c == '.' && gap == gapNone && len(toks) > 0 && i == int(toks[len(toks)-1].end) && i+1 < n && wordClass[text[i+1]] != 0 {
					// "jess.whitaker22", "example.org", "2.5": a dot inside a
					// handle, a name or a number joins; it ends no sentence.
					g = gapJoin
				}
				gap = maxGap(gap, g)
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				g := gapSoft
				if r == '\u2014' || r == '\u2013' || r == '\u2010' || r == '\u2011' {
					g = gapJoin
				} else if r == '\u2028' || r == '\u2029' || r == '\u3002' || r == '\uff01' || r == '\uff1f' {
					g = gapHard
				} else if unicode.IsSpace(r) || r == '\u200b' || r == '\u200d' || r == '\ufe0f' {
					g = gapSpace
				}
				gap = maxGap(gap, g)
				i += size
				continue
			}
			if slow < 0 {
				slow = len(toks)
			}
			toks, i = slowToken(text, toks, i, gap, tab, tab2)
			gap = gapNone
			continue
		}
		// Read the word eight bytes at a time while they are ASCII letters
		// and digits, gathering its kinds of letters, its hash and its
		// first eight bytes folded to lower case. The first chunk, which
		// holds the whole of most words, is read before the loop.
		start := i
		var x uint64
		if i+8 <= n {
			x = le64(text[i : i+8])
		} else {
			x = load8(text, i)
		}
		alpha, digit, upper := classify8(x)
		k := wordLen8(alpha | digit) // at least 1: text[i] is a word byte
		pm := prefix8(k)
		first := (x | case8) & pm
		h := hashChunk(hashSeed, first)
		alphas, digits, uppers := alpha&pm, digit&pm, upper&pm
		lowers := alphas &^ uppers
		i += k
		for k == 8 && i < n {
			if i+8 <= n {
				x = le64(text[i : i+8])
			} else {
				x = load8(text, i)
			}
			alpha, digit, upper = classify8(x)
			k = wordLen8(alpha | digit)
			pm = prefix8(k)
			a := alpha & pm
			alphas |= a
			digits |= digit & pm
			lowers |= a &^ (upper & pm)
			if k > 0 {
				h = hashChunk(h, (x|case8)&pm)
			}
			i += k
		}
		e := i
		if e < n && (text[e] >= utf8.RuneSelf || text[e] == '\'') {
			// An apostrophe or another script: read it again, slowly.
			if slow < 0 {
				slow = len(toks)
			}
			toks, i = slowToken(text, toks, start, gap, tab, tab2)
			gap = gapNone
			continue
		}
		h = hashFinish(h, e-start)
		// Letters, digits and a capital first byte, without a branch each.
		flags := tokFlags((alphas|-alphas)>>63)*tLetter | tokFlags((digits|-digits)>>63)*tDigit | tokFlags(uppers>>7&1)*tUpper
		if lowers == 0 && alphas != 0 && upperLetters(text[start:e], alphas) >= 2 {
			flags |= tAllCaps // two or more letters, all upper case
		}
		flags |= markBefore(text, start)
		if flags&tMention != 0 && redditShort(text, start, e) {
			flags &^= tMention
		}
		if e < n {
			flags |= sepAfter[text[e]]
		}
		if len(toks) == cap(toks) {
			toks = append(toks, token{})[:len(toks)]
		}
		toks = toks[:len(toks)+1]
		t := &toks[len(toks)-1]
		t.start, t.end, t.flags, t.gap, t.hash = int32(start), int32(e), flags, gap, h
		t.lex, t.lex2, t.cls = -1, -1, 0
		if tab != nil {
			// The first slot probed settles most look-ups: inline it,
			// since a call here would spill the loop's registers.
			if sl := &tab.slots[h&tab.mask]; sl.tag != 0 { // else not in the table
				if sl.word == first && sl.tag == slotTag(h, e-start) && e-start <= 8 {
					t.lex, t.cls = sl.id, tab.cls[sl.id]
				} else {
					t.lex, t.cls = tab.findASCII(h, first, text[start:e])
				}
			}
			if tab2 != nil {
				t.lex2, _ = tab2.findASCII(h, first, text[start:e])
			}
		}
		gap = gapNone
	}
	if slow < 0 {
		slow = len(toks)
	}
	return toks, slow
}

// upperLetters counts the letters of w, an ASCII word with no lower-case
// letter, up to two: from alphas (bit 7 of each letter's byte in the OR of
// its chunks) when w is one chunk, else byte by byte (rare: long codes).
func upperLetters(w string, alphas uint64) int {
	if len(w) <= 8 {
		return bits.OnesCount64(alphas)
	}
	n := 0
	for i := 0; i < len(w) && n < 2; i++ {
		if isASCIILetter(w[i]) {
			n++
		}
	}
	return n
}

// markBefore returns tHashtag or tMention when the token at i directly
// follows '#' or '@', or "u/" at the start of a word: a Reddit user
// ("u/kay_bee", "/u/kay_bee"), named as an @mention is.
func markBefore(text string, i int) tokFlags {
	if i > 0 {
		switch text[i-1] {
		case '#':
			return tHashtag
		case '@':
			return tMention
		case '/':
			if i >= 2 && text[i-2]|0x20 == 'u' && (i == 2 || !isWordByte(text[i-3])) {
				return tMention
			}
		}
	}
	return 0
}

// redditShort reports whether a token [start, end) marked as a mention
// after "u/" is too short to be a Reddit user name (three to twenty
// characters): "u/s" is an ultrasound, "u/a" a urinalysis.
func redditShort(text string, start, end int) bool {
	return end-start < 3 && text[start-1] == '/'
}

// slowToken reads the token at i byte by byte: a word with an apostrophe or
// with letters of other scripts. It appends the token (looked up when it is
// plain ASCII) and returns the index after it.
func slowToken(text string, toks []token, i int, gap gapKind, tab, tab2 *wordTable) ([]token, int) {
	n := len(text)
	start := i
	flags := markBefore(text, i)
	if c := text[i]; c < utf8.RuneSelf && asciiClass[c]&cUpper != 0 {
		flags |= tUpper
	}
	letters, uppers := 0, 0
	for i < n {
		// A run of ASCII letters and digits, with the class bits summed
		// rather than branched on.
		var acc uint8
		k := i
		for k < n {
			cl := wordClass[text[k]]
			if cl == 0 {
				break
			}
			acc |= cl
			letters += int(cl & cLetter)
			uppers += int(cl >> 2 & 1) // cUpper
			k++
		}
		if k > i {
			flags |= tokFlags(acc & cWord) // tLetter, tDigit
			i = k
			if i >= n {
				break
			}
		}
		c := text[i]
		if c < utf8.RuneSelf {
			// An apostrophe between letters stays inside the word.
			if c == '\'' && i > start && i+1 < n && isASCIILetter(text[i+1]) {
				flags |= tFold
				i++
				continue
			}
			break
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '\u2019' && i > start && i+size < n && isASCIILetter(text[i+size]) {
			flags |= tFold // curly apostrophe inside a word
			i += size
			continue
		}
		if !isWordRune(r) {
			break
		}
		flags |= tNonASCII
		if isHan(r) {
			// Each run of Han script is its own token: it has no
			// spaces, so words cannot be told apart here.
			if i > start && flags&tHan == 0 {
				break
			}
			flags |= tHan
		} else if flags&tHan != 0 {
			break
		}
		if unicode.IsLetter(r) {
			flags |= tLetter
			letters++
			if unicode.IsUpper(r) || unicode.IsTitle(r) {
				uppers++
				if i == start {
					flags |= tUpper
				}
			}
		} else if unicode.IsDigit(r) {
			flags |= tDigit
		}
		i += size
	}
	if letters >= 2 && uppers == letters {
		flags |= tAllCaps
	}
	if e := i; e-start > 2 && (text[e-2] == '\'' && text[e-1] == 's' || text[e-1] == 's' && e-start > 4 && text[e-4:e-1] == "\u2019") {
		flags |= tPossessive
	}
	if i < n {
		flags |= sepAfter[text[i]]
	}
	if flags&tMention != 0 && redditShort(text, start, i) {
		flags &^= tMention
	}
	t := token{start: int32(start), end: int32(i), flags: flags, gap: gap, lex: -1, lex2: -1}
	if flags&(tNonASCII|tFold) == 0 {
		w := text[start:i]
		t.hash = hashWord(w)
		if tab != nil {
			first := keyWord(w)
			t.lex, t.cls = tab.findASCII(t.hash, first, w)
			if tab2 != nil {
				t.lex2, _ = tab2.findASCII(t.hash, first, w)
			}
		}
	}
	return append(toks, t), i
}

func maxGap(a, b gapKind) gapKind {
	if b > a {
		return b
	}
	return a
}

const (
	cLetter = 1 << iota
	cDigit
	cUpper
	cLower
	cWord = cLetter | cDigit
)

// wordClass is asciiClass over all 256 byte values: 0 for anything that is
// not an ASCII letter or digit (bytes of multi-byte runes included).
var wordClass = func() (t [256]uint8) {
	for c := 0; c < 128; c++ {
		t[c] = asciiClass[c]
	}
	return
}()

var asciiClass, asciiGap = func() (cls, gap [128]uint8) {
	for c := 0; c < 128; c++ {
		switch {
		case c >= 'a' && c <= 'z':
			cls[c] = cLetter | cLower
		case c >= 'A' && c <= 'Z':
			cls[c] = cLetter | cUpper
		case c >= '0' && c <= '9':
			cls[c] = cDigit
		}
		switch c {
		case ' ', '\t':
			gap[c] = uint8(gapSpace)
		case '-', '/', '\'', '&', '+', '*', '_', '%':
			gap[c] = uint8(gapJoin)
		case '.', '!', '?', ';', '\n', '\r', '|':
			gap[c] = uint8(gapHard)
		default:
			gap[c] = uint8(gapSoft)
		}
	}
	return
}()

// abbreviation reports whether the dot at text[i], right after t, a word of
// three bytes or fewer, ends an abbreviation rather than a sentence: an
// initial ("J."), a capitalised short word ("Mr.", "Dr.", "St.", "Rm.") or
// a short word that the next word carries on in lower case or digits
// ("pt. was", "approx. 3"). "in the ED. Another", "lol. Vaccines" and "to
// bed. My" end sentences: a post's sentences are what the model weighs one
// by one, and what a phrase may not run across.
func abbreviation(text string, i int, t *token) bool {
	if t.end-t.start == 1 || t.flags&tUpper != 0 && t.flags&tAllCaps == 0 {
		return true
	}
	j := i + 1
	for j < len(text) && text[j] == ' ' {
		j++
	}
	if j >= len(text) {
		return false
	}
	c := text[j]
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
}

func isHan(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}

func isASCIILetter(c byte) bool { return c < utf8.RuneSelf && asciiClass[c]&cLetter != 0 }
