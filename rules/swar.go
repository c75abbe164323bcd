package rules

import "math/bits"

// The tokenizer reads ASCII text eight bytes at a time ("SIMD within a
// register"): one 64-bit word tells which of eight bytes are letters,
// digits and upper-case letters, so the end of a word is found with a
// trailing-zero count instead of a branch per byte, and the word's hash and
// its table key compare use the same 64-bit chunks.

const (
	hi8   = 0x8080808080808080 // bit 7 of every byte
	lo8   = 0x0101010101010101
	case8 = 0x2020202020202020 // OR-ed in, it lower-cases ASCII letters
)

// le64 returns the first eight bytes of b (at least eight long) as a
// little-endian word; small enough to inline, and the compiler turns it into
// one load where it can.
func le64[T string | []byte](b T) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// load8 returns the eight bytes of s at i as a little-endian word; past the
// end of s the bytes are zero (a zero byte is never part of a word).
func load8(s string, i int) uint64 {
	if i+8 <= len(s) {
		return le64(s[i : i+8])
	}
	var x uint64
	for k := len(s) - 1; k >= i; k-- {
		x = x<<8 | uint64(s[k])
	}
	return x
}

// classify8 marks (with bit 7) the bytes of x that are ASCII letters,
// digits and upper-case letters. Bit 7 is cleared before the additions so
// no byte carries into the next, and non-ASCII bytes are masked out after.
func classify8(x uint64) (alpha, digit, upper uint64) {
	y := x &^ hi8
	l := y | case8
	ascii := ^x & hi8
	alpha = (l + 0x1f*lo8) &^ (l + 0x05*lo8) & ascii // 'a' <= l <= 'z'
	digit = (y + 0x50*lo8) &^ (y + 0x46*lo8) & ascii // '0' <= y <= '9'
	upper = alpha &^ (y << 2)                        // bit 5 (lower case) clear
	return
}

// wordLen8 is the number of leading bytes of x, up to 8, in word (bits
// from classify8).
func wordLen8(word uint64) int {
	return bits.TrailingZeros64(^word&hi8) >> 3
}

// prefix8 masks the first k bytes of a word (k <= 8).
func prefix8(k int) uint64 { return uint64(1)<<(8*uint(k)) - 1 }

const (
	hashSeed = 0x9e3779b97f4a7c15
	hashMul  = 0xbf58476d1ce4e5b9
)

// hashChunk mixes eight lower-cased bytes into h.
func hashChunk(h, x uint64) uint64 {
	h = (h ^ x) * hashMul
	return h ^ h>>31
}

func hashFinish(h uint64, n int) uint64 {
	h = (h ^ uint64(n)) * hashSeed
	return h ^ h>>32
}

// hashWord hashes a word eight bytes at a time with every byte OR-ed with
// 0x20, which lower-cases ASCII letters and keeps digits: a word as typed
// and its lower-case key (what the tables hold) hash alike, and the
// tokenizer computes the same value from the chunks it already loaded.
// Other bytes may collide after the OR; the tables compare keys.
func hashWord[T string | []byte](w T) uint64 {
	h := uint64(hashSeed)
	n := len(w)
	i := 0
	for ; i+8 <= n; i += 8 {
		h = hashChunk(h, le64(w[i:i+8])|case8)
	}
	if i < n {
		h = hashChunk(h, keyWord(w[i:]))
	}
	return hashFinish(h, n)
}

// keyWord is the first eight bytes of a word OR-ed with 0x20, zero-padded:
// for a word of at most eight ASCII letters and digits it is the whole word
// folded to lower case.
func keyWord[T string | []byte](w T) uint64 {
	var x uint64
	for k := min(len(w), 8) - 1; k >= 0; k-- {
		x = x<<8 | uint64(w[k]|0x20)
	}
	return x
}
