package wasmhost

import (
	"context"
	"fmt"
	"runtime"

	"github.com/discreet-health/discreet/rules"
)

// Checker is what every engine offers: a scan of one post. *Scanner (the
// module under wazero) and NewNative (package rules compiled into the host)
// both satisfy it, so a command can switch engines with a flag.
type Checker interface {
	Scan(ctx context.Context, text string) (rules.Result, error)
}

// Native is the pure-Go engine behind the Checker interface. It is immutable
// and safe for concurrent use.
type Native struct {
	engine *rules.Engine
}

// NewNative compiles policyJSON (empty: the defaults) with rules.ParsePolicy
// and rules.Compile. Errors name the offending field.
func NewNative(policyJSON []byte) (Checker, error) {
	return newNative(policyJSON)
}

func newNative(policyJSON []byte) (*Native, error) {
	var p *rules.Policy
	if len(policyJSON) > 0 {
		var err error
		if p, err = rules.ParsePolicy(policyJSON); err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
	}
	e, err := rules.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return &Native{engine: e}, nil
}

// Scan checks a post. A panic inside the engine (a bug) becomes an error,
// as a trap does in the module; its message never contains the post.
func (n *Native) Scan(_ context.Context, text string) (r rules.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			// Only a runtime error's text is shown: a custom panic value
			// could quote the post.
			msg := "internal error"
			if re, ok := v.(runtime.Error); ok {
				msg = re.Error()
			}
			r, err = rules.Result{}, fmt.Errorf("native engine failed: %s", msg)
		}
	}()
	return n.engine.Scan(text), nil
}

// Catalog lists every rule of the policy, as Scanner.Catalog does.
func (n *Native) Catalog(context.Context) ([]rules.RuleInfo, error) {
	c := n.engine.Catalog()
	if c == nil {
		c = []rules.RuleInfo{}
	}
	return c, nil
}

// Info describes the policy in force.
func (n *Native) Info() rules.PolicyInfo { return n.engine.Info() }

// Engine returns the compiled rules.Engine.
func (n *Native) Engine() *rules.Engine { return n.engine }
