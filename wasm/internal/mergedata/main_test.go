package main

import (
	"bytes"
	"os"
	"testing"
)

// image is the memory the module's data segments give, and its other
// sections in order.
func image(t *testing.T, m []byte) (mem []byte, others [][]byte) {
	t.Helper()
	for p := 8; p < len(m); {
		id := m[p]
		n, k := uleb(m[p+1:])
		body := m[p+1+k : p+1+k+int(n)]
		p += 1 + k + int(n)
		if id != 11 {
			others = append(others, append([]byte{id}, body...))
			continue
		}
		segs, err := readData(body)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range segs {
			if end := int(s.off) + len(s.data); end > len(mem) {
				mem = append(mem, make([]byte, end-len(mem))...)
			}
			copy(mem[s.off:], s.data)
		}
	}
	return mem, others
}

// module is a module of a data count section and data segments segs.
func module(segs []segment) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	dc := appendUleb(nil, uint64(len(segs)))
	m = append(m, 12, byte(len(dc)))
	m = append(m, dc...)
	d := writeData(segs)
	m = append(m, 11)
	m = appendUleb(m, uint64(len(d)))
	return append(m, d...)
}

func TestMergeKeepsMemory(t *testing.T) {
	segs := []segment{{0, []byte("ab")}, {2, []byte("c")}, {10, []byte("d")}, {5000, []byte("e")}, {5001, []byte("fgh")}, {1 << 20, []byte("i")}}
	in := module(segs)
	out, err := merge(in, 1024)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := readData(out[len(out)-len(writeData(mergeSegments(append([]segment(nil), segs...), 1024))):])
	if len(got) != 3 {
		t.Errorf("%d segments, want 3 (0-10, 5000-5003, 1 MiB)", len(got))
	}
	if n, _ := uleb(out[10:]); n != 3 {
		t.Errorf("data count %d, want 3", n)
	}
	memIn, _ := image(t, in)
	memOut, _ := image(t, out)
	if !bytes.Equal(memIn, memOut) {
		t.Error("merged segments give another memory")
	}
	for _, bad := range [][]byte{nil, []byte("\x00asm"), module(segs)[:len(in)-1]} {
		if _, err := merge(bad, 1024); err == nil {
			t.Errorf("merge(% x...) gave no error", bad[:min(len(bad), 12)])
		}
	}
}

// TestScannerModule checks the built module, if there is one: merging it
// again changes nothing, and its memory and other sections are those of
// the module split at every gap.
func TestScannerModule(t *testing.T) {
	m, err := os.ReadFile("../../../host/wasmhost/module/scanner.wasm")
	if err != nil {
		t.Skip("no scanner.wasm built (make wasm)")
	}
	again, err := merge(m, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, m) {
		t.Error("merging the built module again changes it: was it merged (make wasm)?")
	}
	split, err := merge(m, -1)
	if err != nil {
		t.Fatal(err)
	}
	mem1, o1 := image(t, m)
	mem2, o2 := image(t, split)
	if !bytes.Equal(mem1, mem2) || len(o1) != len(o2) {
		t.Error("the module's memory or sections differ from its unmerged form")
	}
}
