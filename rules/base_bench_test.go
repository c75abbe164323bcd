package rules

import "testing"

// BenchmarkCompileBase measures compiling the embedded packs and tables,
// which the WebAssembly module does once when it starts.
func BenchmarkCompileBase(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := compileBase(); err != nil {
			b.Fatal(err)
		}
	}
}
