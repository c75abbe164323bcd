package wasmhost

import (
	"context"
	"testing"
)

// BenchmarkScanEmpty measures the fixed cost of one call into the module.
func BenchmarkScanEmpty(b *testing.B) {
	s := newBenchScanner(b, 1)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ScanJSON(ctx, "ok"); err != nil {
			b.Fatal(err)
		}
	}
}
