package server

import (
	"database/sql"
	"net/http"
	"strconv"
)

type auditJSON struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"` // "admin:" or "owner:" and 8 hex digits of the token's hash
	Action string `json:"action"`
	Detail string `json:"detail"`
}

// auditLog lists an institution's changes, newest first. ?before=ID pages.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, slug, _ string) {
	before := int64(1) << 62
	if b := r.URL.Query().Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "before must be a positive integer")
			return
		}
		before = n
	}
	list, err := queryAll(r.Context(), s.cfg.DB, func(rows *sql.Rows) (auditJSON, error) {
		var a auditJSON
		return a, rows.Scan(&a.ID, &a.At, &a.Actor, &a.Action, &a.Detail)
	}, `SELECT id, at, actor, action, detail FROM audit_log
		WHERE slug = ? AND id < ? ORDER BY id DESC LIMIT 200`, slug, before)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": list})
}
