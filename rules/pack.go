package rules

import (
	"strings"
)

// The rule packs are data: packs/*.json, embedded at build time. Each file is
//
//	{"pack": "conduct", "classes": {"name": ["word", ...]}, "rules": [Rule...]}
//
// and every rule carries its own examples, which run as tests.

// The packs and tables reach the package through embedded.go, written by
// rules/gen/embed (go generate ./rules); a test checks it is up to date.
// The learned model (model.go) is trained next, by rules/gen/train, from the
// labelled posts under testdata; a test checks model_data.go is current.

//go:generate go run ./gen/embed -dir .
//go:generate go run ./gen/train -dir .

// Rule is one rule of a pack, as written in the pack file.
type Rule struct {
	ID         string     // "<category>.<name>", unique
	Category   Category   // the category, also the id's first part
	Severity   Severity   // severity when the post is not about a patient
	Identifier Identifier // Safe Harbor type, or empty
	// Shape names a built-in detector (detector.go); Phrase lists
	// phrase patterns (phrase.go). A rule has either or both.
	Shape  string
	Phrase []string
	// Unless lists phrases that, anywhere in the post, silence this rule
	// (a disclosure such as "#ad" for an endorsement rule).
	Unless []string

	Message  string // what is wrong, in plain words
	Why      string // why it matters, for the warning card
	Citation string // the rule's source
	Fix      *Fix   // a safer rewrite of the span, if there is one
	// FocusFix rewrites the span of a phrase marked with ">" instead
	// ("the guy in 7B" marks "in 7B": remove it, where Fix rewrites
	// "room 7B" as "a room").
	FocusFix *Fix

	// PatientSeverity is the severity when the post is about a patient.
	PatientSeverity Severity
	// RequiresPatient reports the rule only in posts about a patient.
	RequiresPatient bool
	// PatientContext marks the post as being about a patient encounter.
	PatientContext bool
	// LowersStory marks a problem of its own (a relationship with a
	// patient) that makes the story's re-identification risk secondary.
	LowersStory bool
	// Encounter marks the post as telling one patient's story ("my patient
	// told me"): the story is worth a second look even with no
	// quasi-identifier in it.
	Encounter bool
	// Permission marks the post as shared with the patient's permission,
	// which lowers the story risk but not direct identifiers.
	Permission bool
	// Tied matches point at a patient by themselves (a bed number), unless
	// the post is an event announcement (where a room is a meeting room).
	Tied bool
	// Announcement marks the post as an event announcement.
	Announcement bool
	// News marks the post as a news report: its facts are attributed to
	// the police, officials or a statement ("a 34-year-old man was flown to
	// County General, police said"). Unless the author says the person was
	// their patient, the people in it are the news's, not a patient's story.
	News bool
	// Criticism marks a post that criticises a term or a post it quotes
	// ("let's retire 'frequent flyer'"): conduct and boundaries hits
	// inside quotation marks are then not reported.
	Criticism bool
	// Quasi names the quasi-identifier kind this rule's matches are in a
	// patient story: age, sex, time, place, occupation, event, condition.
	Quasi string
	// Silent rules set context but produce no finding of their own.
	Silent bool
	// Sure rules match what is wrong in itself (profanity, a slur): the
	// learned model's veto never drops them.
	Sure bool
	// Off rules are disabled unless a policy enables them.
	Off bool

	Examples Examples
}

// pack is one decoded pack file.
type pack struct {
	name    string
	classes map[string][]string
	// cues are word lists the built-in detectors read around a shape ("fax"
	// before a phone number, "dob" before a date). Unlike classes they are
	// not lexicon words and phrases cannot name them: a cue word the packs
	// do not otherwise know stays an unknown word to every other rule.
	cues  map[string][]string
	rules []*Rule
}

var quasiKinds = []string{"age", "sex", "time", "place", "occupation", "event", "condition"}

// loadPacks decodes every embedded pack, in order.
func loadPacks() ([]*pack, error) {
	var packs []*pack
	seen := map[string]bool{}
	for _, f := range packFiles {
		p, err := decodePack(f.data)
		if err != nil {
			return nil, &Error{Msg: "rule pack " + f.name + ": " + err.Error()}
		}
		for _, r := range p.rules {
			if seen[r.ID] {
				return nil, &Error{Msg: "rule pack " + f.name + ": duplicate rule id " + r.ID}
			}
			seen[r.ID] = true
		}
		packs = append(packs, p)
	}
	return packs, nil
}

func decodePack(data string) (*pack, error) {
	v, err := parseJSONString(data)
	if err != nil {
		return nil, err
	}
	f, err := newFields(v, "")
	if err != nil {
		return nil, err
	}
	p := &pack{}
	f.str("pack", &p.name)
	if p.classes, err = f.wordLists("classes", "class"); err != nil {
		return nil, err
	}
	if p.cues, err = f.wordLists("cues", "cue"); err != nil {
		return nil, err
	}
	f.objects("rules", func(g *jfields, path string) error {
		r := &Rule{}
		var cat, sev, psev, ident string
		g.str("id", &r.ID)
		g.str("category", &cat)
		g.str("severity", &sev)
		g.str("patient_severity", &psev)
		g.str("identifier", &ident)
		g.str("shape", &r.Shape)
		g.strs("phrases", &r.Phrase)
		g.strs("unless", &r.Unless)
		g.str("message", &r.Message)
		g.str("why", &r.Why)
		g.str("citation", &r.Citation)
		g.object("fix", func(h *jfields) {
			r.Fix = &Fix{}
			h.str("label", &r.Fix.Label)
			h.str("replacement", &r.Fix.Replacement)
		})
		g.object("focus_fix", func(h *jfields) {
			r.FocusFix = &Fix{}
			h.str("label", &r.FocusFix.Label)
			h.str("replacement", &r.FocusFix.Replacement)
		})
		g.boolean("requires_patient", &r.RequiresPatient)
		g.boolean("patient_context", &r.PatientContext)
		g.boolean("permission", &r.Permission)
		g.boolean("encounter", &r.Encounter)
		g.boolean("lowers_story", &r.LowersStory)
		g.str("quasi", &r.Quasi)
		g.boolean("tied", &r.Tied)
		g.boolean("announcement", &r.Announcement)
		g.boolean("news", &r.News)
		g.boolean("criticism", &r.Criticism)
		g.boolean("silent", &r.Silent)
		g.boolean("sure", &r.Sure)
		g.boolean("off", &r.Off)
		g.object("examples", func(h *jfields) { decodeExamples(h, &r.Examples) })
		if err := g.done(); err != nil {
			return err
		}
		r.Category, r.Severity, r.PatientSeverity, r.Identifier = Category(cat), Severity(sev), Severity(psev), Identifier(ident)
		if err := r.validate(); err != nil {
			return fieldErr(path, err.Error())
		}
		p.rules = append(p.rules, r)
		return nil
	})
	if err := f.done(); err != nil {
		return nil, err
	}
	return p, nil
}

func (r *Rule) validate() error {
	if !strings.HasPrefix(r.ID, string(r.Category)+".") || !r.Category.valid() {
		return &Error{Msg: "rule " + quote(r.ID) + ": id must start with its category (one of privacy, boundaries, conduct, misinformation, disclosure)"}
	}
	if !r.Severity.valid() {
		return &Error{Msg: "rule " + r.ID + ": severity must be info, warn or block"}
	}
	if r.PatientSeverity != "" && !r.PatientSeverity.valid() {
		return &Error{Msg: "rule " + r.ID + ": patient_severity must be info, warn or block"}
	}
	if !r.Identifier.valid() {
		return &Error{Msg: "rule " + r.ID + ": unknown identifier " + quote(string(r.Identifier))}
	}
	if r.Shape == "" && len(r.Phrase) == 0 {
		return &Error{Msg: "rule " + r.ID + ": needs a shape or phrases"}
	}
	if r.Shape != "" && !contains(shapeNames, r.Shape) {
		return &Error{Msg: "rule " + r.ID + ": unknown shape " + quote(r.Shape) + " (known: " + strings.Join(shapeNames, ", ") + ")"}
	}
	if r.Quasi != "" && !contains(quasiKinds, r.Quasi) {
		return &Error{Msg: "rule " + r.ID + ": quasi must be one of " + strings.Join(quasiKinds, ", ")}
	}
	if !r.Silent && (r.Message == "" || r.Citation == "") {
		return &Error{Msg: "rule " + r.ID + ": message and citation are required"}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nextLine splits data at its first newline: the line before it and the
// rest after it (all of data and "" when there is none).
func nextLine(data string) (line, rest string) {
	if i := strings.IndexByte(data, '\n'); i >= 0 {
		return data[:i], data[i+1:]
	}
	return data, ""
}

// decodedSize returns the bytes of the entries of a front-coded table:
// room for them exactly saves the start-up memory it would touch in vain.
func decodedSize(data string) int {
	n := 0
	for len(data) > 0 {
		var line string
		line, data = nextLine(data)
		if line == "" {
			continue
		}
		if k := int(line[0] - '0'); k >= 0 && k <= 9 {
			n += k + len(line) - 1
		}
	}
	return n
}

// eachWord calls f with each entry of an embedded data/*.txt table. The
// tables are front-coded: each line is a digit, the number of leading bytes
// shared with the previous entry, then the rest of the entry.
func eachWord(name string, f func(string)) {
	data := dataFiles[name]
	// Decode every entry into one buffer and hand out slices of it: one
	// allocation instead of one per entry, which matters to the module's
	// start-up time. A strings.Builder's String does not copy, and what
	// it has written does not change.
	var buf strings.Builder
	buf.Grow(decodedSize(data))
	prev := "" // the previous entry
	for len(data) > 0 {
		var line string
		line, data = nextLine(data)
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		k := int(line[0] - '0')
		if k < 0 || k > 9 || k > len(prev) {
			continue // not front-coded: a corrupt table loses this entry only
		}
		start := buf.Len()
		buf.WriteString(prev[:k])
		buf.WriteString(line[1:])
		prev = buf.String()[start:]
		f(prev)
	}
}
