package rules

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
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

// TestJSONPlain8 checks the eight-byte test against jsonPlain byte by byte:
// every byte value at every position among plain bytes, and random words.
func TestJSONPlain8(t *testing.T) {
	ref := func(x uint64) bool {
		for k := 0; k < 8; k++ {
			if !jsonPlain[byte(x>>(8*k))] {
				return false
			}
		}
		return true
	}
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			x := uint64(0x6161616161616161)&^(0xff<<(8*pos)) | uint64(c)<<(8*pos)
			if got, want := jsonPlain8(x), ref(x); got != want {
				t.Fatalf("%#x: got %v, want %v", x, got, want)
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 1_000_000; n++ {
		x := r.Uint64()
		if n%2 == 0 {
			x &^= hi8 // mostly ASCII
		}
		if got, want := jsonPlain8(x), ref(x); got != want {
			t.Fatalf("%#x: got %v, want %v", x, got, want)
		}
	}
}

// TestAppendInt checks appendInt against strconv around each of its cases.
func TestAppendInt(t *testing.T) {
	for _, v := range []int{-100001, -12, -1, 0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 54321, 99999, 100000, 1 << 20, 1<<31 - 1} {
		for d := -1; d <= 1; d++ {
			if got, want := string(appendInt([]byte("x"), v+d)), "x"+strconv.Itoa(v+d); got != want {
				t.Errorf("appendInt(%d) = %q, want %q", v+d, got, want)
			}
		}
	}
}
