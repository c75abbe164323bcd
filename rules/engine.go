package rules

// Engine is a compiled policy over the rule packs. It is immutable and safe
// for concurrent use.
type Engine struct {
	policy *Policy
}

// Compile builds an engine from a policy; nil means the defaults.
func Compile(p *Policy) (*Engine, error) {
	if p == nil {
		p = &Policy{}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Engine{policy: p}, nil
}

// Scan checks a post and returns its findings in document order.
func (e *Engine) Scan(text string) Result {
	return Result{Findings: []Finding{}, Summary: Summary{Risk: "none"}}
}

// Info describes the policy in force.
func (e *Engine) Info() PolicyInfo {
	return PolicyInfo{Name: e.policy.Name, Version: e.policy.Version, Institution: e.policy.Institution}
}

// Catalog lists every rule the engine knows, enabled or not.
func (e *Engine) Catalog() []RuleInfo { return nil }
