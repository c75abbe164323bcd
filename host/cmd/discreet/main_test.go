package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/rules"

	"github.com/discreet-health/discreet/host/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// markerEngine is a stand-in engine for testing the command's plumbing
// (formats, streaming, exit codes) apart from the rules: it flags the words
// INFO, WARN and BLOCK at those severities, "MULTI\nLINE" at warn, and fails
// on TRAP as a trapped module would.
type markerEngine struct{}

var markerRE = regexp.MustCompile(`\b(INFO|WARN|BLOCK)\b|MULTI\nLINE`)

func (markerEngine) Scan(_ context.Context, text string) (rules.Result, error) {
	if strings.Contains(text, "TRAP") {
		return rules.Result{}, errors.New("the scanner module failed in discreet_scan (the instance was replaced): wasm error: unreachable")
	}
	res := rules.Result{Findings: []rules.Finding{}, Summary: rules.Summary{Risk: "none", Enforce: "warn", Counts: map[rules.Category]int{}}}
	for _, m := range markerRE.FindAllStringIndex(text, -1) {
		word := text[m[0]:m[1]]
		sev := rules.Severity(strings.ToLower(word))
		if sev.Rank() == 0 {
			sev = rules.Warn
		}
		s16 := testutil.UTF16Len(text[:m[0]])
		res.Findings = append(res.Findings, rules.Finding{
			Rule: "test." + string(sev), Category: rules.Conduct, Severity: sev,
			Start: m[0], End: m[1], Start16: s16, End16: s16 + testutil.UTF16Len(word),
			Message: "marker " + strings.ReplaceAll(word, "\n", " "), Citation: "Test citation 1.2",
			Fixes: []rules.Fix{{Label: "Lower-case it", Replacement: strings.ToLower(word)}},
		})
		if sev.Rank() > rules.Severity(res.Summary.Risk).Rank() {
			res.Summary.Risk = string(sev)
		}
		res.Summary.Counts[rules.Conduct]++
	}
	res.Summary.Intercept = res.Summary.Risk == "block"
	return res, nil
}

func (markerEngine) Catalog(context.Context) ([]rules.RuleInfo, error) {
	return []rules.RuleInfo{
		{ID: "test.block", Category: "conduct", Severity: "block", Citation: "Test citation 1.2", Enabled: true},
		{ID: "test.info", Category: "conduct", Severity: "info", Citation: "Test citation 1.3", Enabled: false},
	}, nil
}

func (markerEngine) Close(context.Context) error { return nil }

func init() {
	testEngines = map[string]func([]byte) (engine, error){
		"marker": func([]byte) (engine, error) { return markerEngine{}, nil },
	}
}

type result struct {
	code           int
	stdout, stderr string
}

func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// writeFile writes a file in a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const termPolicy = `{"name":"Test policy","terms":[` +
	`{"phrase":"zebra crossing","category":"conduct","severity":"warn","message":"test term","examples":{"flag":["mind the zebra crossing"],"pass":["a zebra at the zoo"]}},` +
	`{"phrase":"unicorn blood","category":"misinformation","severity":"block","message":"no unicorn blood"}]}`

const badPolicy = `{"name":"Bad","terms":[{"phrase":"x","category":"gossip","message":"m"}]}`

func TestUsageAndInputErrors(t *testing.T) {
	good := writeFile(t, "policy.json", termPolicy)
	bad := writeFile(t, "bad.json", badPolicy)
	for name, tc := range map[string]struct {
		args   []string
		code   int
		stderr string
	}{
		"no command":         {nil, 2, "Usage:"},
		"unknown command":    {[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		"unknown flag":       {[]string{"scan", "--colour"}, 2, "flag provided but not defined"},
		"bad format":         {[]string{"scan", "--format", "xml"}, 2, `--format "xml"`},
		"bad engine":         {[]string{"scan", "--engine", "gpu"}, 2, `--engine "gpu"`},
		"bad min severity":   {[]string{"scan", "--min-severity", "high"}, 2, `--min-severity "high"`},
		"two inputs":         {[]string{"scan", "a", "b"}, 2, "one input at a time"},
		"missing file":       {[]string{"scan", "/nonexistent/post.txt"}, 2, "no such file"},
		"missing policy":     {[]string{"scan", "--policy", "/nonexistent/p.json"}, 2, "no such file"},
		"bad policy wasm":    {[]string{"scan", "--policy", bad}, 2, "terms[0].category"},
		"bad policy native":  {[]string{"scan", "--engine", "native", "--policy", bad}, 2, "terms[0].category"},
		"directory as input": {[]string{"scan", t.TempDir()}, 2, "is a directory"},
		"jsonl directory":    {[]string{"scan", "--format", "jsonl", t.TempDir()}, 2, "is a directory"},
		"rules bad policy":   {[]string{"rules", "--policy", bad}, 2, "terms[0].category"},
		"rules extra arg":    {[]string{"rules", "x"}, 2, "unexpected argument"},
		"policy no check":    {[]string{"policy", good}, 2, "usage: discreet policy check FILE"},
		"policy no file":     {[]string{"policy", "check"}, 2, "usage"},
		"policy missing":     {[]string{"policy", "check", "/nonexistent/p.json"}, 2, "no such file"},
		"eval no file":       {[]string{"eval"}, 2, "usage"},
		"eval missing":       {[]string{"eval", "/nonexistent/c.jsonl"}, 2, "no such file"},
	} {
		t.Run(name, func(t *testing.T) {
			r := runCmd(t, "", tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tc.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr %q does not contain %q", r.stderr, tc.stderr)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	r := runCmd(t, "", "help")
	if r.code != 0 || !strings.Contains(r.stdout, "Exit codes:") || !strings.Contains(r.stdout, "3  at least one finding is a block") {
		t.Errorf("help: exit %d, stdout %q", r.code, r.stdout)
	}
	r = runCmd(t, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "discreet ") || !strings.Contains(r.stdout, "ABI 1") {
		t.Errorf("version: exit %d, stdout %q", r.code, r.stdout)
	}
}

// TestTextGolden renders the marker engine's findings on a post with emoji,
// CJK, RTL, a tab, invalid UTF-8, a long line and a span over two lines.
func TestTextGolden(t *testing.T) {
	in := filepath.Join("testdata", "post.txt")
	r := runCmd(t, "", "scan", "--engine", "marker", in)
	if r.code != 3 {
		t.Errorf("exit %d, want 3 (a BLOCK marker); stderr %q", r.code, r.stderr)
	}
	golden := filepath.Join("testdata", "post.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), r.stdout); diff != "" {
		t.Errorf("text output differs from %s (-want +got):\n%s", golden, diff)
	}
}

func TestDisplayCells(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{
		{"abc", 3},
		{"héllo", 5},
		{"e\u0301", 1}, // combining accent
		{"张伟", 4},
		{"ｈｉ", 4}, // fullwidth
		{"😭", 2},
		{"👍🏽", 2}, // skin tone modifier
		{"❤️", 1}, // text-default heart + VS16: counted by its base
		{"שלום", 4},
		{"\t\x01", 2},
		{"\xff\xfe", 2},
		{"한국어", 6},
	} {
		if got := cells(tc.s); got != tc.want {
			t.Errorf("cells(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

func TestExitCodesAndMinSeverity(t *testing.T) {
	for name, tc := range map[string]struct {
		in   string
		args []string
		code int
	}{
		"nothing":             {"a quiet post", nil, 0},
		"info only":           {"an INFO post", nil, 0},
		"warn":                {"a WARN and an INFO", nil, 1},
		"block":               {"WARN then BLOCK", nil, 3},
		"min block hides":     {"a WARN post", []string{"--min-severity", "block"}, 0},
		"min warn keeps warn": {"a WARN post", []string{"--min-severity", "warn"}, 1},
		"json block":          {"BLOCK", []string{"--format", "json"}, 3},
		"trap":                {"TRAP", nil, 2},
	} {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"scan", "--engine", "marker"}, tc.args...)
			r := runCmd(t, tc.in, append(args, "-")...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d; stdout %q stderr %q", r.code, tc.code, r.stdout, r.stderr)
			}
		})
	}
	r := runCmd(t, "a WARN and an INFO", "scan", "--engine", "marker", "--min-severity", "warn")
	if strings.Contains(r.stdout, "marker INFO") || !strings.Contains(r.stdout, "marker WARN") {
		t.Errorf("--min-severity warn output:\n%s", r.stdout)
	}
	if !strings.HasSuffix(r.stdout, "1 finding: 1 warn\n") {
		t.Errorf("summary line wrong:\n%s", r.stdout)
	}
	r = runCmd(t, "BLOCK, WARN, BLOCK and INFO", "scan", "--engine", "marker")
	if !strings.HasSuffix(r.stdout, "4 findings: 2 block, 1 warn, 1 info; post would be held for review\n") {
		t.Errorf("summary line wrong:\n%s", r.stdout)
	}
}

func TestJSONFormat(t *testing.T) {
	for _, eng := range []string{"marker", "wasm", "native"} {
		t.Run(eng, func(t *testing.T) {
			r := runCmd(t, "", "scan", "--format", "json", "--engine", eng, writeFile(t, "p.txt", "Plain words, no BLOCK-free risk: INFO"))
			var res map[string]json.RawMessage
			if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, r.stdout)
			}
			if string(res["findings"]) == "null" || res["summary"] == nil {
				t.Errorf("want findings [] and a summary: %s", r.stdout)
			}
			var typed rules.Result
			if err := json.Unmarshal([]byte(r.stdout), &typed); err != nil {
				t.Errorf("does not decode into rules.Result: %v", err)
			}
		})
	}
}

// jsonlLines decodes jsonl output into objects with raw ids.
func jsonlLines(t *testing.T, out string) []map[string]json.RawMessage {
	t.Helper()
	var lines []map[string]json.RawMessage
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var o map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("output line is not JSON: %v: %.200s", err, l)
		}
		lines = append(lines, o)
	}
	return lines
}

func TestJSONL(t *testing.T) {
	big := strings.Repeat("lorem ipsum dolor sit amet ", (1<<20)/27+100) + "BLOCK"
	in := strings.Join([]string{
		`{"id": 1, "text": "a WARN here"}`,
		`{"id":"s-2","text":"nothing"}`,
		``,
		`{"id": {"a": [1, 2]}, "text": "INFO"}`,
		`{"id": 4, "text": "` + big + `"}`,
		`{"id": 5.5, "text": 12}`,
		`{"id": 6}`,
		`not json at all`,
		`[1, 2]`,
		`{"id": 9, "text": "TRAP"}`,
		`{"id": null, "text": "café \u00e9 😭 WARN"}`,
		`{"text": "no id INFO", "platform": "x"}`,
		"{\"id\": 12, \"text\": \"raw bad bytes \xff\xfe WARN\"}",
	}, "\n") // no newline after the last line
	r := runCmd(t, in, "scan", "--format", "jsonl", "--engine", "marker")
	if r.code != 3 {
		t.Errorf("exit %d, want 3 (the 1 MiB line ends in BLOCK; errors on single lines do not make it 2); stderr %q", r.code, r.stderr)
	}
	lines := jsonlLines(t, r.stdout)
	type want struct {
		id       string
		findings int
		err      string
	}
	wants := []want{
		{`1`, 1, ""},
		{`"s-2"`, 0, ""},
		{`{"a":[1,2]}`, 1, ""},
		{`4`, 1, ""},
		{`5.5`, 0, `"text" must be a string`},
		{`6`, 0, `no "text" field`},
		{`null`, 0, "line 8: not a JSON object"},
		{`null`, 0, "line 9: not a JSON object"},
		{`9`, 0, "wasm error: unreachable"},
		{`null`, 1, ""},
		{`null`, 1, ""},
		{`12`, 1, ""},
	}
	if len(lines) != len(wants) {
		t.Fatalf("%d output lines for %d non-blank input lines:\n%s", len(lines), len(wants), r.stdout)
	}
	for i, w := range wants {
		o := lines[i]
		if string(o["id"]) != w.id {
			t.Errorf("line %d: id %s, want %s", i+1, o["id"], w.id)
		}
		var fs []rules.Finding
		if string(o["findings"]) == "null" || json.Unmarshal(o["findings"], &fs) != nil {
			t.Errorf("line %d: findings %s, want a list", i+1, o["findings"])
		}
		if len(fs) != w.findings {
			t.Errorf("line %d: %d findings, want %d", i+1, len(fs), w.findings)
		}
		var msg string
		if e, ok := o["error"]; ok {
			json.Unmarshal(e, &msg)
		}
		if (w.err == "") != (msg == "") || !strings.Contains(msg, w.err) {
			t.Errorf("line %d: error %q, want one containing %q", i+1, msg, w.err)
		}
	}
	// The 1 MiB line: its finding is at the very end.
	var fs []rules.Finding
	json.Unmarshal(lines[3]["findings"], &fs)
	if len(fs) == 1 && fs[0].End != len(big) {
		t.Errorf("finding in the 1 MiB line ends at %d, want %d", fs[0].End, len(big))
	}
}

// TestJSONLManyBatches scans enough lines of varied length for many batches,
// so the writer hands batches back to the reader to be filled again: every
// answer must still come in input order with its own id and findings, and
// --min-severity must drop the findings below it and not count them.
func TestJSONLManyBatches(t *testing.T) {
	var in strings.Builder
	var want []string
	for i := range 5000 {
		text := strings.Repeat("filler ", i%97)
		sev := []string{"INFO", "WARN", "ok"}[i%3]
		fmt.Fprintf(&in, "{\"id\":%d,\"text\":\"%s%s\"}\n", i, text, sev)
		if i%50 == 0 {
			in.WriteString("\n") // a blank line: no answer
		}
		n := 0
		if sev == "WARN" {
			n = 1
		}
		want = append(want, fmt.Sprintf("%d/%d", i, n))
	}
	r := runCmd(t, in.String(), "scan", "--format", "jsonl", "--engine", "marker", "--min-severity", "warn")
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (the highest finding at warn or above is a warning); stderr %q", r.code, r.stderr)
	}
	var got []string
	for _, o := range jsonlLines(t, r.stdout) {
		var fs []rules.Finding
		json.Unmarshal(o["findings"], &fs)
		got = append(got, fmt.Sprintf("%s/%d", o["id"], len(fs)))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("id/findings per answer (-want +got):\n%s", diff)
	}
}

func TestJSONLTooLongLine(t *testing.T) {
	in := `{"id":1,"text":"` + strings.Repeat("x", maxLine) + `"}` + "\n" + `{"id":2,"text":"WARN"}` + "\n"
	r := runCmd(t, in, "scan", "--format", "jsonl", "--engine", "marker")
	lines := jsonlLines(t, r.stdout)
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2", len(lines))
	}
	if !bytes.Contains(lines[0]["error"], []byte("longer than")) || string(lines[0]["id"]) != "null" {
		t.Errorf("too long line: %v", lines[0])
	}
	if string(lines[1]["id"]) != "2" || r.code != 1 {
		t.Errorf("the line after a too long one: %v, exit %d", lines[1], r.code)
	}
}

func TestJSONLExitBlock(t *testing.T) {
	r := runCmd(t, "{\"id\":1,\"text\":\"WARN\"}\n{\"id\":2,\"text\":\"BLOCK\"}\n{\"id\":3,\"text\":\"ok\"}\n",
		"scan", "--format", "jsonl", "--engine", "marker")
	if r.code != 3 {
		t.Errorf("exit %d, want 3", r.code)
	}
}

// TestRealEngines runs the patient post through both real engines in every
// format. It needs the rule engine's detection (privacy.name, .mrn, .room,
// .phone at block).
func TestRealEngines(t *testing.T) {
	for _, eng := range []string{"wasm", "native"} {
		t.Run(eng, func(t *testing.T) {
			r := runCmd(t, testutil.PatientPost, "scan", "--engine", eng, "--format", "json")
			if r.code != 3 {
				t.Errorf("json: exit %d, want 3; stderr %q", r.code, r.stderr)
			}
			var res rules.Result
			if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
				t.Fatalf("json: %v", err)
			}
			got := map[string]string{}
			for _, f := range res.Findings {
				got[f.Rule] = testutil.PatientPost[f.Start:f.End]
			}
			for rule, text := range map[string]string{"privacy.name": "John Smith", "privacy.room": "room 214", "privacy.phone": "555-201-7788"} {
				if got[rule] != text {
					t.Errorf("json: %s gave %q, want %q (findings %v)", rule, got[rule], text, got)
				}
			}

			r = runCmd(t, testutil.PatientPost, "scan", "--engine", eng)
			if r.code != 3 {
				t.Errorf("text: exit %d, want 3", r.code)
			}
			if !strings.Contains(r.stdout, "<stdin>:1:12: block [privacy.name] ") ||
				!strings.Contains(r.stdout, "\n   |            ^~~~~~~~~~\n") {
				t.Errorf("text output lacks the name diagnostic and its underline:\n%s", r.stdout)
			}
			if !strings.Contains(r.stdout, "post would be held for review\n") {
				t.Errorf("text output lacks the summary:\n%s", r.stdout)
			}
		})
	}
}

// TestRealEnginesTerms checks the policy plumbing of both engines with
// custom terms: warn gives exit 1, block exit 3.
func TestRealEnginesTerms(t *testing.T) {
	policy := writeFile(t, "policy.json", termPolicy)
	for _, eng := range []string{"wasm", "native"} {
		for text, code := range map[string]int{
			"Mind the zebra crossing.":     1,
			"Drink unicorn blood daily.":   3,
			"A zebra and a crossing guard": 0,
		} {
			r := runCmd(t, text, "scan", "--engine", eng, "--policy", policy)
			if r.code != code {
				t.Errorf("%s %q: exit %d, want %d\n%s%s", eng, text, r.code, code, r.stdout, r.stderr)
			}
		}
	}
}

// TestInvalidUTF8 feeds bytes that are not UTF-8 to every engine and
// format: no crash, and every span lies on rune boundaries.
func TestInvalidUTF8(t *testing.T) {
	text := "\xff\xfePt John Smith \xc3 MRN 44120931 \xe2\x82 zebra crossing WARN \xf0\x9f"
	file := writeFile(t, "bad.txt", text)
	policy := writeFile(t, "policy.json", termPolicy)
	for _, eng := range []string{"marker", "wasm", "native"} {
		t.Run(eng, func(t *testing.T) {
			r := runCmd(t, "", "scan", "--engine", eng, "--policy", policy, "--format", "json", file)
			if r.code == 2 {
				t.Fatalf("exit 2: %s", r.stderr)
			}
			var res rules.Result
			if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Findings {
				if f.Start < 0 || f.End > len(text) || f.Start >= f.End || !testutil.OnBoundary(text, f.Start) || !testutil.OnBoundary(text, f.End) {
					t.Errorf("span [%d,%d) of %s is out of bounds or cuts a sequence", f.Start, f.End, f.Rule)
				}
			}
			r = runCmd(t, "", "scan", "--engine", eng, "--policy", policy, file)
			if r.code == 2 || !utf8.ValidString(r.stdout) {
				t.Errorf("text format: exit %d, valid UTF-8 output %v: %q", r.code, utf8.ValidString(r.stdout), r.stdout)
			}
		})
	}
}

func TestPolicyCheck(t *testing.T) {
	good := writeFile(t, "good.json", termPolicy)
	r := runCmd(t, "", "policy", "check", good)
	if r.code != 0 || !strings.Contains(r.stdout, `policy "Test policy"`) ||
		!strings.Contains(r.stdout, `terms[0] "zebra crossing": 2 examples`) ||
		!strings.Contains(r.stdout, `terms[1] "unicorn blood": 0 examples`) ||
		!strings.HasSuffix(r.stdout, "ok: the policy is valid and its 2 examples pass\n") {
		t.Errorf("good policy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	failing := writeFile(t, "failing.json", `{"terms":[{"phrase":"zebra crossing","category":"conduct","message":"m",`+
		`"examples":{"flag":["no such phrase here"],"pass":["the zebra crossing again"]}}],`+
		`"record_formats":[{"name":"Mercy MRN","pattern":"\\bM[0-9]{7}\\b","examples":{"flag":["chart M1234567"],"pass":["model M12", "M7654321"]}}]}`)
	r = runCmd(t, "", "policy", "check", failing)
	if r.code != 2 || !strings.Contains(r.stdout, "FAIL: 3 of 5 examples failed") ||
		!strings.Contains(r.stdout, `flag example gave no finding from this rule: "no such phrase here"`) ||
		!strings.Contains(r.stdout, `pass example was flagged: "the zebra crossing again"`) ||
		!strings.Contains(r.stdout, `FAIL [privacy.record_format] pass example was flagged: "M7654321"`) {
		t.Errorf("failing examples: exit %d\n%s", r.code, r.stdout)
	}

	for name, tc := range map[string]struct{ policy, want string }{
		"bad category": {badPolicy, "terms[0].category"},
		"bad pattern":  {`{"record_formats":[{"name":"r","pattern":"[a-"}]}`, "record_formats[0].pattern"},
		"unknown key":  {`{"nmae":"typo"}`, "nmae"},
		"not json":     {`{"name": `, "invalid policy"},
	} {
		t.Run(name, func(t *testing.T) {
			r := runCmd(t, "", "policy", "check", writeFile(t, "p.json", tc.policy))
			if r.code != 2 || !strings.Contains(r.stdout, tc.want) {
				t.Errorf("exit %d, want 2 and %q in:\n%s", r.code, tc.want, r.stdout)
			}
		})
	}
}

func TestRules(t *testing.T) {
	r := runCmd(t, "", "rules", "--engine", "marker")
	want := "ID          CATEGORY  SEVERITY  ENABLED  CITATION\n" +
		"test.block  conduct   block     yes      Test citation 1.2\n" +
		"test.info   conduct   info      no       Test citation 1.3\n" +
		"2 rules, 1 enabled\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("exit %d, output (-want +got):\n%s", r.code, cmp.Diff(want, r.stdout))
	}
	for _, eng := range []string{"wasm", "native"} {
		r := runCmd(t, "", "rules", "--engine", eng, "--policy", writeFile(t, "p.json", termPolicy))
		if r.code != 0 || !strings.HasPrefix(r.stdout, "ID") {
			t.Errorf("%s: exit %d\n%s%s", eng, r.code, r.stdout, r.stderr)
		}
		// The policy's terms are rules of their own.
		if !strings.Contains(r.stdout, "zebra") {
			t.Errorf("%s: the policy's term is not listed:\n%s", eng, r.stdout)
		}
	}
}

func TestEval(t *testing.T) {
	corpus := writeFile(t, "c.jsonl", `{"id":"a","text":"a BLOCK post","labels":{"conduct":"block"}}
{"id":"b","text":"a WARN post","labels":{}}
{"id":"c","text":"fine","labels":{"privacy":"warn"},"identifiers":[{"type":"name","text":"fine"}]}
`)
	r := runCmd(t, "", "eval", "--engine", "marker", "-v", corpus)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, s := range []string{
		"3 posts, 1 benign",
		"conduct             1     2     1     0     0.500   1.000  0.667",
		"privacy             1     0     0     1         -   0.000  0.000",
		"benign posts flagged at warn or above: 1 of 1 (100.0%)",
		"b false alarm conduct: want none, got warn",
		"c miss privacy: want warn, got none",
		"c identifier miss: name \"fine\"",
	} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("eval output lacks %q:\n%s", s, r.stdout)
		}
	}
	r = runCmd(t, "", "eval", "--engine", "marker", writeFile(t, "bad.jsonl", `{"id":"a","text":"x","labels":{"gossip":"warn"}}`))
	if r.code != 2 || !strings.Contains(r.stderr, `unknown category "gossip"`) {
		t.Errorf("bad corpus: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestJSONLStreams feeds one line at a time through a pipe and reads each
// answer before writing the next line: a command that waited for the end of
// its input would never answer (the guard below turns that hang into a
// failure).
func TestJSONLStreams(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		var errb bytes.Buffer
		done <- run(context.Background(), []string{"scan", "--format", "jsonl", "--engine", "marker"}, inR, outW, &errb)
		outW.Close()
	}()
	out := bufio.NewReader(outR)
	for i, text := range []string{"WARN", "fine", "BLOCK"} {
		if _, err := fmt.Fprintf(inW, "{\"id\":%d,\"text\":%q}\n", i, text); err != nil {
			t.Fatal(err)
		}
		line := make(chan string, 1)
		go func() {
			l, _ := out.ReadString('\n')
			line <- l
		}()
		select {
		case l := <-line:
			if !strings.HasPrefix(l, fmt.Sprintf(`{"id":%d,"findings":[`, i)) {
				t.Errorf("answer %d: %q", i, l)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("no answer to line %d while the input stays open: the output is not streamed", i)
		}
	}
	inW.Close()
	if code := <-done; code != 3 {
		t.Errorf("exit %d, want 3", code)
	}
}
