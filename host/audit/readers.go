package audit

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-health/discreet/host/internal/cli"
)

// maxLineErrors is how many bad lines or records of one file are named
// before the rest are only counted.
const maxLineErrors = 10

// maxLine bounds one line of a text, CSV or JSONL file.
const maxLine = 4 << 20

// reader reads one format from r and emits its posts. src names the file
// in posts and messages. warn reports a problem that skipped part of the
// file but not the rest; the returned error ends the file.
type reader func(r *bufio.Reader, src string, st *readState, emit func(Post) error, warn func(error)) error

// readState is what one input's files share: the X account's username.
type readState struct {
	xUser string
}

var readers = map[string]reader{
	FormatXTweets:    readXTweets,
	FormatXAccount:   readXAccount,
	FormatFacebook:   readMeta(PlatformFacebook, fbPost),
	FormatInstagram:  readMeta(PlatformInstagram, igPost),
	FormatLIShares:   readLinkedIn,
	FormatLIComments: readLinkedIn,
	FormatCSV:        readCSV,
	FormatText:       readText,
	FormatJSONL:      readJSONL,
}

// stopped marks an error from emit (the audit was cancelled), which is
// passed on as it is.
type stopped struct{ error }

// ---- X ----

type xTweet struct {
	IDStr          string `json:"id_str"`
	FullText       string `json:"full_text"`
	Text           string `json:"text"`
	CreatedAt      string `json:"created_at"`
	ReplyStatus    string `json:"in_reply_to_status_id_str"`
	ReplyTo        string `json:"in_reply_to_screen_name"`
	QuotedStatusID string `json:"quoted_status_id_str"`
	Entities       struct {
		URLs []struct {
			Expanded string `json:"expanded_url"`
		} `json:"urls"`
	} `json:"entities"`
}

// xItem is one element of tweets.js: {"tweet": {...}} in archives since
// 2020, the bare tweet object before.
type xItem struct {
	Tweet *xTweet `json:"tweet"`
	xTweet
}

const xTimeLayout = "Mon Jan 02 15:04:05 -0700 2006"

var reStatusURL = regexp.MustCompile(`^https?://(www\.)?(twitter|x)\.com/[^/]+/status/\d+`)

func readXTweets(r *bufio.Reader, src string, st *readState, emit func(Post) error, warn func(error)) error {
	if err := skipToArray(r); err != nil {
		return err
	}
	return eachItem(r, func(it *xItem, n int) error {
		t := &it.xTweet
		if it.Tweet != nil {
			t = it.Tweet
		}
		text := t.FullText
		if text == "" {
			text = t.Text
		}
		p := Post{Source: src, Index: n, Platform: PlatformX, Kind: KindPost, ID: t.IDStr, Text: unescapeX(text)}
		if tm, err := time.Parse(xTimeLayout, t.CreatedAt); err == nil {
			p.Time = tm.UTC()
		}
		switch {
		case t.ReplyStatus != "":
			p.Kind = KindReply
			if t.ReplyTo != "" {
				p.ReplyTo = "@" + t.ReplyTo
			}
		case strings.HasPrefix(text, "RT @"):
			p.Kind = KindRepost
		case t.QuotedStatusID != "":
			p.Kind = KindQuote
		default:
			for _, u := range t.Entities.URLs {
				if reStatusURL.MatchString(u.Expanded) {
					p.Kind = KindQuote
					break
				}
			}
		}
		if p.ID != "" && isDigits(p.ID) {
			user := st.xUser
			if user == "" {
				user = "i/web"
			}
			p.URL = "https://x.com/" + user + "/status/" + p.ID
		}
		return emitText(emit, p)
	})
}

func readXAccount(r *bufio.Reader, src string, st *readState, emit func(Post) error, warn func(error)) error {
	if err := skipToArray(r); err != nil {
		return err
	}
	var acc []struct {
		Account struct {
			Username string `json:"username"`
		} `json:"account"`
	}
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&acc); err != nil {
		return jsonError(err, nil, 0)
	}
	for _, a := range acc {
		if u := a.Account.Username; u != "" && isHandle(u) {
			st.xUser = u
		}
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isHandle(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return s != "" && len(s) <= 50
}

// ---- Facebook and Instagram ----

// metaItem is one element of a Facebook or Instagram posts or comments
// file; the two share Meta's exporter and its escaping.
type metaItem struct {
	Timestamp         json.Number `json:"timestamp"`
	CreationTimestamp json.Number `json:"creation_timestamp"`
	Title             string      `json:"title"`
	Data              []struct {
		Post    string `json:"post"`
		Comment *struct {
			Timestamp json.Number `json:"timestamp"`
			Comment   string      `json:"comment"`
			Author    string      `json:"author"`
		} `json:"comment"`
	} `json:"data"`
	Attachments []struct {
		Data []struct {
			Media *struct {
				Description string `json:"description"`
			} `json:"media"`
		} `json:"data"`
	} `json:"attachments"`
	Media []struct {
		Title             string      `json:"title"`
		CreationTimestamp json.Number `json:"creation_timestamp"`
	} `json:"media"`
	StringMapData map[string]struct {
		Value     string      `json:"value"`
		Href      string      `json:"href"`
		Timestamp json.Number `json:"timestamp"`
	} `json:"string_map_data"`
}

func readMeta(platform string, conv func(*metaItem, *Post) bool) reader {
	return func(r *bufio.Reader, src string, st *readState, emit func(Post) error, warn func(error)) error {
		return eachItem(r, func(it *metaItem, n int) error {
			p := Post{Source: src, Index: n, Platform: platform, Kind: KindPost}
			if !conv(it, &p) {
				return nil
			}
			p.Text = fixMojibake(p.Text)
			p.Context = fixMojibake(p.Context)
			p.ReplyTo = fixMojibake(p.ReplyTo)
			return emitText(emit, p)
		})
	}
}

// eachItem decodes the elements of a JSON export (eachElement) one at a
// time as T, each bounded by maxPostBytes, and calls fn with it and its
// number from 1. A decoding error names the element it stopped at.
func eachItem[T any](r *bufio.Reader, fn func(it *T, n int) error) error {
	lim := &postLimit{r: r}
	dec := json.NewDecoder(lim)
	n := 0
	err := eachElement(dec, func(dec *json.Decoder) error {
		var it T
		if err := dec.Decode(&it); err != nil {
			return err
		}
		lim.next()
		n++
		return fn(&it, n)
	})
	if err != nil {
		if _, ok := err.(stopped); ok {
			return err
		}
		return jsonError(err, dec, n)
	}
	return nil
}

func fbPost(it *metaItem, p *Post) bool {
	p.Time = unixTime(it.Timestamp)
	p.Context = it.Title
	var parts []string
	for _, d := range it.Data {
		if d.Post != "" {
			parts = append(parts, d.Post)
		}
		if c := d.Comment; c != nil && c.Comment != "" {
			parts = append(parts, c.Comment)
			p.Kind = KindComment
			if p.Time.IsZero() {
				p.Time = unixTime(c.Timestamp)
			}
		}
	}
	if len(parts) == 0 {
		// A photo post's words are its caption.
		for _, a := range it.Attachments {
			for _, d := range a.Data {
				if d.Media != nil && d.Media.Description != "" {
					parts = append(parts, d.Media.Description)
				}
			}
		}
	}
	p.Text = strings.Join(parts, "\n\n")
	return true
}

func igPost(it *metaItem, p *Post) bool {
	if len(it.StringMapData) > 0 {
		p.Kind = KindComment
		smd := it.StringMapData
		p.Text = smd["Comment"].Value
		p.Time = unixTime(smd["Time"].Timestamp)
		if p.Time.IsZero() {
			p.Time = unixTime(smd["Comment"].Timestamp)
		}
		if o := smd["Media Owner"].Value; o != "" {
			p.ReplyTo = "@" + o
		}
		if h := smd["Comment"].Href; safeURL(h) {
			p.URL = h
		}
		return true
	}
	p.Text = it.Title
	p.Time = unixTime(it.CreationTimestamp)
	for _, m := range it.Media {
		if p.Text == "" {
			p.Text = m.Title
		}
		if p.Time.IsZero() {
			p.Time = unixTime(m.CreationTimestamp)
		}
	}
	return true
}

func unixTime(n json.Number) time.Time {
	if n == "" {
		return time.Time{}
	}
	v, err := n.Float64()
	if err != nil || v <= 0 {
		return time.Time{}
	}
	if v > 1e11 { // milliseconds
		v /= 1000
	}
	return time.Unix(int64(v), 0).UTC()
}

// ---- LinkedIn and generic CSV ----

func readLinkedIn(r *bufio.Reader, src string, st *readState, emit func(Post) error, warn func(error)) error {
	return readCSVWith(r, src, emit, warn, func(col map[string]int) (csvMap, error) {
		m := csvMap{platform: PlatformLinkedIn, id: -1, date: -1, url: -1, text: -1}
		m.date = colIndex(col, "date")
		if i := colIndex(col, "sharecommentary"); i >= 0 {
			m.text, m.url, m.kind = i, colIndex(col, "sharelink"), KindPost
		} else {
			m.text, m.url, m.kind = colIndex(col, "message"), colIndex(col, "link"), KindComment
		}
		if m.text < 0 {
			return m, errors.New("no ShareCommentary or Message column")
		}
		return m, nil
	})
}

func readCSV(r *bufio.Reader, src string, st *readState, emit func(Post) error, warn func(error)) error {
	return readCSVWith(r, src, emit, warn, func(col map[string]int) (csvMap, error) {
		names := map[string]bool{}
		for k := range col {
			names[k] = true
		}
		m := csvMap{platform: PlatformText, kind: KindPost}
		m.text = colIndex(col, textColumn(names))
		m.id = colIndex(col, "id", "post_id", "tweet_id")
		m.date = colIndex(col, "date", "created_at", "timestamp", "time")
		m.url = colIndex(col, "url", "link", "permalink")
		m.plat = colIndex(col, "platform")
		if m.text < 0 {
			return m, errors.New("no text, post, content or message column")
		}
		return m, nil
	})
}

// csvMap says which column holds what.
type csvMap struct {
	platform, kind            string
	text, id, date, url, plat int
}

func colIndex(col map[string]int, names ...string) int {
	for _, n := range names {
		if i, ok := col[n]; ok {
			return i
		}
	}
	return -1
}

func readCSVWith(r *bufio.Reader, src string, emit func(Post) error, warn func(error), mapper func(map[string]int) (csvMap, error)) error {
	lim := &postLimit{r: r}
	cr := csv.NewReader(lim)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return errors.New("the file is empty")
		}
		return fmt.Errorf("cannot read the CSV header: %v", err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	m, err := mapper(col)
	if err != nil {
		return err
	}
	field := func(rec []string, i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return rec[i]
	}
	n, bad := 0, 0
	for {
		rec, err := cr.Read()
		lim.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.Err != io.ErrUnexpectedEOF && bad < 1000 {
				bad++
				if bad <= maxLineErrors {
					warn(fmt.Errorf("line %d: bad CSV record skipped: %v", pe.Line, pe.Err))
				}
				continue
			}
			if errors.As(err, &pe) && pe.Err == io.ErrUnexpectedEOF || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("the file ends inside a quoted field after %s: it looks truncated", cli.Plural(n, "post"))
			}
			return fmt.Errorf("after %s: %v", cli.Plural(n, "post"), err)
		}
		n++
		p := Post{Source: src, Index: n, Platform: m.platform, Kind: m.kind,
			ID: field(rec, m.id), Text: field(rec, m.text)}
		if pl := strings.ToLower(field(rec, m.plat)); knownPlatform(pl) {
			p.Platform = pl
		}
		p.Time = parseLooseTime(field(rec, m.date))
		if u := strings.TrimSpace(field(rec, m.url)); safeURL(u) {
			p.URL = u
			if p.ID == "" && m.platform == PlatformLinkedIn {
				p.ID = linkedInID(u)
			}
		}
		if err := emitText(emit, p); err != nil {
			return err
		}
	}
}

var reLinkedInURN = regexp.MustCompile(`urn(?::|%3A)li(?::|%3A)(?:share|activity|ugcPost|comment)(?::|%3A)[^/?&]+`)

func linkedInID(u string) string {
	if m := reLinkedInURN.FindString(u); m != "" {
		if s, err := url.PathUnescape(m); err == nil {
			return s
		}
		return m
	}
	return ""
}

func knownPlatform(p string) bool {
	switch p {
	case PlatformX, PlatformFacebook, PlatformLinkedIn, PlatformInstagram:
		return true
	}
	return false
}

// ---- plain text and JSON lines ----

// readText reads posts separated by blank lines.
func readText(r *bufio.Reader, src string, st *readState, emit func(Post) error, warn func(error)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var buf strings.Builder
	n := 0
	flush := func() error {
		if strings.TrimSpace(buf.String()) == "" {
			buf.Reset()
			return nil
		}
		n++
		p := Post{Source: src, Index: n, Platform: PlatformText, Kind: KindPost, Text: strings.TrimRight(buf.String(), "\r\n")}
		buf.Reset()
		return emitText(emit, p)
	}
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			line = strings.TrimPrefix(line, "\ufeff")
			first = false
		}
		if strings.TrimSpace(line) == "" {
			if err := flush(); err != nil {
				return err
			}
			continue
		}
		if buf.Len() > 0 {
			buf.WriteByte('\n')
		}
		buf.WriteString(strings.TrimRight(line, "\r"))
		if buf.Len() > maxPostBytes {
			return fmt.Errorf("after %s: %w", cli.Plural(n, "post"), errPostTooLarge)
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return fmt.Errorf("a line is longer than %d MiB after %s: is this really a text file?", maxLine>>20, cli.Plural(n, "post"))
		}
		return err
	}
	return flush()
}

// readJSONL reads one {"id", "text", "date", "url"} object per line. A bad
// line is named and skipped.
func readJSONL(r *bufio.Reader, src string, st *readState, emit func(Post) error, warn func(error)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line, n, bad := 0, 0, 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if len(b) == 0 {
			continue
		}
		var obj struct {
			ID       json.RawMessage `json:"id"`
			Text     *string         `json:"text"`
			Date     json.RawMessage `json:"date"`
			URL      string          `json:"url"`
			Platform string          `json:"platform"`
		}
		if err := json.Unmarshal(b, &obj); err != nil || obj.Text == nil {
			bad++
			if bad <= maxLineErrors {
				why := "no \"text\" field"
				if err != nil {
					why = "invalid JSON: " + err.Error()
				}
				warn(fmt.Errorf("line %d skipped: %s", line, why))
			}
			continue
		}
		n++
		p := Post{Source: src, Index: n, Platform: PlatformText, Kind: KindPost, ID: rawString(obj.ID), Text: *obj.Text}
		if knownPlatform(strings.ToLower(obj.Platform)) {
			p.Platform = strings.ToLower(obj.Platform)
		}
		p.Time = parseLooseTime(rawString(obj.Date))
		if safeURL(obj.URL) {
			p.URL = obj.URL
		}
		if err := emitText(emit, p); err != nil {
			return err
		}
	}
	if bad > maxLineErrors {
		warn(fmt.Errorf("%d more bad lines skipped", bad-maxLineErrors))
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return fmt.Errorf("line %d is longer than %d MiB", line+1, maxLine>>20)
		}
		return err
	}
	return nil
}

// rawString is a JSON string's value or a number's literal.
func rawString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// parseLooseTime reads the date formats exports use; zero when unknown.
func parseLooseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04:05 MST", "2006-01-02", xTimeLayout, "01/02/2006 15:04", "01/02/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return unixTime(json.Number(s))
	}
	return time.Time{}
}

// safeURL accepts only http(s) links, so a report never carries a
// javascript: or file: link from an export.
func safeURL(u string) bool {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return false
	}
	pu, err := url.Parse(u)
	return err == nil && pu.Host != ""
}

// emitText drops posts with no words (a shared link, a photo without a
// caption) and passes the others on.
func emitText(emit func(Post) error, p Post) error {
	if strings.TrimSpace(p.Text) == "" {
		return nil
	}
	if err := emit(p); err != nil {
		return stopped{err}
	}
	return nil
}

// maxPostBytes bounds what is read for one post (one JSON element, one CSV
// record): a post is at most tens of kilobytes, and a damaged or hostile
// file must not make the audit hold gigabytes.
const maxPostBytes = 16 << 20

var errPostTooLarge = errors.New("one post takes more than 16 MiB: the file is damaged or not an export")

// postLimit fails a read once more than maxPostBytes have been read since
// the last post ended (next).
type postLimit struct {
	r io.Reader
	n int64
}

func (l *postLimit) Read(p []byte) (int, error) {
	if l.n > maxPostBytes {
		return 0, errPostTooLarge
	}
	if room := maxPostBytes + 1 - l.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

func (l *postLimit) next() { l.n = 0 }
