package audit

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Formats the audit reads, by the names it reports them under.
const (
	FormatXTweets    = "X archive tweets"
	FormatXAccount   = "X archive account"
	FormatFacebook   = "Facebook posts and comments"
	FormatInstagram  = "Instagram posts and comments"
	FormatLIShares   = "LinkedIn shares"
	FormatLIComments = "LinkedIn comments"
	FormatText       = "plain text"
	FormatCSV        = "CSV"
	FormatJSONL      = "JSON lines"
)

// entry is one file to read: a plain file, or a member of a folder or zip.
type entry struct {
	display string // how messages name it: "x.zip:data/tweets.js"
	member  string // slash path inside the archive; "" for a lone file
	size    int64  // uncompressed size, for progress
	open    func() (io.ReadCloser, error)
}

// input is one PATH argument, opened read-only.
type input struct {
	path    string
	kind    string // "zip", "folder", "file", "stdin"
	entries []entry
	closer  io.Closer
	ignored int // archive members that hold no posts
	html    int // posts files of Meta's HTML export, which is not read
}

var (
	reXTweets  = regexp.MustCompile(`^tweets?(-part\d+)?\.js$`)
	reFBPosts  = regexp.MustCompile(`^your_posts.*\.json$`)
	reIGPosts  = regexp.MustCompile(`^posts_\d+\.json$`)
	reIGCommts = regexp.MustCompile(`^(post_comments(_\d+)?|reels_comments)\.json$`)
	reFBGroupC = regexp.MustCompile(`^your_comments_in_groups(_\d+)?\.json$`)
	reMetaHTML = regexp.MustCompile(`^(your_posts.*|comments|post_comments.*|posts_\d+)\.html$`)
)

// metaHTML reports whether a member is a posts file of Facebook's or
// Instagram's HTML export.
func metaHTML(member string) bool {
	return reMetaHTML.MatchString(path.Base(strings.ToLower(member)))
}

// wanted reports whether an archive member may hold posts, by its name.
// What it holds is then decided by its content.
func wanted(member string) bool {
	lower := strings.ToLower(member)
	base := path.Base(lower)
	switch {
	case base == "account.js", reXTweets.MatchString(base):
		return true
	case reFBPosts.MatchString(base), reFBGroupC.MatchString(base), base == "comments.json" && strings.Contains(lower, "comments"):
		return true
	case reIGPosts.MatchString(base) && (strings.Contains(lower, "content/") || strings.Contains(lower, "media/")),
		reIGCommts.MatchString(base):
		return true
	case base == "shares.csv", base == "comments.csv":
		return true
	}
	return false
}

// memberOrder sorts an archive's members so that account.js comes first
// (tweet links need the username) and split files follow their number.
func memberOrder(a, b string) bool {
	ka, kb := memberKey(a), memberKey(b)
	if ka != kb {
		return ka < kb
	}
	return a < b
}

var reNumber = regexp.MustCompile(`\d+`)

func memberKey(m string) string {
	if path.Base(strings.ToLower(m)) == "account.js" {
		return "0"
	}
	// tweets.js before tweets-part1.js, and part10 after part9.
	dir, base := path.Split(m)
	stem, part := base, "0"
	if sm := rePart.FindStringSubmatch(base); sm != nil {
		stem, part = sm[1]+sm[3], sm[2]
	}
	pad := func(s string) string {
		return reNumber.ReplaceAllStringFunc(s, func(n string) string { return fmt.Sprintf("%012s", n) })
	}
	return "1" + pad(dir) + "\x00" + pad(stem) + "\x00" + pad(part)
}

var rePart = regexp.MustCompile(`^(.*)-part(\d+)(\.[a-z]+)$`)

// openInput opens one PATH argument. A zip and a folder are listed; a lone
// file is one entry. Nothing is ever opened for writing.
func openInput(p string, stdin io.Reader) (*input, error) {
	if p == "-" {
		if stdin == nil {
			return nil, errors.New("no standard input")
		}
		return &input{path: "stdin", kind: "stdin", entries: []entry{{
			display: "stdin",
			open:    func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil },
		}}}, nil
	}
	fi, err := os.Stat(p)
	if err != nil {
		return nil, cleanErr(err)
	}
	if fi.IsDir() {
		return openFolder(p)
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file or folder")
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, cleanErr(err)
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if n == 4 && string(magic[:]) == "PK\x03\x04" || n >= 4 && string(magic[:]) == "PK\x05\x06" || strings.EqualFold(filepath.Ext(p), ".zip") {
		return openZip(p, f, fi.Size())
	}
	f.Close()
	return &input{path: p, kind: "file", entries: []entry{{
		display: p,
		size:    fi.Size(),
		open:    func() (io.ReadCloser, error) { return os.Open(p) },
	}}}, nil
}

func openZip(p string, f *os.File, size int64) (*input, error) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("not a readable zip archive (%v): is it complete? Download it again or unpack it and pass the folder", err)
	}
	in := &input{path: p, kind: "zip", closer: f}
	files := append([]*zip.File(nil), zr.File...)
	sort.SliceStable(files, func(i, j int) bool { return memberOrder(files[i].Name, files[j].Name) })
	for _, zf := range files {
		if zf.FileInfo().IsDir() {
			continue
		}
		if !wanted(zf.Name) {
			in.ignored++
			if metaHTML(zf.Name) {
				in.html++
			}
			continue
		}
		in.entries = append(in.entries, entry{
			display: p + ":" + zf.Name,
			member:  zf.Name,
			size:    int64(zf.UncompressedSize64),
			open:    zf.Open,
		})
	}
	return in, nil
}

func openFolder(root string) (*input, error) {
	in := &input{path: root, kind: "folder"}
	var members []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if wanted(rel) {
			members = append(members, rel)
		} else {
			in.ignored++
			if metaHTML(rel) {
				in.html++
			}
		}
		return nil
	})
	if err != nil {
		return nil, cleanErr(err)
	}
	sort.SliceStable(members, func(i, j int) bool { return memberOrder(members[i], members[j]) })
	for _, m := range members {
		full := filepath.Join(root, filepath.FromSlash(m))
		var size int64
		if fi, err := os.Stat(full); err == nil {
			size = fi.Size()
		}
		in.entries = append(in.entries, entry{
			display: filepath.Join(root, filepath.FromSlash(m)),
			member:  m,
			size:    size,
			open:    func() (io.ReadCloser, error) { return os.Open(full) },
		})
	}
	return in, nil
}

// cleanErr drops the Go operation name from file errors: "open x: no such
// file or directory" becomes "no such file or directory".
func cleanErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sniffSize is how much of a file is looked at to tell its format.
const sniffSize = 64 << 10

// detect tells a file's format from its first bytes (and, where content
// alone is ambiguous, its name). An unknown format is an error that says
// what was expected.
func detect(head []byte, name string) (string, error) {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return "", errors.New("the file is empty")
	}
	if bytes.HasPrefix(trimmed, []byte("window.YTD.")) {
		if bytes.HasPrefix(trimmed, []byte("window.YTD.account.")) {
			return FormatXAccount, nil
		}
		if bytes.HasPrefix(trimmed, []byte("window.YTD.tweet")) || bytes.HasPrefix(trimmed, []byte("window.YTD.tweets")) {
			return FormatXTweets, nil
		}
		return "", errors.New("an X archive file that holds no tweets")
	}
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(trimUTF8Tail(head)) {
		return "", errors.New("not a text file: expected an X, Facebook, Instagram or LinkedIn export, or .txt, .csv or .jsonl posts")
	}
	switch trimmed[0] {
	case '{', '[':
		if f, ok := sniffJSONLines(trimmed); ok {
			return f, nil
		}
		return sniffJSON(trimmed, name)
	}
	if f, ok := sniffCSV(trimmed, name); ok {
		return f, nil
	}
	ext := strings.ToLower(path.Ext(name))
	if ext == ".csv" {
		return "", errors.New("a CSV file with no text, post, content or message column (nor LinkedIn's ShareCommentary or Message)")
	}
	if ext == ".json" || ext == ".js" || ext == ".jsonl" || ext == ".ndjson" {
		return "", errors.New("not valid JSON")
	}
	return FormatText, nil
}

// trimUTF8Tail cuts a rune split by the sniff window.
func trimUTF8Tail(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		r, size := utf8.DecodeLastRune(b)
		if r != utf8.RuneError || size != 1 {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}

// sniffJSONLines recognises JSON lines: a first line that is a whole JSON
// object with a "text" field.
func sniffJSONLines(b []byte) (string, bool) {
	line := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line = b[:i]
	} else if len(b) >= sniffSize {
		return "", false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(line, &obj) != nil {
		return "", false
	}
	if _, ok := obj["text"]; ok {
		return FormatJSONL, true
	}
	return "", false
}

// sniffJSON decodes the first element of a JSON array (or of the first
// array inside a top-level object) and tells the export by its keys.
func sniffJSON(b []byte, name string) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	first, err := firstElement(dec)
	if err != nil || first == nil {
		// The element is larger than the window, or the array is empty:
		// fall back on the file's name.
		base := strings.ToLower(path.Base(name))
		switch {
		case reFBPosts.MatchString(base), reFBGroupC.MatchString(base), base == "comments.json" && !strings.Contains(strings.ToLower(name), "instagram"):
			return FormatFacebook, nil
		case reIGPosts.MatchString(base), reIGCommts.MatchString(base):
			return FormatInstagram, nil
		}
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return "", fmt.Errorf("not valid JSON: %v", err)
		}
		if first == nil && err == nil {
			return "", errors.New("a JSON file with no posts in it")
		}
		return "", errors.New("a JSON file whose layout is not a known export")
	}
	_, hasTweet := first["tweet"]
	_, hasFullText := first["full_text"]
	_, hasSMD := first["string_map_data"]
	_, hasMedia := first["media"]
	_, hasTS := first["timestamp"]
	_, hasData := first["data"]
	_, hasCreation := first["creation_timestamp"]
	switch {
	case hasTweet || hasFullText:
		return FormatXTweets, nil
	case hasSMD:
		return FormatInstagram, nil
	case hasTS && (hasData || first["attachments"] != nil || first["title"] != nil):
		return FormatFacebook, nil
	case hasMedia || hasCreation:
		return FormatInstagram, nil
	}
	return "", errors.New("a JSON file whose layout is not a known export (expected Facebook or Instagram posts or comments)")
}

// firstElement returns the first object of the top-level array, or of the
// first array-valued key of a top-level object; nil when there is none.
func firstElement(dec *json.Decoder) (map[string]json.RawMessage, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('['):
		if !dec.More() {
			return nil, nil
		}
		var m map[string]json.RawMessage
		if err := dec.Decode(&m); err != nil {
			return nil, err
		}
		return m, nil
	case json.Delim('{'):
		for dec.More() {
			if _, err := dec.Token(); err != nil { // key
				return nil, err
			}
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, err
			}
			raw = bytes.TrimSpace(raw)
			if len(raw) > 0 && raw[0] == '[' {
				var arr []map[string]json.RawMessage
				if err := json.Unmarshal(raw, &arr); err != nil || len(arr) == 0 {
					continue
				}
				return arr[0], nil
			}
		}
		return nil, nil
	}
	return nil, errors.New("not a JSON array or object")
}

// sniffCSV recognises a CSV header: LinkedIn's or one with a text column.
func sniffCSV(b []byte, name string) (string, bool) {
	line := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line = b[:i]
	}
	if bytes.IndexByte(line, ',') < 0 && !strings.EqualFold(path.Ext(name), ".csv") {
		return "", false
	}
	cols := map[string]bool{}
	for _, c := range strings.Split(string(bytes.TrimRight(line, "\r")), ",") {
		cols[strings.ToLower(strings.Trim(strings.TrimSpace(c), `"`))] = true
	}
	switch {
	case cols["sharecommentary"]:
		return FormatLIShares, true
	case cols["message"] && cols["link"] && cols["date"]:
		return FormatLIComments, true
	}
	if textColumn(cols) != "" {
		return FormatCSV, true
	}
	return "", false
}

// textColumn is the name of a generic CSV's text column, by preference.
func textColumn(cols map[string]bool) string {
	for _, c := range []string{"text", "post", "content", "message", "body", "full_text"} {
		if cols[c] {
			return c
		}
	}
	return ""
}

// peekReader reads the head of r for detection and gives back a reader of
// the whole stream.
func peekReader(r io.Reader) ([]byte, *bufio.Reader) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, _ := br.Peek(sniffSize)
	return head, br
}
