package audit

import (
	"bufio"
	"fmt"
	"html"
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
// them at the end, when the summary is known.
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

var esc = html.EscapeString

var platformNames = map[string]string{PlatformX: "X", PlatformFacebook: "Facebook",
	PlatformLinkedIn: "LinkedIn", PlatformInstagram: "Instagram", PlatformText: "Post"}

func (h *htmlReport) post(r *PostRecord) error {
	h.n++
	w := h.w
	cats, sevs := map[string]bool{}, map[string]bool{}
	for _, f := range r.Findings {
		cats[string(f.Category)] = true
		sevs[string(f.Severity)] = true
	}
	fmt.Fprintf(w, `<article class="post risk-%s" id="post-%d" data-risk="%s" data-cats="%s" data-sevs="%s">`+"\n",
		esc(r.Risk), h.n, esc(r.Risk), esc(joinKeys(cats)), esc(joinKeys(sevs)))
	w.WriteString(`<header><span class="badge sev-` + esc(r.Risk) + `">` + esc(r.Risk) + `</span> `)
	w.WriteString(`<span class="platform">` + esc(platformNames[r.Platform]) + " " + esc(r.Kind) + `</span>`)
	if r.ReplyTo != "" {
		w.WriteString(` <span class="reply">to ` + esc(r.ReplyTo) + `</span>`)
	}
	if r.Date != "" {
		w.WriteString(` <time datetime="` + esc(r.Date) + `">` + esc(strings.Replace(strings.TrimSuffix(r.Date, "Z"), "T", " ", 1)) + ` UTC</time>`)
	}
	if r.URL != "" {
		w.WriteString(` <a class="open" href="` + esc(r.URL) + `" target="_blank" rel="noopener noreferrer">open the original post ↗</a>`)
	} else {
		w.WriteString(` <span class="nolink">(the export has no link to this post)</span>`)
	}
	w.WriteString(`<div class="where">` + esc(r.Source) + ` #` + strconv.Itoa(r.Index))
	if r.ID != "" {
		w.WriteString(` · id ` + esc(r.ID))
	}
	w.WriteString("</div></header>\n")
	if r.Context != "" {
		w.WriteString(`<p class="context">` + esc(r.Context) + "</p>\n")
	}
	w.WriteString(`<p class="text">`)
	writeHighlighted(w, r.Text, r.Findings)
	w.WriteString("</p>\n<ul class=\"findings\">\n")
	for i, f := range r.Findings {
		fmt.Fprintf(w, `<li class="finding sev-%s" data-f="%d" data-rule="%s" data-cat="%s" data-sev="%s">`,
			esc(string(f.Severity)), i, esc(f.Rule), esc(string(f.Category)), esc(string(f.Severity)))
		w.WriteString(`<span class="badge sev-` + esc(string(f.Severity)) + `">` + esc(string(f.Severity)) + `</span> `)
		w.WriteString(`<code>` + esc(f.Rule) + `</code> `)
		if f.Match != "" {
			w.WriteString(`<q class="match">` + esc(f.Match) + `</q> `)
		}
		w.WriteString(esc(f.Message))
		if f.Citation != "" {
			w.WriteString(` <cite>` + esc(f.Citation) + `</cite>`)
		}
		for _, x := range f.Fixes {
			w.WriteString(` <span class="fix">` + esc(x.Label))
			if x.Replacement != "" {
				w.WriteString(`: <q>` + esc(x.Replacement) + `</q>`)
			}
			w.WriteString(`</span>`)
		}
		w.WriteString("</li>\n")
	}
	w.WriteString("</ul>\n</article>\n")
	return nil
}

// writeHighlighted writes text with each finding's byte span in a <mark>.
// Overlapping findings split the text into segments; a segment's mark lists
// every finding covering it (data-f) and takes the highest severity's
// colour. Spans outside the text or off rune boundaries are not marked.
func writeHighlighted(w io.StringWriter, text string, fs []FindingRecord) {
	cuts := []int{0, len(text)}
	for i := range fs {
		if spanOK(text, &fs[i].Finding) && fs[i].Start < fs[i].End {
			cuts = append(cuts, fs[i].Start, fs[i].End)
		}
	}
	sort.Ints(cuts)
	for k := 0; k+1 < len(cuts); k++ {
		a, b := cuts[k], cuts[k+1]
		if a == b {
			continue
		}
		var ids []string
		var titles []string
		best := rules.Severity("")
		for i := range fs {
			f := &fs[i]
			if spanOK(text, &f.Finding) && f.Start <= a && f.End >= b && f.Start < f.End {
				ids = append(ids, strconv.Itoa(i))
				titles = append(titles, f.Rule) // the message is in the list below
				if f.Severity.Rank() > best.Rank() {
					best = f.Severity
				}
			}
		}
		seg := esc(text[a:b])
		if len(ids) == 0 {
			w.WriteString(seg)
			continue
		}
		w.WriteString(`<mark class="hl sev-` + esc(string(best)) + `" data-f="` + strings.Join(ids, " ") + `" title="` + esc(strings.Join(titles, ", ")) + `">` + seg + `</mark>`)
	}
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

// finish writes report.html around the posts written so far.
func (h *htmlReport) finish(generated time.Time, policy rules.PolicyInfo, inputs []InputReport, errs []FileError, s *Summary) error {
	defer h.abort()
	if err := h.w.Flush(); err != nil {
		return err
	}
	if _, err := h.posts.Seek(0, io.SeekStart); err != nil {
		return err
	}
	o, err := createOut(h.dir, "report.html")
	if err != nil {
		return err
	}
	w := o.w
	w.WriteString(htmlHead)
	w.WriteString("<h1>Discreet audit of past posts</h1>\n<p class=\"meta\">Generated " + esc(generated.UTC().Format("2006-01-02 15:04 UTC")))
	if policy.Name != "" || policy.Institution.Name != "" {
		w.WriteString(" under the policy <b>" + esc(firstNonEmpty(policy.Name, "(unnamed)")) + "</b>")
		if policy.Version != "" {
			w.WriteString(" version " + esc(policy.Version))
		}
		if policy.Institution.Name != "" {
			w.WriteString(" of " + esc(policy.Institution.Name))
		}
	} else {
		w.WriteString(" with the default rules")
	}
	w.WriteString(". This file quotes your posts: keep it private. It needs no network.</p>\n")
	writeSummary(w, s)
	writeChart(w, s)
	writeInputs(w, inputs, errs)

	w.WriteString("<section id=\"posts\">\n<h2>Flagged posts</h2>\n")
	writeFilters(w, s)
	if h.n == 0 {
		w.WriteString("<p class=\"none\">No post was flagged.</p>\n")
	}
	if _, err := io.Copy(w, h.posts); err != nil {
		o.abort()
		return err
	}
	w.WriteString("</section>\n")
	w.WriteString(htmlScript)
	w.WriteString("</body>\n</html>\n")
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

func writeSummary(w *bufio.Writer, s *Summary) {
	w.WriteString("<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"counts\">\n")
	row := func(key, label string, n int) {
		fmt.Fprintf(w, "<tr><th>%s</th><td class=\"count\" data-key=\"%s\">%d</td></tr>\n", esc(label), esc(key), n)
	}
	row("posts_read", "Posts read", s.PostsRead)
	row("posts_flagged", "Posts flagged", s.PostsFlagged)
	if s.PostsUnchecked > 0 {
		row("posts_unchecked", "Posts that could not be checked", s.PostsUnchecked)
	}
	row("findings", "Findings", s.Findings)
	w.WriteString("</table>\n<div class=\"tables\"><table class=\"counts\" id=\"by-severity\"><caption>Findings by severity</caption>\n")
	for _, sev := range severities {
		fmt.Fprintf(w, "<tr><th><span class=\"badge sev-%s\">%s</span></th><td class=\"count\" data-key=\"severity:%s\">%d</td></tr>\n", sev, sev, sev, s.BySeverity[sev])
	}
	w.WriteString("</table>\n<table class=\"counts\" id=\"by-category\"><caption>Findings by category</caption>\n")
	for _, c := range rules.Categories {
		fmt.Fprintf(w, "<tr><th>%s</th><td class=\"count\" data-key=\"category:%s\">%d</td></tr>\n", c, c, s.ByCategory[string(c)])
	}
	w.WriteString("</table>\n<table class=\"counts\" id=\"by-rule\"><caption>Findings by rule</caption>\n")
	rulesSeen := make([]string, 0, len(s.ByRule))
	for r := range s.ByRule {
		rulesSeen = append(rulesSeen, r)
	}
	sort.Slice(rulesSeen, func(i, j int) bool {
		a, b := rulesSeen[i], rulesSeen[j]
		if s.ByRule[a] != s.ByRule[b] {
			return s.ByRule[a] > s.ByRule[b]
		}
		return a < b
	})
	for _, r := range rulesSeen {
		fmt.Fprintf(w, "<tr><th><code>%s</code></th><td class=\"count\" data-key=\"rule:%s\">%d</td></tr>\n", esc(r), esc(r), s.ByRule[r])
	}
	w.WriteString("</table></div>\n</section>\n")
}

var sevColor = map[string]string{"block": "#b00020", "warn": "#b45309", "info": "#1d4ed8"}

// writeChart draws flagged posts per period as stacked bars (block, warn,
// info) in inline SVG, each bar titled with its counts.
func writeChart(w *bufio.Writer, s *Summary) {
	w.WriteString("<section id=\"timeline\">\n<h2>Flagged posts over time</h2>\n")
	if len(s.Timeline) == 0 {
		w.WriteString("<p class=\"none\">No dated posts.</p>\n</section>\n")
		return
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
	width := left + len(s.Timeline)*barW + 10
	fmt.Fprintf(w, `<svg id="chart" role="img" aria-label="Flagged posts per period" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n",
		width, chartH+bottom+10, width, chartH+bottom+10)
	fmt.Fprintf(w, `<line x1="%d" y1="10" x2="%d" y2="%d" class="axis"/><line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`+"\n",
		left, left, chartH+10, left, chartH+10, width, chartH+10)
	fmt.Fprintf(w, `<text x="%d" y="18" class="ylabel" text-anchor="end">%d</text><text x="%d" y="%d" class="ylabel" text-anchor="end">0</text>`+"\n",
		left-4, peak, left-4, chartH+10)
	lastYear := ""
	for i, b := range s.Timeline {
		x := left + i*barW
		y := chartH + 10
		total := 0
		for _, sev := range severities {
			total += b.Flagged[sev]
		}
		fmt.Fprintf(w, `<g class="bar" data-period="%s" data-flagged="%d" data-posts="%d"><title>%s: %d flagged of %d posts</title>`,
			b.Period, total, b.Posts, b.Period, total, b.Posts)
		fmt.Fprintf(w, `<rect x="%d" y="10" width="%d" height="%d" class="bg"/>`, x, max(barW-1, 1), chartH)
		for _, sev := range []string{"info", "warn", "block"} {
			n := b.Flagged[sev]
			if n == 0 {
				continue
			}
			hgt := max(1, n*chartH/peak)
			y -= hgt
			fmt.Fprintf(w, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, x, y, max(barW-1, 1), hgt, sevColor[sev])
		}
		w.WriteString("</g>\n")
		if year := b.Period[:4]; year != lastYear {
			lastYear = year
			fmt.Fprintf(w, `<text x="%d" y="%d" class="xlabel">%s</text>`+"\n", x, chartH+26, year)
		}
	}
	w.WriteString("</svg>\n")
	if s.Undated.Posts > 0 {
		n := 0
		for _, v := range s.Undated.Flagged {
			n += v
		}
		fmt.Fprintf(w, "<p class=\"meta\">Posts with no date: %d, %d flagged.</p>\n", s.Undated.Posts, n)
	}
	w.WriteString("</section>\n")
}

func writeInputs(w *bufio.Writer, inputs []InputReport, errs []FileError) {
	w.WriteString("<section id=\"inputs\">\n<h2>What was read</h2>\n<ul>\n")
	for _, in := range inputs {
		for _, f := range in.Files {
			fmt.Fprintf(w, "<li><code>%s</code>: %s, %d posts</li>\n", esc(f.File), esc(f.Format), f.Posts)
		}
	}
	w.WriteString("</ul>\n")
	if len(errs) > 0 {
		w.WriteString("<h3>Problems</h3>\n<ul id=\"errors\">\n")
		for _, e := range errs {
			fmt.Fprintf(w, "<li class=\"error\"><code>%s</code>: %s</li>\n", esc(e.File), esc(e.Message))
		}
		w.WriteString("</ul>\n")
	}
	w.WriteString("</section>\n")
}

func writeFilters(w *bufio.Writer, s *Summary) {
	w.WriteString("<form id=\"filters\"><fieldset id=\"filter-severity\"><legend>Severity</legend>\n")
	for _, sev := range severities {
		fmt.Fprintf(w, `<label><input type="checkbox" name="severity" value="%s" checked> %s (%d)</label>`+"\n", sev, sev, s.BySeverity[sev])
	}
	w.WriteString("</fieldset><fieldset id=\"filter-category\"><legend>Category</legend>\n")
	for _, c := range rules.Categories {
		fmt.Fprintf(w, `<label><input type="checkbox" name="category" value="%s" checked> %s (%d)</label>`+"\n", c, c, s.ByCategory[string(c)])
	}
	fmt.Fprintf(w, "</fieldset></form>\n<p class=\"meta\">Showing <span id=\"shown\">%d</span> of %d flagged posts.</p>\n", s.PostsFlagged, s.PostsFlagged)
}

func init() {
	htmlHead = strings.TrimLeft(htmlHead, "\n")
}

var htmlHead = `
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
`

const htmlScript = `<script>
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
`
