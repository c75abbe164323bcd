package rules

import (
	"strconv"
	"strings"
)

// PolicySchema is the value of a policy's "schema" field.
const PolicySchema = "discreet.policy/v1"

// Limits on what a policy may carry, so a hostile or mistaken policy cannot
// make every scan slow or the module run out of memory.
const (
	MaxPolicyBytes     = 256 << 10 // encoded policy size
	MaxRecordFormats   = 32        // custom record-number patterns
	MaxPatternBytes    = 512       // length of one pattern's source
	MaxPatternProgram  = 2000      // instructions of one compiled pattern
	MaxTerms           = 500       // custom terms
	MaxFacilities      = 500       // facility and unit names together
	MaxAllow           = 500       // personal allow-list entries
	MaxListEntryBytes  = 200       // one facility name, term, rule id...
	MaxPolicyExamples  = 50        // examples per custom entry
	MaxExampleBytes    = 4000      // one example's length
	maxInstitutionText = 2000      // institution name, contact, URL
)

// Policy is an institution's settings over the default rule packs: one JSON
// schema shared by the settings backend, the extension and the command line.
// The zero Policy means "the defaults".
type Policy struct {
	Schema      string      `json:"schema,omitempty"`      // PolicySchema, optional
	Name        string      `json:"name,omitempty"`        // the policy's own name
	Version     string      `json:"version,omitempty"`     // set by the backend when published
	Extends     string      `json:"extends,omitempty"`     // "default" (the default) or "none"
	Institution Institution `json:"institution,omitempty"` // who publishes it

	// Disable turns off rules by id ("conduct.profanity"), by category
	// ("conduct") or by prefix ("privacy.url*"). Enable turns rules back on
	// after Disable, and turns on rules that are off by default.
	Disable []string `json:"disable,omitempty"`
	Enable  []string `json:"enable,omitempty"`
	// Severity overrides a rule's severity, keyed by rule id or category.
	Severity map[string]string `json:"severity,omitempty"`

	// Facilities and Units name the institution's sites and wards: naming
	// one in a patient story is a quasi-identifier.
	Facilities []string `json:"facilities,omitempty"`
	Units      []string `json:"units,omitempty"`
	// RecordFormats are the institution's record-number formats (RE2).
	RecordFormats []RecordFormat `json:"record_formats,omitempty"`
	// Terms are custom words or phrases to flag.
	Terms []Term `json:"terms,omitempty"`

	// Allow lists words and phrases this clinician says are not to be
	// flagged: their own name, their children's, their pets'. A finding
	// whose matched text is one of them (ignoring case and the spacing
	// between words, and a possessive 's) is dropped before weighing, so it
	// counts neither as an identifier nor as a quasi-identifier of a story.
	Allow []string `json:"allow,omitempty"`
	// AllowScope is "all" (the default: Allow silences any finding) or
	// "non_identifiers" (the privacy identifier rules, those with an
	// identifier type, still flag the words in Allow).
	AllowScope string `json:"allow_scope,omitempty"`

	// MinSeverity is the lowest severity shown to the clinician (default info).
	MinSeverity string `json:"min_severity,omitempty"`
	// InterceptAt is the severity at which publishing is stopped for a review
	// (default block).
	InterceptAt string `json:"intercept_at,omitempty"`
	// Enforce is "warn" (the clinician may post anyway after review, the
	// default) or "block" (they may not).
	Enforce string `json:"enforce,omitempty"`
}

// Institution describes the publisher of a policy, shown on warning cards.
type Institution struct {
	Name        string `json:"name,omitempty"`
	GuidanceURL string `json:"guidance_url,omitempty"`
	Contact     string `json:"contact,omitempty"`
}

// RecordFormat is an institution's own record-number format.
type RecordFormat struct {
	Name       string   `json:"name"`                 // e.g. "Mercy MRN"
	Pattern    string   `json:"pattern"`              // RE2, matched case-sensitively
	Identifier string   `json:"identifier,omitempty"` // default "mrn"
	Severity   string   `json:"severity,omitempty"`   // default block
	Examples   Examples `json:"examples,omitempty"`
}

// Term is a custom word or phrase an institution wants flagged.
type Term struct {
	Phrase   string   `json:"phrase"`             // phrase pattern, see README
	Category string   `json:"category"`           // one of the five categories
	Severity string   `json:"severity,omitempty"` // default warn
	Message  string   `json:"message"`
	Examples Examples `json:"examples,omitempty"`
}

// Examples are texts a rule must flag and texts it must pass; every one runs
// as a test.
type Examples struct {
	Flag []string `json:"flag,omitempty"`
	Pass []string `json:"pass,omitempty"`
}

// ParsePolicy decodes a policy strictly: unknown fields, wrong types and
// invalid values are errors that name the field. It validates everything
// Compile needs, so a policy that parses also compiles.
func ParsePolicy(data []byte) (*Policy, error) {
	if len(data) > MaxPolicyBytes {
		return nil, &Error{Msg: "policy is " + strconv.Itoa(len(data)) + " bytes; the limit is " + strconv.Itoa(MaxPolicyBytes)}
	}
	v, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	f, err := newFields(v, "")
	if err != nil {
		return nil, &Error{Msg: "a policy must be a JSON object"}
	}
	p := &Policy{}
	f.str("schema", &p.Schema)
	f.str("name", &p.Name)
	f.str("version", &p.Version)
	f.str("extends", &p.Extends)
	f.object("institution", func(g *jfields) {
		g.str("name", &p.Institution.Name)
		g.str("guidance_url", &p.Institution.GuidanceURL)
		g.str("contact", &p.Institution.Contact)
	})
	f.strs("disable", &p.Disable)
	f.strs("enable", &p.Enable)
	f.strMap("severity", &p.Severity)
	f.strs("facilities", &p.Facilities)
	f.strs("units", &p.Units)
	f.objects("record_formats", func(g *jfields, _ string) error {
		var r RecordFormat
		g.str("name", &r.Name)
		g.str("pattern", &r.Pattern)
		g.str("identifier", &r.Identifier)
		g.str("severity", &r.Severity)
		g.object("examples", func(h *jfields) { decodeExamples(h, &r.Examples) })
		p.RecordFormats = append(p.RecordFormats, r)
		return nil
	})
	f.objects("terms", func(g *jfields, _ string) error {
		var t Term
		g.str("phrase", &t.Phrase)
		g.str("category", &t.Category)
		g.str("severity", &t.Severity)
		g.str("message", &t.Message)
		g.object("examples", func(h *jfields) { decodeExamples(h, &t.Examples) })
		p.Terms = append(p.Terms, t)
		return nil
	})
	f.strs("allow", &p.Allow)
	f.str("allow_scope", &p.AllowScope)
	f.str("min_severity", &p.MinSeverity)
	f.str("intercept_at", &p.InterceptAt)
	f.str("enforce", &p.Enforce)
	if err := f.done(); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

func decodeExamples(f *jfields, e *Examples) {
	f.strs("flag", &e.Flag)
	f.strs("pass", &e.Pass)
}

// Validate checks a policy's values and limits; errors name the field.
func (p *Policy) Validate() error {
	if p.Schema != "" && p.Schema != PolicySchema {
		return fieldErr("schema", "must be "+quote(PolicySchema))
	}
	switch p.Extends {
	case "", "default", "none":
	default:
		return fieldErr("extends", `must be "default" or "none"`)
	}
	for _, s := range []struct{ name, v string }{{"name", p.Name}, {"version", p.Version},
		{"institution.name", p.Institution.Name}, {"institution.contact", p.Institution.Contact},
		{"institution.guidance_url", p.Institution.GuidanceURL}} {
		if len(s.v) > maxInstitutionText {
			return fieldErr(s.name, "is too long (limit "+strconv.Itoa(maxInstitutionText)+" bytes)")
		}
	}
	if u := p.Institution.GuidanceURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return fieldErr("institution.guidance_url", "must be an http(s) URL")
	}
	if err := checkList("disable", p.Disable, 1000); err != nil {
		return err
	}
	if err := checkList("enable", p.Enable, 1000); err != nil {
		return err
	}
	for k, v := range p.Severity {
		if !Severity(v).valid() {
			return fieldErr("severity."+k, `must be "info", "warn" or "block"`)
		}
		if k == "" || len(k) > MaxListEntryBytes {
			return fieldErr("severity", "has an empty or too long key")
		}
	}
	if len(p.Facilities)+len(p.Units) > MaxFacilities {
		return fieldErr("facilities", "too many facility and unit names (limit "+strconv.Itoa(MaxFacilities)+")")
	}
	if err := checkList("facilities", p.Facilities, MaxFacilities); err != nil {
		return err
	}
	if err := checkList("units", p.Units, MaxFacilities); err != nil {
		return err
	}
	if len(p.RecordFormats) > MaxRecordFormats {
		return fieldErr("record_formats", "too many patterns (limit "+strconv.Itoa(MaxRecordFormats)+")")
	}
	for i, r := range p.RecordFormats {
		path := "record_formats[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(r.Name) == "" {
			return fieldErr(path+".name", "is required")
		}
		if _, err := compilePattern(r.Pattern); err != nil {
			return fieldErr(path+".pattern", err.Error())
		}
		if r.Identifier != "" && (!Identifier(r.Identifier).valid()) {
			return fieldErr(path+".identifier", "unknown identifier type "+quote(r.Identifier))
		}
		if r.Severity != "" && !Severity(r.Severity).valid() {
			return fieldErr(path+".severity", `must be "info", "warn" or "block"`)
		}
		if err := checkExamples(path+".examples", r.Examples); err != nil {
			return err
		}
	}
	if len(p.Terms) > MaxTerms {
		return fieldErr("terms", "too many terms (limit "+strconv.Itoa(MaxTerms)+")")
	}
	for i, t := range p.Terms {
		path := "terms[" + strconv.Itoa(i) + "]"
		if len(t.Phrase) > MaxListEntryBytes {
			return fieldErr(path+".phrase", "is longer than "+strconv.Itoa(MaxListEntryBytes)+" bytes")
		}
		if _, err := parsePhrase(t.Phrase); err != nil {
			return fieldErr(path+".phrase", err.Error())
		}
		if !Category(t.Category).valid() {
			return fieldErr(path+".category", "must be one of privacy, boundaries, conduct, misinformation, disclosure")
		}
		if t.Severity != "" && !Severity(t.Severity).valid() {
			return fieldErr(path+".severity", `must be "info", "warn" or "block"`)
		}
		if strings.TrimSpace(t.Message) == "" {
			return fieldErr(path+".message", "is required")
		}
		if len(t.Message) > maxInstitutionText {
			return fieldErr(path+".message", "is too long")
		}
		if err := checkExamples(path+".examples", t.Examples); err != nil {
			return err
		}
	}
	if err := checkList("allow", p.Allow, MaxAllow); err != nil {
		return err
	}
	switch p.AllowScope {
	case "", "all", "non_identifiers":
	default:
		return fieldErr("allow_scope", `must be "all" or "non_identifiers"`)
	}
	for _, s := range []struct{ name, v string }{{"min_severity", p.MinSeverity}, {"intercept_at", p.InterceptAt}} {
		if s.v != "" && !Severity(s.v).valid() {
			return fieldErr(s.name, `must be "info", "warn" or "block"`)
		}
	}
	switch p.Enforce {
	case "", "warn", "block":
	default:
		return fieldErr("enforce", `must be "warn" or "block"`)
	}
	return nil
}

func checkList(field string, list []string, max int) error {
	if len(list) > max {
		return fieldErr(field, "has too many entries (limit "+strconv.Itoa(max)+")")
	}
	for i, s := range list {
		if strings.TrimSpace(s) == "" || len(s) > MaxListEntryBytes {
			return fieldErr(field+"["+strconv.Itoa(i)+"]", "must be a non-empty string of at most "+strconv.Itoa(MaxListEntryBytes)+" bytes")
		}
	}
	return nil
}

func checkExamples(path string, e Examples) error {
	if len(e.Flag)+len(e.Pass) > MaxPolicyExamples {
		return fieldErr(path, "too many examples (limit "+strconv.Itoa(MaxPolicyExamples)+")")
	}
	for _, l := range [][]string{e.Flag, e.Pass} {
		for _, s := range l {
			if len(s) > MaxExampleBytes {
				return fieldErr(path, "an example is too long")
			}
		}
	}
	return nil
}

// compilePattern compiles a policy's RE2 pattern within the size limits.
func compilePattern(src string) (*rx, error) {
	if src == "" {
		return nil, &Error{Msg: "pattern is empty"}
	}
	if len(src) > MaxPatternBytes {
		return nil, &Error{Msg: "pattern is longer than " + strconv.Itoa(MaxPatternBytes) + " bytes"}
	}
	x, err := compileRx(src)
	if err != nil {
		return nil, &Error{Msg: "bad pattern: " + err.Error()}
	}
	if n := len(x.prog.Inst); n > MaxPatternProgram {
		return nil, &Error{Msg: "pattern is too complex (" + strconv.Itoa(n) + " instructions; the limit is " + strconv.Itoa(MaxPatternProgram) + ")"}
	}
	if x.matchString("") {
		return nil, &Error{Msg: "pattern matches the empty string"}
	}
	return x, nil
}
