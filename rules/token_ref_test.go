package rules

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// tokenizeRef is the byte-at-a-time tokenizer the SWAR one replaced, kept
// to check that both split every text alike. It splits text into tokens, appending to toks. It works on bytes
// with an ASCII fast path and decodes runes only for non-ASCII text, so
// offsets are always on rune boundaries. Invalid UTF-8 bytes are gaps.
func tokenizeRef(text string, toks []token) []token {
	gap := gapNone
	i := 0
	n := len(text)
	for i < n {
		c := text[i]
		if c < utf8.RuneSelf {
			if asciiClass[c]&cWord == 0 {
				g := gapKind(asciiGap[c])
				if c == '.' && len(toks) > 0 && gap <= gapSpace && i == int(toks[len(toks)-1].end) && toks[len(toks)-1].end-toks[len(toks)-1].start <= 3 && refAbbreviation(text[toks[len(toks)-1].start:i], strings.TrimLeft(text[i+1:], " ")) {
					// "Mr.", "St.", "pt. was", "J.": an abbreviation, not a sentence end.
					g = gapJoin
				} else if c == '.' && gap == gapNone && len(toks) > 0 && i == int(toks[len(toks)-1].end) && i+1 < n && text[i+1] < utf8.RuneSelf && asciiClass[text[i+1]]&cWord != 0 {
					// "jess.whitaker22": a dot between word characters joins.
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
				uppers += int(cl >> 2 & 1) // cUpper
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
		if letters >= 2 && uppers == letters {
			t.flags |= tAllCaps
		}
		if e := int(t.end); e-int(t.start) > 2 && (text[e-2] == '\'' && text[e-1] == 's' || text[e-1] == 's' && e-int(t.start) > 4 && text[e-4:e-1] == "\u2019") {
			t.flags |= tPossessive
		}
		if e := int(t.end); e < len(text) && (text[e] == '.' || text[e] == ':' || text[e] == '-') {
			t.flags |= tSepAfter
		}
		gap = gapNone
	}
	return toks
}

// TestTokenizeMatchesReference checks the SWAR tokenizer against the
// byte-at-a-time one on every post of the three evaluation sets and on
// awkward strings: the same spans, gaps and flags (tFold and the hash are
// new).
func TestTokenizeMatchesReference(t *testing.T) {
	texts := []string{"", "a", "ab'", "don't", "Don’t stop", "O'NEIL's", "ABCDEFG", "ABCDEFGH", "abcdefgh1",
		"#Mr. J. Smith @x", "Ünïcödé wörds ÀB", "北京市 病人", "x\xffy", "12-34", "MRN:1234567 DOB 1/2/33", "e\u0301t\u00e9",
		"HIV+ 45yo M", "it's patients’ ’tis", "A1B2C3D4E5", "end with s's", "Q", "QQ", "qQ", "Qq"}
	for _, f := range []string{"testdata/corpus.jsonl", "testdata/heldout.jsonl", "testdata/heldout2.jsonl"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			var p struct{ Text string }
			if json.Unmarshal([]byte(line), &p) == nil {
				texts = append(texts, p.Text)
			}
		}
	}
	for _, text := range texts {
		checkTokenizeRef(t, text)
	}
}

func FuzzTokenizeMatchesReference(f *testing.F) {
	for _, s := range []string{"My patient John Smith’s MRN 44120931", "ABCDEFGHI don't", "Ärzte in 東京"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) { checkTokenizeRef(t, text) })
}

func checkTokenizeRef(t *testing.T, text string) {
	t.Helper()
	got := tokenize(text, nil)
	want := tokenizeRef(text, nil)
	for i := range got {
		got[i].hash = 0
		got[i].flags &^= tFold
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(token{})); diff != "" {
		t.Fatalf("tokenize(%q) differs from the reference (-want +got):\n%s", text, diff)
	}
}

// TestSetUTF16 checks the offset conversion against counting code units of
// each prefix, on texts with emoji, accents, CJK and invalid bytes.
func TestSetUTF16(t *testing.T) {
	texts := []string{"", "plain ascii text here", "😀 a 😀😀 bé 東京 x", "\xff\xfe abc \xc3 é \xe2\x82 😀", strings.Repeat("é😀abcdefghij", 40)}
	for _, text := range texts {
		var fs []draft
		var want []int32
		units := func(s string) int32 {
			n := int32(0)
			for _, r := range s { // invalid bytes decode as U+FFFD, one unit
				if r >= 0x10000 {
					n += 2
				} else {
					n++
				}
			}
			return n
		}
		for b := 0; b <= len(text); b++ {
			if b < len(text) && !utf8.RuneStart(text[b]) {
				continue
			}
			fs = append(fs, draft{start: int32(b), end: int32(len(text))})
			want = append(want, units(text[:b]), units(text))
		}
		_, got := setUTF16(text, fs, nil, nil)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("setUTF16(%q) (-want +got):\n%s", text, diff)
		}
	}
}

// refAbbreviation is abbreviation spelled out: word is the short word before
// the dot, next the text after it and its spaces.
func refAbbreviation(word, next string) bool {
	r, _ := utf8.DecodeRuneInString(word)
	if len(word) == 1 || unicode.IsUpper(r) && strings.ToUpper(word) != word {
		return true
	}
	return next != "" && (next[0] >= 'a' && next[0] <= 'z' || next[0] >= '0' && next[0] <= '9')
}
