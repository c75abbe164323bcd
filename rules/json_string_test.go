package rules

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestAppendJSONString checks appendJSONString against encoding/json on
// strings built to cross its eight-byte fast path at every offset: each
// byte that needs escaping, non-ASCII text and invalid UTF-8.
func TestAppendJSONString(t *testing.T) {
	pieces := []string{"plain text ", "\"", "\\", "<", ">", "&", "\n", "\t", "\x01", "\x1f", "é", "病院", "😀",
		"\u2028", "\xff", "\xe2\x82", "abcdefgh", "0123456789", " "}
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 5000; n++ {
		s := ""
		for k := r.IntN(12); k >= 0; k-- {
			s += pieces[r.IntN(len(pieces))]
		}
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
}
