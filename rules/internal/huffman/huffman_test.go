package huffman

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// skewed returns n bytes in columns columns, each column drawn from its
// own rounded normal distribution, like the model's quantised weights.
func skewed(n, columns int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]byte, n)
	for i := range out {
		c := i % columns
		v := math.Round(r.NormFloat64()*float64(3+2*c)) - float64(c)
		out[i] = byte(int8(max(-60, min(60, v)))) + 64
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name    string
		data    []byte
		columns int
	}{
		{"empty", nil, 5},
		{"one byte", []byte{7}, 1},
		{"one symbol per column", bytes.Repeat([]byte{1, 2, 3}, 1000), 3},
		{"every byte value", func() []byte {
			b := make([]byte, 256*4)
			for i := range b {
				b[i] = byte(i * 7)
			}
			return b
		}(), 4},
		{"skewed, five columns", skewed(100_000, 5, 1), 5},
		// A very skewed column: the optimal code would be deeper than
		// MaxLen, so the rare symbols' counts are raised.
		{"deep", func() []byte {
			var b []byte
			for s := range 30 {
				b = append(b, bytes.Repeat([]byte{byte(s)}, 1<<min(s, 20))...)
			}
			return b
		}(), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc := Encode(tc.data, tc.columns)
			got, rest, err := Decode(string(enc)+"tail", len(tc.data), tc.columns)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.data) {
				t.Fatalf("decoded %d bytes differ from the %d encoded", len(got), len(tc.data))
			}
			if rest != "tail" {
				t.Errorf("rest %q, want the bytes after the stream", rest)
			}
		})
	}
}

// TestDecodeRows checks that DecodeRows gives back each symbol less sub,
// row after row, and refuses an output with more or fewer rows than the
// stream holds.
func TestDecodeRows(t *testing.T) {
	const columns, rows = 5, 2000
	data := skewed(rows*columns, columns, 3)
	enc := string(Encode(data, columns)) + "tail"
	out := make([]byte, rows*columns)
	rest, err := DecodeRows(out, enc, columns, 64)
	if err != nil {
		t.Fatal(err)
	}
	if rest != "tail" {
		t.Errorf("rest %q, want the bytes after the stream", rest)
	}
	for i := range out {
		if want := data[i] - 64; out[i] != want {
			t.Fatalf("symbol %d = %d, want %d", i, out[i], want)
		}
	}
	for _, n := range []int{rows + 1, rows - 1} {
		if _, err := DecodeRows(make([]byte, n*columns), enc, columns, 64); err == nil {
			t.Errorf("an output of %d rows for a stream of %d: no error", n, rows)
		}
	}
}

func TestNearEntropy(t *testing.T) {
	const columns = 5
	data := skewed(400_000, columns, 2)
	bitsNeeded := 0.0
	for c := range columns {
		var freq [256]float64
		n := 0.0
		for i := c; i < len(data); i += columns {
			freq[data[i]]++
			n++
		}
		for _, f := range freq {
			if f > 0 {
				bitsNeeded -= f * math.Log2(f/n)
			}
		}
	}
	entropy := bitsNeeded / 8
	got := float64(len(Encode(data, columns)))
	if got > entropy*1.01+1000 {
		t.Errorf("coded %d bytes, order-0 entropy %.0f bytes", int(got), entropy)
	}
	t.Logf("coded %d bytes, order-0 entropy %.0f bytes", int(got), entropy)
}

// TestDecodeRejectsDamage checks that damage gives an error, never a panic.
func TestDecodeRejectsDamage(t *testing.T) {
	data := skewed(5_000, 2, 3)
	good := string(Encode(data, 2))
	for name, src := range map[string]string{
		"empty":              "",
		"table cut":          good[:3],
		"length zero":        "\x01\x05\x00",
		"length too long":    "\x01\x05\x0c",
		"symbol twice":       "\x02\x05\x01\x05\x01",
		"over-full lengths":  "\x03\x01\x01\x02\x01\x03\x01",
		"stream cut":         good[:len(good)-10],
		"stream one short":   good[:len(good)-1],
		"incomplete code":    "\x01\x05\x02\x04\x0f",
		"bit count too high": func() string { s := Encode([]byte{5, 5, 5}, 1); return string(s[:3]) + "\x09\x00\x00" }(),
	} {
		if _, _, err := Decode(src, len(data), 2); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
	// Any one byte changed decodes or fails, but never panics.
	for i := range len(good) {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			b := []byte(good)
			b[i] ^= x
			Decode(string(b), len(data), 2)
		}
	}
	if _, _, err := Decode(good, len(data)+1, 2); err == nil {
		t.Errorf("one symbol more than coded: %v", err)
	}
	if _, _, err := Decode(good, len(data)-1, 2); err == nil {
		t.Errorf("one symbol fewer than coded: no error")
	}
}

func BenchmarkDecode(b *testing.B) {
	data := skewed(468_000, 5, 4)
	enc := string(Encode(data, 5))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Decode(enc, len(data), 5); err != nil {
			b.Fatal(err)
		}
	}
}
