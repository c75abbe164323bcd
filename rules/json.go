package rules

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds a small strict JSON reader and writer. The engine runs in a
// WebAssembly module whose size budget has no room for encoding/json and
// reflect, and strict decoding with field paths in errors is what a policy
// author needs anyway.

// maxJSONDepth bounds nesting so hostile input cannot exhaust the stack.
const maxJSONDepth = 64

type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNum
	jStr
	jArr
	jObj
)

// jval is a parsed JSON value. Objects keep their keys in order.
type jval struct {
	kind jkind
	b    bool
	str  string // string value, or the number's literal text
	arr  []*jval
	// strs holds an array's members instead of arr when they are all
	// strings, as a pack's word lists are: a value each cost the module's
	// start-up a megabyte of memory touched once.
	strs []string
	keys []string
	vals []*jval
	off  int // byte offset in the input, for error messages
}

type jparser struct {
	data  string // strings in the input are sliced out of it, not copied
	pos   int
	depth int
	// The values come from slabs, and the arrays' and objects' members
	// gather on stacks until the closing bracket, then get a slice of
	// their exact size: a pack's thousands of values and lists would
	// otherwise cost an allocation each and a few for each list.
	slab []jval
	vals []*jval
	keys []string
	strs []string // the members of arrays of strings so far
}

// val returns a new value set to v.
func (p *jparser) val(v jval) *jval {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]jval, 0, min(256, 2*cap(p.slab)+8))
	}
	p.slab = append(p.slab, v)
	return &p.slab[len(p.slab)-1]
}

// parseJSON parses one JSON value that fills data (whitespace aside).
func parseJSON(data []byte) (*jval, error) {
	return parseJSONString(string(data))
}

// parseJSONString is parseJSON for a string, which the values' strings then
// share (an embedded pack's strings cost no copies).
func parseJSONString(data string) (*jval, error) {
	if !utf8.ValidString(data) {
		return nil, &Error{Msg: "input is not valid UTF-8"}
	}
	p := &jparser{data: data}
	p.ws()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos != len(p.data) {
		return nil, p.fail("unexpected text after the JSON value")
	}
	return v, nil
}

func (p *jparser) fail(msg string) error {
	line, col := 1, 1
	for i := 0; i < p.pos && i < len(p.data); i++ {
		if p.data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &Error{Msg: "JSON syntax error at line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col) + ": " + msg}
}

func (p *jparser) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jparser) lit(s string) bool {
	if len(p.data)-p.pos >= len(s) && p.data[p.pos:p.pos+len(s)] == s {
		p.pos += len(s)
		return true
	}
	return false
}

func (p *jparser) value() (*jval, error) {
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end of input")
	}
	off := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		return p.val(jval{kind: jStr, str: s, off: off}), nil
	case c == 't' && p.lit("true"):
		return p.val(jval{kind: jBool, b: true, off: off}), nil
	case c == 'f' && p.lit("false"):
		return p.val(jval{kind: jBool, off: off}), nil
	case c == 'n' && p.lit("null"):
		return p.val(jval{kind: jNull, off: off}), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, p.fail("unexpected character " + quote(p.data[p.pos:p.pos+1]))
}

func (p *jparser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.fail("nested too deeply")
	}
	return nil
}

func (p *jparser) object() (*jval, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	v := p.val(jval{kind: jObj, off: p.pos})
	kb, vb := len(p.keys), len(p.vals) // this object's members on the stacks
	var seen map[string]bool           // the keys, once there are many
	p.pos++                            // {
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return v, nil
	}
	for {
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("expected a quoted field name")
		}
		k, err := p.string()
		if err != nil {
			return nil, err
		}
		// A short object is searched; a long one gets a set, so that a
		// hostile policy of 30,000 keys costs milliseconds, not seconds.
		keys := p.keys[kb:]
		if len(keys) < 16 {
			for _, prev := range keys {
				if prev == k {
					return nil, p.fail("duplicate field " + quote(k))
				}
			}
		} else {
			if seen == nil {
				seen = make(map[string]bool, 2*len(keys))
				for _, s := range keys {
					seen[s] = true
				}
			}
			if seen[k] {
				return nil, p.fail("duplicate field " + quote(k))
			}
			seen[k] = true
		}
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("expected ':' after field name")
		}
		p.pos++
		p.ws()
		val, err := p.value()
		if err != nil {
			return nil, err
		}
		p.keys = append(p.keys, k)
		p.vals = append(p.vals, val)
		p.ws()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			p.pos++
			p.depth--
			v.keys = append([]string(nil), p.keys[kb:]...)
			v.vals = append([]*jval(nil), p.vals[vb:]...)
			p.keys, p.vals = p.keys[:kb], p.vals[:vb]
			return v, nil
		}
		return nil, p.fail("expected ',' or '}' in object")
	}
}

func (p *jparser) array() (*jval, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	v := p.val(jval{kind: jArr, off: p.pos})
	vb, sb := len(p.vals), len(p.strs) // this array's elements on the stacks
	p.pos++                            // [
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return v, nil
	}
	for {
		p.ws()
		if p.pos < len(p.data) && p.data[p.pos] == '"' && len(p.vals) == vb {
			// Strings so far: keep them as strings.
			s, err := p.string()
			if err != nil {
				return nil, err
			}
			p.strs = append(p.strs, s)
		} else {
			// Another kind of value: the strings before it become values.
			for _, s := range p.strs[sb:] {
				p.vals = append(p.vals, p.val(jval{kind: jStr, str: s}))
			}
			p.strs = p.strs[:sb]
			el, err := p.value()
			if err != nil {
				return nil, err
			}
			p.vals = append(p.vals, el)
		}
		p.ws()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			p.depth--
			if len(p.strs) > sb {
				v.strs = append([]string(nil), p.strs[sb:]...)
			} else {
				v.arr = append([]*jval(nil), p.vals[vb:]...)
			}
			p.vals, p.strs = p.vals[:vb], p.strs[:sb]
			return v, nil
		}
		return nil, p.fail("expected ',' or ']' in array")
	}
}

func (p *jparser) number() (*jval, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if digits() == 0 {
		return nil, p.fail("bad number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.fail("bad number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.fail("bad number")
		}
	}
	// The literal is kept as text: a policy's numbers are integers, read by
	// jfields.integer, and the module need not carry a float parser.
	return p.val(jval{kind: jNum, str: p.data[start:p.pos], off: start}), nil
}

func (p *jparser) string() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := p.data[start:p.pos]
			p.pos++
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.fail("control character in string")
		}
		p.pos++
	}
	buf := append([]byte(nil), p.data[start:p.pos]...)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(buf), nil
		case c < 0x20:
			return "", p.fail("control character in string")
		case c != '\\':
			buf = append(buf, c)
			p.pos++
			continue
		}
		p.pos++
		if p.pos >= len(p.data) {
			break
		}
		e := p.data[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.fail("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if p.lit("\\u") {
					r2, ok = p.hex4()
					if !ok {
						return "", p.fail("bad \\u escape")
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", p.fail("bad escape \\" + string(rune(e)))
		}
	}
	return "", p.fail("unterminated string")
}

func (p *jparser) hex4() (rune, bool) {
	if len(p.data)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for i := p.pos; i < p.pos+4; i++ {
		c := p.data[i]
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.pos += 4
	return r, true
}

// members returns the elements of array v as values.
func (v *jval) members() []*jval {
	if len(v.strs) == 0 {
		return v.arr
	}
	arr := make([]*jval, len(v.strs))
	for i, s := range v.strs {
		arr[i] = &jval{kind: jStr, str: s}
	}
	return arr
}

// jfields decodes a JSON object strictly: every key must be claimed by one of
// the typed getters, and done reports the first unknown one.
type jfields struct {
	obj  *jval
	path string
	used []bool
	err  error
}

func newFields(v *jval, path string) (*jfields, error) {
	if v == nil || v.kind != jObj {
		return nil, fieldErr(path, "must be a JSON object")
	}
	return &jfields{obj: v, path: path, used: make([]bool, len(v.keys))}, nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (f *jfields) get(key string) *jval {
	for i, k := range f.obj.keys {
		if k == key {
			f.used[i] = true
			if f.obj.vals[i].kind == jNull {
				return nil
			}
			return f.obj.vals[i]
		}
	}
	return nil
}

func (f *jfields) setErr(key, msg string) {
	if f.err == nil {
		f.err = fieldErr(joinPath(f.path, key), msg)
	}
}

func (f *jfields) str(key string, dst *string) {
	v := f.get(key)
	if v == nil {
		return
	}
	if v.kind != jStr {
		f.setErr(key, "must be a string")
		return
	}
	*dst = v.str
}

func (f *jfields) boolean(key string, dst *bool) {
	v := f.get(key)
	if v == nil {
		return
	}
	if v.kind != jBool {
		f.setErr(key, "must be true or false")
		return
	}
	*dst = v.b
}

func (f *jfields) integer(key string, dst *int) {
	v := f.get(key)
	if v == nil {
		return
	}
	n, ok := 0, v.kind == jNum
	if ok {
		n, ok = jsonInt(v.str)
	}
	if !ok {
		f.setErr(key, "must be an integer")
		return
	}
	*dst = n
}

func (f *jfields) strs(key string, dst *[]string) {
	v := f.get(key)
	if v == nil {
		return
	}
	if v.kind != jArr {
		f.setErr(key, "must be a list of strings")
		return
	}
	if len(v.strs) > 0 {
		*dst = v.strs // the parser's copy, which nothing else holds
		return
	}
	out := make([]string, 0, len(v.arr))
	for i, el := range v.arr {
		if el.kind != jStr {
			f.setErr(key+"["+strconv.Itoa(i)+"]", "must be a string")
			return
		}
		out = append(out, el.str)
	}
	*dst = out
}

// list calls each for every element of an array field.
func (f *jfields) list(key string, each func(v *jval, path string) error) {
	v := f.get(key)
	if v == nil {
		return
	}
	if v.kind != jArr {
		f.setErr(key, "must be a list")
		return
	}
	for i, el := range v.members() {
		if err := each(el, joinPath(f.path, key)+"["+strconv.Itoa(i)+"]"); err != nil {
			if f.err == nil {
				f.err = err
			}
			return
		}
	}
}

// objects calls each with the decoder of every object in list field key;
// an object with a field each did not read is an error.
func (f *jfields) objects(key string, each func(g *jfields, path string) error) {
	f.list(key, func(v *jval, path string) error {
		g, err := newFields(v, path)
		if err != nil {
			return err
		}
		if err := each(g, path); err != nil {
			return err
		}
		return g.done()
	})
}

// wordLists decodes an object field of named word lists ("classes",
// "cues"): each name must pass isClassName; what says what a name is.
func (f *jfields) wordLists(key, what string) (map[string][]string, error) {
	lists := map[string][]string{}
	cv := f.get(key)
	if cv == nil {
		return lists, nil
	}
	if cv.kind != jObj {
		return nil, fieldErr(key, "must be an object of word lists")
	}
	for i, k := range cv.keys {
		if !isClassName(k) {
			return nil, fieldErr(key+"."+k, "bad "+what+" name")
		}
		g := &jfields{obj: &jval{kind: jObj, keys: []string{k}, vals: []*jval{cv.vals[i]}}, path: key, used: []bool{false}}
		var words []string
		g.strs(k, &words)
		if g.err != nil {
			return nil, g.err
		}
		lists[k] = words
	}
	return lists, nil
}

// object calls fn with the decoder of an object field.
func (f *jfields) object(key string, fn func(g *jfields)) {
	v := f.get(key)
	if v == nil {
		return
	}
	g, err := newFields(v, joinPath(f.path, key))
	if err != nil {
		if f.err == nil {
			f.err = err
		}
		return
	}
	fn(g)
	if err := g.done(); err != nil && f.err == nil {
		f.err = err
	}
}

// strMap decodes an object whose values are strings.
func (f *jfields) strMap(key string, dst *map[string]string) {
	v := f.get(key)
	if v == nil {
		return
	}
	if v.kind != jObj {
		f.setErr(key, "must be an object of strings")
		return
	}
	m := make(map[string]string, len(v.keys))
	for i, k := range v.keys {
		if v.vals[i].kind != jStr {
			f.setErr(key+"."+k, "must be a string")
			return
		}
		m[k] = v.vals[i].str
	}
	*dst = m
}

// done returns the first error, or an error naming the first unknown field.
func (f *jfields) done() error {
	if f.err != nil {
		return f.err
	}
	for i, u := range f.used {
		if !u {
			return fieldErr(joinPath(f.path, f.obj.keys[i]), "unknown field")
		}
	}
	return nil
}

// jsonPlain marks the ASCII bytes a JSON string carries as they are; the
// rest (controls, quotes, backslash, <, >, & and every non-ASCII byte) take
// the careful path.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return
}()

// jsonPlain8 reports whether all eight bytes of x are jsonPlain: none is
// a control, non-ASCII, '"', '\\', '<', '>' or '&'. Each test is the
// "has a zero byte" trick, (v-lo8)&^v, on x or x XOR the byte: exact for
// whether any byte matches, which is all this needs. '<' and '>' differ in
// bit 1 only, so one test finds both.
func jsonPlain8(x uint64) bool {
	q, b, a, lg := x^('"'*lo8), x^('\\'*lo8), x^('&'*lo8), (x|0x02*lo8)^('>'*lo8)
	bad := x | (x-0x20*lo8)&^x | (q-lo8)&^q | (b-lo8)&^b | (a-lo8)&^a | (lg-lo8)&^lg
	return bad&hi8 == 0
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip a run of bytes that need no escaping, most of every message:
		// eight at a time, then one at a time up to the first that does.
		for i+8 <= len(s) && jsonPlain8(le64(s[i:i+8])) {
			i += 8
		}
		if i < len(s) && i+8 > len(s) && len(s) >= 8 && jsonPlain8(le64(s[len(s)-8:])) {
			i = len(s) // the last eight bytes, read again, are plain too
		}
		for i < len(s) && jsonPlain[s[i]] {
			i++
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// jsonInt reads a JSON number literal (already checked by jparser.number) as
// an int: "12", "-3", "2.0" and "1e3" are integers; "2.5", "1e-1" and values
// beyond ±2^53 (where a float64 reader would have rounded them) are not.
func jsonInt(lit string) (int, bool) {
	neg := strings.HasPrefix(lit, "-")
	if neg {
		lit = lit[1:]
	}
	mant, exp := lit, 0
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mant = lit[:i]
		e := lit[i+1:]
		eneg := strings.HasPrefix(e, "-")
		e = strings.TrimLeft(e, "+-")
		for _, c := range []byte(e) {
			if exp > 1000 {
				return 0, false
			}
			exp = exp*10 + int(c-'0')
		}
		if eneg {
			exp = -exp
		}
	}
	digits := mant
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		digits = mant[:i] + mant[i+1:]
		exp -= len(mant) - i - 1
	}
	// Trailing zeros dropped from the digits raise the exponent.
	for len(digits) > 1 && digits[len(digits)-1] == '0' && exp < 0 {
		digits = digits[:len(digits)-1]
		exp++
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return 0, true
	}
	if exp < 0 || len(digits)+exp > 16 {
		return 0, false
	}
	n := 0
	for _, c := range []byte(digits) {
		n = n*10 + int(c-'0')
	}
	for range exp {
		n *= 10
	}
	if n > 1<<53 {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}
