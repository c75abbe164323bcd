package rules

import (
	"strings"
	"testing"
)

func TestDetectorRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range detectors {
		if d.name == "" || seen[d.name] {
			t.Errorf("detector %q: empty or duplicate name", d.name)
		}
		seen[d.name] = true
		if d.doc == "" || len(d.shapes)+len(d.rules) == 0 {
			t.Errorf("detector %s: needs a doc and the rules it reports", d.name)
		}
		if d.token != nil && d.on == 0 {
			t.Errorf("detector %s: a token detector tried at no token", d.name)
		}
		for _, s := range d.shapes {
			if !contains(shapeNames, s) {
				t.Errorf("detector %s: unknown shape %q", d.name, s)
			}
		}
	}
	if len(shapeNames) != int(numShapes) {
		t.Errorf("shapeNames has %d names for %d shapeIDs", len(shapeNames), numShapes)
	}
}

// TestDetectorNeeds checks that compiling fails, naming the detector and
// the need, when a pack lacks what a detector reads.
func TestDetectorNeeds(t *testing.T) {
	fake := func(d detector) []*detector {
		d.name, d.doc, d.pass = "fake", "a test detector", func(*Engine, string, *scanState) {}
		return append(append([]*detector(nil), detectors...), &d)
	}
	cases := []struct {
		name string
		dets []*detector
		edit func(ps []*pack)
		want string
	}{
		{"missing class", fake(detector{shapes: []string{"phone"}, classes: []string{"no_such_class"}}), nil,
			"detector fake needs word class {no_such_class}"},
		{"missing cue", fake(detector{shapes: []string{"phone"}, cues: []string{"no_such_cue"}}), nil,
			`detector fake needs cue list "no_such_cue"`},
		{"missing shape", fake(detector{shapes: []string{"no_such_shape"}}), nil,
			`detector fake needs a rule with "shape": "no_such_shape"`},
		{"missing rule", fake(detector{rules: []string{"privacy.no_such_rule"}}), nil,
			"detector fake needs rule privacy.no_such_rule"},
		{"renamed pack class", detectors, func(ps []*pack) {
			ps[0].classes["months"] = ps[0].classes["month"]
			delete(ps[0].classes, "month")
		}, "needs word class {month}"},
		{"renamed cue list", detectors, func(ps []*pack) {
			ps[0].cues["fax_cues"] = ps[0].cues["fax_cue"]
			delete(ps[0].cues, "fax_cue")
		}, `detector phone needs cue list "fax_cue"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			packs, err := loadPacks()
			if err != nil {
				t.Fatal(err)
			}
			if c.edit != nil {
				c.edit(packs)
			}
			_, err = compilePacks(packs, c.dets)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("compilePacks: got error %v, want one containing %q", err, c.want)
			}
		})
	}
	// And the real packs give the real detectors all they need.
	packs, err := loadPacks()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compilePacks(packs, detectors); err != nil {
		t.Fatal(err)
	}
}

// TestUnused lists what the packs declare and nothing reads. The five
// classes below are unused, but their words are lexicon words that other
// detectors see as known (a capitalised unknown word may be a name): they
// stay until a change that may move findings removes them. Anything else
// that shows up here is a class or cue list that lost its reader.
func TestUnused(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"class {duty}", "class {label_word}", "class {patient_ref}", "class {promo_verb}", "class {time_word}"}
	if got := e.Unused(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Unused() = %q, want %q", got, want)
	}
}
