package huffman

import (
	"bytes"
	"math"
	"math/bits"
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

// TestDecodeMarked checks that DecodeMarked puts each coded row at its
// marked place, less sub, leaves the unmarked rows alone, and rejects a
// bitmap that marks more or fewer rows than the stream holds.
func TestDecodeMarked(t *testing.T) {
	const columns = 5
	r := rand.New(rand.NewPCG(7, 1))
	marked := make([]byte, 1000)
	rows := 0
	for i := range marked {
		marked[i] = byte(r.Uint32()) & byte(r.Uint32()) // a quarter of the bits
		rows += bits.OnesCount8(marked[i])
	}
	data := skewed(rows*columns, columns, 3)
	enc := string(Encode(data, columns)) + "tail"
	out := bytes.Repeat([]byte{0xee}, 8*len(marked)*columns)
	rest, err := DecodeMarked(out, enc, columns, string(marked), 64)
	if err != nil {
		t.Fatal(err)
	}
	if rest != "tail" {
		t.Errorf("rest %q, want the bytes after the stream", rest)
	}
	n := 0
	for k := 0; k < 8*len(marked); k++ {
		row := out[k*columns : (k+1)*columns]
		if marked[k>>3]&(1<<(k&7)) == 0 {
			if !bytes.Equal(row, bytes.Repeat([]byte{0xee}, columns)) {
				t.Fatalf("unmarked row %d written: % x", k, row)
			}
			continue
		}
		for c := range columns {
			if want := data[n*columns+c] - 64; row[c] != want {
				t.Fatalf("row %d column %d = %d, want %d", k, c, row[c], want)
			}
		}
		n++
	}
	for _, tc := range []struct {
		name   string
		marked []byte
	}{
		{"one row more", func() []byte { m := bytes.Clone(marked); m = append(m, 1); return m }()},
		{"one row fewer", func() []byte {
			m := bytes.Clone(marked)
			for i := range m {
				if m[i] != 0 {
					m[i] &= m[i] - 1
					break
				}
			}
			return m
		}()},
	} {
		out := make([]byte, 8*len(tc.marked)*columns)
		if _, err := DecodeMarked(out, enc, columns, string(tc.marked), 64); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, err := DecodeMarked(make([]byte, 7), enc, columns, string(marked), 64); err == nil {
		t.Error("an output of the wrong size: no error")
	}
}

// TestNearEntropy checks that the coded size is within 1% of the data's
// order-0 entropy per column (plus its small tables): the point of coding
// the weights at all.
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
