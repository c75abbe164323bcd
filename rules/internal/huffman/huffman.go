// Package huffman stores the learned model's weights in about the fewest
// bits their frequencies allow: canonical Huffman codes, one table per
// column of an interleaved stream of bytes (the model's outputs), read
// least-significant bit first. gzip, which the module's size budget
// measures, leaves the weight bytes some 12% above their order-0 entropy;
// coded here they are within a fraction of a percent of it.
//
// Encode writes, for each column, the number of symbols with a code
// (uvarint) and each one's byte and code length; then the stream's length
// in bits (uvarint); then the bits. Decode checks every part: a damaged
// stream gives an error, never a panic or a read past its end.
package huffman

import (
	"container/heap"
	"errors"
	"math/bits"
	"sort"
	"strconv"
)

// MaxLen is the longest code: decoding looks a symbol up in a table of
// 1<<MaxLen entries per column, and five columns' codes fit in the 56
// bits one load gives.
const MaxLen = 11

// Encode codes data, whose byte i belongs to column i%columns, with one
// code per column.
func Encode(data []byte, columns int) []byte {
	var out []byte
	codes := make([][256]code, columns)
	for c := range columns {
		var freq [256]int
		for i := c; i < len(data); i += columns {
			freq[data[i]]++
		}
		lens := lengths(freq[:], MaxLen)
		codes[c] = canonical(lens)
		n := 0
		for _, l := range lens {
			if l > 0 {
				n++
			}
		}
		out = appendUvarint(out, uint64(n))
		for s, l := range lens {
			if l > 0 {
				out = append(out, byte(s), byte(l))
			}
		}
	}
	total := 0
	for i, b := range data {
		total += int(codes[i%columns][b].len)
	}
	out = appendUvarint(out, uint64(total))
	var acc uint64
	var n uint
	for i, b := range data {
		k := codes[i%columns][b]
		acc |= uint64(k.bits) << n
		n += uint(k.len)
		for n >= 8 {
			out = append(out, byte(acc))
			acc >>= 8
			n -= 8
		}
	}
	if n > 0 {
		out = append(out, byte(acc))
	}
	return out
}

// Decode reads count bytes coded by Encode with columns columns from the
// start of src and returns them and the rest of src.
func Decode(src string, count, columns int) ([]byte, string, error) {
	if columns <= 0 || count < 0 {
		return nil, "", errors.New("no columns")
	}
	out := make([]byte, count)
	rest, err := DecodeTo(out, src, columns)
	if err != nil {
		return nil, "", err
	}
	return out, rest, nil
}

// DecodeTo is Decode into out, len(out) bytes, for a caller that wants
// them inside a buffer of its own.
func DecodeTo(out []byte, src string, columns int) (string, error) {
	return DecodeRows(out, src, columns, 0)
}

// DecodeRows is DecodeTo with each symbol less sub (mod 256): the model
// stores its int8 weights plus 64, which gzip likes, and wants the int8s
// back. It returns the bytes of src after the stream; a stream with more
// or fewer symbols than out holds is an error.
func DecodeRows(out []byte, src string, columns int, sub byte) (string, error) {
	if columns <= 0 {
		return "", errors.New("no columns")
	}
	tables, stream, rest, nbits, err := readHeader(src, columns)
	if err != nil {
		return "", err
	}
	r := bitReader{stream: stream, fast: columns*MaxLen <= 56}
	for row := 0; row < len(out); row += columns {
		switch c, bad := r.row(out[row:min(row+columns, len(out))], tables, sub); bad {
		case noCode:
			return "", errors.New("no code matches the bits at symbol " + strconv.Itoa(row+c))
		case streamEnds:
			return "", errors.New("coded stream ends at symbol " + strconv.Itoa(row+c))
		}
	}
	if err := r.check(nbits); err != nil {
		return "", err
	}
	return rest, nil
}

// bitReader reads a coded stream's symbols, a row (one per column) at a
// time, for DecodeRows.
type bitReader struct {
	stream string
	acc    uint64 // bits not yet used, the next one lowest
	have   uint   // how many bits acc holds
	pos    int    // next byte of stream to load
	used   uint64 // bits decoded
	// fast: a row's codes fit in the 56 bits one eight-byte load gives,
	// so a row decodes with no refill away from the stream's end.
	fast bool
}

// The ways a row fails to decode.
const (
	noCode     = 1 + iota // no code matches the next bits
	streamEnds            // the stream ends inside a code
)

// row decodes len(dst) symbols, one with each of tables in turn, into dst,
// each less sub (mod 256). On failure it returns the column and why.
func (r *bitReader) row(dst []byte, tables [][]uint16, sub byte) (col, bad int) {
	if r.fast && r.pos+8 <= len(r.stream) {
		r.acc |= le64(r.stream[r.pos:]) << r.have
		r.pos += int((63 - r.have) >> 3)
		r.have |= 56
	}
	acc, have, pos, used := r.acc, r.have, r.pos, r.used
	for c := range dst {
		for have < MaxLen && pos < len(r.stream) {
			acc |= uint64(r.stream[pos]) << have
			have += 8
			pos++
		}
		e := tables[c][acc&(1<<MaxLen-1)]
		l := uint(e >> 8)
		if l == 0 {
			return c, noCode
		}
		if l > have {
			return c, streamEnds
		}
		dst[c] = byte(e) - sub
		acc >>= l
		have -= l
		used += uint64(l)
	}
	r.acc, r.have, r.pos, r.used = acc, have, pos, used
	return 0, 0
}

// check reports whether the rows decoded used the stream's nbits exactly.
func (r *bitReader) check(nbits uint64) error {
	if r.used != nbits {
		return errors.New("coded stream holds " + strconv.FormatUint(nbits, 10) + " bits, its symbols " + strconv.FormatUint(r.used, 10))
	}
	return nil
}

// readHeader reads a coded block's code tables, one per column, and the
// length of its coded stream: it returns the tables, the stream and the
// bytes of src after it.
func readHeader(src string, columns int) (tables [][]uint16, stream, rest string, nbits uint64, err error) {
	tables = make([][]uint16, columns)
	for c := range tables {
		n, k := Uvarint(src)
		if k <= 0 || n > 256 || uint64(len(src)-k) < 2*n {
			return nil, "", "", 0, errors.New("code table " + strconv.Itoa(c) + " truncated")
		}
		var lens [256]uint8
		for i := range int(n) {
			s, l := src[k+2*i], src[k+2*i+1]
			if l == 0 || l > MaxLen || lens[s] != 0 {
				return nil, "", "", 0, errors.New("code table " + strconv.Itoa(c) + " is malformed")
			}
			lens[s] = l
		}
		src = src[k+2*int(n):]
		t, err := table(lens[:])
		if err != nil {
			return nil, "", "", 0, errors.New("code table " + strconv.Itoa(c) + ": " + err.Error())
		}
		tables[c] = t
	}
	nbits, k := Uvarint(src)
	if k <= 0 || uint64(len(src)-k) < (nbits+7)/8 {
		return nil, "", "", 0, errors.New("coded stream truncated")
	}
	stream = src[k : k+int((nbits+7)/8)]
	rest = src[k+len(stream):]
	return tables, stream, rest, nbits, nil
}

// code is one symbol's code: its bits in the order they are written
// (first bit lowest) and its length.
type code struct {
	bits uint16
	len  uint8
}

// canonical gives each symbol with a length its canonical code: shorter
// codes first, and within a length, in the order of the symbols.
func canonical(lens []uint8) [256]code {
	var codes [256]code
	var count [MaxLen + 1]int
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [MaxLen + 2]int
	c := 0
	for l := 1; l <= MaxLen; l++ {
		c = (c + count[l-1]) << 1
		next[l] = c
	}
	for s, l := range lens {
		if l > 0 {
			v := next[l]
			next[l]++
			codes[s] = code{bits: uint16(bits.Reverse16(uint16(v)) >> (16 - l)), len: l}
		}
	}
	return codes
}

// table is the decoding table of a code: entry i is the symbol whose code
// the low bits of i start with, and its length in the high byte (zero if
// none does). An over-full code is an error; one with room left over
// (a single symbol, or damage) leaves entries at zero, which Decode
// reports if the stream reaches them.
func table(lens []uint8) ([]uint16, error) {
	kraft := 0
	for _, l := range lens {
		if l > 0 {
			kraft += 1 << (MaxLen - l)
		}
	}
	if kraft > 1<<MaxLen {
		return nil, errors.New("the code lengths are over-full")
	}
	codes := canonical(lens)
	t := make([]uint16, 1<<MaxLen)
	for s, k := range codes {
		if k.len == 0 {
			continue
		}
		for i := int(k.bits); i < len(t); i += 1 << k.len {
			t[i] = uint16(s) | uint16(k.len)<<8
		}
	}
	return t, nil
}

// lengths gives Huffman code lengths for freq, none over limit: if the
// optimal code is too deep, the rarest symbols' counts are raised
// (halving every count, but never to zero) until it fits. A single symbol
// gets length 1.
func lengths(freq []int, limit int) []uint8 {
	f := append([]int(nil), freq...)
	for {
		lens := huffman(f)
		deepest := 0
		for _, l := range lens {
			deepest = max(deepest, int(l))
		}
		if deepest <= limit {
			return lens
		}
		for i, x := range f {
			if x > 0 {
				f[i] = max(1, x/2)
			}
		}
	}
}

// huffman gives optimal code lengths for freq (zero for absent symbols).
func huffman(freq []int) []uint8 {
	lens := make([]uint8, len(freq))
	var h nodes
	for s, x := range freq {
		if x > 0 {
			h = append(h, &node{weight: x, sym: s})
		}
	}
	switch len(h) {
	case 0:
		return lens
	case 1:
		lens[h[0].sym] = 1
		return lens
	}
	// Ties broken by symbol keep the lengths the same on every machine.
	sort.Slice(h, func(i, j int) bool { return h.Less(i, j) })
	heap.Init(&h)
	for h.Len() > 1 {
		a, b := heap.Pop(&h).(*node), heap.Pop(&h).(*node)
		heap.Push(&h, &node{weight: a.weight + b.weight, sym: min(a.sym, b.sym), kids: [2]*node{a, b}})
	}
	var walk func(n *node, depth uint8)
	walk = func(n *node, depth uint8) {
		if n.kids[0] == nil {
			lens[n.sym] = depth
			return
		}
		walk(n.kids[0], depth+1)
		walk(n.kids[1], depth+1)
	}
	walk(h[0], 0)
	return lens
}

type node struct {
	weight, sym int
	kids        [2]*node
}

type nodes []*node

func (h nodes) Len() int { return len(h) }
func (h nodes) Less(i, j int) bool {
	return h[i].weight < h[j].weight || h[i].weight == h[j].weight && h[i].sym < h[j].sym
}
func (h nodes) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *nodes) Push(x any)   { *h = append(*h, x.(*node)) }
func (h *nodes) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func appendUvarint(b []byte, x uint64) []byte {
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}

// Uvarint reads an unsigned varint (encoding/binary's format) from the
// start of s and returns it and the bytes it took, or -1 if s ends first
// or it runs past ten bytes. The model file's header reads its settings'
// length with it too: encoding/binary would bring reflect into the module.
func Uvarint(s string) (uint64, int) {
	var x uint64
	var sh uint
	for i := 0; i < len(s) && i < 10; i++ {
		b := s[i]
		x |= uint64(b&0x7f) << sh
		if b < 0x80 {
			return x, i + 1
		}
		sh += 7
	}
	return 0, -1
}
