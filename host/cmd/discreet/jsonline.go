package main

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// decodeLine reads the two fields a jsonl line needs: "id" (any JSON value,
// returned compacted; "null" when absent) and "text" (a string). It checks
// the line once with json.Valid and then walks it in place, without a map
// or reflection; only an id with white space inside or a text with escapes
// is handed to encoding/json. msg is the error answer for a bad line.
func decodeLine(line []byte) (id []byte, text string, msg string) {
	id = []byte("null")
	if !json.Valid(line) {
		return decodeLineSlow(line) // for encoding/json's error message
	}
	i := skipWS(line, 0)
	if line[i] != '{' {
		return decodeLineSlow(line)
	}
	var rawID, rawText []byte
	for i = skipWS(line, i+1); line[i] != '}'; {
		ks := i
		i = skipString(line, i)
		key := line[ks:i]
		i = skipWS(line, i)
		i = skipWS(line, i+1) // ':'
		vs := i
		i = skipValue(line, i)
		val := line[vs:i]
		switch {
		case bytes.IndexByte(key, '\\') >= 0:
			// An escaped key may spell "id" or "text": let encoding/json say.
			return decodeLineSlow(line)
		case string(key) == `"id"`:
			rawID = val // the last one wins, as with encoding/json
		case string(key) == `"text"`:
			rawText = val
		}
		i = skipWS(line, i)
		if line[i] == ',' {
			i = skipWS(line, i+1)
		}
	}
	if rawID != nil {
		id = compactJSON(rawID)
	}
	if rawText == nil {
		return id, "", `no "text" field`
	}
	if rawText[0] == '"' {
		body := rawText[1 : len(rawText)-1]
		if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
			return id, string(body), ""
		}
	}
	// Escapes, bytes that are not UTF-8 (encoding/json turns them into
	// U+FFFD), or not a string (null reads as "", as it always has).
	if err := json.Unmarshal(rawText, &text); err != nil {
		return id, "", `"text" must be a string`
	}
	return id, text, ""
}

// decodeLineSlow is decodeLine with encoding/json, for the rare line the
// fast walk does not decide.
func decodeLineSlow(line []byte) (id []byte, text string, msg string) {
	id = []byte("null")
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
	if bytes.ContainsAny(raw, " \t\r\n") {
		var b bytes.Buffer
		if json.Compact(&b, raw) == nil {
			return b.Bytes()
		}
	}
	return raw
}

// The skip functions walk JSON that json.Valid has accepted: they return
// the index just past what starts at i.

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(b) && !(b[i] == ',' || b[i] == '}' || b[i] == ']' || b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
