package rules

// Example is one of a rule's own examples: Text must (Flag) or must not
// give a finding of Rule.
type Example struct {
	Rule   string
	Text   string
	Flag   bool
	Policy bool // from the policy rather than the packs
}

// ExamplePolicy is the policy the packs' examples run under: the defaults
// plus a facility name and a record-number format, so that the rules that
// only a policy feeds have examples too.
const ExamplePolicy = `{"facilities": ["St. Elsewhere"], "record_formats": [{"name": "St. Elsewhere MRN", "pattern": "SE-\\d{6}"}]}`

// Examples lists the examples of every rule the engine knows: the packs'
// and the policy's own terms and record formats.
func (e *Engine) Examples() []Example {
	var out []Example
	nBase := len(e.b.rules)
	for i, r := range e.rules {
		for _, t := range r.Examples.Flag {
			out = append(out, Example{Rule: r.ID, Text: t, Flag: true, Policy: i >= nBase})
		}
		for _, t := range r.Examples.Pass {
			out = append(out, Example{Rule: r.ID, Text: t, Policy: i >= nBase})
		}
	}
	if rf := e.rule("record_format"); rf >= 0 {
		for _, f := range e.policy.RecordFormats {
			for _, t := range f.Examples.Flag {
				out = append(out, Example{Rule: e.rules[rf].ID, Text: t, Flag: true, Policy: true})
			}
			for _, t := range f.Examples.Pass {
				out = append(out, Example{Rule: e.rules[rf].ID, Text: t, Policy: true})
			}
		}
	}
	return out
}

// ExampleFailure is an example whose outcome is not the one it states.
type ExampleFailure struct {
	Example
	Got []Finding // the findings of the text
}

// CheckExamples runs the examples and returns the ones that fail. With
// policyOnly it runs only the policy's own examples.
func (e *Engine) CheckExamples(policyOnly bool) []ExampleFailure {
	var fails []ExampleFailure
	for _, ex := range e.Examples() {
		if policyOnly && !ex.Policy {
			continue
		}
		res := e.Scan(ex.Text)
		found := false
		for _, f := range res.Findings {
			if f.Rule == ex.Rule {
				found = true
			}
		}
		if found != ex.Flag {
			fails = append(fails, ExampleFailure{Example: ex, Got: res.Findings})
		}
	}
	return fails
}
