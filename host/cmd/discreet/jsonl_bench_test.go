package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/discreet-health/discreet/host/internal/cli"
)

// healthNews is n short health-news posts as jsonl ({"id":N,"text":...}),
// the same every time: most are benign, a few carry a phone number, a date
// or a name, as a feed of clinicians' posts would.
func healthNews(n int) []byte {
	rng := rand.New(rand.NewPCG(13, 30))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	subjects := []string{"A new study", "Researchers in Boston", "The CDC", "A trial of 4,000 adults", "Our hospital", "The WHO", "A meta-analysis", "Doctors at Mercy West"}
	verbs := []string{"finds that", "reports that", "suggests that", "confirms that", "warns that"}
	claims := []string{"daily walking cuts heart disease risk by 20%", "flu shots are available at every pharmacy this week",
		"screen time before bed disturbs sleep in teens", "measles cases rose in three states", "a low-salt diet lowers blood pressure",
		"the new RSV vaccine protects adults over 60", "sunscreen use is still too low", "naloxone saves lives in rural counties"}
	tails := []string{"", " Read more: https://example.org/news/" + strconv.Itoa(rng.IntN(1000)), " #health #publichealth",
		" Questions? Call 555-201-7788.", " (published March 3, 2025)", " Thanks to Dr. Priya Raman for sharing.", " Stay safe, everyone!"}
	var b bytes.Buffer
	for i := range n {
		post := pick(subjects) + " " + pick(verbs) + " " + pick(claims) + "." + pick(tails)
		b.WriteString(`{"id":`)
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(`,"text":`)
		t, _ := json.Marshal(post)
		b.Write(t)
		b.WriteString("}\n")
	}
	return b.Bytes()
}

// naiveScan is the baseline the jsonl speed is measured against: what a
// first attempt would do with a list of 30 regular expressions, decoding
// every line into a map and encoding every answer with encoding/json.
func naiveScan(in []byte, out io.Writer) error {
	w := bufio.NewWriter(out)
	sc := bufio.NewScanner(bytes.NewReader(in))
	sc.Buffer(nil, maxLine)
	type hit struct {
		Rule  string `json:"rule"`
		Start int    `json:"start"`
		End   int    `json:"end"`
	}
	for sc.Scan() {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			return err
		}
		var text string
		if err := json.Unmarshal(obj["text"], &text); err != nil {
			return err
		}
		hits := []hit{}
		for i, re := range naiveRules {
			for _, m := range re.FindAllStringIndex(text, -1) {
				hits = append(hits, hit{"naive." + strconv.Itoa(i), m[0], m[1]})
			}
		}
		b, err := json.Marshal(map[string]any{"id": obj["id"], "findings": hits})
		if err != nil {
			return err
		}
		w.Write(append(b, '\n'))
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return w.Flush()
}

var naiveRules = func() []*regexp.Regexp {
	pats := []string{
		`\b\d{3}-\d{2}-\d{4}\b`, `\b\d{3}[-. ]\d{3}[-. ]\d{4}\b`, `\(\d{3}\) ?\d{3}-\d{4}`, `[\w.+-]+@[\w-]+\.[\w.]+`,
		`https?://\S+`, `\b(?:\d[ -]?){13,16}\b`, `\bMRN:? ?\d{6,10}\b`, `\b\d{1,2}/\d{1,2}/\d{2,4}\b`,
		`\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2},? \d{4}\b`, `\b\d{1,3} ?(?:yo|y/o|year-old)\b`,
		`(?i)\bmy patient\b`, `(?i)\broom \d+\b`, `(?i)\bbed \d+\b`, `(?i)\b(?:mr|mrs|ms|dr)\.? [A-Z][a-z]+\b`,
		`\b[A-Z][a-z]+ [A-Z][a-z]+\b`, `(?i)\bdischarged\b`, `(?i)\badmitted\b`, `(?i)\bcoded\b`, `(?i)\bfrequent flyer\b`,
		`(?i)\bdrug seeker\b`, `(?i)\bgomer\b`, `(?i)\bcures? (?:cancer|diabetes|autism)\b`, `(?i)\bvaccines? cause\b`,
		`(?i)#ad\b`, `(?i)\bsponsored\b`, `(?i)\buse (?:my )?code\b`, `(?i)\bdm me\b`, `(?i)\bstop taking\b`,
		`\b\d{5}(?:-\d{4})?\b`, `\b(?:\d{1,3}\.){3}\d{1,3}\b`,
	}
	res := make([]*regexp.Regexp, len(pats))
	for i, p := range pats {
		res[i] = regexp.MustCompile(p)
	}
	return res
}()

// BenchmarkScanJSONL runs `discreet scan --format jsonl` end to end (one
// engine per CPU) on 100,000 short health-news posts, with the native engine
// and with the scanner module in wazero, and the naive baseline on the same
// input in the same run. x-naive is how many times faster the command is
// than the baseline; the goal is 30 or more with --engine native (the
// module in wazero is about 9 times slower than native Go: there the engine,
// not JSON, sets the pace). The baseline runs on one goroutine, as a first
// attempt would, so the ratio grows with the number of CPUs (and shrinks
// when other jobs take some of them).
//
// The two sides are measured alike (see benchJSONL): after an untimed
// warm-up of each, jsonlRounds rounds of baseline then command, each after
// a collection, and the median time of each side.
//
//	make bench-jsonl
func BenchmarkScanJSONL(b *testing.B) {
	in := healthNews(100_000)
	for _, eng := range []string{"native", "wasm"} {
		b.Run(eng, func(b *testing.B) { benchJSONL(b, eng, in) })
	}
}

// jsonlRounds is how many times each side of BenchmarkScanJSONL runs per
// iteration; the median of the rounds is reported.
const jsonlRounds = 3

// benchJSONL measures the baseline and the command on in, alike:
//
//   - Both are warmed up, untimed, on the first 1,000 lines: the baseline's
//     regular expressions are compiled when the package starts, so the
//     command's one-time start (compiling the rule tables and decoding the
//     model, some 30 ms, a tenth of a run) is taken out of its timed runs
//     too; each timed run still opens and closes an engine.
//   - Each timed run starts after runtime.GC, so neither side pays for
//     collecting the other's garbage.
//   - The sides alternate for jsonlRounds rounds and each reports its
//     median. The command's run is short (about 1/30 of the baseline's) and
//     uses every CPU, so a burst of another job on a shared machine can
//     double one run; a single run made the ratio swing from 24 to 30.
func benchJSONL(b *testing.B, eng string, in []byte) {
	ctx := context.Background()
	ours := func(in []byte) {
		var stderr bytes.Buffer
		if code := run(ctx, []string{"scan", "--format", "jsonl", "--engine", eng}, bytes.NewReader(in), io.Discard, &stderr); code > cli.ExitBlock || stderr.Len() > 0 {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	naive := func(in []byte) {
		if err := naiveScan(in, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	warm := in
	for i, n := 0, 0; i < len(in); i++ {
		if in[i] == '\n' {
			if n++; n == 1000 {
				warm = in[:i+1]
				break
			}
		}
	}
	naive(warm)
	ours(warm)
	timed := func(f func([]byte)) time.Duration {
		runtime.GC()
		t := time.Now()
		f(in)
		return time.Since(t)
	}
	var naiveTs, oursTs []time.Duration
	for b.Loop() {
		for range jsonlRounds {
			naiveTs = append(naiveTs, timed(naive))
			oursTs = append(oursTs, timed(ours))
		}
	}
	naiveT, oursT := median(naiveTs), median(oursTs)
	mb := float64(len(in)) / 1e6
	b.ReportMetric(mb/oursT.Seconds(), "MB/s")
	b.ReportMetric(mb/naiveT.Seconds(), "naive-MB/s")
	b.ReportMetric(naiveT.Seconds()/oursT.Seconds(), "x-naive")
}

// median returns the middle of ds (the mean of the two middle ones for an
// even count); it sorts ds.
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// BenchmarkDecodeLine reads the id and text of 1,000 health-news lines;
// ns/op is per line.
func BenchmarkDecodeLine(b *testing.B) {
	lines := bytes.Split(bytes.TrimSpace(healthNews(1000)), []byte("\n"))
	var n int
	for _, l := range lines {
		n += len(l)
	}
	b.SetBytes(int64(n / len(lines)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, _, msg := decodeLine(lines[i%len(lines)]); msg != "" {
			b.Fatal(msg)
		}
	}
}
