package server_test

// One HTTP test suite for both ways the backend runs. By default it starts
// the native handler (httptest, SQLite in a temp dir). With
// DISCREET_TEST_BASE_URL and DISCREET_TEST_OWNER_TOKEN set it runs against
// that server instead: `make test-server` points it at `wrangler dev` with
// local D1. Tests that need the process (restart, rate limits) run natively
// only.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/host/server"
	"github.com/discreet-health/discreet/host/server/sqlite"
	"github.com/discreet-health/discreet/rules"
)

const testOwnerToken = "dso_test-owner-token-0123456789abcdefghijklmnop"

type target struct {
	base   string
	owner  string
	client *http.Client
	// native only: the database path and a way to restart the server.
	dbPath     string
	srv        *httptest.Server
	nat        *sqlite.Native
	limiter    *server.Limiter
	trustProxy bool
	// remote only: the address this target's requests come from
	// (CF-Connecting-IP, which wrangler dev takes from the client), so the
	// rate limits one test runs into do not slow down the others.
	addr string
}

func remote() bool { return os.Getenv("DISCREET_TEST_BASE_URL") != "" }

// newTarget returns the server under test.
func newTarget(t *testing.T) *target {
	t.Helper()
	if base := os.Getenv("DISCREET_TEST_BASE_URL"); base != "" {
		owner := os.Getenv("DISCREET_TEST_OWNER_TOKEN")
		if owner == "" {
			t.Fatal("DISCREET_TEST_BASE_URL is set but DISCREET_TEST_OWNER_TOKEN is not")
		}
		var b [2]byte
		rand.Read(b[:])
		return &target{base: strings.TrimRight(base, "/"), owner: owner, client: &http.Client{Timeout: 60 * time.Second},
			addr: fmt.Sprintf("198.18.%d.%d", b[0], b[1])}
	}
	tg := &target{owner: testOwnerToken, dbPath: filepath.Join(t.TempDir(), "discreet.db"), client: &http.Client{Timeout: 30 * time.Second}}
	tg.start(t)
	t.Cleanup(tg.stop)
	return tg
}

func (tg *target) start(t *testing.T) {
	t.Helper()
	nat, err := sqlite.Boot(context.Background(), tg.dbPath, tg.owner)
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{DB: nat.DB, LoadKeys: nat.LoadKeys, OwnerTokenHash: nat.OwnerTokenHash,
		Limiter: tg.limiter, TrustProxy: tg.trustProxy, Console: os.DirFS("../console"), PolicyCacheTTL: time.Second, // as discreet serve
		Module: func() ([]byte, error) { return []byte("\x00asm\x01\x00\x00\x00"), nil }})
	if err != nil {
		t.Fatal(err)
	}
	tg.nat = nat
	tg.srv = httptest.NewServer(s)
	tg.base = tg.srv.URL
}

func (tg *target) stop() {
	if tg.srv != nil {
		tg.srv.Close()
		tg.nat.DB.Close()
		tg.srv = nil
	}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; body is JSON-encoded unless it is []byte or string.
func (tg *target) do(t testing.TB, method, path, token string, body any, hdr ...string) resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, tg.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if tg.addr != "" {
		req.Header.Set("CF-Connecting-IP", tg.addr)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := tg.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	// wrangler dev (workerd) sometimes replaces the isolate under load and
	// answers 503 without running the worker; it retries GETs itself. Retry
	// other methods once too, and say so in the log.
	if remote() && res.StatusCode == 503 && bytes.HasPrefix(b, []byte("Your worker restarted mid-request")) && !slices.Contains(hdr, "X-Retry") {
		t.Logf("%s %s: wrangler dev restarted the worker mid-request; retrying once", method, path)
		return tg.do(t, method, path, token, body, append(hdr, "X-Retry", "1")...)
	}
	return resp{res.StatusCode, res.Header, b}
}

// must sends a request and fails unless the status is want; it decodes the
// JSON answer into out when out is not nil.
func (tg *target) must(t testing.TB, want int, method, path, token string, body, out any) resp {
	t.Helper()
	r := tg.do(t, method, path, token, body)
	if r.status != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.status, want, r.body)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, r.body)
		}
	}
	return r
}

func randSuffix() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type inst struct {
	slug, admin string
}

// newInstitution creates an institution with a unique slug.
func (tg *target) newInstitution(t testing.TB, prefix string) inst {
	t.Helper()
	var out struct {
		Slug       string `json:"slug"`
		AdminToken string `json:"admin_token"`
	}
	slug := prefix + "-" + randSuffix()
	tg.must(t, 201, "POST", "/v1/institutions", tg.owner, map[string]string{"slug": slug, "name": prefix + " Health"}, &out)
	if out.Slug != slug || !strings.HasPrefix(out.AdminToken, "dsa_") {
		t.Fatalf("create institution: got %+v", out)
	}
	return inst{slug, out.AdminToken}
}

// publishPolicy saves policy as the draft and publishes it.
func (tg *target) publishPolicy(t testing.TB, in inst, policy string) int64 {
	t.Helper()
	tg.must(t, 200, "PUT", "/v1/institutions/"+in.slug+"/policy/draft", in.admin, policy, nil)
	var out struct{ Version int64 }
	tg.must(t, 200, "POST", "/v1/institutions/"+in.slug+"/policy/publish", in.admin, nil, &out)
	return out.Version
}

type enrollment struct {
	Slug        string           `json:"slug"`
	Institution string           `json:"institution"`
	PolicyURL   string           `json:"policy_url"`
	Keys        []server.KeyJSON `json:"keys"`
	ReportToken string           `json:"report_token"`
}

// newCode creates an enrollment code and returns it and its id.
func (tg *target) newCode(t testing.TB, in inst) (code, id string) {
	t.Helper()
	var out struct{ ID, Code string }
	tg.must(t, 201, "POST", "/v1/institutions/"+in.slug+"/enrollment-codes", in.admin, nil, &out)
	return out.Code, out.ID
}

func (tg *target) enroll(t testing.TB, code string) enrollment {
	t.Helper()
	var e enrollment
	r := tg.must(t, 200, "POST", "/v1/enroll", "", map[string]string{"code": code}, nil)
	d := json.NewDecoder(bytes.NewReader(r.body))
	d.DisallowUnknownFields() // exactly the contract's fields
	if err := d.Decode(&e); err != nil {
		t.Fatalf("enroll answer %s: %v", r.body, err)
	}
	return e
}

func (tg *target) keys(t testing.TB) []server.KeyJSON {
	t.Helper()
	var out struct{ Keys []server.KeyJSON }
	tg.must(t, 200, "GET", "/v1/keys", "", nil, &out)
	return out.Keys
}

// verifyBundle checks a served bundle with crypto/ed25519 directly (not the
// server's own helper) and returns the payload's exact bytes.
func verifyBundle(t testing.TB, body []byte, keys []server.KeyJSON) []byte {
	t.Helper()
	var b map[string]string
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("bundle: %v in %s", err, body)
	}
	if diff := cmp.Diff([]string{"key_id", "payload", "signature"}, slices.Sorted(maps.Keys(b))); diff != "" {
		t.Fatalf("bundle fields (-want +got):\n%s", diff)
	}
	p, err := base64.StdEncoding.DecodeString(b["payload"])
	if err != nil {
		t.Fatal(err)
	}
	sig, err := base64.StdEncoding.DecodeString(b["signature"])
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.ID == b["key_id"] {
			pub, err := base64.StdEncoding.DecodeString(k.PublicKey)
			if err != nil || len(pub) != ed25519.PublicKeySize {
				t.Fatalf("key %s: bad public key %q", k.ID, k.PublicKey)
			}
			if !ed25519.Verify(pub, p, sig) {
				t.Fatalf("signature does not verify over the served payload")
			}
			tampered := bytes.Replace(p, []byte(`"version":`), []byte(`"version": `), 1)
			if ed25519.Verify(pub, tampered, sig) {
				t.Fatalf("signature verifies over changed bytes")
			}
			return p
		}
	}
	t.Fatalf("bundle key id %q is not among /v1/keys %+v", b["key_id"], keys)
	return nil
}

type payload struct {
	Slug     string         `json:"slug"`
	Version  int64          `json:"version"`
	IssuedAt string         `json:"issued_at"`
	Policy   map[string]any `json:"policy"`
}

func (tg *target) fetchPolicy(t testing.TB, slug string) (payload, resp) {
	t.Helper()
	r := tg.must(t, 200, "GET", "/v1/institutions/"+slug+"/policy", "", nil, nil)
	p := verifyBundle(t, r.body, tg.keys(t))
	var out payload
	d := json.NewDecoder(bytes.NewReader(p))
	d.DisallowUnknownFields()
	if err := d.Decode(&out); err != nil {
		t.Fatalf("payload: %v in %s", err, p)
	}
	return out, r
}

func TestHealthAndKeys(t *testing.T) {
	tg := newTarget(t)
	var h map[string]string
	tg.must(t, 200, "GET", "/healthz", "", nil, &h)
	if diff := cmp.Diff(map[string]string{"status": "ok"}, h); diff != "" {
		t.Errorf("healthz (-want +got):\n%s", diff)
	}
	keys := tg.keys(t)
	if len(keys) == 0 {
		t.Fatal("no keys")
	}
	for _, k := range keys {
		pub, err := base64.StdEncoding.DecodeString(k.PublicKey)
		if k.ID == "" || k.Alg != "Ed25519" || err != nil || len(pub) != 32 {
			t.Errorf("bad key %+v", k)
		}
	}
}

func TestCreateInstitution(t *testing.T) {
	tg := newTarget(t)
	taken := tg.newInstitution(t, "taken")
	admin := tg.newInstitution(t, "other")
	cases := []struct {
		name   string
		token  string
		body   string
		status int
		field  string
	}{
		{"no token", "", `{"slug":"a1","name":"A"}`, 401, ""},
		{"admin token is not the owner", admin.admin, `{"slug":"a2","name":"A"}`, 403, ""},
		{"made-up token", "dso_nope", `{"slug":"a3","name":"A"}`, 403, ""},
		{"bad slug", tg.owner, `{"slug":"Bad Slug","name":"A"}`, 400, "slug"},
		{"slug with a trailing dash", tg.owner, `{"slug":"a-","name":"A"}`, 400, "slug"},
		{"empty name", tg.owner, `{"slug":"a4","name":"  "}`, 400, "name"},
		{"a NUL in the name", tg.owner, `{"slug":"a9","name":"A\u0000B"}`, 400, "name"},
		{"two slugs", tg.owner, `{"slug":"a10","name":"A","slug":"a11"}`, 400, ""},
		{"unknown field", tg.owner, `{"slug":"a5","name":"A","admin":true}`, 400, ""},
		{"trailing data", tg.owner, `{"slug":"a6","name":"A"} {}`, 400, ""},
		{"not JSON", tg.owner, `slug=a7`, 400, ""},
		{"too large", tg.owner, `{"slug":"a8","name":"` + strings.Repeat("x", 20<<10) + `"}`, 413, ""},
		{"duplicate", tg.owner, `{"slug":"` + taken.slug + `","name":"A"}`, 409, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := tg.do(t, "POST", "/v1/institutions", c.token, c.body)
			var e struct{ Error, Field string }
			json.Unmarshal(r.body, &e)
			if r.status != c.status || e.Field != c.field || e.Error == "" {
				t.Errorf("status %d field %q, want %d %q; body %s", r.status, e.Field, c.status, c.field, r.body)
			}
		})
	}
	// The owner lists institutions; an admin may not.
	var list struct {
		Institutions []struct{ Slug string } `json:"institutions"`
	}
	tg.must(t, 200, "GET", "/v1/institutions", tg.owner, nil, &list)
	found := 0
	for _, in := range list.Institutions {
		if in.Slug == taken.slug || in.Slug == admin.slug {
			found++
		}
	}
	if found != 2 {
		t.Errorf("owner list lacks the new institutions: %+v", list)
	}
	tg.must(t, 403, "GET", "/v1/institutions", admin.admin, nil, nil)
}

func TestDraftValidation(t *testing.T) {
	tg := newTarget(t)
	in := tg.newInstitution(t, "mercy")
	path := "/v1/institutions/" + in.slug + "/policy/draft"
	cases := []struct {
		name   string
		body   string
		status int
		field  string
	}{
		{"valid", `{"name":"Mercy policy","facilities":["Mercy General"],"terms":[{"phrase":"zebra crossing","category":"conduct","severity":"warn","message":"test term"}]}`, 200, ""},
		{"unknown field", `{"facilites":["Mercy General"]}`, 400, "facilites"},
		{"bad record pattern", `{"record_formats":[{"name":"MRN","pattern":"("}]}`, 400, "record_formats[0].pattern"},
		{"pattern too complex", `{"record_formats":[{"name":"MRN","pattern":"[0-9]{1000}[a-z]{1000}x"}]}`, 400, "record_formats[0].pattern"},
		{"bad severity", `{"severity":{"privacy":"loud"}}`, 400, "severity.privacy"},
		{"bad term category", `{"terms":[{"phrase":"x","category":"rude","message":"m"}]}`, 400, "terms[0].category"},
		{"not an object", `[]`, 400, ""},
		{"not JSON", `{"name":`, 400, ""},
		{"too large", `{"name":"` + strings.Repeat("x", rules.MaxPolicyBytes) + `"}`, 413, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := tg.do(t, "PUT", path, in.admin, c.body)
			var e struct{ Error, Field string }
			json.Unmarshal(r.body, &e)
			if r.status != c.status || e.Field != c.field {
				t.Errorf("status %d field %q, want %d %q; body %.300s", r.status, e.Field, c.status, c.field, r.body)
			}
			if c.status >= 400 && e.Error == "" {
				t.Errorf("error answer without a message: %s", r.body)
			}
		})
	}
	// The valid draft is what GET returns, in canonical form; the failed
	// ones changed nothing.
	var d struct {
		Policy    map[string]any `json:"policy"`
		UpdatedAt *string        `json:"updated_at"`
	}
	tg.must(t, 200, "GET", path, in.admin, nil, &d)
	want := map[string]any{"name": "Mercy policy", "facilities": []any{"Mercy General"},
		"terms": []any{map[string]any{"phrase": "zebra crossing", "category": "conduct", "severity": "warn", "message": "test term"}}}
	if diff := cmp.Diff(want, d.Policy); diff != "" || d.UpdatedAt == nil {
		t.Errorf("draft (-want +got):\n%s", diff)
	}
}

func TestPublishSignETag(t *testing.T) {
	tg := newTarget(t)
	in := tg.newInstitution(t, "mercy")
	r := tg.do(t, "GET", "/v1/institutions/"+in.slug+"/policy", "", nil)
	if r.status != 404 {
		t.Fatalf("policy before publishing: status %d, want 404", r.status)
	}
	tg.must(t, 409, "POST", "/v1/institutions/"+in.slug+"/policy/publish", in.admin, nil, nil)

	before := time.Now().UTC().Add(-time.Minute)
	if v := tg.publishPolicy(t, in, `{"facilities":["Mercy General"],"version":"ignored"}`); v != 1 {
		t.Fatalf("first version %d, want 1", v)
	}
	p, r1 := tg.fetchPolicy(t, in.slug)
	issued, err := time.Parse(time.RFC3339, p.IssuedAt)
	if err != nil || issued.Before(before) || issued.After(time.Now().Add(time.Minute)) {
		t.Errorf("issued_at %q: %v", p.IssuedAt, err)
	}
	want := payload{Slug: in.slug, Version: 1, IssuedAt: p.IssuedAt,
		Policy: map[string]any{"facilities": []any{"Mercy General"}, "version": "1"}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("payload (-want +got):\n%s", diff)
	}
	etag := r1.header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 4 {
		t.Errorf("ETag %q is not a strong entity tag", etag)
	}
	if cc := r1.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") || !strings.Contains(cc, "public") {
		t.Errorf("Cache-Control %q", cc)
	}
	// The payload the extension gets is a policy the rules accept.
	pol, _ := json.Marshal(p.Policy)
	if _, err := rules.ParsePolicy(pol); err != nil {
		t.Errorf("published policy does not parse: %v", err)
	}

	for _, c := range []struct {
		name, inm string
		status    int
	}{
		{"same etag", etag, 304},
		{"weak form", "W/" + etag, 304},
		{"in a list", `"nope", ` + etag, 304},
		{"star", "*", 304},
		{"other etag", `"v0-000"`, 200},
	} {
		r := tg.do(t, "GET", "/v1/institutions/"+in.slug+"/policy", "", nil, "If-None-Match", c.inm)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d", c.name, r.status, c.status)
		}
		if r.status == 304 && (r.header.Get("ETag") != etag || len(r.body) != 0) {
			t.Errorf("%s: 304 with ETag %q and %d body bytes", c.name, r.header.Get("ETag"), len(r.body))
		}
	}
	if r := tg.do(t, "HEAD", "/v1/institutions/"+in.slug+"/policy", "", nil); r.status != 200 || r.header.Get("ETag") != etag || len(r.body) != 0 {
		t.Errorf("HEAD: status %d, ETag %q, %d body bytes", r.status, r.header.Get("ETag"), len(r.body))
	}
	// Fetching again gives the same bytes; a new version a new ETag.
	r2 := tg.must(t, 200, "GET", "/v1/institutions/"+in.slug+"/policy", "", nil, nil)
	if !bytes.Equal(r1.body, r2.body) {
		t.Errorf("same version served different bytes")
	}
	if v := tg.publishPolicy(t, in, `{"facilities":["Mercy General","Mercy East"]}`); v != 2 {
		t.Fatalf("second version %d, want 2", v)
	}
	p2, r3 := tg.fetchPolicy(t, in.slug)
	if p2.Version != 2 || r3.header.Get("ETag") == etag {
		t.Errorf("after publish: version %d etag %q (old %q)", p2.Version, r3.header.Get("ETag"), etag)
	}
	if r := tg.do(t, "GET", "/v1/institutions/"+in.slug+"/policy", "", nil, "If-None-Match", etag); r.status != 200 {
		t.Errorf("old ETag after a publish: status %d, want 200", r.status)
	}
	if r := tg.do(t, "GET", "/v1/institutions/nobody-"+randSuffix()+"/policy", "", nil); r.status != 404 {
		t.Errorf("unknown institution: status %d", r.status)
	}
}

func TestVersionsAndRollback(t *testing.T) {
	tg := newTarget(t)
	in := tg.newInstitution(t, "mercy")
	base := "/v1/institutions/" + in.slug + "/policy"
	tg.publishPolicy(t, in, `{"facilities":["Old Wing"]}`)
	tg.publishPolicy(t, in, `{"facilities":["New Wing"]}`)
	var rb struct {
		Version       int64 `json:"version"`
		SourceVersion int64 `json:"source_version"`
	}
	tg.must(t, 200, "POST", base+"/rollback", in.admin, map[string]int64{"version": 1}, &rb)
	if rb.Version != 3 || rb.SourceVersion != 1 {
		t.Fatalf("rollback: %+v, want version 3 from 1", rb)
	}
	p, _ := tg.fetchPolicy(t, in.slug)
	if diff := cmp.Diff(map[string]any{"facilities": []any{"Old Wing"}, "version": "3"}, p.Policy); diff != "" {
		t.Errorf("served after rollback (-want +got):\n%s", diff)
	}
	var d struct{ Policy map[string]any }
	tg.must(t, 200, "GET", base+"/draft", in.admin, nil, &d)
	if diff := cmp.Diff(map[string]any{"facilities": []any{"Old Wing"}}, d.Policy); diff != "" {
		t.Errorf("draft after rollback (-want +got):\n%s", diff)
	}
	var vs struct {
		Versions []struct {
			Version       int64  `json:"version"`
			SourceVersion *int64 `json:"source_version"`
			Actor         string `json:"actor"`
		} `json:"versions"`
	}
	tg.must(t, 200, "GET", base+"/versions", in.admin, nil, &vs)
	var got []int64
	for _, v := range vs.Versions {
		got = append(got, v.Version)
		if !strings.HasPrefix(v.Actor, "admin:") {
			t.Errorf("version %d actor %q", v.Version, v.Actor)
		}
	}
	if diff := cmp.Diff([]int64{3, 2, 1}, got); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	if s := vs.Versions[0].SourceVersion; s == nil || *s != 1 {
		t.Errorf("version 3 source %v, want 1", s)
	}
	// Pages: two at a time, then the rest after next_before.
	var page struct {
		Versions []struct {
			Version int64 `json:"version"`
		} `json:"versions"`
		NextBefore int64 `json:"next_before"`
	}
	tg.must(t, 200, "GET", base+"/versions?limit=2", in.admin, nil, &page)
	if len(page.Versions) != 2 || page.Versions[0].Version != 3 || page.NextBefore != 2 {
		t.Errorf("first page %+v, want versions 3, 2 and next_before 2", page)
	}
	page.Versions, page.NextBefore = nil, 0
	tg.must(t, 200, "GET", base+"/versions?limit=2&before=2", in.admin, nil, &page)
	if len(page.Versions) != 1 || page.Versions[0].Version != 1 || page.NextBefore != 0 {
		t.Errorf("second page %+v, want version 1 and no next_before", page)
	}
	for _, q := range []string{"?limit=0", "?limit=1001", "?before=x", "?before=0"} {
		if r := tg.do(t, "GET", base+"/versions"+q, in.admin, ""); r.status != 400 {
			t.Errorf("versions%s: status %d, want 400", q, r.status)
		}
	}
	// An old version stays as it was signed.
	var v2 payload
	tg.must(t, 200, "GET", base+"/versions/2", in.admin, nil, &v2)
	if diff := cmp.Diff(map[string]any{"facilities": []any{"New Wing"}, "version": "2"}, v2.Policy); diff != "" {
		t.Errorf("version 2 (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		body   string
		status int
	}{{`{"version":9}`, 404}, {`{"version":0}`, 400}, {`{"version":"1"}`, 400}, {`{}`, 400}, {`{"version":1,"x":1}`, 400}} {
		if r := tg.do(t, "POST", base+"/rollback", in.admin, c.body); r.status != c.status {
			t.Errorf("rollback %s: status %d, want %d", c.body, r.status, c.status)
		}
	}
	tg.must(t, 404, "GET", base+"/versions/9", in.admin, nil, nil)
}

func TestConcurrentPublishes(t *testing.T) {
	tg := newTarget(t)
	in := tg.newInstitution(t, "busy")
	tg.publishPolicy(t, in, `{"facilities":["Busy General"]}`)
	const n = 8
	var wg sync.WaitGroup
	versions := make([]int64, n)
	errs := make([]string, n)
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", tg.base+"/v1/institutions/"+in.slug+"/policy/publish", nil)
			req.Header.Set("Authorization", "Bearer "+in.admin)
			res, err := tg.client.Do(req)
			if err != nil {
				errs[i] = err.Error()
				return
			}
			defer res.Body.Close()
			var out struct{ Version int64 }
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 || json.Unmarshal(b, &out) != nil {
				errs[i] = res.Status + " " + string(b)
			}
			versions[i] = out.Version
		})
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Fatalf("a concurrent publish failed: %s", e)
		}
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	if diff := cmp.Diff([]int64{2, 3, 4, 5, 6, 7, 8, 9}, versions); diff != "" {
		t.Errorf("concurrent versions are not distinct and consecutive (-want +got):\n%s", diff)
	}
	p, _ := tg.fetchPolicy(t, in.slug)
	if p.Version != 9 {
		t.Errorf("served version %d, want 9", p.Version)
	}
}

func TestEnrollment(t *testing.T) {
	tg := newTarget(t)
	in := tg.newInstitution(t, "mercy")
	code, id := tg.newCode(t, in)
	if len(code) != 29 || strings.Count(code, "-") != 4 {
		t.Errorf("code %q is not 5 groups of 5", code)
	}
	e := tg.enroll(t, code)
	keys := tg.keys(t)
	if !strings.HasPrefix(e.ReportToken, "dsr_") || len(e.ReportToken) != 4+43 {
		t.Errorf("report token %q", e.ReportToken)
	}
	want := enrollment{Slug: in.slug, Institution: "mercy Health", PolicyURL: tg.base + "/v1/institutions/" + in.slug + "/policy",
		Keys: keys, ReportToken: e.ReportToken}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("enroll (-want +got):\n%s", diff)
	}
	// Typed loosely (lower case, no dashes) it still works, and gives
	// another report token: each enrollment has its own.
	e2 := tg.enroll(t, strings.ToLower(strings.ReplaceAll(code, "-", " ")))
	if e2.ReportToken == e.ReportToken || !strings.HasPrefix(e2.ReportToken, "dsr_") {
		t.Errorf("second enrollment got report token %q, first %q", e2.ReportToken, e.ReportToken)
	}
	var codes struct {
		Codes []struct {
			ID   string `json:"id"`
			Uses int64  `json:"uses"`
		} `json:"codes"`
	}
	tg.must(t, 200, "GET", "/v1/institutions/"+in.slug+"/enrollment-codes", in.admin, nil, &codes)
	if len(codes.Codes) != 1 || codes.Codes[0].ID != id || codes.Codes[0].Uses != 2 {
		t.Errorf("codes %+v", codes)
	}
	if bytes.Contains(tg.do(t, "GET", "/v1/institutions/"+in.slug+"/enrollment-codes", in.admin, nil).body, []byte(code[:5])) {
		// 5 letters could appear by chance in an id; check the whole code.
		if bytes.Contains(tg.do(t, "GET", "/v1/institutions/"+in.slug+"/enrollment-codes", in.admin, nil).body, []byte(code)) {
			t.Errorf("the code list shows a code")
		}
	}
	today := reportDay()
	counts := map[string]any{"day": today, "counts": map[string]int{"privacy.phone": 1}}
	tg.must(t, 202, "POST", "/v1/institutions/"+in.slug+"/counts", e.ReportToken, counts, nil)
	tg.must(t, 202, "POST", "/v1/institutions/"+in.slug+"/counts", e2.ReportToken, counts, nil)

	// A code limited to one enrollment gives out one report token.
	var once struct {
		Code    string `json:"code"`
		MaxUses int64  `json:"max_uses"`
	}
	tg.must(t, 201, "POST", "/v1/institutions/"+in.slug+"/enrollment-codes", in.admin, `{"max_uses":1}`, &once)
	if once.MaxUses != 1 {
		t.Errorf("max_uses answered %d", once.MaxUses)
	}
	tg.enroll(t, once.Code)
	if r := tg.do(t, "POST", "/v1/enroll", "", map[string]string{"code": once.Code}); r.status != 410 {
		t.Errorf("second enrollment with a single-use code: status %d, want 410 (%s)", r.status, r.body)
	}
	tg.must(t, 400, "POST", "/v1/institutions/"+in.slug+"/enrollment-codes", in.admin, `{"max_uses":0}`, nil)

	for _, c := range []struct {
		name, body string
		status     int
	}{
		{"unknown code", `{"code":"AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"}`, 404},
		{"empty code", `{"code":""}`, 400},
		{"unknown field", `{"code":"` + code + `","user":"x"}`, 400},
	} {
		if r := tg.do(t, "POST", "/v1/enroll", "", c.body); r.status != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, r.status, c.status, r.body)
		}
	}
	tg.must(t, 200, "DELETE", "/v1/institutions/"+in.slug+"/enrollment-codes/"+id, in.admin, nil, nil)
	tg.must(t, 404, "DELETE", "/v1/institutions/"+in.slug+"/enrollment-codes/"+id, in.admin, nil, nil)
	if r := tg.do(t, "POST", "/v1/enroll", "", map[string]string{"code": code}); r.status != 410 {
		t.Errorf("revoked code: status %d, want 410", r.status)
	}
	if r := tg.do(t, "POST", "/v1/institutions/"+in.slug+"/counts", e.ReportToken, counts); r.status != 403 {
		t.Errorf("report token of a revoked code: status %d, want 403", r.status)
	}
	tg.must(t, 400, "POST", "/v1/institutions/"+in.slug+"/enrollment-codes", in.admin, `{"expires_in_days":400}`, nil)
	tg.must(t, 400, "POST", "/v1/institutions/"+in.slug+"/enrollment-codes", in.admin, `{"uses":3}`, nil)
	var short struct {
		ExpiresAt string `json:"expires_at"`
	}
	tg.must(t, 201, "POST", "/v1/institutions/"+in.slug+"/enrollment-codes", in.admin, `{"expires_in_days":1}`, &short)
	if exp, err := time.Parse(time.RFC3339, short.ExpiresAt); err != nil || exp.Sub(time.Now()) > 25*time.Hour || exp.Sub(time.Now()) < 23*time.Hour {
		t.Errorf("a 1-day code expires at %q", short.ExpiresAt)
	}
}

type countsView struct {
	Threshold int         `json:"threshold"`
	Counts    []countView `json:"counts"`
	Alarms    []countView `json:"false_alarms"`
	Withheld  int64       `json:"withheld"`
}

type countView struct {
	Day     string `json:"day"`
	Rule    string `json:"rule"`
	Count   int64  `json:"count"`
	Reports int64  `json:"reports"`
}

func TestCounts(t *testing.T) {
	tg := newTarget(t)
	in := tg.newInstitution(t, "mercy")
	code, _ := tg.newCode(t, in)
	path := "/v1/institutions/" + in.slug + "/counts"
	today := reportDay()
	report := map[string]any{"day": today, "counts": map[string]int{"privacy.phone": 2, "privacy.mrn": 1},
		"false_alarms": map[string]int{"privacy.mrn": 1}}
	// Ten clinicians, each enrolled with the shared code, report the same day.
	var toks []string
	for range server.CountThreshold {
		toks = append(toks, tg.enroll(t, code).ReportToken)
	}
	rep := toks[0]
	for _, tok := range toks[:server.CountThreshold-1] {
		tg.must(t, 202, "POST", path, tok, report, nil)
	}
	var v countsView
	tg.must(t, 200, "GET", path, in.admin, nil, &v)
	if v.Threshold != 10 || len(v.Counts) != 0 || len(v.Alarms) != 0 || v.Withheld != 3 {
		t.Errorf("with 9 reports: %+v, want nothing shown and 3 withheld", v)
	}
	// The first clinician reports again: it replaces its report, it is still 9.
	tg.must(t, 202, "POST", path, rep, report, nil)
	tg.must(t, 200, "GET", path, in.admin, nil, &v)
	if len(v.Counts) != 0 {
		t.Errorf("a second report of one token made a figure show: %+v", v)
	}
	tg.must(t, 202, "POST", path, toks[server.CountThreshold-1], report, nil)
	tg.must(t, 200, "GET", path, in.admin, nil, &v)
	got, _ := json.Marshal(v.Counts)
	want := `[{"day":"` + today + `","rule":"privacy.mrn","count":10,"reports":10},{"day":"` + today + `","rule":"privacy.phone","count":20,"reports":10}]`
	if diff := cmp.Diff(want, string(got)); diff != "" || v.Withheld != 0 {
		t.Errorf("with 10 reports (-want +got):\n%s\nwithheld %d", diff, v.Withheld)
	}
	got, _ = json.Marshal(v.Alarms)
	want = `[{"day":"` + today + `","rule":"privacy.mrn","count":10,"reports":10}]`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("false alarms with 10 reports (-want +got):\n%s", diff)
	}
	// One report adds at most 50 to a figure; a later one replaces it.
	tg.must(t, 202, "POST", path, rep, map[string]any{"day": today, "counts": map[string]int{"privacy.phone": 1000}}, nil)
	tg.must(t, 200, "GET", path, in.admin, nil, &v)
	if c := findCount(v.Counts, "privacy.phone"); c.Count != 18+50 || c.Reports != 10 {
		t.Errorf("after one report of 1000: %+v, want 68 from 10 reports", c)
	}
	if c := findCount(v.Counts, "privacy.mrn"); c.Reports != 9 && len(v.Counts) != 1 {
		t.Errorf("the replaced report still counts for privacy.mrn: %+v", v.Counts)
	}

	old := time.Now().UTC().AddDate(0, 0, -60).Format("2006-01-02")
	unknownStatus, unknownField := 202, "" // while the engine's catalogue is empty, any well-formed id
	if e, err := rules.Compile(nil); err == nil && len(e.Catalog()) > 0 {
		unknownStatus, unknownField = 400, "counts"
		// Next to known ids, an unknown one is left out and listed.
		var out struct {
			Accepted int      `json:"accepted"`
			Ignored  []string `json:"ignored"`
		}
		tg.must(t, 202, "POST", path, rep, `{"day":"`+today+`","counts":{"privacy.no_such_rule_xyz":1,"privacy.email":1}}`, &out)
		if out.Accepted != 1 || !cmp.Equal(out.Ignored, []string{"privacy.no_such_rule_xyz"}) {
			t.Errorf("a report with an unknown id: %+v", out)
		}
	}
	for _, c := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"malformed rule id", `{"day":"` + today + `","counts":{"Privacy Phone":1,"privacy.phone":1}}`, 400, "counts.Privacy Phone"},
		{"unknown rule id", `{"day":"` + today + `","counts":{"privacy.no_such_rule_xyz":1}}`, unknownStatus, unknownField},
		{"zero", `{"day":"` + today + `","counts":{"privacy.phone":0}}`, 400, "counts.privacy.phone"},
		{"too many", `{"day":"` + today + `","counts":{"privacy.phone":100000}}`, 400, "counts.privacy.phone"},
		{"negative", `{"day":"` + today + `","counts":{"privacy.phone":-1}}`, 400, "counts.privacy.phone"},
		{"old day", `{"day":"` + old + `","counts":{"privacy.phone":1}}`, 400, "day"},
		{"bad day", `{"day":"yesterday","counts":{"privacy.phone":1}}`, 400, "day"},
		{"no counts", `{"day":"` + today + `","counts":{}}`, 400, "counts"},
		{"text smuggled in", `{"day":"` + today + `","counts":{"privacy.phone":1},"text":"my patient"}`, 400, ""},
		{"fraction", `{"day":"` + today + `","counts":{"privacy.phone":1.5}}`, 400, ""},
		{"a key given twice", `{"day":"` + today + `","counts":{"privacy.phone":1},"counts":{"privacy.email":1}}`, 400, ""},
		{"a rule id given twice", `{"day":"` + today + `","counts":{"privacy.phone":1,"privacy.phone":50}}`, 400, ""},
		{"a field name in another case", `{"Day":"` + today + `","counts":{"privacy.phone":1}}`, 400, ""},
	} {
		r := tg.do(t, "POST", path, rep, c.body)
		var e struct{ Field string }
		json.Unmarshal(r.body, &e)
		if r.status != c.status || e.Field != c.field {
			t.Errorf("%s: status %d field %q, want %d %q (%s)", c.name, r.status, e.Field, c.status, c.field, r.body)
		}
	}
	// A rule of the institution's own published policy (a custom term) is
	// a known rule id too.
	termPolicy := `{"terms":[{"phrase":"zebra crossing","category":"conduct","severity":"warn","message":"test term"}]}`
	if termID := customRuleID(t, termPolicy); termID != "" {
		body := `{"day":"` + today + `","counts":{"` + termID + `":1}}`
		tg.must(t, 400, "POST", path, rep, body, nil) // not published yet
		tg.publishPolicy(t, in, termPolicy)
		tg.must(t, 202, "POST", path, rep, body, nil)
	}
	// No token, the admin token, a made-up token: not allowed to report.
	for _, tok := range []string{"", in.admin, "dsr_" + strings.Repeat("A", 43)} {
		if r := tg.do(t, "POST", path, tok, report); r.status != 401 && r.status != 403 {
			t.Errorf("report with token %.8q: status %d", tok, r.status)
		}
	}
	// The report token may not read counts.
	tg.must(t, 403, "GET", path, rep, nil, nil)
}

func findCount(cs []countView, rule string) countView {
	for _, c := range cs {
		if c.Rule == rule {
			return c
		}
	}
	return countView{}
}

// TestOneClinicianCounts: one clinician with one report token cannot make
// a figure show, however many reports it sends, nor inflate one beyond
// what one report may add.
func TestOneClinicianCounts(t *testing.T) {
	tg := newTarget(t)
	in := tg.newInstitution(t, "solo")
	code, _ := tg.newCode(t, in)
	tok := tg.enroll(t, code).ReportToken
	path := "/v1/institutions/" + in.slug + "/counts"
	today := reportDay()
	for range server.CountThreshold + 5 { // within the per-token report rate limit
		tg.must(t, 202, "POST", path, tok, map[string]any{"day": today, "counts": map[string]int{"privacy.phone": 1000},
			"false_alarms": map[string]int{"privacy.phone": 1000}}, nil)
	}
	var v countsView
	tg.must(t, 200, "GET", path, in.admin, nil, &v)
	if len(v.Counts) != 0 || len(v.Alarms) != 0 || v.Withheld != 2 {
		t.Errorf("one token, 15 reports: %+v, want nothing shown", v)
	}
	// Nine more clinicians report one each: the figure shows, with the
	// first clinician's 1000 capped at 50.
	for range server.CountThreshold - 1 {
		other := tg.enroll(t, code).ReportToken
		tg.must(t, 202, "POST", path, other, map[string]any{"day": today, "counts": map[string]int{"privacy.phone": 1}}, nil)
	}
	tg.must(t, 200, "GET", path, in.admin, nil, &v)
	if c := findCount(v.Counts, "privacy.phone"); c.Count != 50+9 || c.Reports != 10 {
		t.Errorf("figure %+v, want 59 from 10 reports", c)
	}
	if len(v.Alarms) != 0 {
		t.Errorf("false alarms backed by one report are shown: %+v", v.Alarms)
	}
}

// TestCrossInstitution checks every route: one institution's tokens get
// nothing from another's, and change nothing there.
func TestCrossInstitution(t *testing.T) {
	tg := newTarget(t)
	mercy := tg.newInstitution(t, "mercy")
	stjude := tg.newInstitution(t, "stjude")
	mercyReport := tg.enroll(t, first(tg.newCode(t, mercy))).ReportToken
	tg.publishPolicy(t, stjude, `{"facilities":["St Jude Main"]}`)
	_, stjudeCode := tg.newCode(t, stjude)
	stjudeBundle := tg.must(t, 200, "GET", "/v1/institutions/"+stjude.slug+"/policy", "", nil, nil).body

	s := "/v1/institutions/" + stjude.slug
	today := reportDay()
	routes := []struct {
		method, path, body string
	}{
		{"GET", s, ""},
		{"POST", s + "/admin-token", ""},
		{"GET", s + "/policy/draft", ""},
		{"PUT", s + "/policy/draft", `{"facilities":["Hijacked"]}`},
		{"POST", s + "/policy/publish", ""},
		{"GET", s + "/policy/versions", ""},
		{"GET", s + "/policy/versions/1", ""},
		{"POST", s + "/policy/rollback", `{"version":1}`},
		{"POST", s + "/enrollment-codes", ""},
		{"GET", s + "/enrollment-codes", ""},
		{"DELETE", s + "/enrollment-codes/" + stjudeCode, ""},
		{"GET", s + "/audit", ""},
		{"POST", s + "/counts", `{"day":"` + today + `","counts":{"privacy.phone":1}}`},
		{"GET", s + "/counts", ""},
	}
	tokens := []struct{ name, tok string }{
		{"none", ""}, {"other admin", mercy.admin}, {"other report", mercyReport}, {"owner", tg.owner}, {"garbage", "dsa_x"},
	}
	home := tg.addr
	for _, rt := range routes {
		for _, tk := range tokens {
			if tk.name == "owner" && rt.path == s+"/admin-token" {
				continue // the owner may reset an admin token, by design
			}
			if remote() { // rate limits hold there: each refusal from its own address
				var b [2]byte
				rand.Read(b[:])
				tg.addr = fmt.Sprintf("198.19.%d.%d", b[0], b[1])
			}
			var body any
			if rt.body != "" {
				body = rt.body
			}
			r := tg.do(t, rt.method, rt.path, tk.tok, body)
			want := 403
			if tk.tok == "" {
				want = 401
			}
			if r.status != want {
				t.Errorf("%s %s with %s token: status %d, want %d (%s)", rt.method, rt.path, tk.name, r.status, want, r.body)
			}
		}
	}
	tg.addr = home
	// Owner routes refuse admins.
	tg.must(t, 403, "POST", "/v1/institutions", mercy.admin, `{"slug":"x-`+randSuffix()+`","name":"X"}`, nil)
	// Nothing changed at St Jude: same bundle, draft, one version, one
	// live code, no counts, and its audit log only has its own admin.
	if got := tg.must(t, 200, "GET", s+"/policy", "", nil, nil).body; !bytes.Equal(got, stjudeBundle) {
		t.Errorf("St Jude's policy changed")
	}
	var d struct{ Policy map[string]any }
	tg.must(t, 200, "GET", s+"/policy/draft", stjude.admin, nil, &d)
	if diff := cmp.Diff(map[string]any{"facilities": []any{"St Jude Main"}}, d.Policy); diff != "" {
		t.Errorf("St Jude's draft changed (-want +got):\n%s", diff)
	}
	var vs struct{ Versions []any }
	tg.must(t, 200, "GET", s+"/policy/versions", stjude.admin, nil, &vs)
	var codes struct {
		Codes []struct {
			RevokedAt *string `json:"revoked_at"`
		}
	}
	tg.must(t, 200, "GET", s+"/enrollment-codes", stjude.admin, nil, &codes)
	if len(vs.Versions) != 1 || len(codes.Codes) != 1 || codes.Codes[0].RevokedAt != nil {
		t.Errorf("St Jude changed: %d versions, codes %+v", len(vs.Versions), codes.Codes)
	}
	var audit struct {
		Entries []struct{ Actor, Action string }
	}
	tg.must(t, 200, "GET", s+"/audit", stjude.admin, nil, &audit)
	adminActor := "admin:" + hex.EncodeToString(sha(stjude.admin))[:8]
	for _, e := range audit.Entries {
		if e.Actor != adminActor && !strings.HasPrefix(e.Actor, "owner:") {
			t.Errorf("St Jude's audit log has %+v", e)
		}
	}
	// St Jude's own admin still works (the token was not rotated).
	tg.must(t, 200, "GET", s, stjude.admin, nil, nil)
}

func first(a, _ string) string { return a }

func sha(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func TestAuditLog(t *testing.T) {
	tg := newTarget(t)
	in := tg.newInstitution(t, "mercy")
	tg.publishPolicy(t, in, `{"facilities":["A"]}`)
	tg.must(t, 200, "PUT", "/v1/institutions/"+in.slug+"/policy/draft", in.admin, `{"facilities":["A"],"units":["ICU"],"enforce":"block"}`, nil)
	tg.must(t, 200, "POST", "/v1/institutions/"+in.slug+"/policy/publish", in.admin, "{}", nil)
	tg.must(t, 200, "POST", "/v1/institutions/"+in.slug+"/policy/rollback", in.admin, `{"version":1}`, nil)
	_, id := tg.newCode(t, in)
	var rot struct {
		AdminToken string `json:"admin_token"`
	}
	tg.must(t, 200, "POST", "/v1/institutions/"+in.slug+"/admin-token", tg.owner, nil, &rot)
	tg.must(t, 403, "GET", "/v1/institutions/"+in.slug, in.admin, nil, nil)

	var audit struct {
		Entries []struct{ At, Actor, Action, Detail string }
	}
	tg.must(t, 200, "GET", "/v1/institutions/"+in.slug+"/audit", rot.AdminToken, nil, &audit)
	admin := "admin:" + hex.EncodeToString(sha(in.admin))[:8]
	owner := "owner:" + hex.EncodeToString(sha(tg.owner))[:8]
	type entry struct{ Actor, Action, Detail string }
	var got []entry
	for _, e := range audit.Entries {
		if _, err := time.Parse(time.RFC3339, e.At); err != nil {
			t.Errorf("entry time %q", e.At)
		}
		got = append(got, entry{e.Actor, e.Action, e.Detail})
	}
	want := []entry{
		{owner, "admin_token.rotate", "admin token replaced; the old one no longer works"},
		{admin, "enrollment_code.create", got[1].Detail},
		{admin, "policy.rollback", "republished version 1 as version 3"},
		{admin, "policy.publish", "published version 2"},
		{admin, "policy.draft", "draft saved; changed: enforce, units"},
		{admin, "policy.publish", "published version 1"},
		{admin, "policy.draft", "draft saved; changed: facilities"},
		{owner, "institution.create", "created " + in.slug + " (mercy Health)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(got[1].Detail, id+" created") {
		t.Errorf("code entry %q", got[1].Detail)
	}
	all, _ := json.Marshal(audit)
	for _, secret := range []string{in.admin, rot.AdminToken, tg.owner} {
		if bytes.Contains(all, []byte(secret)) {
			t.Errorf("the audit log shows a token")
		}
	}
}

func TestCORSAndConsole(t *testing.T) {
	tg := newTarget(t)
	in := tg.newInstitution(t, "mercy")
	tg.publishPolicy(t, in, `{}`)
	p := "/v1/institutions/" + in.slug + "/policy"
	for _, c := range []struct {
		name, origin string
		status       int
		allowed      bool
	}{
		{"chrome extension", "chrome-extension://abcdefghijklmnopabcdefghijklmnop", 200, true},
		{"firefox extension", "moz-extension://6b1c2f9e-1111-2222-3333-444455556666", 200, true},
		{"console (same origin)", tg.base, 200, true},
		{"a web site", "https://evil.example", 403, false},
		{"lookalike", "chrome-extension://abc/../x", 403, false},
	} {
		r := tg.do(t, "GET", p, "", nil, "Origin", c.origin)
		got := r.header.Get("Access-Control-Allow-Origin")
		if r.status != c.status || (got == c.origin) != c.allowed {
			t.Errorf("%s: status %d, ACAO %q", c.name, r.status, got)
		}
	}
	r := tg.do(t, "OPTIONS", "/v1/institutions/"+in.slug+"/counts", "", nil, "Origin", "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
	if r.status != 204 || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") ||
		!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
	r = tg.do(t, "GET", p, "", nil, "Origin", "chrome-extension://abcdefghijklmnopabcdefghijklmnop")
	if !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("ETag not exposed to extensions: %v", r.header)
	}

	c := tg.do(t, "GET", "/console/", "", nil)
	csp := c.header.Get("Content-Security-Policy")
	if c.status != 200 || !strings.HasPrefix(c.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("console: %d %q CSP %q", c.status, c.header.Get("Content-Type"), csp)
	}
	if !bytes.Contains(c.body, []byte("<title>")) || bytes.Contains(c.body, []byte("<script>")) {
		t.Errorf("console page has no title or has an inline script")
	}
	// The scanner module for the preview (natively from wasmhost; on Workers
	// a static asset).
	if m := tg.do(t, "GET", "/console/scanner.wasm", "", nil); m.status != 200 || !bytes.HasPrefix(m.body, []byte("\x00asm")) ||
		!strings.HasPrefix(m.header.Get("Content-Type"), "application/wasm") {
		t.Errorf("scanner.wasm: %d %q %.8q", m.status, m.header.Get("Content-Type"), m.body)
	}
	if r := tg.do(t, "GET", "/console/../server/server.go", "", nil); r.status == 200 {
		t.Errorf("console served a file outside its folder")
	}
	if r := tg.do(t, "GET", "/v1/nothing", "", nil); r.status != 404 || !json.Valid(r.body) {
		t.Errorf("unknown route: %d %s", r.status, r.body)
	}
}

// customRuleID is the id the engine gives the one rule policy adds to the
// defaults, or "" while the engine lists no rules.
func customRuleID(t *testing.T, policy string) string {
	t.Helper()
	def, err := rules.Compile(nil)
	if err != nil || len(def.Catalog()) == 0 {
		return ""
	}
	p, err := rules.ParsePolicy([]byte(policy))
	if err != nil {
		t.Fatal(err)
	}
	e, err := rules.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range def.Catalog() {
		known[r.ID] = true
	}
	for _, r := range e.Catalog() {
		if !known[r.ID] {
			return r.ID
		}
	}
	t.Fatalf("the policy adds no rule to the catalogue")
	return ""
}

// TestRateLimitsBothRuntimes: code guessing and token guessing are slowed
// down per address on both runtimes (natively server.Limiter, on Workers
// the RateLimiter Durable Object with the same rates), and a throttled
// address gets no token checked, not even the right one.
func TestRateLimitsBothRuntimes(t *testing.T) {
	var tg *target
	if remote() {
		tg = newTarget(t)
	} else {
		tg = &target{owner: testOwnerToken, dbPath: filepath.Join(t.TempDir(), "rl.db"), limiter: server.NewLimiter(),
			client: &http.Client{Timeout: 30 * time.Second}}
		tg.start(t)
		defer tg.stop()
	}
	in := tg.newInstitution(t, "limits")
	tg.publishPolicy(t, in, `{}`)
	// limitedAt sends the request until 429 and checks it came after the
	// burst, give or take what refilled meanwhile.
	limitedAt := func(c server.LimitClass, method, path, tok, body string) {
		t.Helper()
		rate := server.DefaultRates[c]
		start := time.Now()
		for i := 1; i <= int(rate.Burst)+50; i++ {
			r := tg.do(t, method, path, tok, body)
			if r.status != 429 {
				continue
			}
			slack := int(time.Since(start).Seconds()*rate.PerSecond) + 1
			if i <= int(rate.Burst) || i > int(rate.Burst)+slack {
				t.Errorf("%s %s: 429 at request %d, want %d (+%d refilled)", method, path, i, int(rate.Burst)+1, slack-1)
			}
			if r.header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
			return
		}
		t.Errorf("%s %s: never limited", method, path)
	}
	limitedAt(server.ClassEnroll, "POST", "/v1/enroll", "", `{"code":"AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"}`)
	limitedAt(server.ClassAuthFailure, "GET", "/v1/institutions/"+in.slug, "dsa_guess", "")
	if r := tg.do(t, "GET", "/v1/institutions/"+in.slug, in.admin, nil); r.status != 429 {
		t.Errorf("the right admin token from a throttled address: %d, want 429", r.status)
	}
	// Reading the published policy is never limited.
	for range 50 {
		tg.must(t, 200, "GET", "/v1/institutions/"+in.slug+"/policy", "", nil, nil)
	}
}

// reportDay is the day the count tests report for: yesterday (UTC), which
// the server accepts whichever side of midnight it reads its own clock
// (it takes days from the last 30 to tomorrow), so a run that crosses
// midnight cannot fail for it.
func reportDay() string { return time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02") }
