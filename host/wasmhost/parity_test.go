package wasmhost

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/discreet-health/discreet/host/internal/testutil"
	"github.com/discreet-health/discreet/rules"
)

// corpusPath is the labelled corpus of posts (JSON lines with a "text").
const corpusPath = "../../rules/testdata/corpus.jsonl"

// parityPolicy exercises the policy's own rules: terms, record formats,
// facilities, overrides, an allow list.
const parityPolicy = `{
  "schema": "discreet.policy/v1",
  "name": "Parity test policy", "version": "1",
  "institution": {"name": "Mercy Health", "guidance_url": "https://mercy.example/social", "contact": "privacy@mercy.example"},
  "disable": ["conduct.profanity"],
  "severity": {"privacy.date": "warn"},
  "facilities": ["Mercy General", "St. Olaf Hospital"],
  "units": ["4 West"],
  "record_formats": [{"name": "Mercy MRN", "pattern": "\\bM[0-9]{7}\\b", "examples": {"flag": ["chart M1234567"], "pass": ["model M12"]}}],
  "terms": [
    {"phrase": "zebra crossing", "category": "conduct", "severity": "warn", "message": "test term"},
    {"phrase": "miracle juice", "category": "misinformation", "severity": "block", "message": "No miracle juice claims."}
  ],
  "allow": ["Ana Ruiz", "Mercy General", "miracle juice"], "allow_scope": "non_identifiers",
  "min_severity": "info", "intercept_at": "warn", "enforce": "block"
}`

// equateEmpty treats nil and empty lists and maps alike: JSON writes both
// as [] or {}.
var equateEmpty = cmpopts.EquateEmpty()

// parityTexts are edge cases scanned on top of the corpus.
var parityTexts = []string{
	"",
	" ",
	testutil.PatientPost,
	"My patient John Smith, chart M1234567, on 4 West at Mercy General: zebra crossing. Try miracle juice!",
	"🏥💉 Pt Ana Ruiz 92yo in bed 4 — tough night 😭 #nursing",
	"今天在医院 my patient 张伟, DOB 03/04/1961, room 12",
	"שלום patient Miriam Cohen, 555-0134, ward 3B",
	"\xff\xfe My patient John Smith \xc3 room 214 \xe2\x82",
	"Pt e-mail jane.doe@example.com, IP 10.0.0.1, SSN 123-45-6789, seen 1/2/2024 at St. Olaf Hospital",
	strings.Repeat("Long shift, MRN 44120931, call 555-201-7788. ", 200),
}

// TestParity scans every rule example, the corpus and the edge cases with
// the native engine and with the module under wazero, under the defaults,
// the packs' example policy and a custom policy: the results must be
// identical.
func TestParity(t *testing.T) {
	corpus := loadCorpusTexts(t)
	for _, tc := range []struct{ name, policy string }{
		{"defaults", ""},
		{"example policy", rules.ExamplePolicy},
		{"custom policy", parityPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			native, err := newNative([]byte(tc.policy))
			if err != nil {
				t.Fatal(err)
			}
			texts := append([]string(nil), parityTexts...)
			texts = append(texts, corpus...)
			examples := native.Engine().Examples()
			for _, ex := range examples {
				texts = append(texts, ex.Text)
			}
			s := newTestScanner(t, 2)
			ctx := context.Background()
			if _, err := s.Configure(ctx, []byte(tc.policy)); err != nil {
				t.Fatal(err)
			}
			nativeCat, _ := native.Catalog(ctx)
			wasmCat, err := s.Catalog(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(nativeCat, wasmCat, equateEmpty); diff != "" {
				t.Errorf("catalogue differs (-native +wasm):\n%s", diff)
			}
			failures := 0
			for i, text := range texts {
				want, err := native.Scan(ctx, text)
				if err != nil {
					t.Fatalf("native, text %d: %v", i, err)
				}
				got, err := s.Scan(ctx, text)
				if err != nil {
					t.Fatalf("wasm, text %d: %v", i, err)
				}
				if diff := cmp.Diff(want, got, equateEmpty); diff != "" {
					failures++
					if failures <= 10 {
						t.Errorf("text %d %q differs (-native +wasm):\n%s", i, excerpt(text), diff)
					}
				}
			}
			if failures > 10 {
				t.Errorf("... %d texts differ in all", failures)
			}
			t.Logf("%d texts (%d from the corpus, %d rule examples) compared", len(texts), len(corpus), len(examples))
		})
	}
}

// loadCorpusTexts reads the corpus's texts. A missing or empty corpus is a
// failure: parity on the edge cases alone would pass for the wrong reason.
func loadCorpusTexts(t *testing.T) []string {
	f, err := os.Open(corpusPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var p struct {
			Text *string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil || p.Text == nil {
			t.Fatalf("%s line %d: not a post with a text (%v)", corpusPath, n, err)
		}
		texts = append(texts, *p.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(texts) == 0 {
		t.Fatalf("%s has no posts", corpusPath)
	}
	return texts
}

func excerpt(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// TestResultJSONRoundTrip checks that the result JSON the module writes
// decodes back into the same rules.Result (a field the encoder forgets
// shows here), so the parity test compares like with like.
func TestResultJSONRoundTrip(t *testing.T) {
	native, err := newNative([]byte(parityPolicy))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := native.Scan(context.Background(), parityTexts[3])
	var back rules.Result
	if err := json.Unmarshal(rules.AppendResultJSON(nil, r), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, back, equateEmpty); diff != "" {
		t.Errorf("result JSON does not round-trip (-native +decoded):\n%s", diff)
	}
}
