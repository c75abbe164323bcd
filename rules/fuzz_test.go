package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzScan checks properties that hold for every text: spans in bounds and
// on rune boundaries, UTF-16 spans that cut the same text, the same result
// twice, valid JSON, and silence from disabled rules.
func FuzzScan(f *testing.F) {
	for _, s := range []string{post, "", "my patient John Smith in room 214", "🏥 pt Ana Ruiz 92yo 555-201-7788",
		"\xff\xfe\xfd", "DOB 03/04/1961 MRN 44120931", "今天在医院 my patient 张伟", "a@b.co http://x.y/z 10.0.0.1",
		"Mr. K's VIN 1HGCM82633A004352", "f*** this #ad @brand code X", "응급실 김영수 할아버지(92세)가",
		"302号室の田中さん（95歳）", "Patient in Swindon rang 020 7946 0958 or (07) 5550 4123", "J.R., 34, from North of Gympie"} {
		f.Add(s)
	}
	all := mustEngine(f, ExamplePolicy)
	off := mustEngine(f, `{"disable": ["privacy", "conduct"]}`)
	f.Fuzz(func(t *testing.T, text string) {
		res := all.Scan(text)
		checkSpans(t, text, res)
		if diff := cmp.Diff(res, all.Scan(text)); diff != "" {
			t.Fatalf("not deterministic:\n%s", diff)
		}
		if !json.Valid(AppendResultJSON(nil, res)) {
			t.Fatal("invalid JSON")
		}
		for _, f := range off.Scan(text).Findings {
			if f.Category == Privacy || f.Category == Conduct {
				t.Fatalf("disabled rule %s reported", f.Rule)
			}
		}
	})
}

// FuzzParsePolicy checks that any input gives a policy or an error, never a
// panic, and that a policy that parses also compiles.
func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{ExamplePolicy, `{}`, `{"terms": [{"phrase": "a b", "category": "conduct", "message": "m"}]}`,
		`{"severity": {"privacy": "block"}, "disable": ["conduct.*"]}`, `{"record_formats": [{"name": "x", "pattern": "(a|b)+c"}]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		p, err := ParsePolicy([]byte(data))
		if err != nil {
			if err.Error() == "" || strings.Contains(err.Error(), "panic") {
				t.Fatalf("unhelpful error %q", err)
			}
			return
		}
		if _, err := Compile(p); err != nil {
			t.Fatalf("parsed but does not compile: %v", err)
		}
	})
}
