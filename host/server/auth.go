package server

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// adminHandler is a route that runs for the admin of the path's institution.
type adminHandler func(w http.ResponseWriter, r *http.Request, slug, actor string)

// clientAddr is the caller's address for rate limits: the TCP peer, or with
// Config.TrustProxy the last address of X-Forwarded-For, which is the one
// the (trusted) reverse proxy in front appended.
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xs := r.Header.Values("X-Forwarded-For"); len(xs) > 0 {
			parts := strings.Split(xs[len(xs)-1], ",")
			if a := strings.TrimSpace(parts[len(parts)-1]); a != "" {
				return a
			}
		}
	}
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// limit charges key one request and answers 429 when its bucket is empty.
func (s *Server) limit(w http.ResponseWriter, c LimitClass, key string) bool {
	if s.cfg.Limiter == nil {
		return true
	}
	if ok, wait := s.cfg.Limiter.Allow(c, key); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		writeError(w, http.StatusTooManyRequests, "too many requests; retry later")
		return false
	}
	return true
}

// authAllowed answers 429 when the caller's address has used up its failed
// authentications: from then on no token is checked, not even a correct
// one, until the bucket refills, so guessing stops at the limit.
func (s *Server) authAllowed(w http.ResponseWriter, r *http.Request) bool {
	if s.cfg.Limiter == nil {
		return true
	}
	if ok, wait := s.cfg.Limiter.Peek(ClassAuthFailure, s.clientAddr(r)); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		writeError(w, http.StatusTooManyRequests, "too many failed authentications from this address; retry later")
		return false
	}
	return true
}

// authFailed answers 401 (no token) or 403 (a token that is not good here)
// and charges the caller's address, which slows down token guessing.
func (s *Server) authFailed(w http.ResponseWriter, r *http.Request, tok string) {
	if !s.limit(w, ClassAuthFailure, s.clientAddr(r)) {
		return
	}
	if tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="discreet"`)
		writeError(w, http.StatusUnauthorized, "missing bearer token")
		return
	}
	writeError(w, http.StatusForbidden, "this token may not do that")
}

// admin wraps h so it runs only with the admin token of the institution in
// the path. Another institution's token, the owner token and report tokens
// all get 403; so does an unknown institution, which keeps slugs private.
func (s *Server) admin(h adminHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		slug := r.PathValue("slug")
		tok := bearer(r)
		if !s.authAllowed(w, r) {
			return
		}
		ok, err := s.isAdmin(r.Context(), slug, tok)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if !ok {
			s.authFailed(w, r, tok)
			return
		}
		if !s.limit(w, ClassToken, hashHex(tok)) {
			return
		}
		h(w, r, slug, actorOf("admin", tok))
	}
}

func (s *Server) isAdmin(ctx context.Context, slug, tok string) (bool, error) {
	if tok == "" || !slugRE.MatchString(slug) {
		return false, nil
	}
	var stored string
	err := s.cfg.DB.QueryRowContext(ctx, "SELECT admin_token_hash FROM institutions WHERE slug = ?", slug).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		tokenMatches(tok, strings.Repeat("0", 64)) // the same work as a wrong token for a real slug
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return tokenMatches(tok, stored), nil
}

// owner checks the owner token; on failure it has answered.
func (s *Server) owner(w http.ResponseWriter, r *http.Request) bool {
	tok := bearer(r)
	if !s.authAllowed(w, r) {
		return false
	}
	if tok == "" || s.cfg.OwnerTokenHash == nil || !tokenMatches(tok, hex.EncodeToString(s.cfg.OwnerTokenHash)) {
		s.authFailed(w, r, tok)
		return false
	}
	return s.limit(w, ClassToken, hashHex(tok))
}
