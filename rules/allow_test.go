package rules

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestAllowList(t *testing.T) {
	post := "Took Maya and Biscuit to the park after my shift. My patient John Smith (MRN 44120931), 92yo, went home today from room 214."
	find := func(policy, text string) Result {
		t.Helper()
		return mustEngine(t, policy).Scan(text)
	}
	spans := func(res Result, text string) map[string]string {
		out := map[string]string{}
		for _, f := range res.Findings {
			out[text[f.Start:f.End]] = f.Rule
		}
		return out
	}
	base := spans(find("", post), post)
	if base["Maya"] != "privacy.name" || base["John Smith"] != "privacy.name" {
		t.Fatalf("the default policy should flag both names: %v", base)
	}

	t.Run("an allowed name is dropped, others stay", func(t *testing.T) {
		got := spans(find(`{"allow": ["maya"]}`, post), post)
		if _, ok := got["Maya"]; ok {
			t.Errorf("Maya is allowed but was flagged: %v", got)
		}
		if got["John Smith"] != "privacy.name" || got["MRN 44120931"] != "privacy.mrn" {
			t.Errorf("other findings should stay: %v", got)
		}
	})
	t.Run("whole text only, any case, any spacing", func(t *testing.T) {
		got := spans(find(`{"allow": ["  JOHN   smith "]}`, post), post)
		if _, ok := got["John Smith"]; ok {
			t.Errorf("John Smith is allowed: %v", got)
		}
		got = spans(find(`{"allow": ["John"]}`, post), post)
		if got["John Smith"] != "privacy.name" {
			t.Errorf("allowing John must not drop the whole name John Smith: %v", got)
		}
	})
	t.Run("a possessive of an allowed word", func(t *testing.T) {
		text := "Maya’s first day of school! So proud."
		for _, f := range find(`{"allow": ["Maya"]}`, text).Findings {
			if text[f.Start:f.End] == "Maya’s" || text[f.Start:f.End] == "Maya" {
				t.Errorf("Maya's is allowed: %+v", f)
			}
		}
	})

	// A name that was the only thing tying the post to a patient: allowed,
	// it no longer raises the post's privacy severity.
	t.Run("a dropped name does not raise the post", func(t *testing.T) {
		for _, c := range []struct{ text, allow, want string }{
			{"Mr. Okafor finally went home after three weeks with us!", "Mr. Okafor", "none"},
			{"Keisha Warren, 27, came in with chest pain at 3am. Rough night.", "keisha warren", "warn"},
		} {
			// The learned model is off: it may still read the rest as a
			// patient's story, which is not what this checks.
			const noModel = `"disable": ["privacy.learned", "boundaries.learned", "conduct.learned", "misinformation.learned", "disclosure.learned"]`
			before := find(`{`+noModel+`}`, c.text)
			after := find(`{`+noModel+`, "allow": [`+strconv.Quote(c.allow)+`]}`, c.text)
			if before.Summary.Risk != "block" {
				t.Fatalf("%q without the allow list: risk %s, want block", c.text, before.Summary.Risk)
			}
			for _, f := range after.Findings {
				if f.Rule == "privacy.name" {
					t.Errorf("%q: the allowed name was flagged: %+v", c.text, f)
				}
			}
			if after.Summary.Risk != c.want {
				t.Errorf("%q allowing %q: risk %s, want %s", c.text, c.allow, after.Summary.Risk, c.want)
			}
		}
	})
	t.Run("an allowed word is no quasi-identifier", func(t *testing.T) {
		text := "My patient from Springfield, a teacher, was admitted on 3/4 after the crash."
		before, after := find("", text), find(`{"allow": ["Springfield"]}`, text)
		if !strings.Contains(strings.Join(before.Summary.QuasiIdentifiers, ","), "place") {
			t.Fatalf("without the allow list the place should count: %v", before.Summary.QuasiIdentifiers)
		}
		if strings.Contains(strings.Join(after.Summary.QuasiIdentifiers, ","), "place") {
			t.Errorf("the allowed town still counts as a place: %v", after.Summary.QuasiIdentifiers)
		}
	})
	t.Run("non_identifiers keeps identifier rules", func(t *testing.T) {
		text := "what a shitty night, Mr. Okafor"
		got := spans(find(`{"allow": ["Mr. Okafor", "shitty"], "allow_scope": "non_identifiers"}`, text), text)
		if got["Mr. Okafor"] != "privacy.name" {
			t.Errorf("with non_identifiers the name rule still flags Mr. Okafor: %v", got)
		}
		if _, ok := got["shitty"]; ok {
			t.Errorf("shitty is allowed and no identifier: %v", got)
		}
		got = spans(find(`{"allow": ["Mr. Okafor", "shitty"], "allow_scope": "all"}`, text), text)
		if len(got) != 0 {
			t.Errorf("with scope all both are dropped: %v", got)
		}
	})
}

func TestAllowListErrors(t *testing.T) {
	many := make([]string, MaxAllow+1)
	for i := range many {
		many[i] = strconv.Quote("w" + strconv.Itoa(i))
	}
	for _, tc := range []struct{ name, policy, field, msg string }{
		{"not a list", `{"allow": "maya"}`, "allow", "list of strings"},
		{"empty entry", `{"allow": ["maya", "  "]}`, "allow[1]", "non-empty"},
		{"too long", `{"allow": ["` + strings.Repeat("x", MaxListEntryBytes+1) + `"]}`, "allow[0]", "at most"},
		{"too many", `{"allow": [` + strings.Join(many, ",") + `]}`, "allow", "too many"},
		{"bad scope", `{"allow_scope": "names"}`, "allow_scope", `"all" or "non_identifiers"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tc.policy))
			var perr *Error
			if !errors.As(err, &perr) || perr.Field != tc.field || !strings.Contains(perr.Msg, tc.msg) {
				t.Fatalf("ParsePolicy: %v, want field %q and a message containing %q", err, tc.field, tc.msg)
			}
		})
	}
	if _, err := ParsePolicy([]byte(`{"allow": ["Maya", "Biscuit the dog"], "allow_scope": "non_identifiers"}`)); err != nil {
		t.Fatal(err)
	}
}
