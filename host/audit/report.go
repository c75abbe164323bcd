package audit

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/discreet-health/discreet/rules"
)

// FindingsFormat is the value of findings.json's "format" field.
const FindingsFormat = "discreet.audit/v1"

// Summary is what an audit found, as written at the end of findings.json
// and at the top of report.html.
type Summary struct {
	PostsRead      int `json:"posts_read"`
	PostsChecked   int `json:"posts_checked"`
	PostsUnchecked int `json:"posts_unchecked"` // the checker failed on them
	PostsFlagged   int `json:"posts_flagged"`
	Findings       int `json:"findings"`
	// Risk is the highest severity found, or "none".
	Risk string `json:"risk"`
	// FlaggedByRisk counts flagged posts by their highest severity.
	FlaggedByRisk map[string]int `json:"flagged_by_risk"`
	// BySeverity, ByCategory and ByRule count findings.
	BySeverity map[string]int `json:"by_severity"`
	ByCategory map[string]int `json:"by_category"`
	ByRule     map[string]int `json:"by_rule"`
	// Timeline counts posts and flagged posts per month (or per year for
	// long histories); posts with no date are counted in Undated.
	Timeline []Bucket `json:"timeline"`
	Undated  Bucket   `json:"undated"`
	ExitCode int      `json:"exit_code"`

	months map[int]*Bucket
}

// Bucket is one period of the timeline.
type Bucket struct {
	Period  string         `json:"period"` // "2024-03", "2024" or "undated"
	Posts   int            `json:"posts"`
	Flagged map[string]int `json:"flagged"` // flagged posts by risk
}

// InputReport says what was read from one PATH argument.
type InputReport struct {
	Path    string       `json:"path"`
	Kind    string       `json:"kind"` // zip, folder, file, stdin
	Files   []FileReport `json:"files"`
	Ignored int          `json:"ignored_files"` // archive members that hold no posts
}

// FileReport is one file read and the format it was read as.
type FileReport struct {
	File   string `json:"file"`
	Format string `json:"format"`
	Posts  int    `json:"posts"`
}

// FileError is a problem with one file; the audit went on without it (or
// without its unreadable part).
type FileError struct {
	File    string `json:"file"`
	Message string `json:"message"`
}

func newSummary() *Summary {
	return &Summary{Risk: "none", FlaggedByRisk: map[string]int{}, BySeverity: map[string]int{},
		ByCategory: map[string]int{}, ByRule: map[string]int{}, months: map[int]*Bucket{},
		Undated: Bucket{Period: "undated", Flagged: map[string]int{}}}
}

// add counts one scanned post.
func (s *Summary) add(p *Post, res *rules.Result) {
	s.PostsRead++
	s.PostsChecked++
	b := &s.Undated
	if !p.Time.IsZero() {
		k := p.Time.Year()*12 + int(p.Time.Month()) - 1
		if b = s.months[k]; b == nil {
			b = &Bucket{Flagged: map[string]int{}}
			s.months[k] = b
		}
	}
	b.Posts++
	if len(res.Findings) == 0 {
		return
	}
	risk := postRisk(res)
	s.PostsFlagged++
	s.FlaggedByRisk[risk]++
	b.Flagged[risk]++
	if rules.Severity(risk).Rank() > rules.Severity(s.Risk).Rank() {
		s.Risk = risk
	}
	for _, f := range res.Findings {
		s.Findings++
		s.BySeverity[string(f.Severity)]++
		s.ByCategory[string(f.Category)]++
		s.ByRule[f.Rule]++
	}
}

// finish builds the timeline: months, or years when the history is longer
// than six years.
func (s *Summary) finish() {
	if len(s.months) == 0 {
		s.Timeline = []Bucket{}
		return
	}
	lo, hi := 1<<31-1, -1
	for k := range s.months {
		lo, hi = min(lo, k), max(hi, k)
	}
	byYear := hi-lo >= 72
	if byYear {
		lo, hi = lo/12*12, hi/12*12
	}
	step := 1
	if byYear {
		step = 12
	}
	for k := lo; k <= hi; k += step {
		b := Bucket{Flagged: map[string]int{}}
		if byYear {
			b.Period = strconv.Itoa(k / 12)
			for m := k; m < k+12; m++ {
				b.merge(s.months[m])
			}
		} else {
			b.Period = strconv.Itoa(k/12) + "-" + twoDigits(k%12+1)
			b.merge(s.months[k])
		}
		s.Timeline = append(s.Timeline, b)
	}
}

func (b *Bucket) merge(o *Bucket) {
	if o == nil {
		return
	}
	b.Posts += o.Posts
	for k, v := range o.Flagged {
		b.Flagged[k] += v
	}
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// postRisk is the highest severity among a post's findings.
func postRisk(res *rules.Result) string {
	best := 0
	for _, f := range res.Findings {
		best = max(best, f.Severity.Rank())
	}
	switch best {
	case 3:
		return string(rules.Block)
	case 2:
		return string(rules.Warn)
	case 1:
		return string(rules.Info)
	}
	return "none"
}

// spanOK reports whether a finding's byte span is inside text and on rune
// boundaries, so it can be cut out and highlighted.
func spanOK(text string, f *rules.Finding) bool {
	if f.Start < 0 || f.End > len(text) || f.Start > f.End {
		return false
	}
	return (f.Start == len(text) || utf8.RuneStart(text[f.Start])) && (f.End == len(text) || utf8.RuneStart(text[f.End]))
}

func match(text string, f *rules.Finding) string {
	if !spanOK(text, f) {
		return ""
	}
	return text[f.Start:f.End]
}

// outFile is an output written under a temporary name and renamed into
// place when complete, readable by the owner only (it quotes posts).
type outFile struct {
	f         *os.File
	w         *bufio.Writer
	tmp, path string
}

func createOut(dir, name string) (*outFile, error) {
	path := filepath.Join(dir, name)
	tmp := path + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	return &outFile{f: f, w: bufio.NewWriterSize(f, 64<<10), tmp: tmp, path: path}, nil
}

func (o *outFile) commit() error {
	if err := o.w.Flush(); err != nil {
		o.abort()
		return err
	}
	if err := o.f.Close(); err != nil {
		os.Remove(o.tmp)
		return err
	}
	return os.Rename(o.tmp, o.path)
}

func (o *outFile) abort() {
	o.f.Close()
	os.Remove(o.tmp)
}

// ---- findings.json ----

// PostRecord is one flagged post in findings.json.
type PostRecord struct {
	Source   string          `json:"source"`
	Index    int             `json:"index"`
	Platform string          `json:"platform"`
	Kind     string          `json:"kind"`
	ID       string          `json:"id,omitempty"`
	Date     string          `json:"date,omitempty"` // RFC 3339, UTC
	URL      string          `json:"url,omitempty"`
	ReplyTo  string          `json:"reply_to,omitempty"`
	Context  string          `json:"context,omitempty"`
	Risk     string          `json:"risk"`
	Text     string          `json:"text"`
	Findings []FindingRecord `json:"findings"`
}

// FindingRecord is a rules.Finding with the text it covers.
type FindingRecord struct {
	rules.Finding
	Match string `json:"match"`
}

func newPostRecord(p *Post, res *rules.Result) PostRecord {
	r := PostRecord{Source: p.Source, Index: p.Index, Platform: p.Platform, Kind: p.Kind, ID: p.ID,
		URL: p.URL, ReplyTo: p.ReplyTo, Context: p.Context, Risk: postRisk(res), Text: p.Text,
		Findings: make([]FindingRecord, len(res.Findings))}
	if !p.Time.IsZero() {
		r.Date = p.Time.UTC().Format(time.RFC3339)
	}
	for i := range res.Findings {
		r.Findings[i] = FindingRecord{Finding: res.Findings[i], Match: match(p.Text, &res.Findings[i])}
		if r.Findings[i].Fixes == nil {
			r.Findings[i].Fixes = []rules.Fix{}
		}
	}
	return r
}

type jsonReport struct {
	out *outFile
	n   int
}

func newJSONReport(dir string, generated time.Time, policy rules.PolicyInfo) (*jsonReport, error) {
	o, err := createOut(dir, "findings.json")
	if err != nil {
		return nil, err
	}
	pol, _ := json.Marshal(policy)
	o.w.WriteString(`{"format":"` + FindingsFormat + `","generated":"` + generated.UTC().Format(time.RFC3339) + `","policy":`)
	o.w.Write(pol)
	o.w.WriteString(",\n\"posts\":[")
	return &jsonReport{out: o}, nil
}

func (j *jsonReport) post(r *PostRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if j.n > 0 {
		j.out.w.WriteByte(',')
	}
	j.n++
	j.out.w.WriteByte('\n')
	_, err = j.out.w.Write(b)
	return err
}

func (j *jsonReport) finish(inputs []InputReport, errs []FileError, s *Summary) error {
	tail := struct {
		Inputs  []InputReport `json:"inputs"`
		Errors  []FileError   `json:"errors"`
		Summary *Summary      `json:"summary"`
	}{inputs, errs, s}
	b, err := json.Marshal(tail)
	if err != nil {
		j.out.abort()
		return err
	}
	j.out.w.WriteString("\n],\n")
	j.out.w.Write(b[1:]) // the tail's fields continue the top-level object
	j.out.w.WriteByte('\n')
	return j.out.commit()
}

// ---- findings.csv ----

var csvHeader = []string{"source", "index", "platform", "kind", "post_id", "date", "url",
	"rule", "category", "severity", "identifier", "start", "end", "match", "message", "citation"}

type csvReport struct {
	out *outFile
	w   *csv.Writer
}

func newCSVReport(dir string) (*csvReport, error) {
	o, err := createOut(dir, "findings.csv")
	if err != nil {
		return nil, err
	}
	w := csv.NewWriter(o.w)
	w.Write(csvHeader)
	return &csvReport{out: o, w: w}, nil
}

func (c *csvReport) post(r *PostRecord) error {
	for _, f := range r.Findings {
		c.w.Write([]string{cell(r.Source), strconv.Itoa(r.Index), r.Platform, r.Kind, cell(r.ID), r.Date, cell(r.URL),
			f.Rule, string(f.Category), string(f.Severity), string(f.Identifier),
			strconv.Itoa(f.Start), strconv.Itoa(f.End), cell(f.Match), cell(f.Message), cell(f.Citation)})
	}
	return c.w.Error()
}

func (c *csvReport) finish() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		c.out.abort()
		return err
	}
	return c.out.commit()
}

// cell defuses spreadsheet formulas: a cell that starts with = + - @ or a
// control character is prefixed with an apostrophe, so opening the CSV in a
// spreadsheet never runs text from a post.
func cell(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
