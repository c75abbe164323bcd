package wasmhost

import (
	"context"
	"strings"
	"testing"
)

// benchPost is a ~3,000-character post: prose with a few identifiers.
var benchPost = func() string {
	paras := []string{
		"Twelve-hour night shift on the cardiac step-down unit, and I keep thinking about how much of this job is listening. ",
		"My patient John Smith, MRN 44120931, was discharged today from room 214; his daughter said to call 555-201-7788 with any questions. ",
		"We talked for a long time about his garden, the tomatoes he grows every summer and the neighbour who waters them when he is away. ",
		"To every new grad reading this: chart as you go, ask for help early, drink water, and never skip your own meal break if you can help it. ",
		"The evidence on early mobility after surgery keeps getting stronger, and our unit protocol was updated last month to reflect it. ",
		"Grateful for this team, for the respiratory therapists who came running at 3 a.m., and for the pharmacist who caught a dosing error. ",
	}
	var b strings.Builder
	for b.Len() < 3000 {
		for _, p := range paras {
			b.WriteString(p)
		}
	}
	return b.String()[:3000]
}()

// benchProse is 256 KiB of the same prose, for throughput.
var benchProse = strings.Repeat(benchPost, 256<<10/len(benchPost))

func newBenchScanner(b *testing.B, instances int) *Scanner {
	b.Helper()
	s, err := New(context.Background(), Config{Instances: instances, CacheDir: cacheDir})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// BenchmarkNewInstance measures starting one more module instance
// (instantiate + _initialize + the ABI check) on a compiled module.
func BenchmarkNewInstance(b *testing.B) {
	s := newBenchScanner(b, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		in, err := s.newInstance(ctx)
		if err != nil {
			b.Fatal(err)
		}
		in.mod.Close(ctx)
	}
}

// BenchmarkNew measures New with a warm compilation cache: what a command
// pays at start-up.
func BenchmarkNew(b *testing.B) {
	ctx := context.Background()
	newBenchScanner(b, 1) // fill the cache
	b.ReportAllocs()
	for b.Loop() {
		s, err := New(ctx, Config{Instances: 1, CacheDir: cacheDir})
		if err != nil {
			b.Fatal(err)
		}
		s.Close(ctx)
	}
}

// benchScan runs scan over text once per iteration, with text's length as
// the bytes per op.
func benchScan[R any](b *testing.B, text string, scan func(context.Context, string) (R, error)) {
	ctx := context.Background()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scan(ctx, text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScan3000 scans a 3,000-character post through the module.
func BenchmarkScan3000(b *testing.B) { benchScan(b, benchPost, newBenchScanner(b, 1).Scan) }

// BenchmarkScanJSON3000 is Scan without decoding the JSON on the host.
func BenchmarkScanJSON3000(b *testing.B) { benchScan(b, benchPost, newBenchScanner(b, 1).ScanJSON) }

// BenchmarkNativeScan3000 is the same post through the native engine, for
// the wasm/native ratio.
func BenchmarkNativeScan3000(b *testing.B) {
	n, err := newNative(nil)
	if err != nil {
		b.Fatal(err)
	}
	benchScan(b, benchPost, n.Scan)
}

// BenchmarkThroughput scans 256 KiB of prose per op; MB/s is the figure.
func BenchmarkThroughput(b *testing.B) { benchScan(b, benchProse, newBenchScanner(b, 1).ScanJSON) }

// BenchmarkParallelScan3000 scans from every CPU through the pool.
func BenchmarkParallelScan3000(b *testing.B) {
	s := newBenchScanner(b, 0)
	ctx := context.Background()
	// Start every instance before timing.
	var ins []*instance
	for range cap(s.slots) {
		in, err := s.acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		ins = append(ins, in)
	}
	for _, in := range ins {
		s.put(in)
	}
	b.SetBytes(int64(len(benchPost)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Scan(ctx, benchPost); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
