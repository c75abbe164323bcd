//go:build !(js && wasm)

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/host/server"
	"github.com/discreet-health/discreet/host/server/sqlite"
)

type answer struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

// TestHotPathParity: hot.mjs, the JavaScript that answers the extensions'
// routes on Workers without Go, gives the Go handler's answers byte for
// byte (status, headers, body) over the same data: a database with two
// institutions' versions and a key rotation.
func TestHotPathParity(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found")
	}
	ctx := context.Background()
	const owner = "dso_test-owner-token-0123456789abcdefghijklmnop"
	const public = "https://settings.example.org"
	nat, err := sqlite.Boot(ctx, filepath.Join(t.TempDir(), "p.db"), owner)
	if err != nil {
		t.Fatal(err)
	}
	defer nat.DB.Close()
	h, err := server.New(server.Config{DB: nat.DB, LoadKeys: nat.LoadKeys, OwnerTokenHash: nat.OwnerTokenHash, BaseURL: public})
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, tok, body string, hdr map[string]string) answer {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		a := answer{Status: w.Code, Headers: map[string]string{}, Body: w.Body.String()}
		for k, v := range w.Result().Header {
			a.Headers[strings.ToLower(k)] = strings.Join(v, ", ")
		}
		return a
	}
	var adm struct {
		AdminToken string `json:"admin_token"`
	}
	json.Unmarshal([]byte(call("POST", "/v1/institutions", owner, `{"slug":"mercy","name":"Mercy <&> Health"}`, nil).Body), &adm)
	publish := func(policy string) {
		if a := call("PUT", "/v1/institutions/mercy/policy/draft", adm.AdminToken, policy, nil); a.Status != 200 {
			t.Fatalf("draft: %+v", a)
		}
		if a := call("POST", "/v1/institutions/mercy/policy/publish", adm.AdminToken, "", nil); a.Status != 200 {
			t.Fatalf("publish: %+v", a)
		}
	}
	publish(`{"facilities":["Mercy <West> & East"]}`)
	if _, err := server.RotateKey(ctx, nat.DB, time.Now()); err != nil {
		t.Fatal(err)
	}
	publish(`{"facilities":["Mercy West","Mercy \u2028 North"]}`)
	json.Unmarshal([]byte(call("POST", "/v1/institutions", owner, `{"slug":"quiet","name":"Quiet"}`, nil).Body), &adm)

	etag := call("GET", "/v1/institutions/mercy/policy", "", "", nil).Headers["etag"]
	type request struct {
		Method  string            `json:"method"`
		Path    string            `json:"path"`
		Headers map[string]string `json:"headers"`
	}
	reqs := []request{
		{"GET", "/v1/institutions/mercy/policy", nil},
		{"HEAD", "/v1/institutions/mercy/policy", nil},
		{"GET", "/v1/institutions/mercy/policy", map[string]string{"If-None-Match": etag}},
		{"GET", "/v1/institutions/mercy/policy", map[string]string{"If-None-Match": `"v1-x", W/` + etag}},
		{"GET", "/v1/institutions/mercy/policy", map[string]string{"If-None-Match": `"v1-old"`}},
		{"GET", "/v1/institutions/mercy/policy", map[string]string{"Origin": "chrome-extension://abcdefghijklmnop"}},
		{"GET", "/v1/institutions/mercy/policy", map[string]string{"Origin": public}},
		{"GET", "/v1/institutions/mercy/policy", map[string]string{"Origin": "https://evil.example/<x>"}},
		{"GET", "/v1/institutions/quiet/policy", nil},
		{"GET", "/v1/institutions/nobody/policy", nil},
		{"GET", "/v1/institutions/Not_A_Slug/policy", nil},
		{"GET", "/v1/keys", nil},
		{"GET", "/v1/keys", map[string]string{"Origin": "moz-extension://1234-abcd"}},
		{"GET", "/healthz", nil},
	}
	var seed string
	if err := nat.DB.QueryRow("SELECT seed FROM signing_keys ORDER BY rowid DESC LIMIT 1").Scan(&seed); err != nil {
		t.Fatal(err)
	}
	fx := map[string]any{"seed": seed, "public_url": public, "requests": reqs}
	rows, err := nat.DB.Query("SELECT slug, version, body, etag FROM policy_versions")
	if err != nil {
		t.Fatal(err)
	}
	var versions []map[string]any
	for rows.Next() {
		var slug, body, et string
		var v int64
		rows.Scan(&slug, &v, &body, &et)
		versions = append(versions, map[string]any{"slug": slug, "version": v, "body": body, "etag": et})
	}
	rows.Close()
	fx["versions"] = versions
	rows, err = nat.DB.Query("SELECT seq, key_id, payload, signature FROM key_statements")
	if err != nil {
		t.Fatal(err)
	}
	var sts []map[string]any
	for rows.Next() {
		var seq int64
		var id, p, sig string
		rows.Scan(&seq, &id, &p, &sig)
		sts = append(sts, map[string]any{"seq": seq, "key_id": id, "payload": p, "signature": sig})
	}
	rows.Close()
	if len(sts) != 1 {
		t.Fatalf("want one statement, have %d", len(sts))
	}
	fx["statements"] = sts
	path := filepath.Join(t.TempDir(), "fixture.json")
	b, _ := json.Marshal(fx)
	os.WriteFile(path, b, 0o600)
	cmd := exec.Command(node, "test/parity.mjs", path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got []*answer
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	for i, r := range reqs {
		want := call(r.Method, r.Path, "", "", r.Headers)
		// Workers set Content-Length from the body themselves.
		delete(want.Headers, "content-length")
		if r.Method == http.MethodHead {
			want.Body = ""
		}
		if got[i] == nil {
			t.Errorf("%s %s %v: hot.mjs did not answer", r.Method, r.Path, r.Headers)
			continue
		}
		delete(got[i].Headers, "content-length")
		if diff := cmp.Diff(want, *got[i]); diff != "" {
			t.Errorf("%s %s %v (-go +js):\n%s", r.Method, r.Path, r.Headers, diff)
		}
	}
}
