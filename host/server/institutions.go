package server

import (
	"database/sql"
	"encoding/hex"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

type institutionJSON struct {
	Slug             string  `json:"slug"`
	Name             string  `json:"name"`
	CreatedAt        string  `json:"created_at"`
	PublishedVersion int64   `json:"published_version"` // 0: none yet
	DraftUpdatedAt   *string `json:"draft_updated_at"`
}

func (s *Server) createInstitution(w http.ResponseWriter, r *http.Request) {
	if !s.owner(w, r) {
		return
	}
	var req struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	if !decodeStrict(w, r, maxSmallBody, &req) {
		return
	}
	if !slugRE.MatchString(req.Slug) {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "slug", Error: "slug must be 1-40 lower-case letters, digits and inner dashes"})
		return
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || len(req.Name) > 200 || !utf8.ValidString(req.Name) || strings.ContainsFunc(req.Name, unicode.IsControl) {
		writeJSON(w, http.StatusBadRequest, apiError{Field: "name", Error: "name must be 1-200 bytes of text, without control characters"})
		return
	}
	tok := NewToken(adminPrefix)
	_, err := s.cfg.DB.ExecContext(r.Context(),
		"INSERT INTO institutions (slug, name, admin_token_hash, created_at) VALUES (?, ?, ?, ?)",
		req.Slug, req.Name, hashHex(tok), s.stamp())
	if isUniqueViolation(err) {
		writeError(w, http.StatusConflict, "institution "+req.Slug+" already exists")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r.Context(), req.Slug, actorOf("owner", bearer(r)), "institution.create", "created "+req.Slug+" ("+req.Name+")")
	writeJSON(w, http.StatusCreated, map[string]string{"slug": req.Slug, "admin_token": tok})
}

const institutionQuery = `SELECT i.slug, i.name, i.created_at, i.draft_updated_at,
  COALESCE((SELECT MAX(v.version) FROM policy_versions v WHERE v.slug = i.slug), 0)
  FROM institutions i`

func scanInstitution(sc interface{ Scan(...any) error }) (institutionJSON, error) {
	var in institutionJSON
	var draft sql.NullString
	err := sc.Scan(&in.Slug, &in.Name, &in.CreatedAt, &draft, &in.PublishedVersion)
	if draft.Valid {
		in.DraftUpdatedAt = &draft.String
	}
	return in, err
}

func (s *Server) listInstitutions(w http.ResponseWriter, r *http.Request) {
	if !s.owner(w, r) {
		return
	}
	list, err := queryAll(r.Context(), s.cfg.DB, func(rows *sql.Rows) (institutionJSON, error) {
		return scanInstitution(rows)
	}, institutionQuery+" ORDER BY i.slug")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"institutions": list})
}

func (s *Server) getInstitution(w http.ResponseWriter, r *http.Request, slug, _ string) {
	in, err := scanInstitution(s.cfg.DB.QueryRowContext(r.Context(), institutionQuery+" WHERE i.slug = ?", slug))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, in)
}

// rotateAdminToken replaces an institution's admin token. The owner may do
// it (recovery) and so may the current admin (a suspected leak).
func (s *Server) rotateAdminToken(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	tok := bearer(r)
	if !s.authAllowed(w, r) {
		return
	}
	actor := ""
	if s.cfg.OwnerTokenHash != nil && tok != "" && tokenMatches(tok, hex.EncodeToString(s.cfg.OwnerTokenHash)) {
		actor = actorOf("owner", tok)
	} else if ok, err := s.isAdmin(r.Context(), slug, tok); err != nil {
		s.serverError(w, r, err)
		return
	} else if ok {
		actor = actorOf("admin", tok)
	}
	if actor == "" {
		s.authFailed(w, r, tok)
		return
	}
	if !s.limit(w, ClassToken, hashHex(tok)) {
		return
	}
	if !slugRE.MatchString(slug) {
		writeError(w, http.StatusNotFound, "no such institution")
		return
	}
	next := NewToken(adminPrefix)
	if !s.changeRows(w, r, http.StatusNotFound, "no such institution",
		"UPDATE institutions SET admin_token_hash = ? WHERE slug = ?", hashHex(next), slug) {
		return
	}
	s.audit(r.Context(), slug, actor, "admin_token.rotate", "admin token replaced; the old one no longer works")
	writeJSON(w, http.StatusOK, map[string]string{"slug": slug, "admin_token": next})
}
