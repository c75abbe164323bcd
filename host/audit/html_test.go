package audit

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/rules"
)

// renderCases are posts whose every field takes ordinary, empty, hostile,
// non-ASCII and invalid-UTF-8 values, and URLs of each kind.
func renderCases() []PostRecord {
	text := "My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788 about the follow up."
	base := PostRecord{Risk: "block", Platform: PlatformX, Kind: "tweet", Date: "2024-01-02T03:04:05Z", URL: "https://x.com/a/status/1",
		Source: "data/tweets.js", Index: 3, ID: "123", Text: text,
		Findings: []FindingRecord{
			{Finding: rules.Finding{Rule: "privacy.name", Category: rules.Privacy, Severity: rules.Block, Start: 11, End: 21, Message: "A patient's name",
				Citation: "HIPAA 164.514(b)(2)(i)(A)", Fixes: []rules.Fix{{Label: "Remove"}, {Label: "Use", Replacement: "[name]"}}}, Match: "John Smith"},
			{Finding: rules.Finding{Rule: "privacy.mrn", Category: rules.Privacy, Severity: rules.Warn, Start: 16, End: 35, Message: "A record number"}, Match: "Smith, MRN 44120931"},
			{Finding: rules.Finding{Rule: "conduct.x", Category: rules.Conduct, Severity: rules.Info, Start: 80, End: 200}},
		}}
	var cs []PostRecord
	cs = append(cs, base)
	for _, v := range []string{"", `"><script>alert(1)</script>`, "a+b & 'c' <d>", "nul\x00byte", "bad \xff\xfe utf-8", "🦓 中文 עברית \uFDD0 \uFFFE"} {
		c := base
		c.Kind, c.ReplyTo, c.Date, c.Source, c.ID, c.Context, c.Risk = v, v, v, v, v, v, v
		c.Text = v + " " + text
		fs := make([]FindingRecord, len(base.Findings))
		copy(fs, base.Findings)
		for i := range fs {
			fs[i].Rule, fs[i].Message, fs[i].Citation, fs[i].Match = v+fs[i].Rule, v, v, v
			fs[i].Fixes = []rules.Fix{{Label: v, Replacement: v}}
		}
		c.Findings = fs
		cs = append(cs, c)
	}
	for _, u := range []string{"", "javascript:alert(1)", "JavaScript:x", "data:text/html,x", "mailto:a@b.org", "/relative/path?q=1",
		"https://x.com/a b/é?q='\"<>&+%41%zz%", "http://h/%", "//h/p", "https://h/\x00\xff", "vbscript/x:y"} {
		c := base
		c.URL = u
		cs = append(cs, c)
	}
	return cs
}

// TestRenderPostMatchesTemplate checks the direct writer against the "post"
// template, html/template's contextual escaping being the specification.
func TestRenderPostMatchesTemplate(t *testing.T) {
	for i, c := range renderCases() {
		got, _ := renderPost(&c, i+1)
		want, err := renderPostTemplate(&c, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("case %d (-template +direct):\n%s", i, diff)
		}
	}
}

func FuzzRenderPost(f *testing.F) {
	f.Add("text", "https://x.com/1", "ctx", "rule", "match")
	f.Add("a\x00+'\"<>&", "javascript:1", "\xff", "r", "\uFDD0")
	f.Fuzz(func(t *testing.T, text, url, ctx, rule, match string) {
		c := PostRecord{Risk: "warn", Platform: PlatformFacebook, Kind: ctx, URL: url, Context: ctx, ReplyTo: ctx, Date: ctx, ID: ctx, Source: ctx, Text: text,
			Findings: []FindingRecord{{Finding: rules.Finding{Rule: rule, Severity: rules.Warn, Category: rules.Privacy, Start: 0, End: len(text) / 2, Message: match,
				Fixes: []rules.Fix{{Label: match, Replacement: rule}}}, Match: match}}}
		got, _ := renderPost(&c, 7)
		want, err := renderPostTemplate(&c, 7)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("direct and template renderings differ:\n%q\n%q", want, got)
		}
	})
}

// BenchmarkRenderPost compares the direct writer with the template on a
// flagged post with three findings (the template is why appendPost exists).
func BenchmarkRenderPost(b *testing.B) {
	c := renderCases()[0]
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			renderPost(&c, 1)
		}
	})
	b.Run("template", func(b *testing.B) {
		for b.Loop() {
			renderPostTemplate(&c, 1)
		}
	})
}
