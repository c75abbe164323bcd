// Package server is Discreet's institution settings backend: one
// http.Handler that stores institutions' policies, publishes them as signed
// bundles for the extension, and serves the admin console.
//
// The same handler runs natively (`discreet serve`, SQLite through a pure-Go
// driver) and on Cloudflare Workers (host/worker, D1). It only needs a
// *sql.DB speaking SQLite's dialect, so it never imports a driver itself:
// the native command brings modernc.org/sqlite, the worker brings
// github.com/syumai/workers/cloudflare/d1. D1 has no interactive
// transactions, so every change that must be atomic is one SQL statement
// (see publish), and the schema in migrations/ is applied by Migrate natively
// and by `wrangler d1 migrations apply` on Workers.
//
// Post text never reaches this server: extensions only send daily counts per
// rule id, and nothing here logs request bodies.
package server

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"log"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/discreet-health/discreet/rules"
)

// Config is what New needs. DB and Keys are required.
type Config struct {
	// DB is an SQLite-dialect database with the schema of migrations/.
	DB *sql.DB
	// Keys signs published policies and lists the public keys; or
	// LoadKeys reads them where they are kept (the native database, which
	// `discreet keys rotate` changes under a running server; on Workers the
	// signing key secret and D1's statements). One of the two is required.
	Keys     *KeyRing
	LoadKeys func(context.Context) (*KeyRing, error)
	// OwnerTokenHash is the SHA-256 of the owner token, which creates
	// institutions. Nil disables the owner routes.
	OwnerTokenHash []byte
	// Console holds the admin console's files (index.html at its root);
	// nil serves no console.
	Console fs.FS
	// Module returns scanner.wasm for the console's live preview; nil
	// answers 404 and the console says the preview is unavailable.
	Module func() ([]byte, error)
	// Limiter rate-limits requests per token and per address; nil (as on
	// Workers, where Cloudflare's own rules apply) means no limits.
	Limiter RateLimiter
	// TrustProxy takes the caller's address for rate limits from the last
	// X-Forwarded-For entry: set it only behind a reverse proxy that
	// appends one, or callers could pick their own address.
	TrustProxy bool
	// BaseURL is the public URL of this server (no trailing slash), used in
	// enrollment answers. Empty: taken from each request.
	BaseURL string
	// PolicyCacheTTL keeps published bundles in memory this long, so ETag
	// revalidations skip the database. A publish through this handler
	// drops its entry at once; another process writing the same database
	// is seen within the TTL. Zero (as on Workers, where nothing outlives a
	// request) turns the cache off.
	PolicyCacheTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives server errors (never request bodies); nil means the
	// standard logger.
	Log *log.Logger
}

// Server is the settings backend's http.Handler.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	ruleIDs map[string]bool // known rule ids, empty while the catalogue is
	cache   *bundleCache

	keysMu sync.Mutex
	keysAt time.Time
	ring   *KeyRing
}

// New returns the handler for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil {
		return nil, errors.New("server: Config.DB is nil")
	}
	if cfg.Keys == nil && cfg.LoadKeys == nil {
		return nil, errors.New("server: Config.Keys and Config.LoadKeys are both nil")
	}
	if cfg.OwnerTokenHash != nil && len(cfg.OwnerTokenHash) != 32 {
		return nil, errors.New("server: Config.OwnerTokenHash must be a SHA-256 (32 bytes)")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if l, ok := cfg.Limiter.(*Limiter); ok && l == nil {
		cfg.Limiter = nil // a nil *Limiter means no limits too
	}
	if cfg.Log == nil {
		cfg.Log = log.Default()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Server{cfg: cfg, cache: &bundleCache{ttl: cfg.PolicyCacheTTL}}
	s.routes()
	return s, nil
}

// knownRuleIDs is the engine's catalogue of rule ids, compiled on first
// use only (a token check or a policy fetch never needs it).
var knownRuleIDs = sync.OnceValue(func() map[string]bool {
	ids := map[string]bool{}
	if e, err := rules.Compile(nil); err == nil {
		for _, r := range e.Catalog() {
			ids[r.ID] = true
		}
	}
	return ids
})

// keyRing returns the key ring. With Config.LoadKeys it is read again when
// fresh is set (a publish signs with the key in force) or after
// PolicyCacheTTL.
func (s *Server) keyRing(ctx context.Context, fresh bool) (*KeyRing, error) {
	if s.cfg.LoadKeys == nil {
		return s.cfg.Keys, nil
	}
	s.keysMu.Lock()
	defer s.keysMu.Unlock()
	now := s.cfg.Now()
	if !fresh && s.ring != nil && now.Sub(s.keysAt) <= s.cfg.PolicyCacheTTL {
		return s.ring, nil
	}
	k, err := s.cfg.LoadKeys(ctx)
	if err != nil {
		return nil, err
	}
	if k == nil {
		return nil, errors.New("no signing key")
	}
	s.ring, s.keysAt = k, now
	return k, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /v1/keys", s.keys)
	m.HandleFunc("POST /v1/enroll", s.enroll)

	m.HandleFunc("POST /v1/institutions", s.createInstitution)
	m.HandleFunc("GET /v1/institutions", s.listInstitutions)
	m.HandleFunc("GET /v1/institutions/{slug}", s.admin(s.getInstitution))
	m.HandleFunc("POST /v1/institutions/{slug}/admin-token", s.rotateAdminToken)

	m.HandleFunc("GET /v1/institutions/{slug}/policy", s.publicPolicy)
	m.HandleFunc("GET /v1/institutions/{slug}/policy/draft", s.admin(s.getDraft))
	m.HandleFunc("PUT /v1/institutions/{slug}/policy/draft", s.admin(s.putDraft))
	m.HandleFunc("POST /v1/institutions/{slug}/policy/publish", s.admin(s.publishDraft))
	m.HandleFunc("GET /v1/institutions/{slug}/policy/versions", s.admin(s.listVersions))
	m.HandleFunc("GET /v1/institutions/{slug}/policy/versions/{version}", s.admin(s.getVersion))
	m.HandleFunc("POST /v1/institutions/{slug}/policy/rollback", s.admin(s.rollback))

	m.HandleFunc("POST /v1/institutions/{slug}/enrollment-codes", s.admin(s.createCode))
	m.HandleFunc("GET /v1/institutions/{slug}/enrollment-codes", s.admin(s.listCodes))
	m.HandleFunc("DELETE /v1/institutions/{slug}/enrollment-codes/{id}", s.admin(s.revokeCode))

	m.HandleFunc("GET /v1/institutions/{slug}/audit", s.admin(s.auditLog))
	m.HandleFunc("POST /v1/institutions/{slug}/counts", s.postCounts)
	m.HandleFunc("GET /v1/institutions/{slug}/counts", s.admin(s.getCounts))

	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/", http.StatusFound)
	})
	m.HandleFunc("GET /console/", s.console)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such route: "+r.Method+" "+r.URL.Path)
	})
	s.mux = m
}

// ServeHTTP applies the origin check and CORS, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if origin := r.Header.Get("Origin"); origin != "" {
		if !s.originAllowed(origin, r) {
			writeError(w, http.StatusForbidden, "origin not allowed: "+origin)
			return
		}
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", "ETag, Retry-After")
		if r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// originAllowed admits browser extensions and the console's own origin:
// Config.BaseURL; on Workers the request's URL (Cloudflare routes by host,
// so it is this worker's); natively without BaseURL only a loopback origin
// naming the request's Host, since a Host header alone proves nothing (a
// DNS-rebinding page at evil.example:8080 sends Host evil.example:8080).
func (s *Server) originAllowed(origin string, r *http.Request) bool {
	for _, p := range []string{"chrome-extension://", "moz-extension://"} {
		if rest, ok := strings.CutPrefix(origin, p); ok {
			return rest != "" && !strings.ContainsAny(rest, "/:@ ")
		}
	}
	if s.cfg.BaseURL != "" || r.URL.IsAbs() {
		return origin == s.baseURL(r)
	}
	return origin == s.baseURL(r) && isLoopbackHost(r.Host)
}

// isLoopbackHost reports whether host (with an optional port) is
// localhost or a loopback address.
func isLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// baseURL is the server's public origin: Config.BaseURL or the request's.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	if r.URL.IsAbs() { // Workers hand the handler absolute URLs
		return r.URL.Scheme + "://" + r.URL.Host
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) now() time.Time { return s.cfg.Now().UTC() }

func (s *Server) stamp() string { return s.now().Format(time.RFC3339) }

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.cfg.Log.Printf("server: %s %s: %v", r.Method, r.URL.Path, err)
	writeError(w, http.StatusInternalServerError, "internal error")
}

// changeRows runs stmt, which is meant to change at least one row, and
// reports whether it did. When it fails the client is sent a server error;
// when it changes nothing, status and msg.
func (s *Server) changeRows(w http.ResponseWriter, r *http.Request, status int, msg, stmt string, args ...any) bool {
	res, err := s.cfg.DB.ExecContext(r.Context(), stmt, args...)
	if err != nil {
		s.serverError(w, r, err)
		return false
	}
	if n, _ := res.RowsAffected(); n == 0 {
		writeError(w, status, msg)
		return false
	}
	return true
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	var one int
	if err := s.cfg.DB.QueryRowContext(r.Context(), "SELECT 1").Scan(&one); err != nil {
		s.cfg.Log.Printf("server: healthz: %v", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// KeyJSON is a public signing key as /v1/keys and /v1/enroll list it.
type KeyJSON struct {
	ID        string `json:"id"`
	Alg       string `json:"alg"`
	PublicKey string `json:"public_key"` // base64 (std) of the raw 32-byte key
}

// KeysJSON is the body of GET /v1/keys: the keys in force (a convenience:
// listing a key here never makes a client trust it) and the signed
// statements that let a client move its trust from key to key.
type KeysJSON struct {
	Keys       []KeyJSON   `json:"keys"`
	Statements []Statement `json:"statements"`
}

func (s *Server) keys(w http.ResponseWriter, r *http.Request) {
	k, err := s.keyRing(r.Context(), false)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sts := k.Statements()
	if sts == nil {
		sts = []Statement{}
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSONCached(w, http.StatusOK, KeysJSON{Keys: k.PublicJSON(), Statements: sts})
}

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)

// audit records who changed what; a failure is logged, not returned, since
// the change itself has happened.
func (s *Server) audit(ctx context.Context, slug, actor, action, detail string) {
	_, err := s.cfg.DB.ExecContext(ctx,
		"INSERT INTO audit_log (slug, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
		slug, s.stamp(), actor, action, detail)
	if err != nil {
		s.cfg.Log.Printf("server: audit %s %s: %v", slug, action, err)
	}
}

// isUniqueViolation recognises SQLite's and D1's constraint error, the
// signal that a concurrent writer took a key first.
func isUniqueViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") ||
		strings.Contains(err.Error(), "PRIMARY KEY constraint failed") ||
		strings.Contains(err.Error(), "SQLITE_CONSTRAINT"))
}

// isBusy recognises SQLite's lock contention.
func isBusy(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked"))
}

// bundleCache holds the latest published bundle per institution.
type bundleCache struct {
	ttl time.Duration
	mu  sync.RWMutex
	m   map[string]cachedBundle
}

type cachedBundle struct {
	body, etag string
	at         time.Time
}

func (c *bundleCache) get(slug string, now time.Time) (body, etag string, ok bool) {
	if c.ttl <= 0 {
		return "", "", false
	}
	c.mu.RLock()
	e, ok := c.m[slug]
	c.mu.RUnlock()
	if !ok || now.Sub(e.at) > c.ttl {
		return "", "", false
	}
	return e.body, e.etag, true
}

func (c *bundleCache) put(slug, body, etag string, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]cachedBundle{}
	}
	c.m[slug] = cachedBundle{body, etag, now}
}

func (c *bundleCache) drop(slug string) {
	c.mu.Lock()
	delete(c.m, slug)
	c.mu.Unlock()
}
