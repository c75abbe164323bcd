package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/host/internal/cli"

	"github.com/discreet-health/discreet/host/internal/testutil"
)

var day = time.Date(2024, 3, 5, 14, 30, 0, 0, time.UTC)

// findingsFile is findings.json decoded.
type findingsFile struct {
	Format  string        `json:"format"`
	Posts   []PostRecord  `json:"posts"`
	Inputs  []InputReport `json:"inputs"`
	Errors  []FileError   `json:"errors"`
	Summary Summary       `json:"summary"`
}

// audit runs an audit with the test checker and returns what it wrote.
func audit(t *testing.T, c Checker, paths ...string) (*Result, findingsFile, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	var log bytes.Buffer
	res, err := Run(context.Background(), Options{Paths: paths, OutDir: out, Checker: c, Log: &log,
		Now: func() time.Time { return day }})
	if err != nil {
		t.Fatalf("Run: %v\nlog:\n%s", err, log.String())
	}
	var ff findingsFile
	b, err := os.ReadFile(filepath.Join(out, "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ff); err != nil {
		t.Fatalf("findings.json does not decode: %v\n%s", err, b)
	}
	if ff.Format != FindingsFormat {
		t.Errorf("format = %q", ff.Format)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", log.String())
		}
	})
	return res, ff, out
}

// brief is the part of a post record the format tests compare.
type brief struct {
	Source, Platform, Kind, ID, Date, URL, ReplyTo string
	Matches                                        []string
}

func briefs(ps []PostRecord) []brief {
	var out []brief
	for _, p := range ps {
		b := brief{Source: filepath.Base(p.Source), Platform: p.Platform, Kind: p.Kind, ID: p.ID, Date: p.Date, URL: p.URL, ReplyTo: p.ReplyTo}
		for _, f := range p.Findings {
			b.Matches = append(b.Matches, f.Rule+"="+f.Match)
		}
		out = append(out, b)
	}
	return out
}

func xTestTweets() []tweet {
	return []tweet{
		{ID: "1001", Text: "Crossing guard duty today at the zebra crossing 🦓", Time: day},
		{ID: "1002", Text: "Nothing to see here", Time: day.Add(time.Hour)},
		{ID: "1003", Text: "@colleague 😷👩🏽‍⚕️ Jane Roe in bed 12 & co <b>", Time: day.AddDate(0, 1, 0), ReplyToID: "999", ReplyTo: "colleague"},
		{ID: "1004", Text: "中文 עברית — a miracle 🙏", Time: day.AddDate(0, 2, 0)},
	}
}

func TestXArchive(t *testing.T) {
	tw := xTestTweets()
	files := map[string]string{
		"data/account.js":         accountJS("dr_test"),
		"data/tweets.js":          tweetsJS(0, tw[:2]),
		"data/tweets-part1.js":    tweetsJS(1, tw[2:]),
		"data/like.js":            "window.YTD.like.part0 = []",
		"Your archive.html":       "<html></html>",
		"data/tweets_media/a.jpg": "\xff\xd8\xff",
	}
	want := []brief{
		{Source: "tweets.js", Platform: "x", Kind: "post", ID: "1001", Date: "2024-03-05T14:30:00Z",
			URL: "https://x.com/dr_test/status/1001", Matches: []string{"test.zebra=zebra crossing"}},
		{Source: "tweets-part1.js", Platform: "x", Kind: "reply", ID: "1003", Date: "2024-04-05T14:30:00Z",
			URL: "https://x.com/dr_test/status/1003", ReplyTo: "@colleague", Matches: []string{"privacy.name=Jane Roe", "privacy.room=bed 12"}},
		{Source: "tweets-part1.js", Platform: "x", Kind: "post", ID: "1004", Date: "2024-05-05T14:30:00Z",
			URL: "https://x.com/dr_test/status/1004", Matches: []string{"misinformation.miracle_cure=miracle"}},
	}
	dir := t.TempDir()
	writeTree(t, filepath.Join(dir, "folder"), files)
	// An archive unpacked inside a top folder, as some unzip tools do.
	nested := map[string]string{}
	for k, v := range files {
		nested["twitter-2024-03-05/"+k] = v
	}
	writeZip(t, filepath.Join(dir, "archive.zip"), nested)
	for _, p := range []string{"folder", "archive.zip"} {
		t.Run(p, func(t *testing.T) {
			res, ff, _ := audit(t, newPhraseChecker(), filepath.Join(dir, p))
			if diff := cmp.Diff(want, briefs(ff.Posts)); diff != "" {
				t.Errorf("posts (-want +got):\n%s", diff)
			}
			if ff.Summary.PostsRead != 4 || ff.Summary.PostsFlagged != 3 || ff.Summary.Findings != 4 {
				t.Errorf("summary = %+v", ff.Summary)
			}
			if got := ff.Posts[1].Text; got != tw[2].Text {
				t.Errorf("X escaping not undone: %q", got)
			}
			if res.Summary.ExitCode != cli.ExitBlock {
				t.Errorf("exit code = %d, want %d", res.Summary.ExitCode, cli.ExitBlock)
			}
			if len(ff.Errors) != 0 {
				t.Errorf("errors: %v", ff.Errors)
			}
			var formats []string
			for _, f := range ff.Inputs[0].Files {
				formats = append(formats, filepath.Base(f.File)+": "+f.Format)
			}
			if diff := cmp.Diff([]string{"tweets.js: X archive tweets", "tweets-part1.js: X archive tweets"}, formats); diff != "" {
				t.Errorf("files read (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEmojiSpans checks that spans after emoji, CJK and RTL text cut the
// right bytes and that the UTF-16 spans pass through unchanged.
func TestEmojiSpans(t *testing.T) {
	dir := t.TempDir()
	text := "👩🏽‍⚕️🦓 中文 עברית Jane Roe 🙏 bed 12"
	writeTree(t, dir, map[string]string{"data/tweets.js": tweetsJS(0, []tweet{{ID: "7", Text: text, Time: day}})})
	_, ff, _ := audit(t, newPhraseChecker(), dir)
	if len(ff.Posts) != 1 {
		t.Fatalf("posts = %d", len(ff.Posts))
	}
	for _, f := range ff.Posts[0].Findings {
		if text[f.Start:f.End] != f.Match {
			t.Errorf("%s: byte span %d-%d is %q, match %q", f.Rule, f.Start, f.End, text[f.Start:f.End], f.Match)
		}
		if got := testutil.UTF16Len(text[:f.Start]); got != f.Start16 {
			t.Errorf("%s: start16 = %d, want %d", f.Rule, f.Start16, got)
		}
	}
	if got := ff.Posts[0].URL; got != "https://x.com/i/web/status/7" {
		t.Errorf("URL without account.js = %q", got)
	}
}

func TestFacebook(t *testing.T) {
	posts := []tweet{
		{Text: "Café night shift ☕ with Jane Roe", Time: day},
		{Text: "Naïve question: who's in bed 12? 😀", Time: day.Add(time.Hour)},
	}
	comments := []tweet{{Text: "Señora Jane Roe says hi 👋", Time: day.Add(2 * time.Hour), ReplyTo: "Sam Ñandú"}}
	// Members are read in path order: comments before posts in both
	// layouts.
	wantTexts := []string{comments[0].Text, posts[0].Text, posts[1].Text}
	layouts := map[string]map[string]string{
		"current": {
			"your_facebook_activity/posts/your_posts_1.json":                           fbPostsJSON(posts),
			"your_facebook_activity/comments_and_reactions/comments.json":              fbCommentsJSON("comments_v2", comments),
			"your_facebook_activity/comments_and_reactions/likes_and_reactions_1.json": "[]",
		},
		"older": {
			"posts/your_posts_1.json": fbPostsJSON(posts),
			"comments/comments.json":  fbCommentsJSON("comments", comments),
		},
	}
	for name, files := range layouts {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeZip(t, filepath.Join(dir, "facebook.zip"), files)
			_, ff, _ := audit(t, newPhraseChecker(), filepath.Join(dir, "facebook.zip"))
			var texts []string
			for _, p := range ff.Posts {
				texts = append(texts, p.Text)
				if p.Platform != PlatformFacebook {
					t.Errorf("platform = %q", p.Platform)
				}
				for _, f := range p.Findings {
					if p.Text[f.Start:f.End] != f.Match {
						t.Errorf("span %d-%d in %q is not %q", f.Start, f.End, p.Text, f.Match)
					}
				}
			}
			if diff := cmp.Diff(wantTexts, texts); diff != "" {
				t.Errorf("texts, escaping repaired (-want +got):\n%s", diff)
			}
			for _, p := range ff.Posts {
				if p.Kind == KindComment && p.Context != "Test Person commented on Sam Ñandú's post." {
					t.Errorf("comment context = %q", p.Context)
				}
			}
			if len(ff.Errors) != 0 {
				t.Errorf("errors: %v", ff.Errors)
			}
		})
	}
}

func TestFixMojibake(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Caf\u00c3\u00a9", "Café"},
		{"\u00f0\u009f\u0098\u0080", "😀"},
		{"plain ascii", "plain ascii"},
		{"café", "café"},     // a real Latin-1 é alone is not UTF-8: kept
		{"Café 😀", "Café 😀"}, // already proper text: kept
		{"\u00e6\u0097\u00a5\u00e6\u009c\u00ac", "日本"},
	} {
		if got := fixMojibake(tc.in); got != tc.want {
			t.Errorf("fixMojibake(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestInstagram(t *testing.T) {
	posts := []tweet{
		{Text: "Sunset run 🌅 #nofilter", Time: day},
		{Text: "Two photos: Jane Roe's recovery 💪", Time: day.Add(time.Hour)},
	}
	comments := []tweet{{Text: "Get well, bed 12 crew! ❤️", Time: day.Add(2 * time.Hour), ReplyTo: "someone_else"}}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"your_instagram_activity/content/posts_1.json":          igPostsJSON(posts),
		"your_instagram_activity/comments/post_comments_1.json": igCommentsJSON(comments),
		"personal_information/personal_information.json":        `{"profile_user": []}`,
	})
	_, ff, _ := audit(t, newPhraseChecker(), dir)
	want := []brief{
		{Source: "post_comments_1.json", Platform: "instagram", Kind: "comment", Date: "2024-03-05T16:30:00Z",
			ReplyTo: "@someone_else", Matches: []string{"privacy.room=bed 12"}},
		{Source: "posts_1.json", Platform: "instagram", Kind: "post", Date: "2024-03-05T15:30:00Z",
			Matches: []string{"privacy.name=Jane Roe"}},
	}
	if diff := cmp.Diff(want, briefs(ff.Posts)); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}
	if ff.Summary.PostsRead != 3 {
		t.Errorf("posts read = %d, want 3", ff.Summary.PostsRead)
	}
	if len(ff.Posts) == 2 && ff.Posts[0].Text != comments[0].Text {
		t.Errorf("comment text = %q", ff.Posts[0].Text)
	}
}

func TestLinkedIn(t *testing.T) {
	shares := []tweet{
		{ID: "7100", Text: "Proud of our team.\n\nSpecial thanks to \"Jane Roe\",\nwho left bed 12 today!", Time: day},
		{ID: "7101", Text: "Conference notes, no patients.", Time: day.Add(time.Hour)},
	}
	comments := []tweet{{ID: "7200", Text: "Agreed — a miracle, really", Time: day.Add(2 * time.Hour)}}
	dir := t.TempDir()
	writeZip(t, filepath.Join(dir, "Basic_LinkedInDataExport.zip"), map[string]string{
		"Shares.csv":   "\ufeff" + linkedInShares(shares),
		"Comments.csv": linkedInComments(comments),
		"Profile.csv":  "First Name,Last Name\nTest,Person\n",
	})
	_, ff, _ := audit(t, newPhraseChecker(), filepath.Join(dir, "Basic_LinkedInDataExport.zip"))
	want := []brief{
		{Source: "Basic_LinkedInDataExport.zip:Comments.csv", Platform: "linkedin", Kind: "comment", ID: "urn:li:activity:7200",
			Date: "2024-03-05T16:30:00Z", URL: "https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7200",
			Matches: []string{"misinformation.miracle_cure=miracle"}},
		{Source: "Basic_LinkedInDataExport.zip:Shares.csv", Platform: "linkedin", Kind: "post", ID: "urn:li:share:7100",
			Date: "2024-03-05T14:30:00Z", URL: "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7100",
			Matches: []string{"privacy.name=Jane Roe", "privacy.room=bed 12"}},
	}
	if diff := cmp.Diff(want, briefs(ff.Posts)); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}
	if len(ff.Posts) == 2 && ff.Posts[1].Text != shares[0].Text {
		t.Errorf("multi-line share = %q", ff.Posts[1].Text)
	}
}

func TestPlainFormats(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"posts.txt":   "First post about a zebra crossing.\nSecond line.\n\n\nNext post: Jane Roe 🙂\n\n  \nlast one\n",
		"posts.csv":   "id,date,text,url\n1,2024-03-05,\"Multi\nline, with bed 12\",https://example.org/p/1\n2,2024-03-06,clean post,javascript:alert(1)\n",
		"posts.jsonl": "{\"id\": 5, \"text\": \"a miracle cure\", \"date\": \"2024-03-05T10:00:00Z\", \"url\": \"https://example.org/5\"}\n{not json}\n{\"id\":\"6\",\"note\":\"no text\"}\n\n{\"id\":\"7\",\"text\":\"fine\"}\n",
	})
	_, ff, _ := audit(t, newPhraseChecker(), filepath.Join(dir, "posts.txt"), filepath.Join(dir, "posts.csv"), filepath.Join(dir, "posts.jsonl"))
	want := []brief{
		{Source: "posts.txt", Platform: "text", Kind: "post", Matches: []string{"test.zebra=zebra crossing"}},
		{Source: "posts.txt", Platform: "text", Kind: "post", Matches: []string{"privacy.name=Jane Roe"}},
		{Source: "posts.csv", Platform: "text", Kind: "post", ID: "1", Date: "2024-03-05T00:00:00Z", URL: "https://example.org/p/1", Matches: []string{"privacy.room=bed 12"}},
		{Source: "posts.jsonl", Platform: "text", Kind: "post", ID: "5", Date: "2024-03-05T10:00:00Z", URL: "https://example.org/5", Matches: []string{"misinformation.miracle_cure=miracle"}},
	}
	if diff := cmp.Diff(want, briefs(ff.Posts)); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}
	if ff.Posts[0].Text != "First post about a zebra crossing.\nSecond line." {
		t.Errorf("txt post = %q", ff.Posts[0].Text)
	}
	if ff.Summary.PostsRead != 3+2+2 {
		t.Errorf("posts read = %d, want 7", ff.Summary.PostsRead)
	}
	// The two bad JSONL lines are named; the file was still read.
	var msgs []string
	for _, e := range ff.Errors {
		msgs = append(msgs, filepath.Base(e.File)+": "+e.Message)
	}
	if len(msgs) != 2 || !strings.Contains(msgs[0], "posts.jsonl: line 2 skipped: invalid JSON") || !strings.Contains(msgs[1], "line 3 skipped: no \"text\" field") {
		t.Errorf("errors = %q", msgs)
	}
}

// hashTree records every file's content hash, mode and time under root.
func hashTree(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := d.Info()
		h := ""
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			sum := sha256.Sum256(b)
			h = string(sum[:])
		}
		m[p] = h + fi.Mode().String() + fi.ModTime().String()
		return nil
	})
	return m
}

func TestMalformedInputs(t *testing.T) {
	dir := t.TempDir()
	good := tweetsJS(0, xTestTweets())
	cut := good[:strings.Index(good, "1003")] // truncated inside the third tweet
	writeTree(t, dir, map[string]string{
		"corrupt.zip":              "PK\x03\x04 this is not really a zip archive",
		"truncated/data/tweets.js": cut,
		"photo.jpg":                "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",
		"other.json":               `[{"unrelated": true}]`,
		"empty.txt":                "",
		"fine.jsonl":               `{"id":"1","text":"Jane Roe at the zebra crossing"}` + "\n",
	})
	// A zip whose member is damaged after its first bytes.
	writeZip(t, filepath.Join(dir, "damaged.zip"), map[string]string{"data/tweets.js": good})
	zb, _ := os.ReadFile(filepath.Join(dir, "damaged.zip"))
	i := bytes.Index(zb, []byte("window.YTD"))
	if i < 0 {
		// Stored compressed: flip bytes in the middle of the data.
		i = 60
	}
	for k := i + 200; k < i+260 && k < len(zb); k++ {
		zb[k] ^= 0x5a
	}
	os.WriteFile(filepath.Join(dir, "damaged.zip"), zb, 0o644)

	before := hashTree(t, dir)
	paths := []string{"corrupt.zip", "truncated", "photo.jpg", "other.json", "empty.txt", "missing.zip", "damaged.zip", "fine.jsonl"}
	var full []string
	for _, p := range paths {
		full = append(full, filepath.Join(dir, p))
	}
	res, ff, _ := audit(t, newPhraseChecker(), full...)
	got := map[string]string{}
	for _, e := range ff.Errors {
		rel, _ := filepath.Rel(dir, strings.SplitN(e.File, ":", 2)[0])
		got[rel] = e.Message
	}
	for name, want := range map[string]string{
		"corrupt.zip":              "not a readable zip archive",
		"truncated/data/tweets.js": "looks truncated (the posts before were read)",
		"photo.jpg":                "unknown format: not a text file",
		"other.json":               "not a known export",
		"empty.txt":                "the file is empty",
		"missing.zip":              "no such file or directory",
		"damaged.zip":              "damaged",
	} {
		if !strings.Contains(got[name], want) {
			t.Errorf("error for %s = %q, want it to contain %q", name, got[name], want)
		}
	}
	// What could be read is still reported: two tweets before the cut, the
	// JSONL post.
	var sources []string
	for _, p := range ff.Posts {
		sources = append(sources, filepath.Base(p.Source))
	}
	if diff := cmp.Diff([]string{"tweets.js", "fine.jsonl"}, sources); diff != "" {
		t.Errorf("flagged posts' sources (-want +got):\n%s", diff)
	}
	if res.Summary.PostsRead < 3 {
		t.Errorf("posts read = %d", res.Summary.PostsRead)
	}
	if res.Summary.ExitCode != cli.ExitBlock {
		t.Errorf("exit code = %d, want %d (findings despite errors)", res.Summary.ExitCode, cli.ExitBlock)
	}
	if diff := cmp.Diff(before, hashTree(t, dir)); diff != "" {
		t.Errorf("inputs changed (-before +after):\n%s", diff)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"clean.txt": "nothing here\n\nnor here",
		"info.txt":  "a miracle",
		"warn.txt":  "zebra crossing and a miracle",
		"block.txt": "Jane Roe\n\nzebra crossing",
		"bad.bin":   "\x00\x01\x02",
	})
	for _, tc := range []struct {
		paths []string
		want  int
	}{
		{[]string{"clean.txt"}, cli.ExitClean},
		{[]string{"info.txt"}, cli.ExitClean},
		{[]string{"warn.txt"}, cli.ExitWarn},
		{[]string{"block.txt", "warn.txt"}, cli.ExitBlock},
		{[]string{"bad.bin"}, cli.ExitUsage},
		{[]string{"bad.bin", "warn.txt"}, cli.ExitWarn},
		{[]string{"nope"}, cli.ExitUsage},
	} {
		var full []string
		for _, p := range tc.paths {
			full = append(full, filepath.Join(dir, p))
		}
		res, ff, _ := audit(t, newPhraseChecker(), full...)
		if res.Summary.ExitCode != tc.want || ff.Summary.ExitCode != tc.want {
			t.Errorf("%v: exit code %d (file %d), want %d", tc.paths, res.Summary.ExitCode, ff.Summary.ExitCode, tc.want)
		}
	}
	// A checker that fails on every post: nothing checked is an error.
	c := newPhraseChecker()
	c.fail = "a"
	res, ff, _ := audit(t, c, filepath.Join(dir, "block.txt"))
	if res.Summary.ExitCode != cli.ExitUsage || ff.Summary.PostsUnchecked != 2 {
		t.Errorf("failing checker: exit %d, unchecked %d", res.Summary.ExitCode, ff.Summary.PostsUnchecked)
	}
	if len(ff.Errors) == 0 || !strings.Contains(ff.Errors[0].Message, "could not be checked") {
		t.Errorf("failing checker errors = %v", ff.Errors)
	}
}

// TestDeterministicOrder scans with random delays on several workers and
// expects the same reports as one worker.
func TestDeterministicOrder(t *testing.T) {
	dir := t.TempDir()
	var tws []tweet
	for i := range 300 {
		text := "post " + strings.Repeat("x", i%7)
		if i%3 == 0 {
			text += " Jane Roe"
		}
		tws = append(tws, tweet{ID: string(rune('0'+i%10)) + "1" + strings.Repeat("0", i%5), Text: text, Time: day.Add(time.Duration(i) * time.Hour)})
	}
	writeTree(t, dir, map[string]string{"data/tweets.js": tweetsJS(0, tws)})
	read := func(workers int) (string, string) {
		c := newPhraseChecker()
		c.delay = func(text string) time.Duration { return time.Duration(len(text)%5) * 100 * time.Microsecond }
		out := t.TempDir()
		_, err := Run(context.Background(), Options{Paths: []string{dir}, OutDir: out, Checker: c, Workers: workers, Window: 8,
			Now: func() time.Time { return day }})
		if err != nil {
			t.Fatal(err)
		}
		j, _ := os.ReadFile(filepath.Join(out, "findings.json"))
		h, _ := os.ReadFile(filepath.Join(out, "report.html"))
		return string(j), string(h)
	}
	j1, h1 := read(1)
	j4, h4 := read(4)
	if j1 != j4 {
		t.Errorf("findings.json differs between 1 and 4 workers")
	}
	if h1 != h4 {
		t.Errorf("report.html differs between 1 and 4 workers")
	}
}

func TestCSVReport(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"p.jsonl": `{"id":"=1+1","text":"=HYPERLINK(\"x\") Jane Roe, \"quoted\"\nline two"}` + "\n"})
	_, _, out := audit(t, newPhraseChecker(), filepath.Join(dir, "p.jsonl"))
	f, _ := os.Open(filepath.Join(out, "findings.csv"))
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("rows = %d", len(recs))
	}
	row := map[string]string{}
	for i, h := range recs[0] {
		row[h] = recs[1][i]
	}
	if row["match"] != "Jane Roe" || row["rule"] != "privacy.name" || row["post_id"] != "'=1+1" || row["severity"] != "block" {
		t.Errorf("row = %v", row)
	}
	fi, _ := os.Stat(filepath.Join(out, "findings.csv"))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("findings.csv mode = %v, want 0600 (it quotes posts)", fi.Mode().Perm())
	}
}

// TestFacebookGroupsAndHTML reads posts and comments in groups, and names
// Meta's HTML export as unreadable with what to do instead.
func TestFacebookGroupsAndHTML(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, filepath.Join(dir, "json"), map[string]string{
		"your_facebook_activity/groups/your_posts_in_groups.json":    fbCommentsJSON("group_posts_v2", []tweet{{Text: "Support group: Jane Roe is doing better", Time: day, ReplyTo: "A group"}}),
		"your_facebook_activity/groups/your_comments_in_groups.json": fbCommentsJSON("group_comments_v2", []tweet{{Text: "bed 12 again", Time: day, ReplyTo: "A group"}}),
	})
	writeTree(t, filepath.Join(dir, "html"), map[string]string{
		"your_facebook_activity/posts/your_posts_1.html": "<html><body>Jane Roe</body></html>",
		"index.html": "<html></html>",
	})
	res, ff, _ := audit(t, newPhraseChecker(), filepath.Join(dir, "json"), filepath.Join(dir, "html"))
	if diff := cmp.Diff([]string{"privacy.room=bed 12", "privacy.name=Jane Roe"}, func() (m []string) { // path order: comments first
		for _, b := range briefs(ff.Posts) {
			m = append(m, b.Matches...)
		}
		return m
	}()); diff != "" {
		t.Errorf("group findings (-want +got):\n%s", diff)
	}
	if len(ff.Errors) != 1 || !strings.Contains(ff.Errors[0].Message, "HTML export") || !strings.Contains(ff.Errors[0].Message, "JSON format") {
		t.Errorf("errors = %v", ff.Errors)
	}
	if res.Summary.ExitCode != cli.ExitBlock {
		t.Errorf("exit = %d", res.Summary.ExitCode)
	}
}
