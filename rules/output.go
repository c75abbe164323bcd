package rules

import "strconv"

// The Append*JSON functions write the engine's answers as JSON without
// encoding/json. Their output decodes into the same Go types with
// encoding/json (the hosts rely on that; a test checks it).

// AppendResultJSON appends r as JSON.
func AppendResultJSON(dst []byte, r Result) []byte {
	dst = append(dst, `{"findings":[`...)
	for i := range r.Findings {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendFindingJSON(dst, &r.Findings[i])
	}
	dst = append(dst, `],"summary":`...)
	dst = appendSummaryJSON(dst, &r.Summary)
	return append(dst, '}')
}

// AppendFindingJSON appends one finding as JSON.
func AppendFindingJSON(dst []byte, f *Finding) []byte {
	dst = appendStrField(dst, `{"rule":`, f.Rule)
	dst = appendStrField(dst, `,"category":`, string(f.Category))
	dst = appendStrField(dst, `,"severity":`, string(f.Severity))
	dst = appendStrField(dst, `,"identifier":`, string(f.Identifier))
	dst = appendSpansJSON(dst, f)
	dst = appendStrField(dst, `,"message":`, f.Message)
	dst = appendStrField(dst, `,"citation":`, f.Citation)
	dst = append(dst, `,"fixes":`...)
	dst = appendFixesJSON(dst, f.Fixes)
	return append(dst, '}')
}

// appendSpansJSON appends a finding's byte and UTF-16 spans as fields.
func appendSpansJSON(dst []byte, f *Finding) []byte {
	dst = appendIntField(dst, `,"start":`, f.Start)
	dst = appendIntField(dst, `,"end":`, f.End)
	dst = appendIntField(dst, `,"start16":`, f.Start16)
	dst = appendIntField(dst, `,"end16":`, f.End16)
	return dst
}

func appendFixesJSON(dst []byte, fixes []Fix) []byte {
	dst = append(dst, '[')
	for i, x := range fixes {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendStrField(dst, `{"label":`, x.Label)
		dst = appendStrField(dst, `,"replacement":`, x.Replacement)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

func appendSummaryJSON(dst []byte, s *Summary) []byte {
	dst = appendStrField(dst, `{"risk":`, s.Risk)
	dst = append(dst, `,"intercept":`...)
	dst = strconv.AppendBool(dst, s.Intercept)
	dst = appendStrField(dst, `,"enforce":`, s.Enforce)
	dst = append(dst, `,"patient_context":`...)
	dst = strconv.AppendBool(dst, s.PatientContext)
	dst = append(dst, `,"quasi_identifiers":[`...)
	for i, q := range s.QuasiIdentifiers {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, q)
	}
	dst = append(dst, `],"counts":{`...)
	n := 0
	for _, c := range Categories {
		if v, ok := s.Counts[c]; ok {
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = appendJSONString(dst, string(c))
			dst = append(dst, ':')
			dst = strconv.AppendInt(dst, int64(v), 10)
		}
	}
	return append(dst, "}}"...)
}

// AppendErrorJSON appends {"error": msg}.
func AppendErrorJSON(dst []byte, msg string) []byte {
	dst = appendStrField(dst, `{"error":`, msg)
	return append(dst, '}')
}

// PolicyInfo is what a host shows about the policy in force.
type PolicyInfo struct {
	Name        string      `json:"name"`
	Version     string      `json:"version"`
	Institution Institution `json:"institution"`
	MinSeverity string      `json:"min_severity"`
	InterceptAt string      `json:"intercept_at"`
	Enforce     string      `json:"enforce"`
	Rules       int         `json:"rules"` // enabled rules
}

// AppendPolicyInfoJSON appends e.Info() as JSON.
func AppendPolicyInfoJSON(dst []byte, e *Engine) []byte {
	in := e.Info()
	dst = appendStrField(dst, `{"name":`, in.Name)
	dst = appendStrField(dst, `,"version":`, in.Version)
	dst = appendStrField(dst, `,"institution":{"name":`, in.Institution.Name)
	dst = appendStrField(dst, `,"guidance_url":`, in.Institution.GuidanceURL)
	dst = appendStrField(dst, `,"contact":`, in.Institution.Contact)
	dst = appendStrField(dst, `},"min_severity":`, in.MinSeverity)
	dst = appendStrField(dst, `,"intercept_at":`, in.InterceptAt)
	dst = appendStrField(dst, `,"enforce":`, in.Enforce)
	dst = appendIntField(dst, `,"rules":`, in.Rules)
	return append(dst, '}')
}

// RuleInfo describes one rule for a warning card or a rule listing.
type RuleInfo struct {
	ID         string `json:"id"`
	Category   string `json:"category"`
	Severity   string `json:"severity"` // after the policy's overrides
	Identifier string `json:"identifier"`
	Message    string `json:"message"`
	Why        string `json:"why"` // why it matters, for the card
	Citation   string `json:"citation"`
	Enabled    bool   `json:"enabled"`
}

// AppendCatalogJSON appends {"policy": info, "rules": [RuleInfo...]}.
func AppendCatalogJSON(dst []byte, e *Engine) []byte {
	dst = append(dst, `{"policy":`...)
	dst = AppendPolicyInfoJSON(dst, e)
	dst = append(dst, `,"rules":[`...)
	for i, r := range e.Catalog() {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendStrField(dst, `{"id":`, r.ID)
		dst = appendStrField(dst, `,"category":`, r.Category)
		dst = appendStrField(dst, `,"severity":`, r.Severity)
		dst = appendStrField(dst, `,"identifier":`, r.Identifier)
		dst = appendStrField(dst, `,"message":`, r.Message)
		dst = appendStrField(dst, `,"why":`, r.Why)
		dst = appendStrField(dst, `,"citation":`, r.Citation)
		dst = append(dst, `,"enabled":`...)
		dst = strconv.AppendBool(dst, r.Enabled)
		dst = append(dst, '}')
	}
	return append(dst, "]}"...)
}

// AppendResultCompactJSON appends r in the module's compact form
// (discreet_scan_compact in wasm/ABI.md): each rule's category, message,
// citation and fixes are written once, under "texts", and a finding carries
// only its rule, severity, identifier and spans, plus its message when it
// differs from the rule's. A post with a hundred findings of five rules
// needs a third of the bytes, which the browser decodes, parses and passes
// between its pages three times over.
func AppendResultCompactJSON(dst []byte, r Result) []byte {
	type first struct {
		rule string
		f    *Finding
	}
	var firsts []first
	find := func(rule string) *Finding {
		for _, x := range firsts {
			if x.rule == rule {
				return x.f
			}
		}
		return nil
	}
	dst = append(dst, `{"findings":[`...)
	for i := range r.Findings {
		f := &r.Findings[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendStrField(dst, `{"rule":`, f.Rule)
		dst = appendStrField(dst, `,"severity":`, string(f.Severity))
		dst = appendStrField(dst, `,"identifier":`, string(f.Identifier))
		dst = appendSpansJSON(dst, f)
		if g := find(f.Rule); g == nil {
			firsts = append(firsts, first{f.Rule, f})
		} else if g.Message != f.Message {
			dst = appendStrField(dst, `,"message":`, f.Message)
		}
		dst = append(dst, '}')
	}
	dst = append(dst, `],"texts":{`...)
	for i, x := range firsts {
		if i > 0 {
			dst = append(dst, ',')
		}
		f := x.f
		dst = appendJSONString(dst, f.Rule)
		dst = appendStrField(dst, `:{"category":`, string(f.Category))
		dst = appendStrField(dst, `,"message":`, f.Message)
		dst = appendStrField(dst, `,"citation":`, f.Citation)
		dst = append(dst, `,"fixes":`...)
		dst = appendFixesJSON(dst, f.Fixes)
		dst = append(dst, '}')
	}
	dst = append(dst, `},"summary":`...)
	dst = appendSummaryJSON(dst, &r.Summary)
	return append(dst, '}')
}

// appendStrField appends a field's key part (`,"name":`, as written) and
// its string value.
func appendStrField(dst []byte, key, v string) []byte {
	return appendJSONString(append(dst, key...), v)
}

// appendIntField appends a field's key part and its integer value.
func appendIntField(dst []byte, key string, v int) []byte {
	return appendInt(append(dst, key...), v)
}

// appendInt is strconv.AppendInt in base 10 with the offsets of a post
// (below 100,000) written digit by digit: a third of the JSON writer's time
// went to strconv's general loop.
func appendInt(dst []byte, v int) []byte {
	switch {
	case v < 0 || v >= 100000:
		return strconv.AppendInt(dst, int64(v), 10)
	case v < 10:
		return append(dst, byte('0'+v))
	case v < 100:
		return append(dst, byte('0'+v/10), byte('0'+v%10))
	case v < 1000:
		return append(dst, byte('0'+v/100), byte('0'+v/10%10), byte('0'+v%10))
	case v < 10000:
		return append(dst, byte('0'+v/1000), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
	}
	return append(dst, byte('0'+v/10000), byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}
