package rules

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestDecodeModelRejectsDamage checks that a damaged model file gives an
// error naming the problem, never a panic or a model that reads past its
// end.
func TestDecodeModelRejectsDamage(t *testing.T) {
	if modelData == "" {
		t.Skip("no model embedded")
	}
	file, ok := unbase64(modelData)
	if !ok {
		t.Fatal("model_data.go is not base64")
	}
	good := string(file)
	if _, err := decodeModel(good); err != nil {
		t.Fatalf("the embedded model: %v", err)
	}
	for name, data := range map[string]string{
		"empty":            "",
		"bad magic":        "DSCM9\n" + good[6:],
		"no settings":      good[:6],
		"settings too big": good[:6] + "\xff\xff\xff\xff\x0f",
		"cut in header":    good[:len(good)-len(good)/2],
		"one byte short":   good[:len(good)-1],
		"one byte long":    good + "\x00",
	} {
		if _, err := decodeModel(data); err == nil {
			t.Errorf("%s: decoded without error", name)
		} else if !strings.HasPrefix(err.Error(), "learned model: ") {
			t.Errorf("%s: error %q does not say it is the model", name, err)
		}
	}
}

// TestLearnedRulesFollowPolicy checks that the learned rules are rules like
// any other: a policy that disables one silences it, and one that re-grades
// it changes its severity.
func TestLearnedRulesFollowPolicy(t *testing.T) {
	e := mustEngine(t, "")
	if e.model == nil {
		t.Skip("no model embedded")
	}
	n := 0
	for _, ex := range e.Examples() {
		if !ex.Flag || !strings.HasSuffix(ex.Rule, ".learned") {
			continue
		}
		n++
		off := mustEngine(t, `{"disable": ["`+ex.Rule+`"]}`)
		for _, f := range off.Scan(ex.Text).Findings {
			if f.Rule == ex.Rule {
				t.Errorf("%s disabled, still flags %q", ex.Rule, ex.Text)
			}
		}
		block := mustEngine(t, `{"severity": {"`+ex.Rule+`": "block"}}`)
		found := false
		for _, f := range block.Scan(ex.Text).Findings {
			if f.Rule == ex.Rule {
				found = true
				if f.Severity != Block {
					t.Errorf("%s re-graded to block, gives %s on %q", ex.Rule, f.Severity, ex.Text)
				}
			}
		}
		if !found {
			t.Errorf("%s re-graded: no finding on its own example %q", ex.Rule, ex.Text)
		}
	}
	if n == 0 {
		t.Fatal("no learned rule has an example that must flag")
	}
}

// TestUnbase64 checks the module's own base64 decoder against the
// standard library's encoder on every length and byte value.
func TestUnbase64(t *testing.T) {
	var data []byte
	for n := 0; n < 300; n++ {
		got, ok := unbase64(base64.StdEncoding.EncodeToString(data))
		if !ok || string(got) != string(data) {
			t.Fatalf("length %d: got %v, ok %v", n, got, ok)
		}
		data = append(data, byte(n*37))
	}
	for _, bad := range []string{"A", "AB*D", "ABCDE", "é"} {
		if _, ok := unbase64(bad); ok {
			t.Errorf("%q decoded", bad)
		}
	}
}

// TestShortRepliesPass checks that the replies clinicians type most, a word
// or two, are not judged by the model's bias: each scores no finding at
// warn or above.
func TestShortRepliesPass(t *testing.T) {
	e := mustEngine(t, "")
	for _, text := range []string{"ok", "lol", "Thank you!!", "omg same", "so tired", "Long day.", "This.", "Congrats!", "😂😂", "yes", "Happy birthday mom!"} {
		for _, f := range e.Scan(text).Findings {
			if f.Severity != Info {
				t.Errorf("%q: %s %s", text, f.Severity, f.Rule)
			}
		}
	}
}
