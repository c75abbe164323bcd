// Package eval scores an engine's findings against a labelled corpus of
// posts (rules/testdata/corpus.jsonl): per-category precision, recall and
// F1 at post level, severity agreement, identifier recall per Safe Harbor
// type, and the share of benign posts flagged.
//
// The package does no scanning: the caller scans every post with the engine
// it wants and hands the results to Evaluate, so the same metrics serve the
// native engine and the module under wazero.
package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/discreet-health/discreet/rules"
)

// Post is one line of the corpus.
type Post struct {
	ID       json.RawMessage `json:"id"` // any JSON value
	Platform string          `json:"platform"`
	Text     string          `json:"text"`
	// Labels maps each category the post breaches to the severity it
	// deserves; empty for a benign post.
	Labels map[rules.Category]rules.Severity `json:"labels"`
	// Identifiers are the Safe Harbor identifiers in the text.
	Identifiers []GoldIdentifier `json:"identifiers"`
	Note        string           `json:"note"`
}

// GoldIdentifier marks an identifier in a post: the Occurrence-th (from 1;
// 0 or absent means the first) occurrence of Text.
type GoldIdentifier struct {
	Type       rules.Identifier `json:"type"`
	Text       string           `json:"text"`
	Occurrence int              `json:"occurrence,omitempty"`
}

// Name is the post's id as text: a JSON string without its quotes, any
// other value as written.
func (p *Post) Name() string {
	var s string
	if json.Unmarshal(p.ID, &s) == nil {
		return s
	}
	if len(p.ID) == 0 {
		return "?"
	}
	return string(p.ID)
}

// Benign reports whether the post has no labels.
func (p *Post) Benign() bool { return len(p.Labels) == 0 }

// Load reads a corpus in JSON lines. Blank lines are skipped; a line that is
// not a valid post is an error naming its line number.
func Load(r io.Reader) ([]Post, error) {
	br := bufio.NewReader(r)
	var posts []Post
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var p Post
			if derr := json.Unmarshal(line, &p); derr != nil {
				return nil, fmt.Errorf("line %d: %v", n, derr)
			}
			if verr := p.validate(); verr != nil {
				return nil, fmt.Errorf("line %d (id %s): %v", n, p.Name(), verr)
			}
			posts = append(posts, p)
		}
		if errors.Is(err, io.EOF) {
			return posts, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (p *Post) validate() error {
	for c, s := range p.Labels {
		if !validCategory(c) {
			return fmt.Errorf("labels: unknown category %q", c)
		}
		if s.Rank() == 0 {
			return fmt.Errorf("labels.%s: severity %q, want info, warn or block", c, s)
		}
	}
	for i, g := range p.Identifiers {
		if g.Type == "" || !validIdentifier(g.Type) {
			return fmt.Errorf("identifiers[%d]: unknown type %q", i, g.Type)
		}
		if g.Text == "" {
			return fmt.Errorf("identifiers[%d]: empty text", i)
		}
		if g.Occurrence < 0 {
			return fmt.Errorf("identifiers[%d]: negative occurrence", i)
		}
	}
	return nil
}

func validCategory(c rules.Category) bool {
	for _, k := range rules.Categories {
		if c == k {
			return true
		}
	}
	return false
}

func validIdentifier(id rules.Identifier) bool {
	for _, k := range rules.Identifiers {
		if id == k {
			return true
		}
	}
	return false
}

// Span finds the identifier in text: its byte span, or ok false when the
// text does not occur that many times.
func (g GoldIdentifier) Span(text string) (start, end int, ok bool) {
	want := max(g.Occurrence, 1)
	from := 0
	for k := 1; ; k++ {
		i := strings.Index(text[from:], g.Text)
		if i < 0 {
			return 0, 0, false
		}
		start = from + i
		if k == want {
			return start, start + len(g.Text), true
		}
		from = start + 1
	}
}

// Count is a precision/recall tally.
type Count struct{ TP, FP, FN int }

// Precision is TP/(TP+FP); ok is false when nothing was predicted.
func (c Count) Precision() (v float64, ok bool) { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN); ok is false when nothing was gold.
func (c Count) Recall() (v float64, ok bool) { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall, 2TP/(2TP+FP+FN).
func (c Count) F1() (v float64, ok bool) { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

func ratio(a, b int) (float64, bool) {
	if b == 0 {
		return 0, false
	}
	return float64(a) / float64(b), true
}

// Agreement counts gold positives and how many got exactly the gold
// severity (the highest severity among the post's findings of that
// category, at any severity).
type Agreement struct{ Gold, Exact int }

// Rate is Exact/Gold; ok is false when there is no gold positive.
func (a Agreement) Rate() (float64, bool) { return ratio(a.Exact, a.Gold) }

// Recall counts gold identifiers and how many were found.
type Recall struct{ Gold, Found int }

// Rate is Found/Gold; ok is false when there is no gold identifier.
func (r Recall) Rate() (float64, bool) { return ratio(r.Found, r.Gold) }

// Case is one post the engine got wrong, for the verbose listing.
type Case struct {
	Post     *Post
	Kind     string         // "miss", "false alarm", "severity", "identifier miss"
	Category rules.Category // for miss, false alarm and severity
	Want     string         // gold severity, or the missed identifier
	Got      string         // predicted severity
	Findings []rules.Finding
}

// Report is the outcome of an evaluation.
type Report struct {
	Posts, Benign, BenignFlagged int
	Categories                   map[rules.Category]Count
	Severity                     map[rules.Severity]Agreement // by gold severity
	Identifiers                  map[rules.Identifier]Recall
	Cases                        []Case
	// Problems are corpus mistakes found on the way, such as an identifier
	// whose text is not in the post; those identifiers are not scored.
	Problems []string
}

// RowHeader is the header of the table that Row writes a line of.
const RowHeader = "| set | posts | privacy P/R | boundaries P/R | conduct P/R | misinformation P/R | disclosure P/R | identifiers | benign flagged |\n|---|---|---|---|---|---|---|---|---|"

// Row is the report as one Markdown table row led by label: precision and
// recall per category, identifier recall, and the share of benign posts
// flagged (see RowHeader).
func (r *Report) Row(label string) string {
	var b strings.Builder
	b.WriteString("| " + label + " | " + strconv.Itoa(r.Posts) + " |")
	for _, c := range rules.Categories {
		n := r.Categories[c]
		p, pok := n.Precision()
		rc, rok := n.Recall()
		b.WriteString(" " + num(p, pok) + "/" + num(rc, rok) + " |")
	}
	id := r.IdentifierTotal()
	v, ok := id.Rate()
	b.WriteString(" " + num(v, ok) + " |")
	fr, fok := r.BenignFlaggedRate()
	b.WriteString(" " + pct(fr, fok) + " (" + strconv.Itoa(r.BenignFlagged) + "/" + strconv.Itoa(r.Benign) + ") |")
	return b.String()
}

// Evaluate scores results[i] against posts[i]. It panics if the lengths
// differ (a caller bug).
func Evaluate(posts []Post, results []rules.Result) *Report {
	if len(posts) != len(results) {
		panic("eval: " + strconv.Itoa(len(results)) + " results for " + strconv.Itoa(len(posts)) + " posts")
	}
	r := &Report{
		Posts:       len(posts),
		Categories:  map[rules.Category]Count{},
		Severity:    map[rules.Severity]Agreement{},
		Identifiers: map[rules.Identifier]Recall{},
	}
	for i := range posts {
		p, fs := &posts[i], results[i].Findings
		// The highest severity found per category.
		top := map[rules.Category]rules.Severity{}
		for _, f := range fs {
			if f.Severity.Rank() > top[f.Category].Rank() {
				top[f.Category] = f.Severity
			}
		}
		flagged := false
		for _, c := range rules.Categories {
			gold, isGold := p.Labels[c]
			pred := top[c].Rank() >= rules.Warn.Rank()
			flagged = flagged || pred
			n := r.Categories[c]
			switch {
			case isGold && pred:
				n.TP++
			case isGold:
				n.FN++
				r.Cases = append(r.Cases, Case{Post: p, Kind: "miss", Category: c, Want: string(gold), Got: sevName(top[c]), Findings: fs})
			case pred:
				n.FP++
				r.Cases = append(r.Cases, Case{Post: p, Kind: "false alarm", Category: c, Got: sevName(top[c]), Findings: fs})
			}
			r.Categories[c] = n
			if isGold {
				a := r.Severity[gold]
				a.Gold++
				if top[c] == gold {
					a.Exact++
				} else if pred {
					r.Cases = append(r.Cases, Case{Post: p, Kind: "severity", Category: c, Want: string(gold), Got: sevName(top[c]), Findings: fs})
				}
				r.Severity[gold] = a
			}
		}
		if p.Benign() {
			r.Benign++
			if flagged {
				r.BenignFlagged++
			}
		}
		for _, g := range p.Identifiers {
			start, end, ok := g.Span(p.Text)
			if !ok {
				r.Problems = append(r.Problems, fmt.Sprintf("post %s: identifier %s %q is not in the text (occurrence %d)", p.Name(), g.Type, g.Text, max(g.Occurrence, 1)))
				continue
			}
			rc := r.Identifiers[g.Type]
			rc.Gold++
			found := false
			for _, f := range fs {
				if f.Identifier == g.Type && f.Start < end && start < f.End {
					found = true
					break
				}
			}
			if found {
				rc.Found++
			} else {
				r.Cases = append(r.Cases, Case{Post: p, Kind: "identifier miss", Want: string(g.Type) + " " + strconv.Quote(g.Text), Findings: fs})
			}
			r.Identifiers[g.Type] = rc
		}
	}
	return r
}

func sevName(s rules.Severity) string {
	if s == "" {
		return "none"
	}
	return string(s)
}

// SeverityTotal is the agreement over all gold positives.
func (r *Report) SeverityTotal() Agreement {
	var t Agreement
	for _, a := range r.Severity {
		t.Gold += a.Gold
		t.Exact += a.Exact
	}
	return t
}

// IdentifierTotal is the identifier recall over all types.
func (r *Report) IdentifierTotal() Recall {
	var t Recall
	for _, a := range r.Identifiers {
		t.Gold += a.Gold
		t.Found += a.Found
	}
	return t
}

// BenignFlaggedRate is the share of benign posts with a finding at warn or
// above; ok is false when the corpus has no benign post.
func (r *Report) BenignFlaggedRate() (float64, bool) { return ratio(r.BenignFlagged, r.Benign) }

// WriteTable prints the report as aligned tables.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d posts, %d benign\n\n", r.Posts, r.Benign)
	fmt.Fprintf(&b, "%-15s %5s %5s %5s %5s %9s %7s %6s\n", "category", "gold", "pred", "tp", "fn", "precision", "recall", "f1")
	var all Count
	for _, c := range rules.Categories {
		n := r.Categories[c]
		all.TP, all.FP, all.FN = all.TP+n.TP, all.FP+n.FP, all.FN+n.FN
		writeCount(&b, string(c), n)
	}
	writeCount(&b, "all", all)

	fmt.Fprintf(&b, "\nseverity agreement on gold positives (exact match)\n%-15s %5s %5s %7s\n", "gold severity", "gold", "exact", "rate")
	for _, s := range []rules.Severity{rules.Info, rules.Warn, rules.Block} {
		writeRate(&b, string(s), r.Severity[s].Gold, r.Severity[s].Exact)
	}
	t := r.SeverityTotal()
	writeRate(&b, "all", t.Gold, t.Exact)

	fmt.Fprintf(&b, "\nidentifier recall (a finding of the same type overlaps the span)\n%-15s %5s %5s %7s\n", "type", "gold", "found", "recall")
	for _, id := range rules.Identifiers {
		if rc, ok := r.Identifiers[id]; ok {
			writeRate(&b, string(id), rc.Gold, rc.Found)
		}
	}
	it := r.IdentifierTotal()
	writeRate(&b, "all", it.Gold, it.Found)

	fmt.Fprintf(&b, "\nbenign posts flagged at warn or above: %d of %d (%s)\n", r.BenignFlagged, r.Benign, pct(r.BenignFlaggedRate()))
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "corpus problem: %s\n", p)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCount(b *strings.Builder, name string, n Count) {
	fmt.Fprintf(b, "%-15s %5d %5d %5d %5d %9s %7s %6s\n", name, n.TP+n.FN, n.TP+n.FP, n.TP, n.FN,
		num(n.Precision()), num(n.Recall()), num(n.F1()))
}

func writeRate(b *strings.Builder, name string, gold, hit int) {
	fmt.Fprintf(b, "%-15s %5d %5d %7s\n", name, gold, hit, num(ratio(hit, gold)))
}

func num(v float64, ok bool) string {
	if !ok {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

func pct(v float64, ok bool) string {
	if !ok {
		return "-"
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
}

// WriteCases lists every miss, false alarm, severity mismatch and missed
// identifier with the post's id, an excerpt and the findings.
func (r *Report) WriteCases(w io.Writer) error {
	var b strings.Builder
	for _, c := range r.Cases {
		fmt.Fprintf(&b, "%s %s", c.Post.Name(), c.Kind)
		switch c.Kind {
		case "miss", "false alarm", "severity":
			fmt.Fprintf(&b, " %s: want %s, got %s", c.Category, sevName(c.Post.Labels[c.Category]), c.Got)
		case "identifier miss":
			fmt.Fprintf(&b, ": %s", c.Want)
		}
		fmt.Fprintf(&b, "\n  text: %s\n", Excerpt(c.Post.Text, 160))
		if len(c.Findings) == 0 {
			b.WriteString("  findings: none\n")
		}
		for _, f := range c.Findings {
			fmt.Fprintf(&b, "  finding: %s %s %q\n", f.Severity, f.Rule, spanText(c.Post.Text, f.Start, f.End))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func spanText(text string, start, end int) string {
	if start < 0 || end > len(text) || start > end {
		return "?"
	}
	return text[start:end]
}

// Excerpt shortens text to about n runes on one line.
func Excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	rs := []rune(text)
	if len(rs) <= n {
		return text
	}
	return string(rs[:n]) + "…"
}
