package audit

// Generators of test exports in each platform's layout. Every name, number
// and post here is invented.

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/discreet-health/discreet/rules"

	"github.com/discreet-health/discreet/host/internal/testutil"
)

// tweet is one generated tweet.
type tweet struct {
	ID        string
	Text      string
	Time      time.Time
	ReplyToID string
	ReplyTo   string
}

// tweetsJS renders tweets in the window.YTD format of X archives.
func tweetsJS(part int, tweets []tweet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "window.YTD.tweets.part%d = [", part)
	for i, t := range tweets {
		if i > 0 {
			b.WriteString(",")
		}
		tw := map[string]any{
			"id_str": t.ID, "id": t.ID, "full_text": xEscape(t.Text),
			"created_at": t.Time.UTC().Format(xTimeLayout), "lang": "en", "retweeted": false,
			"entities": map[string]any{"hashtags": []any{}, "urls": []any{}, "user_mentions": []any{}},
		}
		if t.ReplyToID != "" {
			tw["in_reply_to_status_id_str"] = t.ReplyToID
			tw["in_reply_to_status_id"] = t.ReplyToID
			tw["in_reply_to_screen_name"] = t.ReplyTo
		}
		js, _ := json.MarshalIndent(map[string]any{"tweet": tw}, "  ", "  ")
		b.WriteString("\n  ")
		b.Write(js)
	}
	b.WriteString("\n]")
	return b.String()
}

// xEscape applies X's HTML escaping of tweet text.
func xEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func accountJS(user string) string {
	return `window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "someone@example.org",
      "createdVia" : "web",
      "username" : "` + user + `",
      "accountId" : "1234567",
      "createdAt" : "2012-01-01T00:00:00.000Z",
      "accountDisplayName" : "Test Account"
    }
  }
]`
}

// metaEscape writes s as Meta's exporter does: every UTF-8 byte above 0x7F
// becomes a \u00XX escape.
func metaEscape(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c < 0x20 || c >= 0x80:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// jsonList renders one JSON value per post between open and close, the
// values separated by ",\n" as the exports write them.
func jsonList(open, close string, posts []tweet, item func(i int, p tweet) string) string {
	var b strings.Builder
	b.WriteString(open)
	for i, p := range posts {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(item(i, p))
	}
	b.WriteString(close)
	return b.String()
}

// fbPostsJSON renders posts/your_posts_1.json.
func fbPostsJSON(posts []tweet) string {
	return jsonList("[\n", "\n]\n", posts, func(_ int, p tweet) string {
		return fmt.Sprintf(`  {
    "timestamp": %d,
    "attachments": [{"data": [{"external_context": {"url": "https://example.org/article"}}]}],
    "data": [{"post": %s}, {"update_timestamp": %d}],
    "title": %s
  }`, p.Time.Unix(), metaEscape(p.Text), p.Time.Unix(), metaEscape("Dr. Test Person updated their status."))
	})
}

// fbCommentsJSON renders comments.json ({"comments_v2": [...]}).
func fbCommentsJSON(key string, comments []tweet) string {
	return jsonList(`{"`+key+`": [`+"\n", "\n]}\n", comments, func(_ int, p tweet) string {
		return fmt.Sprintf(`  {"timestamp": %d, "data": [{"comment": {"timestamp": %d, "comment": %s, "author": "Test Person"}}], "title": %s}`,
			p.Time.Unix(), p.Time.Unix(), metaEscape(p.Text), metaEscape("Test Person commented on "+p.ReplyTo+"'s post."))
	})
}

// igPostsJSON renders content/posts_1.json: one caption in media[0].title,
// or in the top title when a post has several photos.
func igPostsJSON(posts []tweet) string {
	media := func(name string, i int, p tweet, title string) string {
		return fmt.Sprintf(`{"uri": "media/posts/202401/%s%d.jpg", "creation_timestamp": %d, "title": %s}`, name, i, p.Time.Unix(), title)
	}
	return jsonList("[\n", "\n]\n", posts, func(i int, p tweet) string {
		if i%2 == 0 {
			return `{"media": [` + media("a", i, p, metaEscape(p.Text)) + `]}`
		}
		return fmt.Sprintf(`{"media": [%s, %s], "title": %s, "creation_timestamp": %d}`,
			media("b", i, p, `""`), media("c", i, p, `""`), metaEscape(p.Text), p.Time.Unix())
	})
}

// igCommentsJSON renders comments/post_comments_1.json.
func igCommentsJSON(comments []tweet) string {
	return jsonList("[\n", "\n]\n", comments, func(_ int, p tweet) string {
		return fmt.Sprintf(`{"media_list_data": [{"uri": ""}], "string_map_data": {"Comment": {"value": %s}, "Media Owner": {"value": %s}, "Time": {"timestamp": %d}}}`,
			metaEscape(p.Text), metaEscape(p.ReplyTo), p.Time.Unix())
	})
}

// csvQuote quotes a CSV field the way LinkedIn does (always).
func csvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func linkedInShares(posts []tweet) string {
	return linkedInCSV(posts, "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility", "share", ",,,MEMBER_NETWORK")
}

func linkedInComments(posts []tweet) string {
	return linkedInCSV(posts, "Date,Link,Message", "activity", "")
}

// linkedInCSV writes posts as a LinkedIn export CSV: the header, then a
// row a post (date, link to the urn of kind, quoted text, then tail).
func linkedInCSV(posts []tweet, header, kind, tail string) string {
	var b strings.Builder
	b.WriteString(header + "\n")
	for _, p := range posts {
		fmt.Fprintf(&b, "%s,%s,%s%s\n", p.Time.UTC().Format("2006-01-02 15:04:05"),
			"https://www.linkedin.com/feed/update/urn%3Ali%3A"+kind+"%3A"+p.ID, csvQuote(p.Text), tail)
	}
	return b.String()
}

// writeTree writes files (slash paths) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeZip writes files into a zip at path, in name order.
func writeZip(t testing.TB, path string, files map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// phraseChecker is a test double for the rule engine: it flags fixed
// phrases, with spans computed like the engine's (UTF-8 bytes and UTF-16
// units). It tests the audit's own plumbing (reading, ordering, spans,
// reports) independently of which rules the engine has; the engine itself
// is exercised in engine_test.go.
type phraseChecker struct {
	phrases []phraseRule
	delay   func(text string) time.Duration
	fail    string // a post containing this makes Scan fail
}

type phraseRule struct {
	phrase   string
	rule     string
	category rules.Category
	severity rules.Severity
}

var testPhrases = []phraseRule{
	{"zebra crossing", "test.zebra", rules.Conduct, rules.Warn},
	{"Jane Roe", "privacy.name", rules.Privacy, rules.Block},
	{"bed 12", "privacy.room", rules.Privacy, rules.Block},
	{"miracle", "misinformation.miracle_cure", rules.Misinformation, rules.Info},
}

func newPhraseChecker() *phraseChecker { return &phraseChecker{phrases: testPhrases} }

func (c *phraseChecker) Scan(ctx context.Context, text string) (rules.Result, error) {
	if c.delay != nil {
		time.Sleep(c.delay(text))
	}
	if c.fail != "" && strings.Contains(text, c.fail) {
		return rules.Result{}, fmt.Errorf("scan failed")
	}
	res := rules.Result{Findings: []rules.Finding{}, Summary: rules.Summary{Risk: "none", Counts: map[rules.Category]int{}}}
	for _, p := range c.phrases {
		for off := 0; ; {
			i := strings.Index(text[off:], p.phrase)
			if i < 0 {
				break
			}
			s, e := off+i, off+i+len(p.phrase)
			res.Findings = append(res.Findings, rules.Finding{Rule: p.rule, Category: p.category, Severity: p.severity,
				Start: s, End: e, Start16: testutil.UTF16Len(text[:s]), End16: testutil.UTF16Len(text[:e]),
				Message: "test finding " + p.rule, Citation: "test"})
			res.Summary.Counts[p.category]++
			off = e
		}
	}
	sort.SliceStable(res.Findings, func(i, j int) bool { return res.Findings[i].Start < res.Findings[j].Start })
	return res, nil
}
