package server

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Enrollment codes live 30 days unless the admin asks for another span.
const (
	defaultCodeDays = 30
	maxCodeDays     = 365
)

type codeJSON struct {
	ID        string  `json:"id"`
	CreatedAt string  `json:"created_at"`
	ExpiresAt string  `json:"expires_at"`
	RevokedAt *string `json:"revoked_at"`
	Uses      int64   `json:"uses"`
	MaxUses   *int64  `json:"max_uses"`
}

// createCode makes an enrollment code. The code is shown once; the
// database keeps its hash. Each enrollment with it gets its own report
// token; max_uses (optional) limits how many.
func (s *Server) createCode(w http.ResponseWriter, r *http.Request, slug, actor string) {
	var req struct {
		ExpiresInDays int    `json:"expires_in_days"`
		MaxUses       *int64 `json:"max_uses"`
	}
	if !decodeOptional(w, r, maxSmallBody, &req) {
		return
	}
	if req.ExpiresInDays == 0 {
		req.ExpiresInDays = defaultCodeDays
	}
	if req.ExpiresInDays < 1 || req.ExpiresInDays > maxCodeDays {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "expires_in_days", Error: "expires_in_days must be 1-" + strconv.Itoa(maxCodeDays)})
		return
	}
	if req.MaxUses != nil && (*req.MaxUses < 1 || *req.MaxUses > 1000000) {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "max_uses", Error: "max_uses must be 1-1000000"})
		return
	}
	code := newEnrollmentCode()
	var idb [6]byte
	rand.Read(idb[:])
	id := "ec_" + hex.EncodeToString(idb[:])
	now := s.now()
	created, expires := now.Format(time.RFC3339), now.AddDate(0, 0, req.ExpiresInDays).Format(time.RFC3339)
	// report_seal and report_hash belong to schema 1's one token per code:
	// a new code fills them with values no token matches.
	_, err := s.cfg.DB.ExecContext(r.Context(), `INSERT INTO enrollment_codes
		(id, slug, code_hash, report_seal, report_hash, created_at, expires_at, uses, max_uses) VALUES (?, ?, ?, '', ?, ?, ?, 0, ?)`,
		id, slug, hashHex(normalizeCode(code)), "none:"+id, created, expires, req.MaxUses)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r.Context(), slug, actor, "enrollment_code.create", id+" created, expires "+expires)
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "code": code, "created_at": created, "expires_at": expires, "max_uses": req.MaxUses})
}

func (s *Server) listCodes(w http.ResponseWriter, r *http.Request, slug, _ string) {
	list, err := queryAll(r.Context(), s.cfg.DB, func(rows *sql.Rows) (codeJSON, error) {
		var c codeJSON
		var rev sql.NullString
		var maxUses sql.NullInt64
		err := rows.Scan(&c.ID, &c.CreatedAt, &c.ExpiresAt, &rev, &c.Uses, &maxUses)
		if rev.Valid {
			c.RevokedAt = &rev.String
		}
		if maxUses.Valid {
			c.MaxUses = &maxUses.Int64
		}
		return c, err
	}, `SELECT id, created_at, expires_at, revoked_at, uses, max_uses
		FROM enrollment_codes WHERE slug = ? ORDER BY created_at DESC, id LIMIT 1000`, slug)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"codes": list})
}

// revokeCode stops a code from enrolling and its report token from
// reporting.
func (s *Server) revokeCode(w http.ResponseWriter, r *http.Request, slug, actor string) {
	id := r.PathValue("id")
	if !s.changeRows(w, r, http.StatusNotFound, "no active enrollment code "+id,
		"UPDATE enrollment_codes SET revoked_at = ? WHERE id = ? AND slug = ? AND revoked_at IS NULL", s.stamp(), id, slug) {
		return
	}
	s.audit(r.Context(), slug, actor, "enrollment_code.revoke", id+" revoked")
	writeJSON(w, http.StatusOK, map[string]string{"id": id, "status": "revoked"})
}

// enroll tells an extension its institution, where its policy is, the keys
// that sign it, and a token for reporting counts.
func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	if !s.limit(w, ClassEnroll, s.clientAddr(r)) {
		return
	}
	var req struct {
		Code string `json:"code"`
	}
	if !decodeStrict(w, r, maxSmallBody, &req) {
		return
	}
	code := normalizeCode(req.Code)
	if code == "" || len(code) > 64 {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "code", Error: "an enrollment code is required"})
		return
	}
	var id, slug, name, expires string
	var revoked sql.NullString
	var uses int64
	var maxUses sql.NullInt64
	err := s.cfg.DB.QueryRowContext(r.Context(), `SELECT c.id, c.slug, i.name, c.expires_at, c.revoked_at, c.uses, c.max_uses
		FROM enrollment_codes c JOIN institutions i ON i.slug = c.slug WHERE c.code_hash = ?`, hashHex(code)).
		Scan(&id, &slug, &name, &expires, &revoked, &uses, &maxUses)
	if errors.Is(err, sql.ErrNoRows) {
		writeError(w, http.StatusNotFound, "unknown enrollment code")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if revoked.Valid || expires <= s.now().Format(time.RFC3339) {
		writeError(w, http.StatusGone, "this enrollment code has expired or was revoked; ask your institution for a new one")
		return
	}
	keys, err := s.keyRing(r.Context(), false)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// One statement claims a use, so a code limited to n enrollments gives
	// out at most n report tokens however many enroll at once.
	if !s.changeRows(w, r, http.StatusGone, "this enrollment code has been used as many times as it allows; ask your institution for a new one",
		"UPDATE enrollment_codes SET uses = uses + 1 WHERE id = ? AND (max_uses IS NULL OR uses < max_uses)", id) {
		return
	}
	report := NewToken(reportPrefix)
	if _, err := s.cfg.DB.ExecContext(r.Context(), "INSERT INTO report_tokens (token_hash, slug, code_id, created_at) VALUES (?, ?, ?, ?)",
		hashHex(report), slug, id, s.stamp()); err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"slug":         slug,
		"institution":  name,
		"policy_url":   s.baseURL(r) + "/v1/institutions/" + slug + "/policy",
		"keys":         keys.PublicJSON(),
		"report_token": report,
	})
}
