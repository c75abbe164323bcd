package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDecodeLineAsEncodingJSON checks the in-place walk against
// encoding/json (decodeLineSlow) on lines that take each of its paths.
func TestDecodeLineAsEncodingJSON(t *testing.T) {
	for _, line := range []string{
		`{"id":1,"text":"plain"}`,
		` { "text" : "first" , "id" : "s-2" } `,
		`{"id": {"a": [1, 2, "x}"]}, "text": "nested id"}`,
		`{"id":1,"text":"esc \"q\" \u00e9 \ud83d\ude2d"}`,
		"{\"id\":1,\"text\":\"bad \xff bytes\"}",
		`{"id":1,"text":"a","text":"last wins"}`,
		`{"id":1,"te\u0078t":"escaped key"}`,
		`{"id":1,"text":null}`,
		`{"id":1,"text":5}`,
		`{"id":1,"other":[{"text":"no"}]}`,
		`{"id":1}`,
		`[1,2]`,
		`"text"`,
		`{"id":1,"text":"unterminated}`,
		`not json`,
	} {
		id, text, msg := decodeLine([]byte(line))
		wid, wtext, wmsg := decodeLineSlow([]byte(line))
		if string(id) != string(wid) || text != wtext || msg != wmsg {
			t.Errorf("%s:\n got  %s %q %q\n want %s %q %q", line, id, text, msg, wid, wtext, wmsg)
		}
	}
}

// TestDecodeLineStrings checks the eight-byte walk of the text string
// against encoding/json with each byte that needs a look (quote, escape,
// control, non-ASCII, invalid UTF-8) at every offset of a long text.
func TestDecodeLineStrings(t *testing.T) {
	pieces := []string{`\"`, `\\`, `\n`, `\u00e9`, "\x01", "\x1f", "\t", "é", "病", "😀", "\xff", "\xe2\x82", `"`, "<&>", "\x7f"}
	for _, p := range pieces {
		for k := 0; k < 20; k++ {
			body := strings.Repeat("a", k) + p + strings.Repeat("b", 19-k)
			for _, line := range []string{`{"id":7,"text":"` + body + `"}`, `{"text":"` + body + `" , "id" : [ 1 ] }`} {
				id, text, msg := decodeLine([]byte(line))
				wid, wtext, wmsg := decodeLineSlow([]byte(line))
				if string(id) != string(wid) || text != wtext || msg != wmsg {
					t.Errorf("%q:\n got  %s %q %q\n want %s %q %q", line, id, text, msg, wid, wtext, wmsg)
				}
			}
		}
	}
}

// FuzzDecodeLine checks that decodeLine answers every line as encoding/json
// does.
func FuzzDecodeLine(f *testing.F) {
	f.Add([]byte(`{"id":1,"text":"plain text of some length"}`))
	f.Add([]byte(`{"id":{"a":[1,"}"]},"text":"esc \" é"}`))
	for _, s := range validJSONCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		id, text, msg := decodeLine(line)
		wid, wtext, wmsg := decodeLineSlow(line)
		if string(id) != string(wid) || text != wtext || msg != wmsg {
			t.Errorf("%q:\n got  %s %q %q\n want %s %q %q", line, id, text, msg, wid, wtext, wmsg)
		}
	})
}

// validJSONCases are lines on each side of every rule validJSON checks.
var validJSONCases = []string{
	`{}`, `[]`, ` {"a" : [1, -0, 0.5, 1e9, -2.5E-3, true, false, null, "x"]} `, `"s"`, `0`, `-`, `01`, `1.`, `.5`, `1e`,
	`1e+`, `{"a":1,}`, `[1,]`, `{"a"}`, `{"a":}`, `{a:1}`, `{"a":1 "b":2}`, `[1 2]`, `tru`, `nul`, `falsey`, `{"a":1}}`,
	`"\u00e9\n\t\/\b\f\r\"\\"`, `"\x"`, `"\u12g4"`, `"\u12"`, "\"tab\there\"", "\"\xff\xfe bytes\"", `"unterminated`, `[`,
	`{"a":[{"b":{"c":[]}}]}`, ``, ` `, `{"a":1}x`, `[[[[[[]]]]]]`, "{\"a\":\"\x00\"}", `{"":""}`, `-1.0e-01`, `+1`,
}

func TestValidJSONAsEncodingJSON(t *testing.T) {
	for _, s := range validJSONCases {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("validJSON(%q) = %v, json.Valid says %v", s, got, want)
		}
	}
	deep := strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1)
	if validJSON([]byte(deep)) != json.Valid([]byte(deep)) {
		t.Errorf("nesting past %d: validJSON and json.Valid differ", maxJSONDepth)
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, s := range validJSONCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Errorf("validJSON(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}
