package audit

import (
	"bufio"
	"bytes"
	"html/template"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-health/discreet/rules"
)

// htmlReport writes report.html: the flagged posts go to a side file as
// they arrive (so memory stays bounded), and the page is assembled around
// them at the end, when the summary is known. Everything is written by
// html/template, which escapes each value for where it lands (text,
// attribute, URL), and the page's CSP forbids any load.
type htmlReport struct {
	dir   string
	posts *os.File
	w     *bufio.Writer
	n     int
}

func newHTMLReport(dir string) (*htmlReport, error) {
	f, err := os.CreateTemp(dir, ".report-posts-*")
	if err != nil {
		return nil, err
	}
	return &htmlReport{dir: dir, posts: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

var platformNames = map[string]string{PlatformX: "X", PlatformFacebook: "Facebook",
	PlatformLinkedIn: "LinkedIn", PlatformInstagram: "Instagram", PlatformText: "Post"}

// htmlPost is what the "post" template shows of one flagged post. Its
// fields are flat (no embedded structs): text/template finds an embedded
// field by a slow reflective search, which made the report 4 times slower.
type htmlPost struct {
	N                                     int
	Risk, Cats, Sevs, Platform, Kind      string
	ReplyTo, Date, DateShown, URL, Source string
	Index                                 int
	ID, Context                           string
	Segments                              []segment
	Findings                              []htmlFinding
}

// htmlFinding is what the "post" template shows of one finding.
type htmlFinding struct {
	Severity, Rule, Category, Match, Message, Citation string
	Fixes                                              []rules.Fix
}

// renderPost renders the report fragment of one flagged post; n numbers
// its anchor (post-n). It runs on the audit's workers, in parallel.
//
// The fragment is specified by the "post" template below, and html/template
// renders the rest of the page; but executing a template costs about 120 µs
// a post (reflection on every action), which put a 100,000-post audit over
// its 10 s budget. So appendPost writes the same bytes directly, escaping
// each value for its context with html/template's own rules (htmlEscape,
// urlFilter + normalizeURL), and TestRenderPostMatchesTemplate checks the
// two byte for byte on ordinary and hostile posts.
func renderPost(r *PostRecord, n int) ([]byte, error) {
	p := newHTMLPost(r, n)
	return appendPost(make([]byte, 0, 1024+4*len(r.Text)), &p), nil
}

// renderPostTemplate renders the fragment with the "post" template (the
// specification of appendPost; used by the tests).
func renderPostTemplate(r *PostRecord, n int) ([]byte, error) {
	p := newHTMLPost(r, n)
	var b bytes.Buffer
	err := reportTemplate.ExecuteTemplate(&b, "post", p)
	return b.Bytes(), err
}

func newHTMLPost(r *PostRecord, n int) htmlPost {
	cats, sevs := map[string]bool{}, map[string]bool{}
	for _, f := range r.Findings {
		cats[string(f.Category)] = true
		sevs[string(f.Severity)] = true
	}
	p := htmlPost{N: n, Risk: r.Risk, Cats: joinKeys(cats), Sevs: joinKeys(sevs), Platform: platformNames[r.Platform],
		Kind: r.Kind, ReplyTo: r.ReplyTo, Date: r.Date, URL: r.URL, Source: r.Source, Index: r.Index, ID: r.ID, Context: r.Context,
		Segments: highlight(r.Text, r.Findings), Findings: make([]htmlFinding, len(r.Findings))}
	for i := range r.Findings {
		f := &r.Findings[i]
		p.Findings[i] = htmlFinding{Severity: string(f.Severity), Rule: f.Rule, Category: string(f.Category), Match: f.Match,
			Message: f.Message, Citation: f.Citation, Fixes: f.Fixes}
	}
	if r.Date != "" {
		p.DateShown = strings.Replace(strings.TrimSuffix(r.Date, "Z"), "T", " ", 1) + " UTC"
	}
	return p
}

// appendPost writes what the "post" template writes (see renderPost).
func appendPost(b []byte, p *htmlPost) []byte {
	e := htmlEscape
	b = append(b, `<article class="post risk-`...)
	b = e(b, p.Risk)
	b = append(b, `" id="post-`...)
	b = strconv.AppendInt(b, int64(p.N), 10)
	b = append(b, `" data-risk="`...)
	b = e(b, p.Risk)
	b = append(b, `" data-cats="`...)
	b = e(b, p.Cats)
	b = append(b, `" data-sevs="`...)
	b = e(b, p.Sevs)
	b = append(b, "\">\n<header><span class=\"badge sev-"...)
	b = e(b, p.Risk)
	b = append(b, `">`...)
	b = e(b, p.Risk)
	b = append(b, `</span> <span class="platform">`...)
	b = e(b, p.Platform)
	b = append(b, ' ')
	b = e(b, p.Kind)
	b = append(b, `</span>`...)
	if p.ReplyTo != "" {
		b = append(b, ` <span class="reply">to `...)
		b = e(b, p.ReplyTo)
		b = append(b, `</span>`...)
	}
	if p.Date != "" {
		b = append(b, ` <time datetime="`...)
		b = e(b, p.Date)
		b = append(b, `">`...)
		b = e(b, p.DateShown)
		b = append(b, `</time>`...)
	}
	if p.URL != "" {
		b = append(b, ` <a class="open" href="`...)
		b = e(b, normalizeURL(urlFilter(p.URL)))
		b = append(b, `" target="_blank" rel="noopener noreferrer">open the original post ↗</a>`...)
	} else {
		b = append(b, ` <span class="nolink">(the export has no link to this post)</span>`...)
	}
	b = append(b, `<div class="where">`...)
	b = e(b, p.Source)
	b = append(b, " #"...)
	b = strconv.AppendInt(b, int64(p.Index), 10)
	if p.ID != "" {
		b = append(b, " · id "...)
		b = e(b, p.ID)
	}
	b = append(b, "</div></header>\n"...)
	if p.Context != "" {
		b = append(b, `<p class="context">`...)
		b = e(b, p.Context)
		b = append(b, "</p>\n"...)
	}
	b = append(b, `<p class="text">`...)
	for _, s := range p.Segments {
		if s.IDs == "" {
			b = e(b, s.Text)
			continue
		}
		b = append(b, `<mark class="hl sev-`...)
		b = e(b, s.Sev)
		b = append(b, `" data-f="`...)
		b = e(b, s.IDs)
		b = append(b, `" title="`...)
		b = e(b, s.Title)
		b = append(b, `">`...)
		b = e(b, s.Text)
		b = append(b, `</mark>`...)
	}
	b = append(b, "</p>\n<ul class=\"findings\">\n"...)
	for i, f := range p.Findings {
		b = append(b, `<li class="finding sev-`...)
		b = e(b, f.Severity)
		b = append(b, `" data-f="`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, `" data-rule="`...)
		b = e(b, f.Rule)
		b = append(b, `" data-cat="`...)
		b = e(b, f.Category)
		b = append(b, `" data-sev="`...)
		b = e(b, f.Severity)
		b = append(b, `"><span class="badge sev-`...)
		b = e(b, f.Severity)
		b = append(b, `">`...)
		b = e(b, f.Severity)
		b = append(b, `</span> <code>`...)
		b = e(b, f.Rule)
		b = append(b, `</code> `...)
		if f.Match != "" {
			b = append(b, `<q class="match">`...)
			b = e(b, f.Match)
			b = append(b, `</q> `...)
		}
		b = e(b, f.Message)
		if f.Citation != "" {
			b = append(b, ` <cite>`...)
			b = e(b, f.Citation)
			b = append(b, `</cite>`...)
		}
		for _, x := range f.Fixes {
			b = append(b, ` <span class="fix">`...)
			b = e(b, x.Label)
			if x.Replacement != "" {
				b = append(b, `: <q>`...)
				b = e(b, x.Replacement)
				b = append(b, `</q>`...)
			}
			b = append(b, `</span>`...)
		}
		b = append(b, "</li>\n"...)
	}
	return append(b, "</ul>\n</article>\n"...)
}

// htmlEscape appends s escaped as html/template escapes text and quoted
// attribute values: NUL becomes U+FFFD; " & ' + < > become references;
// every other byte, valid UTF-8 or not, is kept.
func htmlEscape(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var r string
		switch s[i] {
		case 0:
			r = "\uFFFD"
		case '"':
			r = "&#34;"
		case '&':
			r = "&amp;"
		case '\'':
			r = "&#39;"
		case '+':
			r = "&#43;"
		case '<':
			r = "&lt;"
		case '>':
			r = "&gt;"
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, r...)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// urlFilter is html/template's: a URL with a scheme other than http,
// https or mailto becomes "#ZgotmplZ" (no javascript: links).
func urlFilter(s string) string {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
			return "#ZgotmplZ"
		}
	}
	return s
}

// normalizeURL is html/template's URL normaliser: bytes outside RFC 3986's
// reserved and unreserved sets are percent-encoded, valid escapes kept.
func normalizeURL(s string) string {
	const hex = "0123456789abcdef"
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~!#$&*+,/:;=?@[]", c) >= 0:
			if b != nil {
				b = append(b, c)
			}
			continue
		case c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			if b != nil {
				b = append(b, c)
			}
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(s)+16), s[:i]...)
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	if b == nil {
		return s
	}
	return string(b)
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// write adds a flagged post's fragment (renderPost) to the side file.
func (h *htmlReport) write(fragment []byte) error {
	h.n++
	_, err := h.w.Write(fragment)
	return err
}

// segment is a run of a post's text: plain, or marked by the findings IDs
// (indexes, space-separated) with the highest severity's colour.
type segment struct {
	Text  string
	IDs   string // "" for plain text
	Sev   string
	Title string // the rules marking it (the messages are in the list below)
}

// highlight cuts text at each finding's byte span. Overlapping findings
// split the text into segments; a segment lists every finding covering it.
// Spans outside the text or off rune boundaries are not marked.
func highlight(text string, fs []FindingRecord) []segment {
	cuts := []int{0, len(text)}
	for i := range fs {
		if spanOK(text, &fs[i].Finding) && fs[i].Start < fs[i].End {
			cuts = append(cuts, fs[i].Start, fs[i].End)
		}
	}
	sort.Ints(cuts)
	var segs []segment
	for k := 0; k+1 < len(cuts); k++ {
		a, b := cuts[k], cuts[k+1]
		if a == b {
			continue
		}
		var ids, titles []string
		best := rules.Severity("")
		for i := range fs {
			f := &fs[i]
			if spanOK(text, &f.Finding) && f.Start <= a && f.End >= b && f.Start < f.End {
				ids = append(ids, strconv.Itoa(i))
				titles = append(titles, f.Rule)
				if f.Severity.Rank() > best.Rank() {
					best = f.Severity
				}
			}
		}
		segs = append(segs, segment{Text: text[a:b], IDs: strings.Join(ids, " "), Sev: string(best), Title: strings.Join(titles, ", ")})
	}
	return segs
}

func joinKeys(m map[string]bool) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}

func (h *htmlReport) abort() {
	h.posts.Close()
	os.Remove(h.posts.Name())
}

// htmlPage is what the "top" and "bottom" templates show around the posts.
type htmlPage struct {
	Generated   string
	Policy      rules.PolicyInfo
	PolicyName  string
	S           *Summary
	Severities  []string
	Categories  []rules.Category
	Rules       []string // rules seen, most findings first
	Chart       *chart
	UndatedFlag int
	Inputs      []InputReport
	Errs        []FileError
	Flagged     int // posts written
}

// finish writes report.html around the posts written so far.
func (h *htmlReport) finish(generated time.Time, policy rules.PolicyInfo, inputs []InputReport, errs []FileError, s *Summary) error {
	defer h.abort()
	if err := h.w.Flush(); err != nil {
		return err
	}
	if _, err := h.posts.Seek(0, io.SeekStart); err != nil {
		return err
	}
	page := htmlPage{Generated: generated.UTC().Format("2006-01-02 15:04 UTC"), Policy: policy,
		PolicyName: firstNonEmpty(policy.Name, "(unnamed)"), S: s, Severities: severities, Categories: rules.Categories,
		Rules: rulesByCount(s.ByRule), Chart: newChart(s), Inputs: inputs, Errs: errs, Flagged: h.n}
	for _, v := range s.Undated.Flagged {
		page.UndatedFlag += v
	}
	o, err := createOut(h.dir, "report.html")
	if err != nil {
		return err
	}
	if err := reportTemplate.ExecuteTemplate(o.w, "top", page); err != nil {
		o.abort()
		return err
	}
	if _, err := io.Copy(o.w, h.posts); err != nil {
		o.abort()
		return err
	}
	if err := reportTemplate.ExecuteTemplate(o.w, "bottom", page); err != nil {
		o.abort()
		return err
	}
	return o.commit()
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

var severities = []string{string(rules.Block), string(rules.Warn), string(rules.Info)}

// rulesByCount lists the rules with findings, most findings first.
func rulesByCount(by map[string]int) []string {
	rs := make([]string, 0, len(by))
	for r := range by {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool {
		if by[rs[i]] != by[rs[j]] {
			return by[rs[i]] > by[rs[j]]
		}
		return rs[i] < rs[j]
	})
	return rs
}

var sevColor = map[string]string{"block": "#b00020", "warn": "#b45309", "info": "#1d4ed8"}

// chart is the timeline of flagged posts per period as stacked bars (block,
// warn, info) in inline SVG, laid out here and drawn by the template.
type chart struct {
	Width, Height, Left, Top, Base, Peak int
	Bars                                 []chartBar
}

type chartBar struct {
	Period         string
	Total, Posts   int
	X, W, H        int
	Rects          []chartRect
	Year           string // the year's label under its first bar, else ""
	LabelX, LabelY int
}

type chartRect struct {
	Y, H  int
	Color string
}

func newChart(s *Summary) *chart {
	if len(s.Timeline) == 0 {
		return nil
	}
	peak := 1
	for _, b := range s.Timeline {
		n := 0
		for _, v := range b.Flagged {
			n += v
		}
		peak = max(peak, n)
	}
	const chartH, left, bottom = 160, 40, 30
	barW := max(2, min(24, 900/len(s.Timeline)))
	c := &chart{Width: left + len(s.Timeline)*barW + 10, Height: chartH + bottom + 10, Left: left, Top: 10, Base: chartH + 10, Peak: peak}
	lastYear := ""
	for i, b := range s.Timeline {
		bar := chartBar{Period: b.Period, Posts: b.Posts, X: left + i*barW, W: max(barW-1, 1), H: chartH, LabelY: chartH + 26}
		for _, sev := range severities {
			bar.Total += b.Flagged[sev]
		}
		y := chartH + 10
		for _, sev := range []string{"info", "warn", "block"} {
			if n := b.Flagged[sev]; n > 0 {
				hgt := max(1, n*chartH/peak)
				y -= hgt
				bar.Rects = append(bar.Rects, chartRect{Y: y, H: hgt, Color: sevColor[sev]})
			}
		}
		if year := b.Period[:4]; year != lastYear {
			lastYear, bar.Year, bar.LabelX = year, year, bar.X
		}
		c.Bars = append(c.Bars, bar)
	}
	return c
}

// reportTemplate is the page: "top" (head, summary, chart, inputs,
// filters), the posts ("post", one each, written to the side file as they
// come) and "bottom" (the filter script).
var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"count": func(m map[string]int, k string) int { return m[k] },
}).Parse(reportHTML))

const reportHTML = `{{define "post" -}}
<article class="post risk-{{.Risk}}" id="post-{{.N}}" data-risk="{{.Risk}}" data-cats="{{.Cats}}" data-sevs="{{.Sevs}}">
<header><span class="badge sev-{{.Risk}}">{{.Risk}}</span> <span class="platform">{{.Platform}} {{.Kind}}</span>
{{- if .ReplyTo}} <span class="reply">to {{.ReplyTo}}</span>{{end}}
{{- if .Date}} <time datetime="{{.Date}}">{{.DateShown}}</time>{{end}}
{{- if .URL}} <a class="open" href="{{.URL}}" target="_blank" rel="noopener noreferrer">open the original post ↗</a>
{{- else}} <span class="nolink">(the export has no link to this post)</span>{{end -}}
<div class="where">{{.Source}} #{{.Index}}{{if .ID}} · id {{.ID}}{{end}}</div></header>
{{if .Context}}<p class="context">{{.Context}}</p>
{{end -}}
<p class="text">{{template "text" .Segments}}</p>
<ul class="findings">
{{range $i, $f := .Findings -}}
<li class="finding sev-{{$f.Severity}}" data-f="{{$i}}" data-rule="{{$f.Rule}}" data-cat="{{$f.Category}}" data-sev="{{$f.Severity}}"><span class="badge sev-{{$f.Severity}}">{{$f.Severity}}</span> <code>{{$f.Rule}}</code> {{if $f.Match}}<q class="match">{{$f.Match}}</q> {{end}}{{$f.Message}}
{{- if $f.Citation}} <cite>{{$f.Citation}}</cite>{{end}}
{{- range $f.Fixes}} <span class="fix">{{.Label}}{{if .Replacement}}: <q>{{.Replacement}}</q>{{end}}</span>{{end -}}
</li>
{{end -}}
</ul>
</article>
{{end}}

{{- define "text"}}{{range .}}{{if .IDs}}<mark class="hl sev-{{.Sev}}" data-f="{{.IDs}}" title="{{.Title}}">{{.Text}}</mark>{{else}}{{.Text}}{{end}}{{end}}{{end}}

{{- define "top" -}}
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Discreet audit of past posts</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:60rem;padding:1rem 1.5rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
.meta{color:#57606a;font-size:.9rem}
.tables{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
table.counts{border-collapse:collapse}table.counts th{text-align:left;font-weight:normal;padding:.15rem 1rem .15rem 0}
table.counts td{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;white-space:nowrap}
.badge{display:inline-block;border-radius:3px;padding:0 .35rem;color:#fff;font-size:.8rem;text-transform:uppercase}
.badge.sev-block{background:#b00020}.badge.sev-warn{background:#b45309}.badge.sev-info{background:#1d4ed8}
svg .axis{stroke:#57606a}svg .bg{fill:#f3f4f6}svg text{font-size:11px;fill:#57606a}
fieldset{display:inline-block;border:1px solid #d0d7de;margin:0 1rem .5rem 0}label{margin-right:.6rem;white-space:nowrap}
article.post{border:1px solid #d0d7de;border-left:4px solid #d0d7de;border-radius:4px;padding:.5rem .8rem;margin:.8rem 0}
article.risk-block{border-left-color:#b00020}article.risk-warn{border-left-color:#b45309}article.risk-info{border-left-color:#1d4ed8}
article header{font-size:.9rem;color:#57606a}.where{font-size:.8rem;overflow-wrap:anywhere}
p.text{white-space:pre-wrap;overflow-wrap:anywhere;font-size:1rem}p.context{font-style:italic;color:#57606a}
mark.hl{border-radius:2px;padding:0 1px}mark.sev-block{background:#fbd3d9}mark.sev-warn{background:#fde7c2}mark.sev-info{background:#dbe7fd}
ul.findings{padding-left:1.2rem;font-size:.9rem}q.match{font-weight:600}cite{color:#57606a;font-size:.8rem}
.fix{color:#116329}.error{color:#b00020}[hidden]{display:none!important}
</style>
</head>
<body>
<h1>Discreet audit of past posts</h1>
<p class="meta">Generated {{.Generated}}
{{- if or .Policy.Name .Policy.Institution.Name}} under the policy <b>{{.PolicyName}}</b>
{{- if .Policy.Version}} version {{.Policy.Version}}{{end}}
{{- if .Policy.Institution.Name}} of {{.Policy.Institution.Name}}{{end}}
{{- else}} with the default rules{{end}}. This file quotes your posts: keep it private. It needs no network.</p>
<section id="summary">
<h2>Summary</h2>
<table class="counts">
<tr><th>Posts read</th><td class="count" data-key="posts_read">{{.S.PostsRead}}</td></tr>
<tr><th>Posts flagged</th><td class="count" data-key="posts_flagged">{{.S.PostsFlagged}}</td></tr>
{{if .S.PostsUnchecked}}<tr><th>Posts that could not be checked</th><td class="count" data-key="posts_unchecked">{{.S.PostsUnchecked}}</td></tr>
{{end -}}
<tr><th>Findings</th><td class="count" data-key="findings">{{.S.Findings}}</td></tr>
</table>
<div class="tables"><table class="counts" id="by-severity"><caption>Findings by severity</caption>
{{range .Severities}}<tr><th><span class="badge sev-{{.}}">{{.}}</span></th><td class="count" data-key="severity:{{.}}">{{count $.S.BySeverity .}}</td></tr>
{{end -}}
</table>
<table class="counts" id="by-category"><caption>Findings by category</caption>
{{range .Categories}}<tr><th>{{.}}</th><td class="count" data-key="category:{{.}}">{{count $.S.ByCategory (print .)}}</td></tr>
{{end -}}
</table>
<table class="counts" id="by-rule"><caption>Findings by rule</caption>
{{range .Rules}}<tr><th><code>{{.}}</code></th><td class="count" data-key="rule:{{.}}">{{count $.S.ByRule .}}</td></tr>
{{end -}}
</table></div>
</section>
<section id="timeline">
<h2>Flagged posts over time</h2>
{{with .Chart -}}
<svg id="chart" role="img" aria-label="Flagged posts per period" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}">
<line x1="{{.Left}}" y1="{{.Top}}" x2="{{.Left}}" y2="{{.Base}}" class="axis"/><line x1="{{.Left}}" y1="{{.Base}}" x2="{{.Width}}" y2="{{.Base}}" class="axis"/>
<text x="{{.Left}}" dx="-4" y="18" class="ylabel" text-anchor="end">{{.Peak}}</text><text x="{{.Left}}" dx="-4" y="{{.Base}}" class="ylabel" text-anchor="end">0</text>
{{range .Bars}}<g class="bar" data-period="{{.Period}}" data-flagged="{{.Total}}" data-posts="{{.Posts}}"><title>{{.Period}}: {{.Total}} flagged of {{.Posts}} posts</title><rect x="{{.X}}" y="10" width="{{.W}}" height="{{.H}}" class="bg"/>
{{- $b := .}}{{range .Rects}}<rect x="{{$b.X}}" y="{{.Y}}" width="{{$b.W}}" height="{{.H}}" fill="{{.Color}}"/>{{end}}</g>
{{if .Year}}<text x="{{.LabelX}}" y="{{.LabelY}}" class="xlabel">{{.Year}}</text>
{{end}}{{end -}}
</svg>
{{- if $.S.Undated.Posts}}
<p class="meta">Posts with no date: {{$.S.Undated.Posts}}, {{$.UndatedFlag}} flagged.</p>
{{- end}}
{{else -}}
<p class="none">No dated posts.</p>
{{end -}}
</section>
<section id="inputs">
<h2>What was read</h2>
<ul>
{{range .Inputs}}{{range .Files}}<li><code>{{.File}}</code>: {{.Format}}, {{.Posts}} posts</li>
{{end}}{{end -}}
</ul>
{{if .Errs}}<h3>Problems</h3>
<ul id="errors">
{{range .Errs}}<li class="error"><code>{{.File}}</code>: {{.Message}}</li>
{{end -}}
</ul>
{{end -}}
</section>
<section id="posts">
<h2>Flagged posts</h2>
<form id="filters"><fieldset id="filter-severity"><legend>Severity</legend>
{{range .Severities}}<label><input type="checkbox" name="severity" value="{{.}}" checked> {{.}} ({{count $.S.BySeverity .}})</label>
{{end -}}
</fieldset><fieldset id="filter-category"><legend>Category</legend>
{{range .Categories}}<label><input type="checkbox" name="category" value="{{.}}" checked> {{.}} ({{count $.S.ByCategory (print .)}})</label>
{{end -}}
</fieldset></form>
<p class="meta">Showing <span id="shown">{{.S.PostsFlagged}}</span> of {{.S.PostsFlagged}} flagged posts.</p>
{{if not .Flagged}}<p class="none">No post was flagged.</p>
{{end}}
{{- end}}

{{- define "bottom" -}}
</section>
<script>
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  function checked(name) {
    var s = {};
    form.querySelectorAll("input[name=" + name + "]").forEach(function (i) { if (i.checked) s[i.value] = true; });
    return s;
  }
  function apply() {
    var sev = checked("severity"), cat = checked("category"), shown = 0;
    document.querySelectorAll("article.post").forEach(function (a) {
      var any = false;
      a.querySelectorAll("li.finding").forEach(function (li) {
        var ok = sev[li.dataset.sev] && cat[li.dataset.cat];
        li.hidden = !ok;
        if (ok) any = true;
      });
      a.hidden = !any;
      if (any) shown++;
    });
    document.getElementById("shown").textContent = String(shown);
  }
  form.addEventListener("change", apply);
  apply();
})();
</script>
</body>
</html>
{{end}}`
