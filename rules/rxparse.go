package rules

import (
	"regexp/syntax"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parseRx parses an institution's record-number pattern and compiles it
// into a program for rx's Pike VM. It reads the RE2 syntax Go's regexp
// package reads (syntax.Perl: Perl classes and flags, non-greedy
// repetition, a dot that stops at a newline, ^ and $ at the text's ends
// unless (?m)), and builds the same program, so that matches are the same;
// it leaves out Unicode classes (\pL, \p{Greek}), which a record number
// does not need. regexp/syntax's own parser and compiler, and the Unicode
// tables its \p classes pull in, took 50 KB of the gzipped WebAssembly
// module (1,496,480 bytes with them, 1,445,921 with this reader): room the
// learned model's growing corpus needs more. TestRxParseAgreesWithSyntax
// and FuzzRxParse check against package regexp what patterns are accepted
// and what they match.
func parseRx(src string) (*syntax.Prog, error) {
	if !utf8.ValidString(src) {
		return nil, rxErr("invalid UTF-8", src)
	}
	p := &rxParser{src: src}
	n, err := p.parseAlt()
	if err != nil {
		return nil, err
	}
	if p.pos < len(src) { // only an unmatched ')' stops parseAlt early
		return nil, rxErr("unexpected )", src)
	}
	c := &rxCompiler{prog: &syntax.Prog{NumCap: 2}}
	c.emit(syntax.Inst{Op: syntax.InstFail})
	f := c.compile(n)
	if c.tooBig {
		return nil, rxErr("expression too large", src)
	}
	c.patch(f.out, c.emit(syntax.Inst{Op: syntax.InstMatch}))
	c.prog.Start = int(f.start)
	return c.prog, nil
}

// rxErr is a pattern error in regexp/syntax's words ("missing closing ]:
// `[a-`"), so authors see what Go and RE2 would tell them.
func rxErr(msg, expr string) error {
	return &Error{Msg: "error parsing regexp: " + msg + ": `" + expr + "`"}
}

// rxOp is the kind of an rxNode.
type rxOp uint8

const (
	rxEmpty  rxOp = iota // matches the empty string
	rxChars              // one rune of a class (sorted, merged ranges)
	rxLit                // one literal rune, maybe case-folded
	rxAssert             // an empty-width assertion (^, $, \b...)
	rxCat                // the subs in sequence
	rxAlt                // the first sub that matches, then the next...
	rxStar               // sub*, sub+, sub? and sub{min,max}
	rxPlus
	rxQuest
	rxRepeat
)

// rxNode is a parsed pattern, the part of syntax.Regexp rx needs.
type rxNode struct {
	op       rxOp
	nongreed bool
	fold     bool           // rxLit: matches its case-folded runes too
	quoted   bool           // rxCat: the literal runes of "\Q...\E"
	r        rune           // rxLit
	ranges   []rune         // rxChars: lo, hi pairs
	empty    syntax.EmptyOp // rxAssert
	min, max int            // rxRepeat; max -1 for no upper bound
	subs     []*rxNode
}

// rxFlags are the pattern's flags in force: (?i), (?m), (?s), (?U).
type rxFlags struct{ fold, multiLine, dotNL, ungreedy bool }

type rxParser struct {
	src   string
	pos   int
	flags rxFlags
	depth int
}

// maxRxDepth bounds the nesting of groups, as regexp/syntax's does.
const maxRxDepth = 1000

func (p *rxParser) more() bool { return p.pos < len(p.src) }
func (p *rxParser) peek() byte { return p.src[p.pos] }

// parseAlt parses alternatives up to an unmatched ')' or the end.
func (p *rxParser) parseAlt() (*rxNode, error) {
	var alts []*rxNode
	for {
		n, err := p.parseConcat()
		if err != nil {
			return nil, err
		}
		alts = append(alts, n)
		if !p.more() || p.peek() != '|' {
			break
		}
		p.pos++
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &rxNode{op: rxAlt, subs: alts}, nil
}

func (p *rxParser) parseConcat() (*rxNode, error) {
	var seq []*rxNode
	for p.more() {
		c := p.peek()
		if c == '|' || c == ')' {
			break
		}
		start := p.pos
		atom, err := p.parseAtom()
		if err != nil {
			return nil, err
		}
		if atom == nil {
			// A flag group ("(?i)") or an empty "\Q\E" adds no atom: a
			// repetition after it repeats the atom before, as in
			// regexp/syntax ("a(?i)*" is "a*").
			if len(seq) == 0 {
				continue
			}
			atom, seq = seq[len(seq)-1], seq[:len(seq)-1]
		}
		if atom.quoted {
			// "\Qab\E*" repeats "b" alone.
			seq = append(seq, atom.subs[:len(atom.subs)-1]...)
			atom = atom.subs[len(atom.subs)-1]
		}
		atom, err = p.parseRepeats(atom, start)
		if err != nil {
			return nil, err
		}
		seq = append(seq, atom)
	}
	switch len(seq) {
	case 0:
		return &rxNode{op: rxEmpty}, nil
	case 1:
		return seq[0], nil
	}
	return &rxNode{op: rxCat, subs: seq}, nil
}

// parseRepeats reads the repetition operators after an atom; Perl allows
// one (and a '?' after it for non-greedy), not "a**".
func (p *rxParser) parseRepeats(atom *rxNode, start int) (*rxNode, error) {
	repeated := false
	for p.more() {
		opStart := p.pos
		c := p.peek()
		n := &rxNode{subs: []*rxNode{atom}}
		switch c {
		case '*':
			n.op = rxStar
			p.pos++
		case '+':
			n.op = rxPlus
			p.pos++
		case '?':
			n.op = rxQuest
			p.pos++
		case '{':
			lo, hi, end, ok := parseRepeatCount(p.src, p.pos)
			if !ok {
				return atom, nil // a literal '{'
			}
			if lo < 0 {
				return nil, rxErr("invalid repeat count", p.src[opStart:end])
			}
			n.op, n.min, n.max = rxRepeat, lo, hi
			p.pos = end
		default:
			return atom, nil
		}
		if p.more() && p.peek() == '?' {
			n.nongreed = true
			p.pos++
		}
		if p.flags.ungreedy {
			n.nongreed = !n.nongreed
		}
		if repeated {
			return nil, rxErr("invalid nested repetition operator", p.src[start:p.pos])
		}
		repeated = true
		if n.op == rxRepeat && !rxRepeatValid(n, 1000) {
			return nil, rxErr("invalid repeat count", p.src[opStart:p.pos])
		}
		atom = n
	}
	return atom, nil
}

// parseRepeatCount reads "{n}", "{n,}" or "{n,m}" at pos as regexp/syntax
// does; ok is false when the brace does not start one (it is then a
// literal: "{", "{,3}", "{01}"). lo is -1 for a count over 1000 or max <
// min, an error.
func parseRepeatCount(s string, pos int) (lo, hi, end int, ok bool) {
	i := pos + 1
	num := func() (int, bool) {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		if i+1 < len(s) && s[i] == '0' && s[i+1] >= '0' && s[i+1] <= '9' {
			return 0, false // no leading zeros
		}
		v := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if v >= 1e8 {
				v = -1
			} else if v >= 0 {
				v = v*10 + int(s[i]-'0')
			}
		}
		return v, true
	}
	if lo, ok = num(); !ok || i >= len(s) {
		return 0, 0, 0, false
	}
	hi = lo
	if s[i] == ',' {
		i++
		if i >= len(s) {
			return 0, 0, 0, false
		}
		if s[i] == '}' {
			hi = -1
		} else if hi, ok = num(); !ok {
			return 0, 0, 0, false
		} else if hi < 0 {
			lo = -1
		}
	}
	if i >= len(s) || s[i] != '}' {
		return 0, 0, 0, false
	}
	if lo < 0 || lo > 1000 || hi > 1000 || hi >= 0 && lo > hi {
		lo = -1
	}
	return lo, hi, i + 1, true
}

// rxRepeatValid reports whether nested counted repetitions stay within n
// copies of the innermost one, as regexp/syntax requires.
func rxRepeatValid(n *rxNode, limit int) bool {
	if n.op == rxRepeat {
		m := n.max
		if m == 0 {
			return true
		}
		if m < 0 {
			m = n.min
		}
		if m > limit {
			return false
		}
		if m > 0 {
			limit /= m
		}
	}
	for _, s := range n.subs {
		if !rxRepeatValid(s, limit) {
			return false
		}
	}
	return true
}

// parseAtom parses one atom; it returns nil for a flag group.
func (p *rxParser) parseAtom() (*rxNode, error) {
	c := p.peek()
	switch c {
	case '(':
		return p.parseGroup()
	case '[':
		return p.parseClass()
	case '.':
		p.pos++
		if p.flags.dotNL {
			return &rxNode{op: rxChars, ranges: []rune{0, unicode.MaxRune}}, nil
		}
		return &rxNode{op: rxChars, ranges: []rune{0, '\n' - 1, '\n' + 1, unicode.MaxRune}}, nil
	case '^':
		p.pos++
		if p.flags.multiLine {
			return &rxNode{op: rxAssert, empty: syntax.EmptyBeginLine}, nil
		}
		return &rxNode{op: rxAssert, empty: syntax.EmptyBeginText}, nil
	case '$':
		p.pos++
		if p.flags.multiLine {
			return &rxNode{op: rxAssert, empty: syntax.EmptyEndLine}, nil
		}
		return &rxNode{op: rxAssert, empty: syntax.EmptyEndText}, nil
	case '*', '+', '?':
		return nil, rxErr("missing argument to repetition operator", p.src[p.pos:p.pos+1])
	case '{':
		if _, _, end, ok := parseRepeatCount(p.src, p.pos); ok {
			return nil, rxErr("missing argument to repetition operator", p.src[p.pos:end])
		}
		p.pos++
		return p.lit('{'), nil
	case '\\':
		return p.parseEscapeAtom()
	}
	r, w := utf8.DecodeRuneInString(p.src[p.pos:])
	if r == utf8.RuneError && w == 1 {
		return nil, rxErr("invalid UTF-8", p.src[p.pos:])
	}
	p.pos += w
	return p.lit(r), nil
}

func (p *rxParser) lit(r rune) *rxNode {
	n := &rxNode{op: rxLit, r: r}
	if p.flags.fold && unicode.SimpleFold(r) != r {
		n.fold = true
	}
	return n
}

// parseGroup parses "(...)", "(?:...)", "(?P<name>...)", "(?<name>...)",
// "(?flags)" and "(?flags:...)".
func (p *rxParser) parseGroup() (*rxNode, error) {
	open := p.pos
	p.pos++
	saved := p.flags
	if p.more() && p.peek() == '?' {
		rest := p.src[p.pos+1:]
		switch {
		case len(rest) > 0 && rest[0] == 'P' && len(rest) > 1 && rest[1] == '<', len(rest) > 0 && rest[0] == '<':
			skip := 2
			if rest[0] == '<' {
				skip = 1
			}
			end := -1
			for i := skip; i < len(rest); i++ {
				if rest[i] == '>' {
					end = i
					break
				}
			}
			if end < 0 {
				return nil, rxErr("invalid named capture", p.src[open:])
			}
			name := rest[skip:end]
			if !rxValidName(name) {
				return nil, rxErr("invalid named capture", p.src[open:p.pos+2+end])
			}
			p.pos += 2 + end
		default:
			// Flags: (?i), (?-s), (?im:...), (?:...).
			f := p.flags
			neg, sawFlag, sawNeg := false, false, false
			i := p.pos + 1
			for ; i < len(p.src); i++ {
				switch c := p.src[i]; c {
				case 'i', 'm', 's', 'U':
					v := !neg
					switch c {
					case 'i':
						f.fold = v
					case 'm':
						f.multiLine = v
					case 's':
						f.dotNL = v
					case 'U':
						f.ungreedy = v
					}
					sawFlag = true
				case '-':
					if neg {
						return nil, rxErr("invalid or unsupported Perl syntax", p.src[open:i+1])
					}
					neg, sawNeg, sawFlag = true, true, false
				case ':', ')':
					if sawNeg && !sawFlag {
						return nil, rxErr("invalid or unsupported Perl syntax", p.src[open:i+1])
					}
					p.flags = f
					p.pos = i + 1
					if c == ')' { // (?flags): in force to the group's end
						return nil, nil
					}
					return p.groupBody(open, saved)
				default:
					return nil, rxErr("invalid or unsupported Perl syntax", p.src[open:min(i+1, len(p.src))])
				}
			}
			return nil, rxErr("invalid or unsupported Perl syntax", p.src[open:])
		}
	}
	return p.groupBody(open, saved)
}

// groupBody parses a group's alternatives and its ')', then restores the
// flags of before the group.
func (p *rxParser) groupBody(open int, saved rxFlags) (*rxNode, error) {
	if p.depth++; p.depth > maxRxDepth {
		return nil, rxErr("expression nests too deeply", p.src)
	}
	n, err := p.parseAlt()
	if err != nil {
		return nil, err
	}
	if !p.more() || p.peek() != ')' {
		return nil, rxErr("missing closing )", p.src)
	}
	p.pos++
	p.depth--
	p.flags = saved
	return n, nil
}

func rxValidName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if name[i] != '_' && !isAlnum(name[i]) {
			return false
		}
	}
	return true
}

// parseEscapeAtom parses a backslash escape outside a class.
func (p *rxParser) parseEscapeAtom() (*rxNode, error) {
	if p.pos+1 >= len(p.src) {
		return nil, rxErr("trailing backslash at end of expression", "")
	}
	switch c := p.src[p.pos+1]; c {
	case 'A', 'z', 'b', 'B':
		p.pos += 2
		op := syntax.EmptyBeginText
		switch c {
		case 'z':
			op = syntax.EmptyEndText
		case 'b':
			op = syntax.EmptyWordBoundary
		case 'B':
			op = syntax.EmptyNoWordBoundary
		}
		return &rxNode{op: rxAssert, empty: op}, nil
	case 'Q':
		// \Q...\E: literal text.
		p.pos += 2
		end := len(p.src)
		lit := p.src[p.pos:]
		for i := p.pos; i+1 < len(p.src); i++ {
			if p.src[i] == '\\' && p.src[i+1] == 'E' {
				end, lit = i+2, p.src[p.pos:i]
				break
			}
		}
		p.pos = end
		var seq []*rxNode
		for _, r := range lit {
			seq = append(seq, p.lit(r))
		}
		switch len(seq) {
		case 0:
			return nil, nil
		case 1:
			return seq[0], nil
		}
		return &rxNode{op: rxCat, subs: seq, quoted: true}, nil
	}
	if cls, ok, err := p.perlClass(); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return &rxNode{op: rxChars, ranges: cls}, nil
	}
	r, err := p.escapeRune()
	if err != nil {
		return nil, err
	}
	return p.lit(r), nil
}

// perlClass reads \d, \D, \s, \S, \w or \W at pos; ok is false for any
// other escape. \p and \P are an error: Unicode classes are not read.
func (p *rxParser) perlClass() ([]rune, bool, error) {
	c := p.src[p.pos+1]
	var r []rune
	switch c {
	case 'd', 'D':
		r = []rune{'0', '9'}
	case 's', 'S':
		r = []rune{'\t', '\n', '\f', '\r', ' ', ' '}
	case 'w', 'W':
		r = []rune{'0', '9', 'A', 'Z', '_', '_', 'a', 'z'}
	case 'p', 'P':
		return nil, false, rxErr("Unicode classes (\\p, \\P) are not supported in record formats", p.src)
	default:
		return nil, false, nil
	}
	p.pos += 2
	return p.addClass(nil, r, c == 'D' || c == 'S' || c == 'W'), true, nil
}

// escapeRune reads a backslash escape that stands for one rune.
func (p *rxParser) escapeRune() (rune, error) {
	start := p.pos
	p.pos++ // the backslash
	if !p.more() {
		return 0, rxErr("trailing backslash at end of expression", "")
	}
	c, w := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += w
	switch {
	case c == '1' || c == '2' || c == '3' || c == '4' || c == '5' || c == '6' || c == '7':
		// A single non-zero digit is a backreference, which RE2 lacks.
		if !p.more() || p.peek() < '0' || p.peek() > '7' {
			break
		}
		fallthrough
	case c == '0':
		r := c - '0'
		for i := 1; i < 3 && p.more() && p.peek() >= '0' && p.peek() <= '7'; i++ {
			r = r*8 + rune(p.peek()-'0')
			p.pos++
		}
		return r, nil
	case c == 'x':
		if !p.more() {
			break
		}
		if p.peek() == '{' {
			p.pos++
			v, digits := rune(0), 0
			for p.more() && p.peek() != '}' {
				d := unhex(p.peek())
				if d < 0 {
					break
				}
				v = v*16 + d
				digits++
				p.pos++
				if v > unicode.MaxRune {
					break
				}
			}
			if digits == 0 || !p.more() || p.peek() != '}' || v > unicode.MaxRune {
				break
			}
			p.pos++
			return v, nil
		}
		if p.pos+1 >= len(p.src) {
			break
		}
		a, b := unhex(p.src[p.pos]), unhex(p.src[p.pos+1])
		if a < 0 || b < 0 {
			break
		}
		p.pos += 2
		return a*16 + b, nil
	case c == 'a':
		return '\a', nil
	case c == 'f':
		return '\f', nil
	case c == 'n':
		return '\n', nil
	case c == 'r':
		return '\r', nil
	case c == 't':
		return '\t', nil
	case c == 'v':
		return '\v', nil
	case c < utf8.RuneSelf && !isAlnum(byte(c)):
		return c, nil // punctuation stands for itself
	}
	return 0, rxErr("invalid escape sequence", p.src[start:p.pos])
}

func unhex(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}

// rxPosix are the ASCII classes of "[[:alpha:]]".
var rxPosix = map[string][]rune{
	"alnum":  {'0', '9', 'A', 'Z', 'a', 'z'},
	"alpha":  {'A', 'Z', 'a', 'z'},
	"ascii":  {0, 0x7f},
	"blank":  {'\t', '\t', ' ', ' '},
	"cntrl":  {0, 0x1f, 0x7f, 0x7f},
	"digit":  {'0', '9'},
	"graph":  {'!', '~'},
	"lower":  {'a', 'z'},
	"print":  {' ', '~'},
	"punct":  {'!', '/', ':', '@', '[', '`', '{', '~'},
	"space":  {'\t', '\r', ' ', ' '},
	"upper":  {'A', 'Z'},
	"word":   {'0', '9', 'A', 'Z', 'a', 'z', '_', '_'},
	"xdigit": {'0', '9', 'A', 'F', 'a', 'f'},
}

// parseClass parses "[...]".
func (p *rxParser) parseClass() (*rxNode, error) {
	open := p.pos
	p.pos++
	neg := false
	if p.more() && p.peek() == '^' {
		neg = true
		p.pos++
	}
	var r []rune
	first := true
	for {
		if !p.more() {
			return nil, rxErr("missing closing ]", p.src[open:])
		}
		c := p.peek()
		if c == ']' && !first {
			p.pos++
			break
		}
		first = false
		if c == '[' && p.pos+1 < len(p.src) && p.src[p.pos+1] == ':' {
			if end := strings.Index(p.src[p.pos+2:], ":]"); end >= 0 {
				end += p.pos + 2
				name := p.src[p.pos+2 : end]
				negPosix := len(name) > 0 && name[0] == '^'
				if negPosix {
					name = name[1:]
				}
				cls, ok := rxPosix[name]
				if !ok {
					return nil, rxErr("invalid character class range", p.src[p.pos:end+2])
				}
				p.pos = end + 2
				r = p.addClass(r, cls, negPosix)
				continue
			}
		}
		if c == '\\' && p.pos+1 < len(p.src) {
			cls, ok, err := p.perlClass()
			if err != nil {
				return nil, err
			}
			if ok {
				r = append(r, cls...)
				continue
			}
		}
		rangeStart := p.pos
		lo, err := p.classChar(open)
		if err != nil {
			return nil, err
		}
		hi := lo
		if p.pos+1 < len(p.src) && p.peek() == '-' && p.src[p.pos+1] != ']' {
			p.pos++
			if hi, err = p.classChar(open); err != nil {
				return nil, err
			}
			if hi < lo {
				return nil, rxErr("invalid character class range", p.src[rangeStart:p.pos])
			}
		}
		if p.flags.fold {
			r = foldRange(r, lo, hi)
		} else {
			r = append(r, lo, hi)
		}
	}
	r = cleanRanges(r)
	if neg {
		r = negateRanges(r)
	}
	return &rxNode{op: rxChars, ranges: r}, nil
}

// addClass adds a Perl or POSIX class to a class being built, folded and
// negated as the flags say.
func (p *rxParser) addClass(r, cls []rune, neg bool) []rune {
	cls = cleanRanges(append([]rune(nil), cls...))
	if p.flags.fold {
		cls = foldRanges(cls)
	}
	if neg {
		cls = negateRanges(cls)
	}
	return append(r, cls...)
}

// classChar reads one rune of a class: a literal or an escape.
func (p *rxParser) classChar(open int) (rune, error) {
	if !p.more() {
		return 0, rxErr("missing closing ]", p.src[open:])
	}
	if p.peek() == '\\' {
		return p.escapeRune()
	}
	r, w := utf8.DecodeRuneInString(p.src[p.pos:])
	if r == utf8.RuneError && w == 1 {
		return 0, rxErr("invalid UTF-8", p.src[p.pos:])
	}
	p.pos += w
	return r, nil
}

// Folding: the runes case folding can join lie in [rxMinFold, rxMaxFold]
// (regexp/syntax's minFold and maxFold).
const (
	rxMinFold = 0x0041
	rxMaxFold = 0x1e943
)

// foldRange appends lo-hi and every rune case-folding equivalent to one in
// it, as regexp/syntax's appendFoldedRange does.
func foldRange(r []rune, lo, hi rune) []rune {
	if lo <= rxMinFold && hi >= rxMaxFold || hi < rxMinFold || lo > rxMaxFold {
		return appendRange(r, lo, hi)
	}
	if lo < rxMinFold {
		r = appendRange(r, lo, rxMinFold-1)
		lo = rxMinFold
	}
	if hi > rxMaxFold {
		r = appendRange(r, rxMaxFold+1, hi)
		hi = rxMaxFold
	}
	for c := lo; c <= hi; c++ {
		r = appendRange(r, c, c)
		for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
			r = appendRange(r, f, f)
		}
	}
	return r
}

func foldRanges(r []rune) []rune {
	var out []rune
	for i := 0; i < len(r); i += 2 {
		out = foldRange(out, r[i], r[i+1])
	}
	return cleanRanges(out)
}

// appendRange appends lo-hi, widening one of the last two ranges when it
// overlaps or abuts them (folded alphabets grow two ranges side by side).
func appendRange(r []rune, lo, hi rune) []rune {
	n := len(r)
	for i := 2; i <= 4; i += 2 {
		if n >= i {
			rlo, rhi := r[n-i], r[n-i+1]
			if lo <= rhi+1 && rlo <= hi+1 {
				r[n-i] = min(r[n-i], lo)
				r[n-i+1] = max(r[n-i+1], hi)
				return r
			}
		}
	}
	return append(r, lo, hi)
}

// runePairs sorts a class's lo, hi pairs by lo.
type runePairs []rune

func (r runePairs) Len() int           { return len(r) / 2 }
func (r runePairs) Less(i, j int) bool { return r[2*i] < r[2*j] }
func (r runePairs) Swap(i, j int) {
	r[2*i], r[2*j] = r[2*j], r[2*i]
	r[2*i+1], r[2*j+1] = r[2*j+1], r[2*i+1]
}

// cleanRanges sorts ranges and merges those that overlap or abut.
func cleanRanges(r []rune) []rune {
	sort.Sort(runePairs(r))
	out := r[:0]
	for i := 0; i < len(r); i += 2 {
		lo, hi := r[i], r[i+1]
		if n := len(out); n > 0 && lo <= out[n-1]+1 {
			out[n-1] = max(out[n-1], hi)
			continue
		}
		out = append(out, lo, hi)
	}
	return out
}

// negateRanges returns the complement of clean ranges in [0, MaxRune].
func negateRanges(r []rune) []rune {
	var out []rune
	next := rune(0)
	for i := 0; i < len(r); i += 2 {
		if r[i] > next {
			out = append(out, next, r[i]-1)
		}
		next = r[i+1] + 1
	}
	if next <= unicode.MaxRune {
		out = append(out, next, unicode.MaxRune)
	}
	return out
}

// rxCompiler builds a syntax.Prog the way regexp/syntax's compiler does,
// holes patched as fragments join.
type rxCompiler struct {
	prog   *syntax.Prog
	tooBig bool
}

// rxFrag is a compiled piece: its entry and the holes (instruction<<1,
// plus 1 for the Arg field) its exits leave to patch.
type rxFrag struct {
	start    uint32
	out      []uint32
	nullable bool
}

// maxRxInst stops a compile whose program grows past what any policy may
// use (compilePattern allows MaxPatternProgram), before it takes memory.
const maxRxInst = 10 * MaxPatternProgram

func (c *rxCompiler) emit(i syntax.Inst) uint32 {
	if len(c.prog.Inst) >= maxRxInst {
		c.tooBig = true
		return 0
	}
	c.prog.Inst = append(c.prog.Inst, i)
	return uint32(len(c.prog.Inst) - 1)
}

func (c *rxCompiler) patch(holes []uint32, to uint32) {
	if c.tooBig {
		return
	}
	for _, h := range holes {
		if h&1 == 0 {
			c.prog.Inst[h>>1].Out = to
		} else {
			c.prog.Inst[h>>1].Arg = to
		}
	}
}

func (c *rxCompiler) compile(n *rxNode) rxFrag {
	if c.tooBig {
		return rxFrag{}
	}
	switch n.op {
	case rxEmpty:
		i := c.emit(syntax.Inst{Op: syntax.InstNop})
		return rxFrag{i, []uint32{i << 1}, true}
	case rxLit:
		in := syntax.Inst{Op: syntax.InstRune1, Rune: []rune{n.r}}
		if n.fold {
			in.Op, in.Arg = syntax.InstRune, uint32(syntax.FoldCase)
		}
		i := c.emit(in)
		return rxFrag{i, []uint32{i << 1}, false}
	case rxChars:
		i := c.emit(syntax.Inst{Op: syntax.InstRune, Rune: n.ranges})
		return rxFrag{i, []uint32{i << 1}, false}
	case rxAssert:
		i := c.emit(syntax.Inst{Op: syntax.InstEmptyWidth, Arg: uint32(n.empty)})
		return rxFrag{i, []uint32{i << 1}, true}
	case rxCat:
		f := c.compile(n.subs[0])
		for _, s := range n.subs[1:] {
			g := c.compile(s)
			c.patch(f.out, g.start)
			f = rxFrag{f.start, g.out, f.nullable && g.nullable}
		}
		return f
	case rxAlt:
		f := c.compile(n.subs[0])
		for _, s := range n.subs[1:] {
			g := c.compile(s)
			i := c.emit(syntax.Inst{Op: syntax.InstAlt, Out: f.start, Arg: g.start})
			f = rxFrag{i, append(f.out, g.out...), f.nullable || g.nullable}
		}
		return f
	case rxStar:
		return c.star(c.compile(n.subs[0]), n.nongreed)
	case rxPlus:
		return c.plus(c.compile(n.subs[0]), n.nongreed)
	case rxQuest:
		return c.quest(c.compile(n.subs[0]), n.nongreed)
	case rxRepeat:
		return c.repeat(n)
	}
	panic("rules: unknown rx node")
}

func (c *rxCompiler) quest(f rxFrag, nongreedy bool) rxFrag {
	i, hole := c.alt(f.start, nongreedy)
	return rxFrag{i, append([]uint32{hole}, f.out...), true}
}

// loop is the main loop of a plus or a star, as in regexp/syntax.
func (c *rxCompiler) loop(f rxFrag, nongreedy bool) rxFrag {
	i, hole := c.alt(f.start, nongreedy)
	c.patch(f.out, i)
	return rxFrag{i, []uint32{hole}, true}
}

// alt emits the choice between entering to and leaving, in the order the
// greed says, and returns it and the hole of its way out.
func (c *rxCompiler) alt(to uint32, nongreedy bool) (i, hole uint32) {
	i = c.emit(syntax.Inst{Op: syntax.InstAlt})
	if c.tooBig {
		return 0, 0
	}
	if nongreedy {
		c.prog.Inst[i].Arg = to
		return i, i << 1
	}
	c.prog.Inst[i].Out = to
	return i, i<<1 | 1
}

func (c *rxCompiler) star(f rxFrag, nongreedy bool) rxFrag {
	if f.nullable {
		// (f+)? keeps the priority order right (golang.org/issue/46123).
		return c.quest(c.plus(f, nongreedy), nongreedy)
	}
	return c.loop(f, nongreedy)
}

func (c *rxCompiler) plus(f rxFrag, nongreedy bool) rxFrag {
	return rxFrag{f.start, c.loop(f, nongreedy).out, f.nullable}
}

// repeat compiles x{min,max} as regexp/syntax's Simplify spells it: x{2,5}
// is xx(x(x(x)?)?)?, x{3,} is xxx+.
func (c *rxCompiler) repeat(n *rxNode) rxFrag {
	sub := n.subs[0]
	if n.min == 0 && n.max == 0 {
		return c.compile(&rxNode{op: rxEmpty})
	}
	if n.max == -1 {
		switch n.min {
		case 0:
			return c.compile(rxSimplify1(rxStar, n.nongreed, sub))
		case 1:
			return c.compile(rxSimplify1(rxPlus, n.nongreed, sub))
		}
		seq := make([]*rxNode, 0, n.min)
		for i := 0; i < n.min-1; i++ {
			seq = append(seq, sub)
		}
		seq = append(seq, rxSimplify1(rxPlus, n.nongreed, sub))
		return c.compile(&rxNode{op: rxCat, subs: seq})
	}
	if n.min == 1 && n.max == 1 {
		return c.compile(sub)
	}
	var seq []*rxNode
	for i := 0; i < n.min; i++ {
		seq = append(seq, sub)
	}
	if n.max > n.min {
		suffix := rxSimplify1(rxQuest, n.nongreed, sub)
		for i := n.min + 1; i < n.max; i++ {
			suffix = rxSimplify1(rxQuest, n.nongreed, &rxNode{op: rxCat, subs: []*rxNode{sub, suffix}})
		}
		seq = append(seq, suffix)
	}
	if len(seq) == 1 {
		return c.compile(seq[0])
	}
	return c.compile(&rxNode{op: rxCat, subs: seq})
}

// rxSimplify1 wraps sub in a star, plus or quest, except where
// regexp/syntax's simplify1 leaves it alone: the empty string repeated, or
// the same operator of the same greed.
func rxSimplify1(op rxOp, nongreedy bool, sub *rxNode) *rxNode {
	if sub.op == rxEmpty || sub.op == op && sub.nongreed == nongreedy {
		return sub
	}
	return &rxNode{op: op, nongreed: nongreedy, subs: []*rxNode{sub}}
}
