package server

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// ConsoleCSP is the admin console's Content-Security-Policy: its own
// scripts only, WebAssembly compilation for the preview, no inline code,
// no framing, and requests only to this server.
const ConsoleCSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// console serves the console's files under /console/, and the scanner
// module at /console/scanner.wasm.
func (s *Server) console(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", ConsoleCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-cache")
	name := strings.TrimPrefix(r.URL.Path, "/console/")
	if name == "" {
		name = "index.html"
	}
	if name == "scanner.wasm" {
		s.module(w, r)
		return
	}
	if s.cfg.Console == nil || strings.Contains(name, "..") || !fs.ValidPath(name) {
		writeError(w, http.StatusNotFound, "no such console file")
		return
	}
	b, err := fs.ReadFile(s.cfg.Console, name)
	if err != nil {
		writeError(w, http.StatusNotFound, "no such console file: "+name)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	if strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".mjs") {
		ct = "text/javascript; charset=utf-8"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (s *Server) module(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Module == nil {
		writeError(w, http.StatusNotFound, "this server does not serve the scanner module")
		return
	}
	b, err := s.cfg.Module()
	if err != nil || len(b) == 0 {
		s.cfg.Log.Printf("server: scanner module: %v", err)
		writeError(w, http.StatusNotFound, "the scanner module is not available on this server (build it with make wasm)")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}
