package audit

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/discreet-health/discreet/rules"
)

// Invented fragments for generated posts: most are ordinary, some carry
// patient details, emoji or other scripts.
var (
	bigFirst = []string{"Jane", "Omar", "Mei", "Carlos", "Priya", "Tomasz", "Aisha", "Lars", "Yuki", "Grace"}
	bigLast  = []string{"Roe", "Haddad", "Lindqvist", "Okafor", "Moreau", "Tanaka", "Novak", "Silva", "Brennan", "Kowalski"}
	bigPosts = []string{
		"Great grand rounds today on sepsis bundles. Thanks to the whole team! #MedTwitter",
		"Reminder: flu shots are available at every clinic this month 💉",
		"Long night shift ☕☕☕ but we got everyone home safe.",
		"My patient %s, MRN %d, was discharged today from room %d. Call 555-201-%04d.",
		"Just saw a 93yo in bed %d who told me the best story about %s.",
		"New paper out on antibiotic stewardship: https://example.org/paper/%d",
		"中文 עברית 😀 multilingual teaching session went well",
		"Drinks after the shift? 🍻 asking for a friend (%s)",
		"This miracle cure for diabetes is what big pharma hides from you!",
		"Proud to support the new community health fair at the library.",
	}
)

// bigPost returns the i-th generated post's text.
func bigPost(i int) string {
	t := bigPosts[i%len(bigPosts)]
	name := bigFirst[i%7%len(bigFirst)] + " " + bigLast[i/7%len(bigLast)]
	switch strings.Count(t, "%") {
	case 0:
		return t
	case 1:
		if strings.Contains(t, "%s") {
			return fmt.Sprintf(t, name)
		}
		return fmt.Sprintf(t, i)
	case 2:
		return fmt.Sprintf(t, 10+i%40, name)
	}
	return fmt.Sprintf(t, name, 40000000+i, 100+i%400, i%10000)
}

// writeBigXArchive streams an X archive zip of n posts (each padded to at
// least pad bytes) to path, in tweets.js and tweets-part1.js, without
// holding the posts in memory. It returns the total text size.
func writeBigXArchive(tb testing.TB, path string, n, pad int) int64 {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, _ := zw.Create("data/account.js")
	w.Write([]byte(accountJS("dr_bench")))
	var total int64
	start := time.Date(2014, 1, 1, 9, 0, 0, 0, time.UTC)
	half := n / 2
	for part, r := range [][2]int{{0, half}, {half, n}} {
		name := "data/tweets.js"
		if part > 0 {
			name = "data/tweets-part" + strconv.Itoa(part) + ".js"
		}
		zf, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		bw := bufio.NewWriter(zf)
		fmt.Fprintf(bw, "window.YTD.tweets.part%d = [", part)
		for i := r[0]; i < r[1]; i++ {
			text := bigPost(i)
			for len(text) < pad {
				text += " " + bigPosts[(i+len(text))%len(bigPosts)]
			}
			total += int64(len(text))
			if i > r[0] {
				bw.WriteString(",")
			}
			when := start.Add(time.Duration(i) * 47 * time.Minute)
			reply := ""
			if i%5 == 0 {
				reply = `, "in_reply_to_status_id_str" : "` + strconv.Itoa(i+7) + `", "in_reply_to_screen_name" : "colleague"`
			}
			fmt.Fprintf(bw, "\n  {\n    \"tweet\" : {\n      \"id_str\" : \"%d\",\n      \"full_text\" : %s,\n      \"created_at\" : \"%s\",\n      \"lang\" : \"en\",\n      \"entities\" : { \"hashtags\" : [ ], \"urls\" : [ ] }%s\n    }\n  }",
				1500000000000000000+i, strconv.Quote(xEscape(text)), when.Format(xTimeLayout), reply)
		}
		bw.WriteString("\n]")
		if err := bw.Flush(); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return total
}

// heapSampler records the peak of the live heap, read at the end of every
// garbage collection while it runs (a finalizer re-armed each cycle), so no
// peak of retained memory falls between two samples. It reads
// runtime/metrics, which does not stop the world as runtime.ReadMemStats
// would.
type heapSampler struct {
	peak    atomic.Uint64
	stopped atomic.Bool
	cycles  atomic.Int64
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{}
	h.arm()
	return h
}

// arm sets a finalizer on a fresh object: it runs after the next
// collection, samples the live heap and arms again until done.
func (h *heapSampler) arm() {
	runtime.SetFinalizer(new([64]byte), func(*[64]byte) {
		if h.stopped.Load() {
			return
		}
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(s)
		if n := s[0].Value.Uint64(); n > h.peak.Load() {
			h.peak.Store(n)
		}
		h.cycles.Add(1)
		h.arm()
	})
}

func (h *heapSampler) done() uint64 {
	h.stopped.Store(true)
	return h.peak.Load()
}

// vmHWM is the process's peak resident memory from /proc/self/status, in
// bytes (0 where there is no /proc).
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestBoundedMemory audits an archive whose posts hold 60 MB of text and
// expects the heap to stay far below that: posts are streamed, not kept.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 60 MB archive")
	}
	dir := t.TempDir()
	const n = 30000
	text := writeBigXArchive(t, filepath.Join(dir, "big.zip"), n, 2000)
	if text < 55<<20 {
		t.Fatalf("generated only %d bytes of text", text)
	}
	runtime.GC()
	h := startHeapSampler()
	res, err := Run(context.Background(), Options{Paths: []string{filepath.Join(dir, "big.zip")},
		OutDir: filepath.Join(dir, "out"), Checker: newPhraseChecker(), Workers: 2, Window: 64})
	peak := h.done()
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.PostsRead != n {
		t.Fatalf("read %d posts, want %d (errors %v)", res.Summary.PostsRead, n, res.Errors)
	}
	if res.Summary.PostsFlagged == 0 {
		t.Fatalf("nothing flagged: the reports were not exercised")
	}
	if c := h.cycles.Load(); c < 3 {
		t.Fatalf("only %d garbage collections during the audit: the live heap was not sampled", c)
	}
	t.Logf("%d MB of text; peak live heap %.1f MiB; at most %d results waiting", text>>20, float64(peak)/(1<<20), res.MaxHeld)
	if limit := uint64(40 << 20); peak > limit {
		t.Errorf("peak live heap %.1f MiB > %d MiB for %d MB of posts: posts are being kept", float64(peak)/(1<<20), limit>>20, text>>20)
	}
	if res.MaxHeld > 64 {
		t.Errorf("%d results waited at once, window is 64", res.MaxHeld)
	}
}

// benchAudit audits a generated 100,000-post X archive end to end with the
// checker newChecker returns, reporting posts/s, the peak heap and the
// process's peak RSS.
func benchAudit(b *testing.B, newChecker func(b *testing.B) (Checker, func())) {
	dir := b.TempDir()
	const n = 100000
	writeBigXArchive(b, filepath.Join(dir, "x.zip"), n, 0)
	b.ResetTimer()
	var peak uint64
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		cpu0 := cpuTime()
		runtime.GC()
		h := startHeapSampler()
		t0 := time.Now()
		c, closeFn := newChecker(b)
		startup := time.Since(t0)
		tc := &timedChecker{c: c}
		res, err := Run(context.Background(), Options{Paths: []string{filepath.Join(dir, "x.zip")},
			OutDir: filepath.Join(dir, "out"), Checker: tc})
		closeFn()
		cpu += cpuTime() - cpu0
		peak = max(peak, h.done())
		if err != nil {
			b.Fatal(err)
		}
		if res.Summary.PostsRead != n {
			b.Fatalf("read %d posts, want %d", res.Summary.PostsRead, n)
		}
		if i == 0 {
			b.Logf("%d posts, %d flagged, %d findings, exit %d; checker start-up %v, %v in Scan calls (summed over workers)",
				res.Summary.PostsRead, res.Summary.PostsFlagged, res.Summary.Findings, res.Summary.ExitCode,
				startup.Round(time.Millisecond), time.Duration(tc.ns.Load()).Round(time.Millisecond))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "posts/s")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/audit")
	// CPU seconds: the figure to compare when the machine is shared.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/audit")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(vmHWM())/(1<<20), "VmHWM-MiB")
}

// BenchmarkAuditX100kNative is the audit with the Go rule engine; see
// BenchmarkAuditX100kWasm for the module under wazero (the default).
func BenchmarkAuditX100kNative(b *testing.B) {
	benchAudit(b, func(b *testing.B) (Checker, func()) {
		e, err := rules.Compile(nil)
		if err != nil {
			b.Fatal(err)
		}
		return Native{Engine: e}, func() {}
	})
}

// timedChecker sums the time spent in Scan, to tell the checker's share of
// an audit from the reading and writing around it.
type timedChecker struct {
	c  Checker
	ns atomic.Int64
}

func (t *timedChecker) Scan(ctx context.Context, text string) (rules.Result, error) {
	start := time.Now()
	r, err := t.c.Scan(ctx, text)
	t.ns.Add(int64(time.Since(start)))
	return r, err
}
