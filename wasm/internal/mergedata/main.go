// Command mergedata rewrites a WebAssembly module's data section with its
// active segments merged wherever the gap between two is at most -gap bytes
// (filled with zeros): the memory the module starts with is unchanged.
//
//	go run ./wasm/internal/mergedata [-gap 1024] scanner.wasm
//
// Go's linker splits the data into a segment at every run of zero bytes
// (33,000 segments for the scanner), and each segment's header (its memory
// offset and length, 6-8 bytes that gzip can do little with) cost the
// gzipped module about 55 KB; merged, the runs of zeros cost almost nothing
// gzipped. The module is rewritten in place; every other section is copied
// as it is.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	gap := flag.Int("gap", 1024, "merge segments at most this many bytes apart")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: mergedata [-gap N] module.wasm")
		os.Exit(2)
	}
	path := flag.Arg(0)
	in, err := os.ReadFile(path)
	if err == nil {
		var out []byte
		if out, err = merge(in, *gap); err == nil {
			err = os.WriteFile(path, out, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mergedata: "+path+": "+err.Error())
		os.Exit(1)
	}
}

// segment is an active data segment of memory 0 at a constant offset.
type segment struct {
	off  uint32
	data []byte
}

// merge returns the module m with its data segments merged across gaps of
// at most gap bytes.
func merge(m []byte, gap int) ([]byte, error) {
	if len(m) < 8 || string(m[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly module")
	}
	out := append([]byte(nil), m[:8]...)
	nseg := -1 // the merged segments' number, once the data section is read
	for p := 8; p < len(m); {
		start, id := p, m[p]
		n, k := uleb(m[p+1:])
		if k == 0 || uint64(len(m)-p-1-k) < n {
			return nil, errors.New("truncated section")
		}
		body := m[p+1+k : p+1+k+int(n)]
		p += 1 + k + int(n)
		if id != 11 {
			// The data count section (12), if any, comes before the
			// data section: fixed after the loop.
			out = append(out, m[start:p]...)
			continue
		}
		segs, err := readData(body)
		if err != nil {
			return nil, err
		}
		segs = mergeSegments(segs, gap)
		nseg = len(segs)
		body = writeData(segs)
		out = append(out, id)
		out = appendUleb(out, uint64(len(body)))
		out = append(out, body...)
	}
	if nseg < 0 {
		return nil, errors.New("no data section")
	}
	return fixDataCount(out, nseg)
}

// readData reads a data section of active segments of memory 0, each at an
// i32.const offset: the only form Go's linker writes.
func readData(b []byte) ([]segment, error) {
	count, k := uleb(b)
	if k == 0 {
		return nil, errors.New("truncated data section")
	}
	b = b[k:]
	segs := make([]segment, 0, count)
	for range count {
		if len(b) < 2 || b[0] != 0 || b[1] != 0x41 {
			return nil, errors.New("a data segment that is not active at an i32.const offset")
		}
		off, k := sleb32(b[2:])
		if k == 0 || off < 0 || len(b) < 3+k || b[2+k] != 0x0b {
			return nil, errors.New("a data segment's offset is malformed")
		}
		b = b[3+k:]
		n, k := uleb(b)
		if k == 0 || uint64(len(b)-k) < n {
			return nil, errors.New("truncated data segment")
		}
		segs = append(segs, segment{off: uint32(off), data: b[k : k+int(n)]})
		b = b[k+int(n):]
	}
	if len(b) != 0 {
		return nil, errors.New("bytes after the last data segment")
	}
	return segs, nil
}

// mergeSegments merges each segment into the one before when it starts at
// most gap bytes after that one's end (none when gap is negative).
func mergeSegments(segs []segment, gap int) []segment {
	var out []segment
	for _, s := range segs {
		if len(out) > 0 && gap >= 0 {
			last := &out[len(out)-1]
			end := uint64(last.off) + uint64(len(last.data))
			if uint64(s.off) >= end && uint64(s.off)-end <= uint64(gap) {
				last.data = append(append(last.data, make([]byte, uint64(s.off)-end)...), s.data...)
				continue
			}
		}
		// A copy, which the segments merged into it then extend, never
		// the module's own bytes.
		out = append(out, segment{s.off, append([]byte(nil), s.data...)})
	}
	return out
}

func writeData(segs []segment) []byte {
	b := appendUleb(nil, uint64(len(segs)))
	for _, s := range segs {
		b = append(b, 0, 0x41)
		b = appendSleb(b, int64(s.off))
		b = append(b, 0x0b)
		b = appendUleb(b, uint64(len(s.data)))
		b = append(b, s.data...)
	}
	return b
}

// fixDataCount sets the data count section, if the module has one, to n.
func fixDataCount(m []byte, n int) ([]byte, error) {
	for p := 8; p < len(m); {
		id := m[p]
		size, k := uleb(m[p+1:])
		if id == 12 {
			body := appendUleb(nil, uint64(n))
			out := append([]byte(nil), m[:p+1]...)
			out = appendUleb(out, uint64(len(body)))
			out = append(out, body...)
			return append(out, m[p+1+k+int(size):]...), nil
		}
		p += 1 + k + int(size)
	}
	return m, nil
}

// uleb reads an unsigned LEB128 number; k is 0 if b holds none.
func uleb(b []byte) (v uint64, k int) {
	for s := uint(0); k < len(b) && s < 64; s += 7 {
		c := b[k]
		k++
		v |= uint64(c&0x7f) << s
		if c < 0x80 {
			return v, k
		}
	}
	return 0, 0
}

// sleb32 reads a signed LEB128 number of at most 32 bits; k is 0 if b
// holds none.
func sleb32(b []byte) (v int64, k int) {
	s := uint(0)
	for k < len(b) && k < 5 {
		c := b[k]
		k++
		v |= int64(c&0x7f) << s
		s += 7
		if c < 0x80 {
			if c&0x40 != 0 {
				v |= -1 << s
			}
			return v, k
		}
	}
	return 0, 0
}

func appendUleb(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendSleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
