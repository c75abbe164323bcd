package rules

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
)

// prose is English text with no identifiers, the common case while typing.
const prose = `Nursing is a practice of care that asks a great deal of the people who choose it. We spend long hours on our feet, we learn to read the small signs that something is wrong, and we carry the weight of decisions that matter. This week our team talked about burnout, staffing and how to support new graduates through their first year on the unit. The conversation was honest and hopeful. We shared what helps: protected breaks, a manager who listens, mentors who remember what it was like to be new, and the simple habit of saying thank you at the end of a shift. `

// post is a realistic 3,000-character post with identifiers and risky phrases.
var post = func() string {
	p := "My patient John Smith, MRN 44120931, 92yo, was discharged today from room 214. Call 555-201-7788 or email jane.doe@example.org. 🏥💉 " +
		"What a shitty night, another frequent flyer in bed 4. DM me your symptoms! Use my code NURSE20 for 20% off. "
	for len(p) < 3000 {
		p += prose
	}
	return p[:3000]
}()

func benchScan(b *testing.B, text string) {
	e, err := Compile(nil)
	if err != nil {
		b.Fatal(err)
	}
	e.Scan(text)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Scan(text)
	}
}

// BenchmarkScanProse measures throughput on 1 MiB of English prose.
func BenchmarkScanProse(b *testing.B) {
	benchScan(b, strings.Repeat(prose, (1<<20)/len(prose)))
}

// BenchmarkScanPost measures one 3,000-character post (LinkedIn's maximum).
func BenchmarkScanPost(b *testing.B) { benchScan(b, post) }

// BenchmarkCompile measures compiling the default policy (the packs are
// compiled once per process and shared).
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Compile(nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanLongPosts scans the three longest posts of the corpus (real
// LinkedIn-style essays of 2,800-3,000 characters, with findings), one after
// another; ns/op is per post.
func BenchmarkScanLongPosts(b *testing.B) {
	posts := longestCorpusPosts(b, 3)
	e, err := Compile(nil)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, p := range posts {
		n += len(p)
	}
	b.SetBytes(int64(n / len(posts)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Scan(posts[i%len(posts)])
	}
}

func longestCorpusPosts(b testing.TB, k int) []string {
	data, err := os.ReadFile("testdata/corpus.jsonl")
	if err != nil {
		if b != nil {
			b.Skip("no corpus")
		}
		return nil
	}
	var texts []string
	for _, line := range strings.Split(string(data), "\n") {
		var p struct{ Text string }
		if json.Unmarshal([]byte(line), &p) == nil && p.Text != "" {
			texts = append(texts, p.Text)
		}
	}
	sort.Slice(texts, func(i, j int) bool { return len(texts[i]) > len(texts[j]) })
	return texts[:k]
}

// densePost is the extension benchmark page's post (extension/bench/bench.js):
// a short story with five identifiers repeated to 3,000 characters, about a
// hundred findings, the worst case for weighing and output.
var densePost = func() string {
	base := "Long shift in the ED tonight. My patient John Smith, MRN 44120931, was discharged today from room 214. " +
		"Call 555-201-7788 with questions. Proud of the team for staying calm and kind through it all. "
	t := ""
	for len(t) < 3000 {
		t += base
	}
	return t[:3000]
}()

// BenchmarkScanDenseJSON is what the module's discreet_scan does for the
// extension benchmark's post: scan and encode the result as JSON.
func BenchmarkScanDenseJSON(b *testing.B) {
	e, err := Compile(nil)
	if err != nil {
		b.Fatal(err)
	}
	var out []byte
	b.SetBytes(int64(len(densePost)))
	b.ReportAllocs()
	for b.Loop() {
		out = AppendResultJSON(out[:0], e.Scan(densePost))
	}
}

// BenchmarkScanShortPosts scans short health-news posts (about 110 bytes,
// as in `discreet scan --format jsonl` feeds), where the per-post fixed
// cost, not throughput on prose, sets the pace; ns/op is per post.
func BenchmarkScanShortPosts(b *testing.B) {
	posts := []string{
		"A new study finds that daily walking cuts heart disease risk by 20%. #health #publichealth",
		"The CDC reports that measles cases rose in three states. Questions? Call 555-201-7788.",
		"Researchers in Boston suggest that a low-salt diet lowers blood pressure. Thanks to Dr. Priya Raman for sharing.",
		"Our hospital confirms that flu shots are available at every pharmacy this week. Stay safe, everyone!",
	}
	e, err := Compile(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		e.Scan(posts[i%len(posts)])
	}
}

// BenchmarkAppendDenseJSON encodes the extension benchmark post's result
// (about a hundred findings) as JSON, without the scan: the writer alone.
func BenchmarkAppendDenseJSON(b *testing.B) {
	e, err := Compile(nil)
	if err != nil {
		b.Fatal(err)
	}
	res := e.Scan(densePost)
	out := AppendResultJSON(nil, res)
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		out = AppendResultJSON(out[:0], res)
	}
}
