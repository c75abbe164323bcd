// Package rules is Discreet's rule engine: it compiles an institution's policy
// over the embedded rule packs into an immutable Engine whose Scan reports the
// risky spans of a clinician's draft post.
//
// The package is pure Go with no I/O, so the same code runs natively, in the
// WebAssembly module built from ../wasm, and in every host. It avoids fmt and
// encoding/json to keep that module small: JSON is read and written by the
// small codecs in json.go.
package rules

// Category groups rules by the kind of harm they guard against.
type Category string

// The five categories a finding can have.
const (
	Privacy        Category = "privacy"
	Boundaries     Category = "boundaries"
	Conduct        Category = "conduct"
	Misinformation Category = "misinformation"
	Disclosure     Category = "disclosure"
)

// Categories lists every category in display order.
var Categories = []Category{Privacy, Boundaries, Conduct, Misinformation, Disclosure}

func (c Category) valid() bool {
	for _, k := range Categories {
		if c == k {
			return true
		}
	}
	return false
}

// Severity says how strongly a finding is raised: info is shown quietly, warn
// asks for a second look, block is stopped before publishing.
type Severity string

// The three severities, lowest first.
const (
	Info  Severity = "info"
	Warn  Severity = "warn"
	Block Severity = "block"
)

// Rank orders severities: 0 for none or unknown, then info, warn, block.
func (s Severity) Rank() int {
	switch s {
	case Info:
		return 1
	case Warn:
		return 2
	case Block:
		return 3
	}
	return 0
}

func (s Severity) valid() bool { return s.Rank() > 0 }

// severityOfRank is the inverse of Rank.
func severityOfRank(r int) Severity {
	switch {
	case r >= 3:
		return Block
	case r == 2:
		return Warn
	case r == 1:
		return Info
	}
	return ""
}

// Identifier is the HIPAA Safe Harbor identifier type of a finding
// (45 CFR 164.514(b)(2)(i)); empty when the finding is not an identifier.
type Identifier string

// The identifier types, in the order of the Safe Harbor list.
const (
	IDName       Identifier = "name"
	IDGeo        Identifier = "geo"
	IDDate       Identifier = "date"
	IDAge90      Identifier = "age90"
	IDPhone      Identifier = "phone"
	IDFax        Identifier = "fax"
	IDEmail      Identifier = "email"
	IDSSN        Identifier = "ssn"
	IDMRN        Identifier = "mrn"
	IDHealthPlan Identifier = "health_plan"
	IDAccount    Identifier = "account"
	IDLicense    Identifier = "license"
	IDVehicle    Identifier = "vehicle"
	IDDevice     Identifier = "device"
	IDURL        Identifier = "url"
	IDIP         Identifier = "ip"
	IDBiometric  Identifier = "biometric"
	IDPhoto      Identifier = "photo"
	IDOther      Identifier = "other_id"
)

// Identifiers lists every identifier type.
var Identifiers = []Identifier{IDName, IDGeo, IDDate, IDAge90, IDPhone, IDFax, IDEmail, IDSSN, IDMRN,
	IDHealthPlan, IDAccount, IDLicense, IDVehicle, IDDevice, IDURL, IDIP, IDBiometric, IDPhoto, IDOther}

func (id Identifier) valid() bool {
	if id == "" {
		return true
	}
	for _, k := range Identifiers {
		if id == k {
			return true
		}
	}
	return false
}

// Finding is one risky span of a post. Its JSON field names are a contract
// shared with the extension, the command line and external evaluations.
type Finding struct {
	Rule       string     `json:"rule"`       // stable rule id, e.g. "privacy.phone"
	Category   Category   `json:"category"`   // one of Categories
	Severity   Severity   `json:"severity"`   // info, warn or block
	Identifier Identifier `json:"identifier"` // Safe Harbor type, or empty
	Start      int        `json:"start"`      // UTF-8 byte offset, inclusive
	End        int        `json:"end"`        // UTF-8 byte offset, exclusive
	Start16    int        `json:"start16"`    // UTF-16 code-unit offset, inclusive
	End16      int        `json:"end16"`      // UTF-16 code-unit offset, exclusive
	Message    string     `json:"message"`    // plain words for a clinician
	Citation   string     `json:"citation"`   // the source the rule rests on
	Fixes      []Fix      `json:"fixes"`      // safer rewrites of the span, if any
}

// Fix is a rewrite of a finding's span that removes the risk.
type Fix struct {
	Label       string `json:"label"`
	Replacement string `json:"replacement"`
}

// Summary is the post-level view of a scan.
type Summary struct {
	// Risk is the highest severity among the findings, or "none".
	Risk string `json:"risk"`
	// Intercept is true when the post should be stopped for review before
	// publishing under the policy's intercept_at threshold.
	Intercept bool `json:"intercept"`
	// Enforce is the policy's enforcement: "warn" lets the clinician post
	// anyway after review, "block" does not.
	Enforce string `json:"enforce"`
	// PatientContext is true when the post talks about a patient encounter.
	PatientContext bool `json:"patient_context"`
	// QuasiIdentifiers names the kinds of quasi-identifier found in a
	// patient story (age, sex, time, place, occupation, event, condition).
	QuasiIdentifiers []string `json:"quasi_identifiers"`
	// Counts is the number of findings per category, in Categories order.
	Counts map[Category]int `json:"counts"`
}

// Result is what Scan returns: the findings in document order and a summary.
type Result struct {
	Findings []Finding `json:"findings"`
	Summary  Summary   `json:"summary"`
}
