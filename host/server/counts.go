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
	maxCountPerRule   = 1000 // a larger count is malformed: 400
	maxCountPerReport = 50   // what one report adds to a figure at most
	maxReportAgeDays  = 31
)

// ruleIDRE is the shape of a rule id, used while the engine's catalogue is
// empty.
var ruleIDRE = regexp.MustCompile(`^[a-z]+(\.[a-z0-9_]+)+$`)

func (s *Server) knownRule(id string) bool {
	if len(id) > 100 {
		return false
	}
	if ids := knownRuleIDs(); len(ids) > 0 {
		return ids[id]
	}
	return ruleIDRE.MatchString(id)
}

// reportAuth finds the report token's institution row: a token an
// enrollment handed out (schema 2), or a schema-1 token shared by every
// enrollment with one code, which then counts as one reporter.
func (s *Server) reportAuthorized(r *http.Request, slug, tok string) bool {
	if tok == "" || !slugRE.MatchString(slug) {
		return false
	}
	var n int
	err := s.cfg.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM report_tokens t JOIN enrollment_codes c ON c.id = t.code_id
		WHERE t.token_hash = ? AND t.slug = ? AND c.revoked_at IS NULL`, hashHex(tok), slug).Scan(&n)
	if err == nil && n == 0 {
		err = s.cfg.DB.QueryRowContext(r.Context(),
			"SELECT COUNT(*) FROM enrollment_codes WHERE report_hash = ? AND slug = ? AND revoked_at IS NULL", hashHex(tok), slug).Scan(&n)
	}
	return err == nil && n > 0
}

// reporterOf is the pseudonym of one token on one day: rows of different
// days cannot be linked without the token.
func reporterOf(day, tok string) string {
	return hashHex("discreet reporter v1|" + day + "|" + tok)
}

// postCounts stores one extension's counts per rule id for one day: how
// many published posts a rule flagged, and (optional) how often the
// clinician marked a rule's finding as a false alarm. A later report for
// the same day replaces the earlier one, and each figure adds at most
// maxCountPerReport, so one clinician moves a figure by at most that much
// and backs it as one report.
func (s *Server) postCounts(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	tok := bearer(r)
	if !s.authAllowed(w, r) {
		return
	}
	if !s.reportAuthorized(r, slug, tok) {
		s.authFailed(w, r, tok)
		return
	}
	if !s.limit(w, ClassReport, hashHex(tok)) {
		return
	}
	var req struct {
		Day         string           `json:"day"`
		Counts      map[string]int64 `json:"counts"`
		FalseAlarms map[string]int64 `json:"false_alarms"`
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
	if len(req.Counts)+len(req.FalseAlarms) == 0 || len(req.Counts) > maxRulesPerReport || len(req.FalseAlarms) > maxRulesPerReport {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "counts", Error: "counts and false_alarms must have 1-" + strconv.Itoa(maxRulesPerReport) + " rule ids each"})
		return
	}
	// Well-formed ids this server does not know (an extension with a newer
	// engine) are left out and listed; the rest is still counted.
	var policyRules map[string]bool // the institution's own rules (terms, record formats), loaded on demand
	ignored := map[string]bool{}
	clean := func(field string, in map[string]int64) (map[string]int64, bool) {
		out := map[string]int64{}
		for id, n := range in {
			if !ruleIDRE.MatchString(id) || len(id) > 100 {
				writeJSON(w, http.StatusBadRequest, apiError{Field: field + "." + id, Error: "not a rule id"})
				return nil, false
			}
			if n < 1 || n > maxCountPerRule {
				writeJSON(w, http.StatusBadRequest, apiError{Field: field + "." + id, Error: "a count must be 1-" + strconv.Itoa(maxCountPerRule)})
				return nil, false
			}
			ok := s.knownRule(id)
			if !ok {
				if policyRules == nil {
					policyRules = s.publishedRuleIDs(r, slug)
				}
				ok = policyRules[id]
			}
			if ok {
				out[id] = min(n, maxCountPerReport)
			} else {
				ignored[id] = true
			}
		}
		return out, true
	}
	counts, ok := clean("counts", req.Counts)
	if !ok {
		return
	}
	alarms, ok := clean("false_alarms", req.FalseAlarms)
	if !ok {
		return
	}
	ign := sortedSet(ignored)
	if len(counts)+len(alarms) == 0 {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "counts", Error: "no known rule ids: " + strings.Join(ign, ", ")})
		return
	}
	cj, _ := json.Marshal(counts)
	aj, _ := json.Marshal(alarms)
	d := day.Format("2006-01-02")
	// One statement: the day's report of this token is added or replaced whole.
	_, err = s.cfg.DB.ExecContext(r.Context(), `INSERT INTO count_reports (slug, day, reporter, counts, false_alarms, at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (slug, day, reporter) DO UPDATE SET counts = excluded.counts, false_alarms = excluded.false_alarms, at = excluded.at`,
		slug, d, reporterOf(d, tok), string(cj), string(aj), s.stamp())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"accepted": len(counts), "accepted_false_alarms": len(alarms), "ignored": ign})
}

func sortedSet(m map[string]bool) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type countJSON struct {
	Day     string `json:"day"`
	Rule    string `json:"rule"`
	Count   int64  `json:"count"`
	Reports int64  `json:"reports"`
}

// getCounts shows the figures that at least CountThreshold reports (that
// many distinct report tokens on that day) back; the others are only
// counted, not shown. False alarms are their own figures under the same
// threshold.
func (s *Server) getCounts(w http.ResponseWriter, r *http.Request, slug, _ string) {
	counts, withheld, err := s.figures(r, slug, "counts")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	alarms, withheld2, err := s.figures(r, slug, "false_alarms")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"threshold": CountThreshold, "counts": counts, "false_alarms": alarms,
		"withheld": withheld + withheld2})
}

// figures sums one JSON column of count_reports per day and rule.
func (s *Server) figures(r *http.Request, slug, column string) ([]countJSON, int64, error) {
	rows, err := s.cfg.DB.QueryContext(r.Context(), `SELECT c.day, j.key, SUM(j.value), COUNT(*)
		FROM count_reports c, json_each(c.`+column+`) j WHERE c.slug = ?
		GROUP BY c.day, j.key ORDER BY c.day DESC, j.key`, slug)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	list := []countJSON{}
	var withheld int64
	for rows.Next() {
		var c countJSON
		if err := rows.Scan(&c.Day, &c.Rule, &c.Count, &c.Reports); err != nil {
			return nil, 0, err
		}
		if c.Reports < CountThreshold {
			withheld++
		} else if len(list) < 5000 {
			list = append(list, c)
		}
	}
	return list, withheld, rows.Err()
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
