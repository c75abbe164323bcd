package rules

import (
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
	gap        gapKind // what separates this token from the previous one
	lex        int32   // entry in the packs' lexicon, or -1
	lex2       int32   // entry in the policy's own lexicon, or -1
	hash       uint64  // FNV-1a of the lower-cased word (ASCII words only)
}

type tokFlags uint16

const (
	tLetter  tokFlags = 1 << iota // has a letter
	tDigit                        // has a digit
	tUpper                        // first rune is upper case
	tAllCaps                      // every letter is upper case (and there are two or more)
	tNonASCII
	tHashtag // preceded directly by '#'
	tMention // preceded directly by '@'
	tHan     // CJK, Hangul or kana: no case, no spaces between words
	tPossessive
)

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
	gap := gapNone
	i := 0
	n := len(text)
	for i < n {
		c := text[i]
		if c < utf8.RuneSelf {
			if asciiClass[c]&cWord == 0 {
				g := gapKind(asciiGap[c])
				if c == '.' && len(toks) > 0 && gap <= gapSpace && i == int(toks[len(toks)-1].end) && toks[len(toks)-1].end-toks[len(toks)-1].start <= 3 {
					// "Mr.", "St.", "pt.", "J.": an abbreviation, not a sentence end.
					g = gapJoin
				}
				gap = maxGap(gap, g)
				i++
				continue
			}
		} else {
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
		}
		// A token starts at i. It is built in place at the end of toks.
		toks = append(toks, token{start: int32(i), gap: gap, lex: -1, lex2: -1})
		t := &toks[len(toks)-1]
		if i > 0 {
			switch text[i-1] {
			case '#':
				t.flags |= tHashtag
			case '@':
				t.flags |= tMention
			}
		}
		letters, uppers := 0, 0
		h := uint64(fnvOffset)
		if c := text[i]; c < utf8.RuneSelf && asciiClass[c]&cUpper != 0 {
			t.flags |= tUpper
		}
		first := true
		for i < n {
			// Fast path: a run of ASCII letters and digits, the bulk of
			// any text, with the class bits summed rather than branched on.
			var acc uint8
			k := i
			for k < n {
				c := text[k]
				cl := wordClass[c]
				if cl == 0 {
					break
				}
				acc |= cl
				letters += int(cl & cLetter)
				uppers += int(cl >> 2 & 1)
				h = (h ^ uint64(c|(cl&cUpper)<<3)) * fnvPrime
				k++
			}
			if k > i {
				if acc&cLetter != 0 {
					t.flags |= tLetter
				}
				if acc&cDigit != 0 {
					t.flags |= tDigit
				}
				first = false
				i = k
				if i >= n {
					break
				}
			}
			c := text[i]
			if c < utf8.RuneSelf {
				// An apostrophe between letters stays inside the word.
				if c == '\'' && i+1 < n && i > int(t.start) && isASCIILetter(text[i+1]) {
					h = (h ^ uint64(c)) * fnvPrime
					i++
					continue
				}
				break
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == '\u2019' && i > int(t.start) && i+size < n && isASCIILetter(text[i+size]) {
				i += size // curly apostrophe inside a word
				continue
			}
			if !isWordRune(r) {
				break
			}
			t.flags |= tNonASCII
			if isHan(r) {
				// Each run of Han script is its own token: it has no
				// spaces, so words cannot be told apart here.
				if !first && t.flags&tHan == 0 {
					break
				}
				t.flags |= tHan
			} else if t.flags&tHan != 0 {
				break
			}
			if unicode.IsLetter(r) {
				t.flags |= tLetter
				letters++
				if unicode.IsUpper(r) || unicode.IsTitle(r) {
					uppers++
					if i == int(t.start) {
						t.flags |= tUpper
					}
				}
			} else if unicode.IsDigit(r) {
				t.flags |= tDigit
			}
			first = false
			i += size
		}
		t.end = int32(i)
		t.hash = h
		if letters >= 2 && uppers == letters {
			t.flags |= tAllCaps
		}
		if e := int(t.end); e-int(t.start) > 2 && (text[e-2] == '\'' && text[e-1] == 's' || text[e-1] == 's' && e-int(t.start) > 4 && text[e-4:e-1] == "\u2019") {
			t.flags |= tPossessive
		}
		gap = gapNone
	}
	return toks
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
	cUpper // 4: shifted left by 3 it is the 0x20 that lower-cases an ASCII letter
	cWord  = cLetter | cDigit
)

// FNV-1a, over the lower-cased bytes of a word.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvHash(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h
}

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
			cls[c] = cLetter
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

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
}

func isHan(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}

func isASCIILetter(c byte) bool { return c < utf8.RuneSelf && asciiClass[c]&cLetter != 0 }
