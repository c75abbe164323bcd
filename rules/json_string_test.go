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

// TestJSONInt checks the integer reading of number literals that replaced a
// float parser: integral values in any JSON spelling are read, others refused.
func TestJSONInt(t *testing.T) {
	for _, c := range []struct {
		lit  string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"-0", 0, true}, {"12", 12, true}, {"-3", -3, true},
		{"2.0", 2, true}, {"2.50e1", 25, true}, {"1e3", 1000, true}, {"1E+2", 100, true},
		{"100", 100, true}, {"0.0", 0, true}, {"1000e-3", 1, true}, {"9007199254740992", 1 << 53, true},
		{"2.5", 0, false}, {"1e-1", 0, false}, {"9007199254740993", 0, false},
		{"1e400", 0, false}, {"1e99999999999999999999", 0, false}, {"123456789012345678901234567890", 0, false},
	} {
		got, ok := jsonInt(c.lit)
		if ok != c.ok || got != c.want {
			t.Errorf("jsonInt(%q) = %d, %v; want %d, %v", c.lit, got, ok, c.want, c.ok)
		}
	}
}

// TestQuoteMatchesStrconvOnPrintableText checks that error messages quote
// text as strconv.Quote would wherever both keep a character as written or
// escape it the same way, and that invisible and broken bytes are escaped.
func TestQuoteMatchesStrconvOnPrintableText(t *testing.T) {
	for _, s := range []string{"", "abc", `say "hi"`, `a\b`, "tab\there", "line\nbreak", "\x00\x1f\x7f", "café", "日本語", "שלום", "👩‍⚕️ ok", "{drug}"} {
		if got, want := quote(s), strconv.Quote(s); got != want {
			t.Errorf("quote(%q) = %s, want %s", s, got, want)
		}
	}
	for s, want := range map[string]string{"a\u200bb": `"a\u200bb"`, "\xff": `"\xff"`, "x\u202ey": `"x\u202ey"`, "\ufeff": `"\ufeff"`} {
		if got := quote(s); got != want {
			t.Errorf("quote(%q) = %s, want %s", s, got, want)
		}
	}
}
