package eval

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/rules"
)

// synthetic is a tiny corpus whose scores are worked out by hand below.
const synthetic = `{"id":"p1","platform":"x","text":"Pt Ana Ruiz, call 555-0134","labels":{"privacy":"block"},"identifiers":[{"type":"name","text":"Ana Ruiz"},{"type":"phone","text":"555-0134"}]}
{"id":2,"text":"Saw her on 3/4","labels":{"privacy":"warn"},"identifiers":[]}

{"id":"p3","text":"what an idiot","labels":{}}
{"id":"p4","text":"flu shots on 3/4"}
{"id":"p5","text":"Bo said Bo was drunk","labels":{"conduct":"warn","privacy":"block"},"identifiers":[{"type":"name","text":"Bo","occurrence":2}]}
{"id":"p6","text":"nothing here","labels":{},"identifiers":[{"type":"name","text":"Zed"}]}
`

func finding(rule string, c rules.Category, s rules.Severity, id rules.Identifier, start, end int) rules.Finding {
	return rules.Finding{Rule: rule, Category: c, Severity: s, Identifier: id, Start: start, End: end}
}

func syntheticResults() []rules.Result {
	return []rules.Result{
		// p1: the name found at block, the phone missed.
		{Findings: []rules.Finding{finding("privacy.name", rules.Privacy, rules.Block, rules.IDName, 3, 11)}},
		// p2: only an info finding: a miss at post level, severity wrong.
		{Findings: []rules.Finding{finding("privacy.date", rules.Privacy, rules.Info, rules.IDDate, 11, 14)}},
		// p3: benign, flagged by a conduct warning.
		{Findings: []rules.Finding{finding("conduct.derogatory", rules.Conduct, rules.Warn, "", 8, 13)}},
		// p4: benign with an info finding: not flagged.
		{Findings: []rules.Finding{finding("privacy.date", rules.Privacy, rules.Info, rules.IDDate, 13, 16)}},
		// p5: both categories right, but the name finding covers the first
		// "Bo" while the gold identifier is the second.
		{Findings: []rules.Finding{
			finding("privacy.name", rules.Privacy, rules.Block, rules.IDName, 0, 2),
			finding("conduct.intoxication", rules.Conduct, rules.Warn, "", 15, 20),
		}},
		// p6: nothing.
		{Findings: []rules.Finding{}},
	}
}

func TestEvaluateSynthetic(t *testing.T) {
	posts, err := Load(strings.NewReader(synthetic))
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 6 {
		t.Fatalf("loaded %d posts, want 6 (blank lines skipped)", len(posts))
	}
	r := Evaluate(posts, syntheticResults())

	// privacy: gold p1 p2 p5; predicted at warn+ p1 p5. conduct: gold p5;
	// predicted p3 p5. The other categories are empty.
	wantCats := map[rules.Category]Count{
		rules.Privacy:        {TP: 2, FP: 0, FN: 1},
		rules.Conduct:        {TP: 1, FP: 1, FN: 0},
		rules.Boundaries:     {},
		rules.Misinformation: {},
		rules.Disclosure:     {},
	}
	if diff := cmp.Diff(wantCats, r.Categories); diff != "" {
		t.Errorf("category counts (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"privacy precision", val(r.Categories[rules.Privacy].Precision()), 1},
		{"privacy recall", val(r.Categories[rules.Privacy].Recall()), 2.0 / 3},
		{"privacy f1", val(r.Categories[rules.Privacy].F1()), 0.8},
		{"conduct precision", val(r.Categories[rules.Conduct].Precision()), 0.5},
		{"conduct recall", val(r.Categories[rules.Conduct].Recall()), 1},
		{"conduct f1", val(r.Categories[rules.Conduct].F1()), 2.0 / 3},
		{"severity all", val(r.SeverityTotal().Rate()), 0.75},
		{"identifiers all", val(r.IdentifierTotal().Rate()), 1.0 / 3},
		{"benign flagged", val(r.BenignFlaggedRate()), 1.0 / 3},
	} {
		if d := tc.got - tc.want; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if _, ok := r.Categories[rules.Disclosure].Precision(); ok {
		t.Error("precision of a category with no prediction is defined")
	}

	// block gold: p1 and p5 privacy, both exact; warn gold: p2 privacy
	// (got info) and p5 conduct (exact).
	wantSev := map[rules.Severity]Agreement{rules.Block: {Gold: 2, Exact: 2}, rules.Warn: {Gold: 2, Exact: 1}}
	if diff := cmp.Diff(wantSev, r.Severity); diff != "" {
		t.Errorf("severity agreement (-want +got):\n%s", diff)
	}
	// p6's "Zed" is not in its text: a corpus problem, not scored.
	wantIDs := map[rules.Identifier]Recall{rules.IDName: {Gold: 2, Found: 1}, rules.IDPhone: {Gold: 1, Found: 0}}
	if diff := cmp.Diff(wantIDs, r.Identifiers); diff != "" {
		t.Errorf("identifier recall (-want +got):\n%s", diff)
	}
	if r.Posts != 6 || r.Benign != 3 || r.BenignFlagged != 1 {
		t.Errorf("posts %d benign %d flagged %d, want 6 3 1", r.Posts, r.Benign, r.BenignFlagged)
	}
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], `"Zed"`) {
		t.Errorf("problems %q, want one about Zed", r.Problems)
	}

	type kase struct{ ID, Kind, Category, Want string }
	var got []kase
	for _, c := range r.Cases {
		got = append(got, kase{c.Post.Name(), c.Kind, string(c.Category), c.Want})
	}
	want := []kase{
		{"p1", "identifier miss", "", `phone "555-0134"`},
		{"2", "miss", "privacy", "warn"},
		{"p3", "false alarm", "conduct", ""},
		{"p5", "identifier miss", "", `name "Bo"`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cases (-want +got):\n%s", diff)
	}

	var table, cases strings.Builder
	if err := r.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"privacy             3     2     2     1     1.000   0.667  0.800",
		"conduct             1     2     1     0     0.500   1.000  0.667",
		"disclosure          0     0     0     0         -       -      -",
		"warn                2     1   0.500",
		"phone               1     0   0.000",
		"benign posts flagged at warn or above: 1 of 3 (33.3%)",
	} {
		if !strings.Contains(table.String(), line+"\n") {
			t.Errorf("table lacks the line %q:\n%s", line, table.String())
		}
	}
	if err := r.WriteCases(&cases); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cases.String(), "p3 false alarm conduct: want none, got warn\n  text: what an idiot\n  finding: warn conduct.derogatory \"idiot\"\n") {
		t.Errorf("verbose listing:\n%s", cases.String())
	}
}

func val(v float64, _ bool) float64 { return v }

func TestLoadErrors(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"not json":       {"{\"id\":1,\"text\":\"a\"}\n{oops\n", "line 2:"},
		"bad category":   {`{"id":"a","text":"x","labels":{"gossip":"warn"}}`, `line 1 (id a): labels: unknown category "gossip"`},
		"bad severity":   {`{"id":"a","text":"x","labels":{"privacy":"high"}}`, `labels.privacy: severity "high"`},
		"bad identifier": {`{"id":"a","text":"x","identifiers":[{"type":"shoe","text":"x"}]}`, `identifiers[0]: unknown type "shoe"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestSpanOccurrence(t *testing.T) {
	text := "Bo and Bo and Bob"
	for _, tc := range []struct {
		occ, start int
		ok         bool
	}{{0, 0, true}, {1, 0, true}, {2, 7, true}, {3, 14, true}, {4, 0, false}} {
		s, e, ok := GoldIdentifier{Type: rules.IDName, Text: "Bo", Occurrence: tc.occ}.Span(text)
		if ok != tc.ok || (ok && (s != tc.start || e != tc.start+2)) {
			t.Errorf("occurrence %d: (%d,%d,%v), want start %d ok %v", tc.occ, s, e, ok, tc.start, tc.ok)
		}
	}
}

// corpusPath is the labelled corpus another part of the project maintains.
const corpusPath = "../../../rules/testdata/corpus.jsonl"

// TestCorpusTargets holds the native engine to the project's targets on the
// real corpus. It is skipped only while the corpus file does not exist.
func TestCorpusTargets(t *testing.T) {
	f, err := os.Open(corpusPath)
	if os.IsNotExist(err) {
		t.Skipf("%s does not exist yet: the corpus targets cannot be checked", corpusPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	posts, err := Load(f)
	if err != nil {
		t.Fatalf("%s: %v", corpusPath, err)
	}
	if len(posts) == 0 {
		t.Fatalf("%s has no posts", corpusPath)
	}
	e, err := rules.Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	results := make([]rules.Result, len(posts))
	for i := range posts {
		results[i] = e.Scan(posts[i].Text)
	}
	r := Evaluate(posts, results)
	var table strings.Builder
	r.WriteTable(&table)
	t.Logf("native engine on %s:\n%s", corpusPath, table.String())

	priv := r.Categories[rules.Privacy]
	if v, ok := priv.Recall(); !ok || v < 0.95 {
		t.Errorf("privacy recall %.3f (defined: %v), target >= 0.95", v, ok)
	}
	if v, ok := priv.Precision(); !ok || v < 0.90 {
		t.Errorf("privacy precision %.3f (defined: %v), target >= 0.90", v, ok)
	}
	if v, ok := r.BenignFlaggedRate(); !ok || v > 0.05 {
		t.Errorf("benign posts flagged at warn or above %.3f (defined: %v), target <= 0.05", v, ok)
	}
}
