package main

import "testing"

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
