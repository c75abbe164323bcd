package audit

// The audit with the default engine: the scanner module under wazero.

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/host/wasmhost"

	"github.com/discreet-health/discreet/host/internal/cli"
	"github.com/discreet-health/discreet/host/internal/testutil"
)

var (
	wasmCacheOnce sync.Once
	wasmCache     string
)

// wasmChecker starts the module (built by make wasm) with a policy.
func wasmChecker(tb testing.TB, policyJSON string) *wasmhost.Scanner {
	tb.Helper()
	wasmCacheOnce.Do(func() {
		d, err := os.MkdirTemp("", "audit-wazero-cache")
		if err == nil {
			wasmCache = d
		}
	})
	ctx := context.Background()
	// One instance: starting one costs about a second; the pool itself
	// is tested in wasmhost.
	s, err := wasmhost.New(ctx, wasmhost.Config{CacheDir: wasmCache, Instances: 1})
	if err != nil {
		tb.Fatalf("the scanner module does not start (run make wasm): %v", err)
	}
	tb.Cleanup(func() { s.Close(ctx) })
	if policyJSON != "" {
		if _, err := s.Configure(ctx, []byte(policyJSON)); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// TestWasmMatchesNative audits the same archive with both engines and
// expects the same reports, for the default rules and a policy's term.
func TestWasmMatchesNative(t *testing.T) {
	dir, other := engineArchive(t), t.TempDir()
	// Add other formats, with their emoji and escaping.
	writeTree(t, filepath.Join(other, "fb"), map[string]string{
		"your_facebook_activity/posts/your_posts_1.json": fbPostsJSON([]tweet{{Text: "Café 😀 " + testutil.PatientPost, Time: day}}),
	})
	writeTree(t, filepath.Join(other, "more"), map[string]string{
		"posts.jsonl": `{"id":"9","text":"zebra crossing then ` + testutil.PatientPost + `"}` + "\n",
	})
	for _, pol := range []string{"", testutil.TermPolicy} {
		_, native, _ := audit(t, nativeChecker(t, pol), dir, filepath.Join(other, "fb"), filepath.Join(other, "more", "posts.jsonl"))
		_, wasm, _ := audit(t, wasmChecker(t, pol), dir, filepath.Join(other, "fb"), filepath.Join(other, "more", "posts.jsonl"))
		if diff := cmp.Diff(native.Posts, wasm.Posts); diff != "" {
			t.Errorf("policy %q: posts differ (-native +wasm):\n%s", pol, diff)
		}
		if diff := cmp.Diff(native.Summary, wasm.Summary, cmp.AllowUnexported(Summary{})); diff != "" {
			t.Errorf("policy %q: summaries differ (-native +wasm):\n%s", pol, diff)
		}
		if native.Summary.PostsRead != 6 {
			t.Errorf("posts read = %d, want 6", native.Summary.PostsRead)
		}
	}
}

// TestWasmPatientPost is TestEnginePatientPost on the module.
func TestWasmPatientPost(t *testing.T) {
	res, ff, _ := audit(t, wasmChecker(t, ""), engineArchive(t))
	found := map[string]bool{}
	for _, p := range ff.Posts {
		for _, f := range p.Findings {
			if f.Severity == "block" {
				found[p.ID+" "+f.Rule+" "+f.Match] = true
			}
		}
	}
	for _, id := range []string{"2001", "2003"} {
		for _, want := range []string{"privacy.name John Smith", "privacy.room room 214", "privacy.phone 555-201-7788"} {
			if !found[id+" "+want] {
				t.Errorf("post %s: no block finding %q", id, want)
			}
		}
	}
	if res.Summary.ExitCode != cli.ExitBlock {
		t.Errorf("exit code = %d, want %d", res.Summary.ExitCode, cli.ExitBlock)
	}
}

// BenchmarkAuditX100kWasm is the speed goal: a 100,000-post X
// archive audited end to end with the module under wazero (start-up with a
// warm compilation cache included), target <= 10 s on 2 cores.
//
//	go test -run '^$' -bench AuditX100k -benchtime 1x ./host/audit/
//
// DISCREET_BENCH_MODULE=file.wasm benchmarks another build of the module
// (to compare a change to wasm/ before making it).
func BenchmarkAuditX100kWasm(b *testing.B) {
	var module []byte
	if p := os.Getenv("DISCREET_BENCH_MODULE"); p != "" {
		var err error
		if module, err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	}
	wasmChecker(b, "").Close(context.Background()) // warm the compilation cache
	benchAudit(b, func(b *testing.B) (Checker, func()) {
		s, err := wasmhost.New(context.Background(), wasmhost.Config{CacheDir: wasmCache, Module: module})
		if err != nil {
			b.Fatal(err)
		}
		return s, func() { s.Close(context.Background()) }
	})
}
