package rules

import (
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
	good := modelData
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
