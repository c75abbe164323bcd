package audit

// These tests run the audit with the real rule engine (package rules,
// native). They state the behaviour the project's rules promise for a
// patient post; the phrase checker in gen_test.go covers the plumbing.

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/host/internal/cli"
	"github.com/discreet-health/discreet/host/internal/testutil"
	"github.com/discreet-health/discreet/rules"
)

func nativeChecker(t *testing.T, policyJSON string) Checker {
	t.Helper()
	var p *rules.Policy
	if policyJSON != "" {
		var err error
		if p, err = rules.ParsePolicy([]byte(policyJSON)); err != nil {
			t.Fatal(err)
		}
	}
	e, err := rules.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return Native{Engine: e}
}

// engineArchive is an X archive with the patient post (once after emoji),
// a term post and a clean post.
func engineArchive(t *testing.T) string {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"data/account.js": accountJS("dr_test"),
		"data/tweets.js": tweetsJS(0, []tweet{
			{ID: "2001", Text: testutil.PatientPost, Time: day},
			{ID: "2002", Text: "Lovely morning walk to the clinic.", Time: day.AddDate(0, 0, 1)},
			{ID: "2003", Text: "👩🏽‍⚕️🏥 中文 " + testutil.PatientPost, Time: day.AddDate(0, 1, 0)},
			{ID: "2004", Text: "🦓 Met a colleague at the zebra crossing", Time: day.AddDate(0, 2, 0)},
		}),
	})
	return dir
}

// TestEnginePatientPost expects the default rules to flag the patient post
// (name, MRN, room, phone at block) wherever it stands in the text.
func TestEnginePatientPost(t *testing.T) {
	res, ff, _ := audit(t, nativeChecker(t, ""), engineArchive(t))
	byID := map[string]PostRecord{}
	for _, p := range ff.Posts {
		byID[p.ID] = p
	}
	if _, ok := byID["2002"]; ok {
		t.Errorf("the clean post was flagged: %+v", byID["2002"].Findings)
	}
	for _, id := range []string{"2001", "2003"} {
		p, ok := byID[id]
		if !ok {
			t.Errorf("post %s (the patient post) was not flagged", id)
			continue
		}
		got := map[string]string{}
		for _, f := range p.Findings {
			if p.Text[f.Start:f.End] != f.Match {
				t.Errorf("post %s: %s span %d-%d does not cut %q", id, f.Rule, f.Start, f.End, f.Match)
			}
			if f.Severity == rules.Block {
				got[f.Rule] = f.Match
			}
		}
		for rule, want := range map[string]string{"privacy.name": "John Smith", "privacy.room": "room 214", "privacy.phone": "555-201-7788"} {
			if got[rule] != want {
				t.Errorf("post %s: block %s = %q, want %q", id, rule, got[rule], want)
			}
		}
		if !strings.Contains(got["privacy.mrn"], "44120931") {
			t.Errorf("post %s: block privacy.mrn = %q, want the MRN", id, got["privacy.mrn"])
		}
		if p.URL != "https://x.com/dr_test/status/"+id {
			t.Errorf("post %s: url %q", id, p.URL)
		}
	}
	if res.Summary.ExitCode != cli.ExitBlock {
		t.Errorf("exit code = %d, want %d", res.Summary.ExitCode, cli.ExitBlock)
	}
}

// TestEngineTermPolicy checks that a policy's custom term reaches the
// report with its category and severity, after emoji.
func TestEngineTermPolicy(t *testing.T) {
	_, ff, _ := audit(t, nativeChecker(t, testutil.TermPolicy), engineArchive(t))
	var got []string
	for _, p := range ff.Posts {
		if p.ID != "2004" {
			continue
		}
		for _, f := range p.Findings {
			got = append(got, string(f.Category)+"/"+string(f.Severity)+"="+f.Match)
		}
	}
	if diff := cmp.Diff([]string{"conduct/warn=zebra crossing"}, got); diff != "" {
		t.Errorf("findings of the term post (-want +got):\n%s", diff)
	}
}
