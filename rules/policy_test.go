package rules

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePolicyErrors(t *testing.T) {
	for _, tc := range []struct {
		name, policy, field, msg string
	}{
		{"unknown field", `{"nmae": "x"}`, "nmae", "unknown field"},
		{"unknown nested field", `{"institution": {"url": "x"}}`, "institution.url", "unknown field"},
		{"wrong type", `{"disable": "conduct"}`, "disable", "list of strings"},
		{"bad severity", `{"severity": {"privacy.url": "high"}}`, "severity.privacy.url", `"info", "warn" or "block"`},
		{"bad pattern", `{"record_formats": [{"name": "x", "pattern": "SE-(\\d"}]}`, "record_formats[0].pattern", "bad pattern"},
		{"empty-matching pattern", `{"record_formats": [{"name": "x", "pattern": "\\d*"}]}`, "record_formats[0].pattern", "empty string"},
		{"pattern too complex", `{"record_formats": [{"name": "x", "pattern": "\\w{900}\\d{900}\\s{900}"}]}`, "record_formats[0].pattern", "too"},
		{"missing name", `{"record_formats": [{"pattern": "SE-\\d+"}]}`, "record_formats[0].name", "required"},
		{"bad identifier", `{"record_formats": [{"name": "x", "pattern": "SE-\\d+", "identifier": "dna"}]}`, "record_formats[0].identifier", "unknown identifier"},
		{"bad term category", `{"terms": [{"phrase": "zebra", "category": "spam", "message": "m"}]}`, "terms[0].category", "one of"},
		{"bad term phrase", `{"terms": [{"phrase": "{any} zebra", "category": "conduct", "message": "m"}]}`, "terms[0].phrase", "must start"},
		{"term without message", `{"terms": [{"phrase": "zebra", "category": "conduct"}]}`, "terms[0].message", "required"},
		{"bad enforce", `{"enforce": "maybe"}`, "enforce", `"warn" or "block"`},
		{"bad url", `{"institution": {"guidance_url": "javascript:alert(1)"}}`, "institution.guidance_url", "http"},
		{"empty facility", `{"facilities": [" "]}`, "facilities[0]", "non-empty"},
		{"bad extends", `{"extends": "strict"}`, "extends", "default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tc.policy))
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("ParsePolicy(%s) = %v, want an *Error", tc.policy, err)
			}
			if perr.Field != tc.field || !strings.Contains(perr.Msg, tc.msg) {
				t.Errorf("ParsePolicy(%s) = field %q msg %q, want field %q msg containing %q", tc.policy, perr.Field, perr.Msg, tc.field, tc.msg)
			}
		})
	}
}

func TestParsePolicySyntax(t *testing.T) {
	for _, bad := range []string{``, `[]`, `{`, `{"a":1,}`, `{"name": "x"} trailing`, `{"name": "a", "name": "b"}`,
		strings.Repeat("[", 100) + strings.Repeat("]", 100), "{\"name\": \"\xff\"}"} {
		if _, err := ParsePolicy([]byte(bad)); err == nil {
			t.Errorf("ParsePolicy(%.40q) succeeded", bad)
		}
	}
	if _, err := ParsePolicy([]byte(`{"name": "` + strings.Repeat("x", MaxPolicyBytes) + `"}`)); err == nil {
		t.Error("an oversized policy was accepted")
	}
}

func TestPolicyControls(t *testing.T) {
	text := "My patient John Smith called from 555-201-7788, what a shitty night. Use my code NURSE20 for 20% off at the link in my bio!"
	rulesOf := func(policy string) map[string]string {
		res := mustEngine(t, policy).Scan(text)
		out := map[string]string{}
		for _, f := range res.Findings {
			out[f.Rule] = string(f.Severity)
		}
		return out
	}
	base := rulesOf("")
	for _, r := range []string{"privacy.name", "privacy.phone", "conduct.profanity", "disclosure.undisclosed"} {
		if base[r] == "" {
			t.Fatalf("default policy misses %s: %v", r, base)
		}
	}
	t.Run("disable a category", func(t *testing.T) {
		got := rulesOf(`{"disable": ["conduct"]}`)
		if got["conduct.profanity"] != "" || got["privacy.name"] == "" {
			t.Errorf("got %v", got)
		}
	})
	t.Run("disable a pack by its name", func(t *testing.T) {
		got := rulesOf(`{"disable": ["privacy-identifiers"]}`)
		if got["privacy.phone"] != "" || got["conduct.profanity"] == "" {
			t.Errorf("got %v", got)
		}
	})
	t.Run("disable by prefix then enable one rule", func(t *testing.T) {
		got := rulesOf(`{"disable": ["privacy.*"], "enable": ["privacy.phone"]}`)
		if got["privacy.name"] != "" || got["privacy.phone"] == "" {
			t.Errorf("got %v", got)
		}
	})
	t.Run("severity override: rule wins over category", func(t *testing.T) {
		got := rulesOf(`{"severity": {"conduct": "info", "privacy.phone": "warn", "privacy": "info"}}`)
		want := map[string]string{"conduct.profanity": "info", "privacy.phone": "warn", "privacy.name": "info"}
		for r, s := range want {
			if got[r] != s {
				t.Errorf("%s = %q, want %q (all: %v)", r, got[r], s, got)
			}
		}
	})
	t.Run("extends none keeps only the policy's own rules and what it enables", func(t *testing.T) {
		got := rulesOf(`{"extends": "none", "enable": ["privacy.phone"], "terms": [{"phrase": "shitty night", "category": "conduct", "message": "m"}]}`)
		want := map[string]string{"privacy.phone": got["privacy.phone"], "conduct.term.shitty_night": "warn"}
		if diff := cmp.Diff(want, got); diff != "" || got["privacy.phone"] == "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("min severity hides info", func(t *testing.T) {
		res := mustEngine(t, `{"min_severity": "warn"}`).Scan("Call our clinic at 555-201-7788.")
		if len(res.Findings) != 0 {
			t.Errorf("got %v", res.Findings)
		}
	})
	t.Run("intercept and enforce", func(t *testing.T) {
		res := mustEngine(t, `{"intercept_at": "warn", "enforce": "block"}`).Scan("what a shitty night")
		if !res.Summary.Intercept || res.Summary.Enforce != "block" || res.Summary.Risk != "warn" {
			t.Errorf("summary %+v", res.Summary)
		}
		res = mustEngine(t, "").Scan("what a shitty night")
		if res.Summary.Intercept || res.Summary.Enforce != "warn" {
			t.Errorf("default summary %+v", res.Summary)
		}
	})
}

func TestPolicyOwnRules(t *testing.T) {
	e := mustEngine(t, `{
		"institution": {"name": "Mercy Health"},
		"facilities": ["Mercy West"], "units": ["4 North"],
		"record_formats": [{"name": "Mercy MRN", "pattern": "\\bMW\\d{7}\\b", "examples": {"flag": ["chart MW1234567"], "pass": ["MW123"]}}],
		"terms": [{"phrase": "code zebra", "category": "conduct", "severity": "block", "message": "Internal code word.",
		           "examples": {"flag": ["we called a code zebra"], "pass": ["zebra crossing"]}}]
	}`)
	text := "My patient on 4 North at Mercy West, chart MW1234567, triggered a code zebra tonight."
	res := e.Scan(text)
	want := map[string]string{"privacy.facility": "4 North", "privacy.record_format": "MW1234567", "conduct.term.code_zebra": "code zebra"}
	have := map[string][]string{}
	for _, f := range res.Findings {
		have[f.Rule] = append(have[f.Rule], text[f.Start:f.End])
	}
	for r, span := range want {
		found := false
		for _, s := range have[r] {
			if s == span {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s finding on %q; have %v", r, span, have)
		}
	}
	if fails := e.CheckExamples(true); len(fails) != 0 {
		t.Errorf("policy examples fail: %+v", fails)
	}
	// A policy example that does not hold is reported.
	bad := mustEngine(t, `{"terms": [{"phrase": "code zebra", "category": "conduct", "message": "m", "examples": {"flag": ["no match here"]}}]}`)
	fails := bad.CheckExamples(true)
	if diff := cmp.Diff([]string{"no match here"}, exampleTexts(fails)); diff != "" {
		t.Errorf("CheckExamples (-want +got):\n%s", diff)
	}
}

func exampleTexts(fs []ExampleFailure) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Text)
	}
	return out
}

func TestCatalog(t *testing.T) {
	e := mustEngine(t, `{"disable": ["conduct.profanity"]}`)
	seen := map[string]bool{}
	for _, r := range e.Catalog() {
		if seen[r.ID] {
			t.Errorf("duplicate %s", r.ID)
		}
		seen[r.ID] = true
		if r.Message == "" || r.Citation == "" || r.Why == "" {
			t.Errorf("%s lacks message, why or citation", r.ID)
		}
		if r.ID == "conduct.profanity" && r.Enabled {
			t.Error("disabled rule listed as enabled")
		}
	}
	for _, c := range Categories {
		n := 0
		for id := range seen {
			if strings.HasPrefix(id, string(c)+".") {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no rule in category %s", c)
		}
	}
}

// TestDuplicateKeysInLongObjects checks a field given twice is refused in a
// long object too, where the parser keeps the keys in a set.
func TestDuplicateKeysInLongObjects(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"terms":[{"phrase":"x","category":"conduct","severity":"warn","message":"m","examples":{`)
	for i := range 40 {
		b.WriteString(`"k` + strconv.Itoa(i) + `":1,`)
	}
	b.WriteString(`"k7":2}}]}`)
	_, err := ParsePolicy([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), `duplicate field "k7"`) {
		t.Fatalf("ParsePolicy = %v, want a duplicate field k7", err)
	}
}
