package wasmhost

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/rules"

	"github.com/discreet-health/discreet/host/internal/testutil"
)

// cacheDir is one compilation cache for the whole test run, so only the
// first scanner compiles the module.
var cacheDir string

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "wasmhost-cache")
	if err != nil {
		panic(err)
	}
	cacheDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

func newTestScanner(t testing.TB, instances int) *Scanner {
	t.Helper()
	ctx := context.Background()
	s, err := New(ctx, Config{Instances: instances, CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	return s
}

func TestModuleEmbedded(t *testing.T) {
	b, err := Module()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		t.Fatalf("Module() does not start with the wasm magic: % x", b[:min(8, len(b))])
	}
}

func TestNewRejectsBadModules(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		module []byte
		want   string
	}{
		"not wasm": {[]byte("hello, world"), "compiling the scanner module"},
		// The smallest valid module: magic and version, no exports.
		"empty module": {[]byte("\x00asm\x01\x00\x00\x00"), "does not export _initialize"},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := New(ctx, Config{Module: tc.module, CacheDir: t.TempDir()})
			if err == nil {
				s.Close(ctx)
				t.Fatal("New accepted a module that is not a scanner")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestScanPatientPost(t *testing.T) {
	s := newTestScanner(t, 1)
	r, err := s.Scan(context.Background(), testutil.PatientPost)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckSpans(t, testutil.PatientPost, r)
	type got struct{ Rule, Text, Severity string }
	var have []got
	for _, f := range r.Findings {
		have = append(have, got{f.Rule, testutil.PatientPost[f.Start:f.End], string(f.Severity)})
	}
	for _, w := range []got{
		{"privacy.name", "John Smith", "block"},
		{"privacy.room", "room 214", "block"},
		{"privacy.phone", "555-201-7788", "block"},
	} {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			t.Errorf("no finding %+v; findings: %+v", w, have)
		}
	}
	mrn := false
	for _, h := range have {
		mrn = mrn || (h.Rule == "privacy.mrn" && strings.Contains(h.Text, "44120931"))
	}
	if !mrn {
		t.Errorf("no privacy.mrn finding covering 44120931; findings: %+v", have)
	}
	if r.Summary.Risk != "block" || !r.Summary.Intercept {
		t.Errorf("summary %+v, want risk block and intercept", r.Summary)
	}
}

func TestScanJSONMatchesScan(t *testing.T) {
	s := newTestScanner(t, 1)
	ctx := context.Background()
	raw, err := s.ScanJSON(ctx, testutil.PatientPost)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Scan(ctx, testutil.PatientPost)
	if err != nil {
		t.Fatal(err)
	}
	// The module's JSON is exactly what the rules package writes for the
	// decoded result.
	if diff := cmp.Diff(string(rules.AppendResultJSON(nil, r)), string(raw)); diff != "" {
		t.Errorf("ScanJSON differs from the re-encoded Scan result (-reencoded +raw):\n%s", diff)
	}
}

func TestConfigure(t *testing.T) {
	s := newTestScanner(t, 2)
	ctx := context.Background()
	info, err := s.Configure(ctx, []byte(testutil.TermPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "Test policy" || info.Version != "3" {
		t.Errorf("policy info %+v, want name %q version %q", info, "Test policy", "3")
	}
	text := "Use the zebra crossing, people."
	assertTerm := func(when string) {
		t.Helper()
		r, err := s.Scan(ctx, text)
		if err != nil {
			t.Fatal(err)
		}
		testutil.CheckSpans(t, text, r)
		for _, f := range r.Findings {
			if f.Message == "test term" && text[f.Start:f.End] == "zebra crossing" && f.Severity == rules.Warn && f.Category == rules.Conduct {
				return
			}
		}
		t.Errorf("%s: the custom term gave no finding: %+v", when, r.Findings)
	}
	assertTerm("after Configure")

	for name, tc := range map[string]struct{ policy, field string }{
		"bad category": {`{"name":"Bad","terms":[{"phrase":"x","category":"gossip","message":"m"}]}`, "terms[0].category"},
		"bad pattern":  {`{"name":"Bad","record_formats":[{"name":"r","pattern":"(("}]}`, "record_formats[0].pattern"},
		"unknown key":  {`{"name":"Bad","colour":"red"}`, "colour"},
		"not json":     {`{"name":`, ""},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Configure(ctx, []byte(tc.policy))
			if err == nil {
				t.Fatal("Configure accepted a bad policy")
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %q does not name the field %q", err, tc.field)
			}
			var ae *answerError
			if !errors.As(err, &ae) {
				t.Errorf("error %v is not an error answer from the module", err)
			}
			// The old policy stays, on every instance.
			c, err := s.catalog(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if c.Policy.Name != "Test policy" {
				t.Errorf("after a bad policy the policy in force is %q, want the previous one", c.Policy.Name)
			}
			assertTerm("after a bad policy")
		})
	}

	if info, err = s.Configure(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if info.Name != "" {
		t.Errorf("defaults have name %q", info.Name)
	}
}

// TestConfigureReachesEveryInstance holds every instance of the pool at
// once and asks each for its policy.
func TestConfigureReachesEveryInstance(t *testing.T) {
	const n = 4
	s := newTestScanner(t, n)
	ctx := context.Background()
	holdAll := func(f func(in *instance)) {
		var ins []*instance
		for range n {
			in, err := s.acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			ins = append(ins, in)
		}
		for _, in := range ins {
			f(in)
			s.put(in)
		}
	}
	holdAll(func(*instance) {}) // start all n instances
	if _, err := s.Configure(ctx, []byte(testutil.TermPolicy)); err != nil {
		t.Fatal(err)
	}
	seen := 0
	holdAll(func(in *instance) {
		seen++
		c, err := in.catalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Policy.Name != "Test policy" {
			t.Errorf("an instance runs policy %q after Configure", c.Policy.Name)
		}
	})
	if seen != n {
		t.Errorf("held %d instances, want %d", seen, n)
	}
}

func TestConcurrentScans(t *testing.T) {
	s := newTestScanner(t, 4)
	ctx := context.Background()
	if _, err := s.Configure(ctx, []byte(testutil.TermPolicy)); err != nil {
		t.Fatal(err)
	}
	texts := []string{
		testutil.PatientPost,
		"Great zebra crossing talk at the conference today!",
		"🏥💉 Pt Ana Ruiz 92yo in bed 4 — tough night 😭 #nursing",
		"今天在医院 my patient 张伟, DOB 03/04/1961, room 12",
		"שלום patient Miriam Cohen, 555-0134, ward 3B",
		"",
	}
	want := make([]rules.Result, len(texts))
	for i, x := range texts {
		var err error
		if want[i], err = s.Scan(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := range 32 {
		wg.Go(func() {
			for k := range 12 {
				i := (g + k) % len(texts)
				got, err := s.Scan(ctx, texts[i])
				if err != nil {
					errs <- err
					return
				}
				if diff := cmp.Diff(want[i], got); diff != "" {
					errs <- fmt.Errorf("text %d scanned concurrently differs (-alone +concurrent):\n%s", i, diff)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s.mu.Lock()
	idle := len(s.idle)
	s.mu.Unlock()
	if idle < 1 || idle > 4 {
		t.Errorf("%d idle instances after the scans, want 1..4", idle)
	}
}

// TestTrapReplacesInstance runs the real module with a small memory limit
// and feeds it a text it cannot allocate: the Go runtime in the module dies
// of out-of-memory. The scan must fail with an error, and the next scan must
// run on a fresh instance that still has the configured policy.
func TestTrapReplacesInstance(t *testing.T) {
	ctx := context.Background()
	// The limit leaves 16 MiB above what a fresh instance uses, so the
	// instance starts but cannot hold a 64 MiB text.
	probe := newTestScanner(t, 1)
	probe.mu.Lock()
	used := probe.idle[0].mem.Size()
	probe.mu.Unlock()
	limitPages := used/65536 + 256
	t.Logf("a fresh instance uses %d MiB; limit %d MiB", used>>20, limitPages>>4)
	s, err := newScanner(ctx, Config{Instances: 1, CacheDir: cacheDir}, limitPages)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if _, err := s.Configure(ctx, []byte(testutil.TermPolicy)); err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("a", 64<<20)
	if _, err := s.Scan(ctx, huge); err == nil {
		t.Fatal("a scan beyond the memory limit succeeded")
	} else if te := (*TrapError)(nil); !errors.As(err, &te) || !strings.Contains(err.Error(), "instance was replaced") {
		t.Errorf("error %q is not a TrapError saying the instance was replaced", err)
	}
	s.mu.Lock()
	idle := len(s.idle)
	s.mu.Unlock()
	if idle != 0 {
		t.Errorf("the failed instance went back to the pool (%d idle)", idle)
	}
	for range 3 { // the one slot must be free again: no deadlock, no leak
		c, err := s.catalog(ctx)
		if err != nil {
			t.Fatalf("scan after the trap: %v", err)
		}
		if c.Policy.Name != "Test policy" {
			t.Errorf("the replacement instance runs policy %q, want the configured one", c.Policy.Name)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	s := newTestScanner(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Scan(ctx, testutil.PatientPost); !errors.Is(err, context.Canceled) {
		t.Errorf("a scan with a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := s.Scan(context.Background(), testutil.PatientPost); err != nil {
		t.Errorf("scan after a cancelled one: %v", err)
	}
}

func TestInvalidUTF8(t *testing.T) {
	s := newTestScanner(t, 1)
	ctx := context.Background()
	for _, text := range []string{
		"\xff\xfe My patient John Smith \xc3 room 214 \xe2\x82",
		"Call 555-201-7788\x80\x80 now",
		"\xed\xa0\x80 surrogate half, MRN 44120931",
		"\x00\x01 control bytes, John Smith",
		"\xf0\x9f\x8f", // a cut emoji, alone
	} {
		r, err := s.Scan(ctx, text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		testutil.CheckSpans(t, text, r)
	}
}

func TestLargeText(t *testing.T) {
	s := newTestScanner(t, 1)
	ctx := context.Background()
	// About 1 KiB of prose with one phone number, repeated to 1 MiB.
	para := strings.Repeat("Long day in clinic, grateful for a team that keeps showing up for each other. ", 12) +
		"Questions about the flu clinic? Call 555-201-7788 and ask for the front desk. "
	n := (1 << 20) / len(para)
	text := strings.Repeat(para, n)
	r, err := s.Scan(ctx, text)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckSpans(t, text, r)
	phones := 0
	for _, f := range r.Findings {
		if f.Rule == "privacy.phone" && text[f.Start:f.End] == "555-201-7788" {
			phones++
		}
	}
	if phones != n {
		t.Errorf("%d phone findings in a %d-byte text with %d phone numbers", phones, len(text), n)
	}
}

func TestClose(t *testing.T) {
	ctx := context.Background()
	s, err := New(ctx, Config{Instances: 1, CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Scan(ctx, "hello"); !errors.Is(err, ErrClosed) {
		t.Errorf("Scan after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestNativeChecker(t *testing.T) {
	if _, err := NewNative([]byte(`{"terms":[{"phrase":"x","category":"gossip","message":"m"}]}`)); err == nil ||
		!strings.Contains(err.Error(), "terms[0].category") {
		t.Errorf("NewNative with a bad policy: %v, want an error naming terms[0].category", err)
	}
	var c Checker
	c, err := NewNative([]byte(testutil.TermPolicy))
	if err != nil {
		t.Fatal(err)
	}
	text := "Use the zebra crossing."
	r, err := c.Scan(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckSpans(t, text, r)
	if len(r.Findings) != 1 || text[r.Findings[0].Start:r.Findings[0].End] != "zebra crossing" {
		t.Errorf("native engine with a custom term: %+v", r.Findings)
	}
	var _ Checker = (*Scanner)(nil)
}

// TestCacheFallback points the cache at a file: New must fall back to an
// in-memory cache and work.
func TestCacheFallback(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, Config{Instances: 1, CacheDir: file})
	if err != nil {
		t.Fatalf("New with an unusable cache directory: %v", err)
	}
	defer s.Close(ctx)
	if _, err := s.Scan(ctx, testutil.PatientPost); err != nil {
		t.Fatal(err)
	}
	if c := openCache(file); c == nil {
		t.Error("openCache returned nil")
	}
}

// TestRecycle retires an instance whose memory passed the threshold: the
// next scan runs on a fresh instance with the configured policy.
func TestRecycle(t *testing.T) {
	ctx := context.Background()
	s := newTestScanner(t, 1)
	if _, err := s.Configure(ctx, []byte(testutil.TermPolicy)); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.recycle = s.idle[0].mem.Size() + 1<<20 // 1 MiB of growth
	s.mu.Unlock()
	text := strings.Repeat("Use the zebra crossing. ", 1000) // 24 KB
	for i := 0; s.started.Load() < 2; i++ {
		if i == 200 {
			t.Fatalf("200 scans and the instance was not retired (memory %d bytes, threshold %d)", s.idle[0].mem.Size(), s.recycle)
		}
		r, err := s.Scan(ctx, text)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Findings) != 1000 {
			t.Fatalf("%d findings, want 1000", len(r.Findings))
		}
	}
	r, err := s.Scan(ctx, text) // on the fresh instance
	if err != nil || len(r.Findings) != 1000 {
		t.Fatalf("scan on the fresh instance: %d findings, %v", len(r.Findings), err)
	}
	c, err := s.catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Policy.Name != "Test policy" {
		t.Errorf("a fresh instance runs policy %q", c.Policy.Name)
	}
}
