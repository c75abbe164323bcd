package audit

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/rules"
)

// fixtures are one file of each format with posts in emoji, scripts and
// escapes, keyed by the name it is read under.
func fixtures() map[string]string {
	ps := []tweet{
		{ID: "1", Text: "First 🦓 post, \"quoted\"\nwith a second line", Time: day, ReplyTo: "Sam"},
		{ID: "2", Text: "Zweiter Beitrag: Grüße 中文 עברית", Time: day.Add(time.Hour), ReplyTo: "Ana"},
		{ID: "3", Text: "third, with a comma & <angle>", Time: day.Add(2 * time.Hour), ReplyTo: "Li"},
	}
	return map[string]string{
		"data/tweets.js":                tweetsJS(0, ps),
		"posts/your_posts_1.json":       fbPostsJSON(ps),
		"comments/comments.json":        fbCommentsJSON("comments_v2", ps),
		"content/posts_1.json":          igPostsJSON(ps),
		"comments/post_comments_1.json": igCommentsJSON(ps),
		"Shares.csv":                    linkedInShares(ps),
		"Comments.csv":                  linkedInComments(ps),
		"posts.jsonl":                   `{"id":"1","text":"one 🦓"}` + "\n" + `{"id":"2","text":"two"}` + "\n" + `{"id":"3","text":"three"}` + "\n",
		"posts.txt":                     "one 🦓\n\ntwo\n\nthree\n",
		"posts.csv":                     "id,text\n1,\"one\n🦓\"\n2,two\n3,three\n",
	}
}

// readAll reads one file's content as readEntry does and returns the posts'
// texts and the error.
func readAll(name, content string) ([]string, error) {
	var texts []string
	e := entry{display: name, member: name, open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(content)), nil
	}}
	var n atomic.Int64
	_, err := readEntry(e, &readState{}, &n, func(p Post) error {
		texts = append(texts, p.Text)
		return nil
	}, func(error) {})
	return texts, err
}

// TestTruncatedFiles cuts every fixture at many points: reading never
// panics, what is read is a prefix of the whole file's posts, and a cut
// inside the JSON of a JSON format is reported.
func TestTruncatedFiles(t *testing.T) {
	for name, content := range fixtures() {
		full, err := readAll(name, content)
		if err != nil || len(full) != 3 {
			t.Fatalf("%s: whole file gives %d posts, error %v", name, len(full), err)
		}
		for cut := 0; cut < len(content); cut += max(1, len(content)/97) {
			part := content[:cut]
			got, err := readAll(name, part)
			if len(got) > len(full) {
				t.Fatalf("%s cut at %d: %d posts, more than the whole file's", name, cut, len(got))
			}
			for i := range got {
				// The last post of a cut text file may itself be cut.
				if got[i] != full[i] && !(i == len(got)-1 && strings.HasPrefix(full[i], got[i])) {
					t.Fatalf("%s cut at %d: post %d is %q, want %q", name, cut, i, got[i], full[i])
				}
			}
			json := strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".js")
			if json && cut > 0 && strings.TrimSpace(part) != strings.TrimSpace(content) && err == nil {
				t.Errorf("%s cut at %d: no error for a truncated JSON file (%d posts read)", name, cut, len(got))
			}
		}
	}
}

// FuzzReaders feeds arbitrary bytes under each fixture's name: readers
// must return (posts, an error, or both) without panicking, and every post
// has text.
func FuzzReaders(f *testing.F) {
	names := []string{}
	for name, content := range fixtures() {
		names = append(names, name)
		f.Add(uint8(len(names)-1), []byte(content))
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := names[int(which)%len(names)]
		texts, _ := readAll(name, string(data))
		for _, s := range texts {
			if strings.TrimSpace(s) == "" {
				t.Fatalf("%s: an empty post was emitted", name)
			}
		}
	})
}

func TestStdin(t *testing.T) {
	out := t.TempDir()
	res, err := Run(context.Background(), Options{Paths: []string{"-"}, Stdin: strings.NewReader("hello\n\nJane Roe here\n"),
		OutDir: out, Checker: newPhraseChecker()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.PostsRead != 2 || res.Summary.PostsFlagged != 1 || len(res.Inputs) != 1 || res.Inputs[0].Files[0].File != "stdin" {
		t.Errorf("stdin: %+v, inputs %+v", res.Summary, res.Inputs)
	}
}

func TestOutputInsideInputRefused(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"data/tweets.js": tweetsJS(0, xTestTweets())})
	_, err := Run(context.Background(), Options{Paths: []string{dir}, OutDir: filepath.Join(dir, "report"), Checker: newPhraseChecker()})
	if err == nil || !strings.Contains(err.Error(), "inside the input folder") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "report")); !os.IsNotExist(err) {
		t.Errorf("the output folder was created inside the input: %v", err)
	}
	// A sibling folder whose name starts like the input's is fine.
	if _, err := Run(context.Background(), Options{Paths: []string{dir}, OutDir: dir + "-report", Checker: newPhraseChecker()}); err != nil {
		t.Errorf("sibling output: %v", err)
	}
}

// TestTimeline checks months for short histories and years for long ones.
func TestTimeline(t *testing.T) {
	periods := func(times ...time.Time) []string {
		s := newSummary()
		for _, tm := range times {
			s.add(&Post{Time: tm}, &emptyResult)
		}
		s.finish()
		var out []string
		for _, b := range s.Timeline {
			out = append(out, b.Period+":"+itoa(b.Posts))
		}
		return out
	}
	jan := time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC)
	if diff := cmp.Diff([]string{"2020-01:2", "2020-02:0", "2020-03:1"}, periods(jan, jan, jan.AddDate(0, 2, 0))); diff != "" {
		t.Errorf("months (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2012:1", "2013:0", "2014:0", "2015:0", "2016:0", "2017:0", "2018:0", "2019:0", "2020:2"},
		periods(jan.AddDate(-8, 3, 0), jan, jan.AddDate(0, 11, 0))); diff != "" {
		t.Errorf("years (-want +got):\n%s", diff)
	}
}

var emptyResult = rules.Result{Findings: []rules.Finding{}}

func itoa(n int) string { return strconv.Itoa(n) }

// TestHighlight checks the marks over overlapping spans, the escaping of
// post text, and that spans outside the text or inside a character are
// left unmarked instead of cutting the text.
func TestHighlight(t *testing.T) {
	text := "<b>🦓 Jane Roe</b>"
	j := strings.Index(text, "Jane")
	fs := []FindingRecord{
		{Finding: rules.Finding{Rule: "a", Severity: rules.Warn, Start: j, End: j + len("Jane Roe")}},
		{Finding: rules.Finding{Rule: "b", Severity: rules.Block, Start: j + len("Jane "), End: j + len("Jane Roe</b>")}},
		{Finding: rules.Finding{Rule: "bad.range", Severity: rules.Block, Start: 5, End: 999}},
		{Finding: rules.Finding{Rule: "bad.rune", Severity: rules.Block, Start: 4, End: 6}}, // inside the emoji
	}
	var b strings.Builder
	if err := reportTemplate.ExecuteTemplate(&b, "text", highlight(text, fs)); err != nil {
		t.Fatal(err)
	}
	want := `&lt;b&gt;🦓 <mark class="hl sev-warn" data-f="0" title="a">Jane </mark>` +
		`<mark class="hl sev-block" data-f="0 1" title="a, b">Roe</mark>` +
		`<mark class="hl sev-block" data-f="1" title="b">&lt;/b&gt;</mark>`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("highlighted (-want +got):\n%s", diff)
	}
}

// TestReportEscapesEveryField writes a post whose every field is hostile
// and checks that nothing of it reaches the page as markup and that a
// script: link is not made a link.
func TestReportEscapesEveryField(t *testing.T) {
	dir := t.TempDir()
	h, err := newHTMLReport(dir)
	if err != nil {
		t.Fatal(err)
	}
	evil := `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	rec := PostRecord{Risk: "warn", Platform: PlatformX, Kind: evil, ReplyTo: evil, Date: evil, URL: "javascript:alert(3)",
		Source: evil, ID: evil, Context: evil, Text: evil,
		Findings: []FindingRecord{{Finding: rules.Finding{Rule: evil, Category: rules.Privacy, Severity: rules.Warn, Start: 0, End: 5,
			Message: evil, Citation: evil, Fixes: []rules.Fix{{Label: evil, Replacement: evil}}}, Match: evil}}}
	frag, err := renderPost(&rec, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.write(frag); err != nil {
		t.Fatal(err)
	}
	s := &Summary{PostsRead: 1, PostsFlagged: 1, Findings: 1, BySeverity: map[string]int{"warn": 1},
		ByCategory: map[string]int{"privacy": 1}, ByRule: map[string]int{evil: 1}, Undated: Bucket{Flagged: map[string]int{}}}
	if err := h.finish(time.Now(), rules.PolicyInfo{Name: evil}, []InputReport{{Files: []FileReport{{File: evil, Format: evil}}}},
		[]FileError{{File: evil, Message: evil}}, s); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), "<script>"); n != 1 {
		t.Errorf("%d <script> tags in the page, want only the report's own", n)
	}
	for _, bad := range []string{"<img", "javascript:", `"><script`} {
		if strings.Contains(string(page), bad) {
			t.Errorf("the page holds %q unescaped", bad)
		}
	}
	if !strings.Contains(string(page), "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the post text is not shown escaped")
	}
}

// TestHugePost checks that one oversized post ends its file with a clear
// error instead of being held in memory, and that the posts before it are
// still reported.
func TestHugePost(t *testing.T) {
	huge := strings.Repeat("a", maxPostBytes+1<<20)
	for name, content := range map[string]string{
		"data/tweets.js": tweetsJS(0, []tweet{{ID: "1", Text: "Jane Roe", Time: day}, {ID: "2", Text: huge, Time: day}}),
		"posts.csv":      "id,text\n1,Jane Roe\n2,\"" + huge + "\"\n",
		"posts.txt":      "Jane Roe\n\n" + strings.Repeat(huge[:1000]+"\n", len(huge)/1000),
	} {
		texts, err := readAll(name, content)
		if err == nil || !strings.Contains(err.Error(), "more than 16 MiB") {
			t.Errorf("%s: err = %v", name, err)
		}
		if len(texts) != 1 || texts[0] != "Jane Roe" {
			t.Errorf("%s: %d posts read, want only the one before the huge one", name, len(texts))
		}
	}
}
