package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/discreet-health/discreet/rules"
)

// Payload is the signed part of a policy bundle: the bytes P whose base64
// is served as "payload" and over which "signature" is computed.
type Payload struct {
	Slug     string          `json:"slug"`
	Version  int64           `json:"version"`
	IssuedAt string          `json:"issued_at"`
	Policy   json.RawMessage `json:"policy"`
}

// Bundle is the body of GET /v1/institutions/{slug}/policy.
type Bundle struct {
	KeyID     string `json:"key_id"`
	Payload   string `json:"payload"`   // base64 (std) of P
	Signature string `json:"signature"` // base64 (std) Ed25519 over P
}

// checkPolicy validates a policy with the same parser and compiler as the
// extension, and returns it in canonical form: compact JSON with the
// top-level fields sorted and "version" removed (publish sets it).
func checkPolicy(data []byte) (canonical []byte, info rules.PolicyInfo, err error) {
	p, err := rules.ParsePolicy(data)
	if err != nil {
		return nil, info, err
	}
	e, err := rules.Compile(p)
	if err != nil {
		return nil, info, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, info, &rules.Error{Msg: "policy: " + err.Error()}
	}
	delete(top, "version")
	canonical, err = json.Marshal(top)
	return canonical, e.Info(), err
}

// policyError answers a policy that does not validate: 400 with the field.
func policyError(w http.ResponseWriter, err error) {
	var re *rules.Error
	if errors.As(err, &re) {
		writeJSON(w, http.StatusBadRequest, apiError{Error: re.Error(), Field: re.Field})
		return
	}
	writeError(w, http.StatusBadRequest, err.Error())
}

// changedFields lists the top-level fields that differ between two
// canonical policies, for the audit log.
func changedFields(old, cur []byte) []string {
	var a, b map[string]json.RawMessage
	json.Unmarshal(old, &a)
	json.Unmarshal(cur, &b)
	var out []string
	for k, v := range b {
		if w, ok := a[k]; !ok || !bytes.Equal(v, w) {
			out = append(out, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Server) getDraft(w http.ResponseWriter, r *http.Request, slug, _ string) {
	var draft, at sql.NullString
	err := s.cfg.DB.QueryRowContext(r.Context(), "SELECT draft, draft_updated_at FROM institutions WHERE slug = ?", slug).Scan(&draft, &at)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	resp := map[string]any{"policy": nil, "updated_at": nil}
	if draft.Valid {
		resp["policy"] = json.RawMessage(draft.String)
		resp["updated_at"] = at.String
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) putDraft(w http.ResponseWriter, r *http.Request, slug, actor string) {
	body, ok := readBody(w, r, rules.MaxPolicyBytes)
	if !ok {
		return
	}
	canonical, info, err := checkPolicy(body)
	if err != nil {
		policyError(w, err)
		return
	}
	var old sql.NullString
	if err := s.cfg.DB.QueryRowContext(r.Context(), "SELECT draft FROM institutions WHERE slug = ?", slug).Scan(&old); err != nil {
		s.serverError(w, r, err)
		return
	}
	at := s.stamp()
	if _, err := s.cfg.DB.ExecContext(r.Context(), "UPDATE institutions SET draft = ?, draft_updated_at = ? WHERE slug = ?", string(canonical), at, slug); err != nil {
		s.serverError(w, r, err)
		return
	}
	changed := changedFields([]byte(old.String), canonical)
	detail := "draft saved; changed: " + strings.Join(changed, ", ")
	if len(changed) == 0 {
		detail = "draft saved; no change"
	}
	s.audit(r.Context(), slug, actor, "policy.draft", detail)
	writeJSON(w, http.StatusOK, map[string]any{"policy": json.RawMessage(canonical), "updated_at": at, "info": info})
}

func (s *Server) publishDraft(w http.ResponseWriter, r *http.Request, slug, actor string) {
	if !decodeOptionalEmpty(w, r) {
		return
	}
	var draft sql.NullString
	if err := s.cfg.DB.QueryRowContext(r.Context(), "SELECT draft FROM institutions WHERE slug = ?", slug).Scan(&draft); err != nil {
		s.serverError(w, r, err)
		return
	}
	if !draft.Valid {
		writeError(w, http.StatusConflict, "nothing to publish: save a draft first")
		return
	}
	v, err := s.publish(r.Context(), slug, []byte(draft.String), actor, 0)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r.Context(), slug, actor, "policy.publish", "published version "+strconv.FormatInt(v, 10))
	writeJSON(w, http.StatusOK, map[string]int64{"version": v})
}

// decodeOptionalEmpty accepts an empty body or {} for actions that take no
// arguments, and refuses anything else (strict JSON).
func decodeOptionalEmpty(w http.ResponseWriter, r *http.Request) bool {
	b, ok := readBody(w, r, maxSmallBody)
	if !ok {
		return false
	}
	if t := bytes.TrimSpace(b); len(t) > 0 && !bytes.Equal(t, []byte("{}")) {
		writeError(w, http.StatusBadRequest, "this action takes no arguments: send no body or {}")
		return false
	}
	return true
}

// publish signs policy as the institution's next version and stores it.
//
// Versions are distinct and ordered without a transaction (D1 has none):
// the next number is read, the bundle signed, and one INSERT claims
// (slug, version), the primary key. A concurrent publisher that claimed the
// number first makes the INSERT fail, and this one tries the next number.
func (s *Server) publish(ctx context.Context, slug string, policy []byte, actor string, source int64) (int64, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(policy, &top); err != nil {
		return 0, err
	}
	var src any
	if source > 0 {
		src = source
	}
	keys, err := s.keyRing(ctx, true)
	if err != nil {
		return 0, err
	}
	for attempt := 0; ; attempt++ {
		var max sql.NullInt64
		if err := s.cfg.DB.QueryRowContext(ctx, "SELECT MAX(version) FROM policy_versions WHERE slug = ?", slug).Scan(&max); err != nil {
			return 0, err
		}
		v := max.Int64 + 1
		top["version"], _ = json.Marshal(strconv.FormatInt(v, 10))
		pol, err := json.Marshal(top)
		if err != nil {
			return 0, err
		}
		issued := s.stamp()
		p, err := json.Marshal(Payload{Slug: slug, Version: v, IssuedAt: issued, Policy: pol})
		if err != nil {
			return 0, err
		}
		sig := keys.Sign(p)
		body, err := json.Marshal(Bundle{KeyID: keys.ID(), Payload: b64(p), Signature: b64(sig)})
		if err != nil {
			return 0, err
		}
		sum := sha256.Sum256(body)
		etag := `"v` + strconv.FormatInt(v, 10) + "-" + hex.EncodeToString(sum[:12]) + `"`
		_, err = s.cfg.DB.ExecContext(ctx, `INSERT INTO policy_versions
			(slug, version, issued_at, payload, key_id, signature, body, etag, source_version, actor)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			slug, v, issued, string(p), keys.ID(), b64(sig), string(body), etag, src, actor)
		if err == nil {
			s.cache.drop(slug)
			return v, nil
		}
		if (!isUniqueViolation(err) && !isBusy(err)) || attempt >= 50 {
			return 0, err
		}
		time.Sleep(time.Duration(1+rand.IntN(5*(attempt+1))) * time.Millisecond)
	}
}

type versionJSON struct {
	Version       int64  `json:"version"`
	IssuedAt      string `json:"issued_at"`
	KeyID         string `json:"key_id"`
	ETag          string `json:"etag"`
	SourceVersion *int64 `json:"source_version"` // the version a rollback republished
	Actor         string `json:"actor"`
}

// listVersions lists published versions, newest first, a page at a time:
// `?limit=N` (1-1000, default 1000) and `?before=V` for the versions older
// than V; `next_before` is set when older versions remain.
func (s *Server) listVersions(w http.ResponseWriter, r *http.Request, slug, _ string) {
	limit, before := int64(maxVersionsPage), int64(math.MaxInt64)
	if q := r.URL.Query().Get("limit"); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil || n < 1 || n > maxVersionsPage {
			writeJSON(w, http.StatusBadRequest, apiError{Field: "limit", Error: "limit must be 1-" + strconv.Itoa(maxVersionsPage)})
			return
		}
		limit = n
	}
	if q := r.URL.Query().Get("before"); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusBadRequest, apiError{Field: "before", Error: "before must be a positive version"})
			return
		}
		before = n
	}
	list, err := queryAll(r.Context(), s.cfg.DB, func(rows *sql.Rows) (versionJSON, error) {
		var v versionJSON
		var src sql.NullInt64
		err := rows.Scan(&v.Version, &v.IssuedAt, &v.KeyID, &v.ETag, &src, &v.Actor)
		if src.Valid {
			v.SourceVersion = &src.Int64
		}
		return v, err
	}, `SELECT version, issued_at, key_id, etag, source_version, actor
		FROM policy_versions WHERE slug = ? AND version < ? ORDER BY version DESC LIMIT ?`, slug, before, limit+1)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := map[string]any{"versions": list}
	if int64(len(list)) > limit {
		out["versions"] = list[:limit]
		out["next_before"] = list[limit-1].Version
	}
	writeJSON(w, http.StatusOK, out)
}

// maxVersionsPage is the most versions one page lists.
const maxVersionsPage = 1000

// loadVersion returns the signed payload of one version, or nil.
func (s *Server) loadVersion(ctx context.Context, slug string, v int64) (*Payload, error) {
	var p string
	err := s.cfg.DB.QueryRowContext(ctx, "SELECT payload FROM policy_versions WHERE slug = ? AND version = ?", slug, v).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out Payload
	if err := json.Unmarshal([]byte(p), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request, slug, _ string) {
	v, err := strconv.ParseInt(r.PathValue("version"), 10, 64)
	if err != nil || v < 1 {
		writeError(w, http.StatusBadRequest, "version must be a positive integer")
		return
	}
	p, err := s.loadVersion(r.Context(), slug, v)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if p == nil {
		writeError(w, http.StatusNotFound, "no version "+strconv.FormatInt(v, 10))
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// rollback republishes an old version's policy as a new version, so
// versions only ever go up and an extension never has to accept an older
// number; the draft becomes that policy too.
func (s *Server) rollback(w http.ResponseWriter, r *http.Request, slug, actor string) {
	var req struct {
		Version int64 `json:"version"`
	}
	if !decodeStrict(w, r, maxSmallBody, &req) {
		return
	}
	if req.Version < 1 {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "version", Error: "version must be a positive integer"})
		return
	}
	p, err := s.loadVersion(r.Context(), slug, req.Version)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if p == nil {
		writeError(w, http.StatusNotFound, "no version "+strconv.FormatInt(req.Version, 10))
		return
	}
	canonical, _, err := checkPolicy(p.Policy)
	if err != nil { // an old policy the current rules no longer accept
		policyError(w, err)
		return
	}
	v, err := s.publish(r.Context(), slug, canonical, actor, req.Version)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := s.cfg.DB.ExecContext(r.Context(), "UPDATE institutions SET draft = ?, draft_updated_at = ? WHERE slug = ?", string(canonical), s.stamp(), slug); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r.Context(), slug, actor, "policy.rollback",
		"republished version "+strconv.FormatInt(req.Version, 10)+" as version "+strconv.FormatInt(v, 10))
	writeJSON(w, http.StatusOK, map[string]int64{"version": v, "source_version": req.Version})
}

// noPolicy is the 404 of the public policy route, for an unknown
// institution and for one that has published nothing alike.
const noPolicy = "no published policy for this institution"

// publicPolicy serves the latest published bundle. Its body is stored as
// served, so the ETag is stable and the signature covers exactly the
// payload bytes a client decodes.
func (s *Server) publicPolicy(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if !slugRE.MatchString(slug) {
		writeError(w, http.StatusNotFound, noPolicy)
		return
	}
	body, etag, ok := s.cache.get(slug, s.now())
	var err error
	if !ok {
		err = s.cfg.DB.QueryRowContext(r.Context(),
			"SELECT body, etag FROM policy_versions WHERE slug = ? ORDER BY version DESC LIMIT 1", slug).Scan(&body, &etag)
		if err == nil {
			s.cache.put(slug, body, etag, s.now())
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		// The same answer whether the institution exists or not: slugs
		// are not listed to the public.
		writeError(w, http.StatusNotFound, noPolicy)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=300")
	// Values, joined: syumai/workers splits a header's value at commas.
	if etagMatches(strings.Join(r.Header.Values("If-None-Match"), ","), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	if r.Method == http.MethodHead {
		// No Content-Length without a body: workerd's fixed-length stream
		// would fail waiting for the bytes.
		w.WriteHeader(http.StatusOK)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(body))
}

// etagMatches applies If-None-Match's weak comparison (RFC 9110 13.1.2).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
