package rules

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A phrase is a pattern over tokens, written as words separated by spaces:
//
//	frequent flyer          two literal words, any case
//	drug seeker|seekers     alternatives for one word
//	[your] {drug}           an optional word; a word class
//	#ad  @{any}             a hashtag; any @mention
//	{id4}                   an identifier-like value with at least 4 digits
//	{room}                  a room or bed as written bare: "7B", "302", "B12"
//	                        (one token, not a year, a time or a date);
//	                        {room3}: with at least 3 digits
//	!miles|points           the next word is not one of these
//	=af                     a word only as written in lower case ("tired af",
//	                        not the clinical "AF")
//	guy >in {id1}           the finding's span starts at "in": the words
//	                        before it only lead to it ("the guy in 7B" marks
//	                        "in 7B"); each of them must match one word
//
// Classes are the built-in word lists (firstname, surname, place, drug,
// month, weekday, state) and the lists a pack declares. {any} is any word,
// {num} a number, {cap} a capitalised word. The first element must be a
// literal or a class: that is how phrases are indexed, so a scan only tries
// the phrases whose first word it has just seen.
type phrase struct {
	elems []pelem
}

type pelemKind uint8

const (
	peWord  pelemKind = iota // one of words, or a word of one of classNames
	peClass                  // a word of one of classNames
	peAny                    // any word token
	peNum                    // a token of digits only
	peCap                    // a capitalised word
	peValue                  // an identifier value: digits, letters+digits, dashes
	peNot                    // the next word is none of words (consumes nothing)
)

type pelem struct {
	kind       pelemKind
	words      []string // lower-case alternatives
	classNames []string // classes whose words also match
	optional   bool
	hashtag    bool // the word follows '#'
	mention    bool // the word follows '@'
	lower      bool // the word is written without capitals ("=af")
	focus      bool // the finding's span starts here (">in")
	minDigits  int  // peValue
	room       bool // peValue: a bare room code ({room}), not any value
}

const (
	maxPhraseElems = 12
	maxPhraseBytes = 4000
)

// parsePhrase parses a phrase pattern; the error says what is wrong.
func parsePhrase(src string) (*phrase, error) {
	var pp phraseParser
	return pp.parse(src)
}

// phraseParser parses phrases into buffers it keeps for the next: the
// packs' thousand phrases would otherwise cost a dozen allocations each.
// A phrase it returns is valid until its next parse.
type phraseParser struct {
	ph             phrase
	fields         []string
	words, classes []string // the elements' words and classNames
}

func isHyphen(r rune) bool { return r == '-' }

func (pp *phraseParser) parse(src string) (*phrase, error) {
	fields := pp.fields[:0]
	for f := range strings.FieldsSeq(src) {
		// "drive-by" is two words, as the scanner sees it.
		if strings.Contains(f, "-") && !strings.ContainsAny(f, "|[({") {
			for g := range strings.FieldsFuncSeq(f, isHyphen) {
				fields = append(fields, g)
			}
			continue
		}
		fields = append(fields, f)
	}
	pp.fields = fields
	if len(fields) == 0 {
		return nil, &Error{Msg: "phrase is empty"}
	}
	if len(fields) > maxPhraseElems {
		return nil, &Error{Msg: "phrase has more than " + strconv.Itoa(maxPhraseElems) + " words"}
	}
	if len(src) > maxPhraseBytes {
		return nil, &Error{Msg: "phrase is longer than " + strconv.Itoa(maxPhraseBytes) + " bytes"}
	}
	p := &pp.ph
	p.elems = p.elems[:0]
	pp.words, pp.classes = pp.words[:0], pp.classes[:0]
	for _, f := range fields {
		var e pelem
		if strings.HasPrefix(f, ">") && len(f) > 1 {
			e.focus = true
			f = f[1:]
		}
		if strings.HasPrefix(f, "[") && strings.HasSuffix(f, "]") && len(f) > 2 {
			e.optional = true
			f = f[1 : len(f)-1]
		}
		if strings.HasPrefix(f, "(") && strings.HasSuffix(f, ")") && len(f) > 2 {
			f = f[1 : len(f)-1]
		}
		if strings.HasPrefix(f, "#") {
			e.hashtag = true
			f = f[1:]
		} else if strings.HasPrefix(f, "@") {
			e.mention = true
			f = f[1:]
		}
		not := strings.HasPrefix(f, "!")
		if not {
			f = f[1:]
		}
		if strings.HasPrefix(f, "=") {
			e.lower = true
			f = f[1:]
			if not || strings.ContainsAny(f, "{}") {
				return nil, &Error{Msg: "\"=\" takes plain words only: " + quote(f)}
			}
		}
		w0, c0 := len(pp.words), len(pp.classes)
		for alt := range strings.SplitSeq(f, "|") {
			if strings.HasPrefix(alt, "{") && strings.HasSuffix(alt, "}") {
				name := alt[1 : len(alt)-1]
				wild := pelemKind(255)
				switch {
				case name == "any":
					wild = peAny
				case name == "num":
					wild = peNum
				case name == "cap":
					wild = peCap
				case strings.HasPrefix(name, "id"), strings.HasPrefix(name, "room"):
					wild = peValue
					e.minDigits = 1
					e.room = strings.HasPrefix(name, "room")
					n := strings.TrimPrefix(name, "id")
					if e.room {
						n = strings.TrimPrefix(name, "room")
					}
					if n != "" {
						k, err := strconv.Atoi(n)
						if err != nil || k < 1 || k > 20 || e.room && k > 4 {
							return nil, &Error{Msg: "bad value element " + quote(alt) + ": want {id} or {idN} with N from 1 to 20, or {room} or {roomN} with N from 1 to 4"}
						}
						e.minDigits = k
					}
				}
				if wild != 255 {
					if strings.Contains(f, "|") {
						return nil, &Error{Msg: quote(alt) + " cannot be one of several alternatives in " + quote(src)}
					}
					e.kind = wild
					continue
				}
				if !isClassName(name) {
					return nil, &Error{Msg: "bad class name " + quote(alt)}
				}
				pp.classes = append(pp.classes, name)
				continue
			}
			w := normWord(alt)
			if w == "" || !isPlainWord(w) {
				return nil, &Error{Msg: "bad word " + quote(alt) + " in phrase " + quote(src) + ": use letters and digits (hyphens and periods split words)"}
			}
			pp.words = append(pp.words, w)
		}
		if n := len(pp.words); n > w0 {
			e.words = pp.words[w0:n:n]
		}
		if n := len(pp.classes); n > c0 {
			e.classNames = pp.classes[c0:n:n]
		}
		if e.kind == peWord && len(e.words) == 0 {
			e.kind = peClass
		}
		if not {
			if e.kind != peWord || e.optional || len(e.classNames) > 0 {
				return nil, &Error{Msg: "a negated element takes plain words only: " + quote(f)}
			}
			e.kind = peNot
		}
		p.elems = append(p.elems, e)
	}
	first := p.elems[0]
	if first.kind != peWord && first.kind != peClass && first.kind != peNum {
		return nil, &Error{Msg: "phrase " + quote(src) + " must start with a word, a class or {num}"}
	}
	allOptional := true
	for _, e := range p.elems {
		if !e.optional {
			allOptional = false
		}
	}
	if k := focusOf(p.elems); k >= 0 {
		if f := p.elems[k]; k == 0 || f.optional || f.kind == peNot || focusOf(p.elems[k+1:]) >= 0 {
			return nil, &Error{Msg: "phrase " + quote(src) + ": \">\" marks one required word after the first"}
		}
		for _, e := range p.elems[:k] {
			if e.optional || e.kind == peNot || e.kind == peValue {
				return nil, &Error{Msg: "phrase " + quote(src) + ": the words before \">\" must each be a required word, class, {any}, {num} or {cap}"}
			}
		}
	}
	if allOptional {
		return nil, &Error{Msg: "phrase " + quote(src) + " has only optional words"}
	}
	return p, nil
}

func isClassName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// isPlainWord reports whether w tokenizes as exactly one token.
func isPlainWord(w string) bool {
	// Fast path: lower-case ASCII letters and digits, the usual case.
	fast := len(w) > 0
	for i := 0; i < len(w) && fast; i++ {
		c := w[i]
		fast = c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
	}
	if fast {
		return true
	}
	var buf [4]token // room for the usual one token, on the stack
	toks := tokenize(w, buf[:0])
	return len(toks) == 1 && toks[0].start == 0 && int(toks[0].end) == len(w)
}

// normWord lower-cases a word the way the scanner lower-cases tokens.
func normWord(w string) string {
	if lowerAlnum(w) {
		return w // the usual case, with nothing to trim or fold
	}
	w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return lowerWord(nil, w)
}

// lowerWord appends the lower-case form of w to dst, with the curly
// apostrophe folded to the straight one. ASCII takes a fast path.
func lowerWord(dst []byte, w string) string {
	ascii := true
	upper := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if c >= 'A' && c <= 'Z' {
			upper = true
		}
	}
	if ascii && !upper {
		return w
	}
	if dst == nil {
		var buf [64]byte // most words fit: one allocation, not two
		dst = buf[:0]
	}
	low := appendLower(dst[:0], w)
	if string(low) == w {
		return w // other letters, in lower case already ("josé")
	}
	return string(low)
}

// focusOf returns the index of the element the span starts at (">"), or -1.
func focusOf(elems []pelem) int {
	for k := range elems {
		if elems[k].focus {
			return k
		}
	}
	return -1
}
