package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-health/discreet/rules"
)

// Limits on one count report.
const (
	// CountThreshold is how many reports must back a (day, rule) count
	// before an admin sees it.
	CountThreshold    = 10
	maxRulesPerReport = 200
	maxCountPerRule   = 1000
	maxReportAgeDays  = 31
)

// ruleIDRE is the shape of a rule id, used while the engine's catalogue is
// empty.
var ruleIDRE = regexp.MustCompile(`^[a-z]+(\.[a-z0-9_]+)+$`)

func (s *Server) knownRule(id string) bool {
	if len(id) > 100 {
		return false
	}
	if len(s.ruleIDs) > 0 {
		return s.ruleIDs[id]
	}
	return ruleIDRE.MatchString(id)
}

// postCounts adds one extension's daily counts per rule id. It needs the
// report token an enrollment handed out for this institution.
func (s *Server) postCounts(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	tok := bearer(r)
	ok := false
	if tok != "" && slugRE.MatchString(slug) {
		var stored string
		err := s.cfg.DB.QueryRowContext(r.Context(),
			"SELECT report_hash FROM enrollment_codes WHERE report_hash = ? AND slug = ? AND revoked_at IS NULL",
			hashHex(tok), slug).Scan(&stored)
		ok = err == nil && tokenMatches(tok, stored)
	}
	if !ok {
		s.authFailed(w, r, tok)
		return
	}
	if !s.limit(w, ClassReport, hashHex(tok)) {
		return
	}
	var req struct {
		Day    string           `json:"day"`
		Counts map[string]int64 `json:"counts"`
	}
	if !decodeStrict(w, r, maxCountsBody, &req) {
		return
	}
	day, err := time.Parse("2006-01-02", req.Day)
	today := s.now().Truncate(24 * time.Hour)
	if err != nil || day.After(today.AddDate(0, 0, 1)) || day.Before(today.AddDate(0, 0, -maxReportAgeDays)) {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "day", Error: "day must be YYYY-MM-DD within the last " + strconv.Itoa(maxReportAgeDays) + " days"})
		return
	}
	if len(req.Counts) == 0 || len(req.Counts) > maxRulesPerReport {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "counts", Error: "counts must have 1-" + strconv.Itoa(maxRulesPerReport) + " rule ids"})
		return
	}
	// Well-formed ids this server does not know (an extension with a newer
	// engine) are left out and listed; the rest is still counted.
	var policyRules map[string]bool // the institution's own rules (terms, record formats), loaded on demand
	known := map[string]int64{}
	ignored := []string{}
	for id, n := range req.Counts {
		if !ruleIDRE.MatchString(id) || len(id) > 100 {
			writeJSON(w, http.StatusBadRequest, apiError{Field: "counts." + id, Error: "not a rule id"})
			return
		}
		if n < 1 || n > maxCountPerRule {
			writeJSON(w, http.StatusBadRequest, apiError{Field: "counts." + id, Error: "a count must be 1-" + strconv.Itoa(maxCountPerRule)})
			return
		}
		ok := s.knownRule(id)
		if !ok {
			if policyRules == nil {
				policyRules = s.publishedRuleIDs(r, slug)
			}
			ok = policyRules[id]
		}
		if ok {
			known[id] = n
		} else {
			ignored = append(ignored, id)
		}
	}
	sort.Strings(ignored)
	if len(known) == 0 {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "counts", Error: "no known rule ids: " + strings.Join(ignored, ", ")})
		return
	}
	counts, _ := json.Marshal(known)
	// One statement, so a report is added whole or not at all (D1 has no
	// transactions), with three bound parameters whatever its size.
	_, err = s.cfg.DB.ExecContext(r.Context(), `INSERT INTO rule_counts (slug, day, rule, total, reports)
		SELECT ?, ?, key, value, 1 FROM json_each(?) WHERE true
		ON CONFLICT (slug, day, rule) DO UPDATE SET total = total + excluded.total, reports = reports + 1`,
		slug, day.Format("2006-01-02"), string(counts))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"accepted": len(known), "ignored": ignored})
}

type countJSON struct {
	Day     string `json:"day"`
	Rule    string `json:"rule"`
	Count   int64  `json:"count"`
	Reports int64  `json:"reports"`
}

// getCounts shows the counts that at least CountThreshold reports back;
// the others are only counted, not shown.
func (s *Server) getCounts(w http.ResponseWriter, r *http.Request, slug, _ string) {
	rows, err := s.cfg.DB.QueryContext(r.Context(), `SELECT day, rule, total, reports FROM rule_counts
		WHERE slug = ? AND reports >= ? ORDER BY day DESC, rule LIMIT 5000`, slug, CountThreshold)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer rows.Close()
	list := []countJSON{}
	for rows.Next() {
		var c countJSON
		if err := rows.Scan(&c.Day, &c.Rule, &c.Count, &c.Reports); err != nil {
			s.serverError(w, r, err)
			return
		}
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		s.serverError(w, r, err)
		return
	}
	var withheld int64
	if err := s.cfg.DB.QueryRowContext(r.Context(), "SELECT COUNT(*) FROM rule_counts WHERE slug = ? AND reports < ?", slug, CountThreshold).Scan(&withheld); err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"threshold": CountThreshold, "counts": list, "withheld": withheld})
}

// publishedRuleIDs lists the rule ids of an institution's latest published
// policy, which adds its own (custom terms, record formats) to the
// defaults. Errors give an empty set: such ids are then refused.
func (s *Server) publishedRuleIDs(r *http.Request, slug string) map[string]bool {
	out := map[string]bool{}
	var payload string
	if err := s.cfg.DB.QueryRowContext(r.Context(),
		"SELECT payload FROM policy_versions WHERE slug = ? ORDER BY version DESC LIMIT 1", slug).Scan(&payload); err != nil {
		return out
	}
	var p Payload
	if json.Unmarshal([]byte(payload), &p) != nil {
		return out
	}
	pol, err := rules.ParsePolicy(p.Policy)
	if err != nil {
		return out
	}
	e, err := rules.Compile(pol)
	if err != nil {
		return out
	}
	for _, ri := range e.Catalog() {
		out[ri.ID] = true
	}
	return out
}
