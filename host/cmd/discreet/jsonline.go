package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"unicode/utf8"
)

// nullID is the id of a line without one. It is shared: callers only read
// the ids decodeLine returns, and a fresh []byte("null") per line was one of
// the few allocations left on the jsonl path.
var nullID = []byte("null")

// decodeLine reads the two fields a jsonl line needs: "id" (any JSON value,
// returned compacted; "null" when absent) and "text" (a string). One pass
// over the line both checks it (accepting what json.Valid accepts) and
// finds the two fields, without a map or reflection; the text string is
// read eight bytes at a time. Only an id with white space inside or a text
// with escapes is handed to encoding/json, and a line the walk does not
// accept (malformed, not an object, an escaped key) goes to decodeLineSlow,
// for encoding/json's answer and error message. msg is the error answer for
// a bad line.
func decodeLine(line []byte) (id []byte, text string, msg string) {
	id = nullID
	i := skipWS(line, 0)
	if i >= len(line) || line[i] != '{' {
		return decodeLineSlow(line)
	}
	var rawID, rawText []byte
	plainText := false
	if i = skipWS(line, i+1); i < len(line) && line[i] == '}' {
		i++
	} else {
		for {
			if i >= len(line) || line[i] != '"' {
				return decodeLineSlow(line)
			}
			ks := i
			var ok bool
			if i, ok = validString(line, i); !ok {
				return decodeLineSlow(line)
			}
			key := line[ks:i]
			if bytes.IndexByte(key, '\\') >= 0 {
				// An escaped key may spell "id" or "text": let encoding/json say.
				return decodeLineSlow(line)
			}
			if i = skipWS(line, i); i >= len(line) || line[i] != ':' {
				return decodeLineSlow(line)
			}
			vs := skipWS(line, i+1)
			isText := string(key) == `"text"`
			plain := false
			if isText && vs < len(line) && line[vs] == '"' {
				i, plain, ok = scanString(line, vs)
			} else {
				i, ok = validValue(line, vs, 1)
			}
			if !ok {
				return decodeLineSlow(line)
			}
			switch {
			case string(key) == `"id"`:
				rawID = line[vs:i] // the last one wins, as with encoding/json
			case isText:
				rawText, plainText = line[vs:i], plain
			}
			if i = skipWS(line, i); i < len(line) && line[i] == ',' {
				i = skipWS(line, i+1)
				continue
			}
			if i < len(line) && line[i] == '}' {
				i++
				break
			}
			return decodeLineSlow(line)
		}
	}
	if skipWS(line, i) != len(line) {
		return decodeLineSlow(line)
	}
	if rawID != nil {
		id = compactJSON(rawID)
	}
	if rawText == nil {
		return id, "", `no "text" field`
	}
	if plainText {
		return id, string(rawText[1 : len(rawText)-1]), ""
	}
	// Escapes, bytes that are not UTF-8 (encoding/json turns them into
	// U+FFFD), or not a string (null reads as "", as it always has).
	if err := json.Unmarshal(rawText, &text); err != nil {
		return id, "", `"text" must be a string`
	}
	return id, text, ""
}

// scanString is validString for a string that is most likely long and
// plain: it reads eight bytes at a time up to the first that needs a look
// (a quote, a backslash, a control character, a byte past ASCII). plain
// says the body needs no decoding: no escapes, and valid UTF-8.
func scanString(b []byte, i int) (end int, plain, ok bool) {
	j, ascii := i+1, true
	for {
		for j+8 <= len(b) && !needsLook(binary.LittleEndian.Uint64(b[j:])) {
			j += 8
		}
		if j >= len(b) {
			return j, false, false
		}
		switch c := b[j]; {
		case c == '"':
			return j + 1, ascii || utf8.Valid(b[i+1:j]), true
		case c == '\\':
			end, ok = validString(b, i)
			return end, false, ok
		case c < 0x20:
			return j, false, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		j++
	}
}

// needsLook reports whether any of the eight bytes of x is a quote, a
// backslash, a control character or not ASCII, with the "has a zero byte"
// trick (exact for whether any byte matches).
func needsLook(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - lo) &^ v }
	return (x|(x-0x20*lo)&^x|zero(x^'"'*lo)|zero(x^'\\'*lo))&hi != 0
}

// decodeLineSlow is decodeLine with encoding/json, for the rare line the
// fast walk does not decide.
func decodeLineSlow(line []byte) (id []byte, text string, msg string) {
	id = nullID
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return id, "", "not a JSON object: " + err.Error()
	}
	if raw, ok := obj["id"]; ok {
		id = compactJSON(raw)
	}
	raw, ok := obj["text"]
	if !ok {
		return id, "", `no "text" field`
	}
	if err := json.Unmarshal(raw, &text); err != nil {
		return id, "", `"text" must be a string`
	}
	return id, text, ""
}

// compactJSON returns a valid JSON value without insignificant white space.
func compactJSON(raw []byte) []byte {
	if hasWS(raw) {
		var b bytes.Buffer
		if json.Compact(&b, raw) == nil {
			return b.Bytes()
		}
	}
	return raw
}

// hasWS reports whether b holds JSON white space; it is
// bytes.ContainsAny(b, " \t\r\n") without building a set per call, for
// the short ids of every line.
func hasWS(b []byte) bool {
	for _, c := range b {
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			return true
		}
	}
	return false
}

// skipWS returns the index of the first byte at or after i that is not
// JSON white space.
func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// validJSON reports whether b is one JSON value with optional white space
// around it, exactly as json.Valid does (strings may hold bytes that are not
// UTF-8; nesting is limited to encoding/json's 10,000 levels), in one pass
// and without allocating: json.Valid was a sixth of the jsonl command's time.
func validJSON(b []byte) bool {
	i, ok := validValue(b, skipWS(b, 0), 0)
	return ok && skipWS(b, i) == len(b)
}

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

// validValue checks the value starting at b[i] and returns the index past it.
func validValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		return validString(b, i)
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return i, false
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = skipWS(b, i+1)
		if i < len(b) && b[i] == closer {
			return i + 1, true
		}
		for {
			var ok bool
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return i, false
				}
				if i, ok = validString(b, i); !ok {
					return i, false
				}
				if i = skipWS(b, i); i >= len(b) || b[i] != ':' {
					return i, false
				}
				i = skipWS(b, i+1)
			}
			if i, ok = validValue(b, i, depth+1); !ok {
				return i, false
			}
			if i = skipWS(b, i); i >= len(b) {
				return i, false
			}
			switch b[i] {
			case ',':
				i = skipWS(b, i+1)
			case closer:
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		return validNumber(b, i)
	case c == 't':
		return validLiteral(b, i, "true")
	case c == 'f':
		return validLiteral(b, i, "false")
	case c == 'n':
		return validLiteral(b, i, "null")
	}
	return i, false
}

func validLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return i, false
}

// validString checks a string (b[i] is its opening quote): escapes are one
// of JSON's nine, control characters are refused, other bytes pass.
func validString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i++; i >= len(b) {
				return i, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-i < 5 {
					return i, false
				}
				for _, h := range b[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return i, false
					}
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

// validNumber checks -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func validNumber(b []byte, i int) (int, bool) {
	digits := func(i int) (int, bool) {
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j, j > i
	}
	if b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else {
		var ok bool
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	if i < len(b) && b[i] == '.' {
		var ok bool
		if i, ok = digits(i + 1); !ok {
			return i, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		var ok bool
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	return i, true
}
