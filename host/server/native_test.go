package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/discreet-health/discreet/host/server"
	"github.com/discreet-health/discreet/host/server/sqlite"
)

// TestRestartLosesNothing stops the native server and starts it again on
// the same database file: keys, tokens, versions, codes, counts and the
// audit log are all still there.
func TestRestartLosesNothing(t *testing.T) {
	if remote() {
		t.Skip("restarts the native server")
	}
	tg := newTarget(t)
	in := tg.newInstitution(t, "mercy")
	tg.publishPolicy(t, in, `{"facilities":["Mercy General"]}`)
	tg.must(t, 200, "PUT", "/v1/institutions/"+in.slug+"/policy/draft", in.admin, `{"facilities":["Mercy General","Draft Wing"]}`, nil)
	code, _ := tg.newCode(t, in)
	rep := tg.enroll(t, code).ReportToken
	today := time.Now().UTC().Format("2006-01-02")
	for range server.CountThreshold {
		tg.must(t, 202, "POST", "/v1/institutions/"+in.slug+"/counts", rep, map[string]any{"day": today, "counts": map[string]int{"privacy.phone": 1}}, nil)
	}
	snapshot := func() map[string]string {
		out := map[string]string{}
		out["keys"] = string(tg.must(t, 200, "GET", "/v1/keys", "", nil, nil).body)
		out["bundle"] = string(tg.must(t, 200, "GET", "/v1/institutions/"+in.slug+"/policy", "", nil, nil).body)
		for _, p := range []string{"", "/policy/draft", "/policy/versions", "/enrollment-codes", "/counts", "/audit"} {
			out[p] = string(tg.must(t, 200, "GET", "/v1/institutions/"+in.slug+p, in.admin, nil, nil).body)
		}
		return out
	}
	before := snapshot()
	tg.stop()
	tg.start(t)
	if tg.nat.NewOwnerToken != "" {
		t.Errorf("a second start made a new owner token")
	}
	if diff := cmp.Diff(before, snapshot()); diff != "" {
		t.Errorf("after a restart (-before +after):\n%s", diff)
	}
	// The tokens still work for changes too.
	tg.must(t, 202, "POST", "/v1/institutions/"+in.slug+"/counts", rep, map[string]any{"day": today, "counts": map[string]int{"privacy.mrn": 1}}, nil)
	if v := tg.publishPolicy(t, in, `{"facilities":["After Restart"]}`); v != 2 {
		t.Errorf("version after restart %d, want 2", v)
	}
	tg.newInstitution(t, "after")
}

// TestFirstStartOwnerToken: without DISCREET_OWNER_TOKEN the first start
// makes an owner token to print once; it works, and later starts neither
// print nor change it.
func TestFirstStartOwnerToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.db")
	ctx := context.Background()
	n1, err := sqlite.Boot(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	tok := n1.NewOwnerToken
	if len(tok) != 4+43 || !bytes.Equal(n1.OwnerTokenHash, server.HashToken(tok)) {
		t.Fatalf("first start: token %q", tok)
	}
	id := n1.Keys.ID()
	n1.DB.Close()
	n2, err := sqlite.Boot(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer n2.DB.Close()
	if n2.NewOwnerToken != "" || !bytes.Equal(n2.OwnerTokenHash, server.HashToken(tok)) || n2.Keys.ID() != id {
		t.Errorf("second start: printed %q, same hash %v, key %s (was %s)", n2.NewOwnerToken,
			bytes.Equal(n2.OwnerTokenHash, server.HashToken(tok)), n2.Keys.ID(), id)
	}
	s, err := server.New(server.Config{DB: n2.DB, Keys: n2.Keys, OwnerTokenHash: n2.OwnerTokenHash})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tg := &target{base: srv.URL, owner: tok, client: srv.Client()}
	tg.newInstitution(t, "first")
	if _, err := sqlite.Boot(ctx, filepath.Join(t.TempDir(), "e.db"), "short"); err == nil {
		t.Errorf("a short DISCREET_OWNER_TOKEN was accepted")
	}
}

// TestRateLimits: the native server slows down code guessing and token
// guessing per address, with 429 and Retry-After.
func TestRateLimits(t *testing.T) {
	if remote() {
		t.Skip("rate limits are native only")
	}
	frozen := time.Now() // a stopped clock: no refill while the test runs, however slow the machine
	tg := &target{owner: testOwnerToken, dbPath: filepath.Join(t.TempDir(), "rl.db"),
		limiter: server.NewLimiterClock(func() time.Time { return frozen })}
	tg.client = &http.Client{Timeout: 30 * time.Second}
	tg.start(t)
	defer tg.stop()
	limited := func(method, path, tok, body string) int {
		for i := 1; i <= 100; i++ {
			r := tg.do(t, method, path, tok, body)
			if r.status == 429 {
				if r.header.Get("Retry-After") == "" {
					t.Errorf("429 without Retry-After")
				}
				var e struct{ Error string }
				if json.Unmarshal(r.body, &e) != nil || e.Error == "" {
					t.Errorf("429 body %s", r.body)
				}
				return i
			}
		}
		return 0
	}
	if n := limited("POST", "/v1/enroll", "", `{"code":"AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"}`); n != int(server.DefaultRates[server.ClassEnroll].Burst)+1 {
		t.Errorf("enroll guesses: limited at request %d", n)
	}
	in := tg.newInstitution(t, "open")
	if n := limited("GET", "/v1/institutions/x", "dsa_guess", ""); n != int(server.DefaultRates[server.ClassAuthFailure].Burst)+1 {
		t.Errorf("token guesses: limited at request %d", n)
	}
	// Once throttled, the address gets no token checked, not even the
	// right one: a guess that happened to be right would not be told.
	if r := tg.do(t, "GET", "/v1/institutions/"+in.slug, in.admin, nil); r.status != 429 {
		t.Errorf("the admin token from a throttled address: %d, want 429", r.status)
	}
	if r := tg.do(t, "GET", "/v1/institutions", tg.owner, nil); r.status != 429 {
		t.Errorf("the owner token from a throttled address: %d, want 429", r.status)
	}
	// Reading the published policy is never limited.
	tg.stop()
	tg.limiter = nil // publish without limits, then read with the throttled limiter again
	tg.start(t)
	tg.publishPolicy(t, in, `{}`)
	tg.stop()
	tg.limiter = server.NewLimiterClock(func() time.Time { return frozen })
	tg.start(t)
	for range 300 {
		tg.must(t, 200, "GET", "/v1/institutions/"+in.slug+"/policy", "", nil, nil)
	}
}

func TestLimiterRefills(t *testing.T) {
	now := time.Unix(0, 0)
	l := server.NewLimiterClock(func() time.Time { return now })
	for i := range 10 {
		if ok, _ := l.Allow(server.ClassEnroll, "a"); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	ok, wait := l.Allow(server.ClassEnroll, "a")
	if ok || wait <= 0 {
		t.Fatalf("11th request: ok %v wait %v", ok, wait)
	}
	if ok, _ := l.Allow(server.ClassEnroll, "b"); !ok {
		t.Errorf("another address was refused")
	}
	now = now.Add(wait)
	if ok, _ := l.Allow(server.ClassEnroll, "a"); !ok {
		t.Errorf("refused after waiting Retry-After")
	}
}

// TestRateLimitAddress: X-Forwarded-For counts only with TrustProxy, and
// then the last entry (the one the proxy appended) is the address.
func TestRateLimitAddress(t *testing.T) {
	if remote() {
		t.Skip("rate limits are native only")
	}
	frozen := time.Now()
	for _, trust := range []bool{false, true} {
		tg := &target{owner: testOwnerToken, dbPath: filepath.Join(t.TempDir(), "rl.db"), trustProxy: trust,
			limiter: server.NewLimiterClock(func() time.Time { return frozen }), client: &http.Client{Timeout: 30 * time.Second}}
		tg.start(t)
		burst := int(server.DefaultRates[server.ClassEnroll].Burst)
		guess := `{"code":"AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"}`
		for i := range burst {
			// A client that forges the header's first entry changes nothing.
			if r := tg.do(t, "POST", "/v1/enroll", "", guess, "X-Forwarded-For", fmt.Sprintf("10.0.0.%d, 192.0.2.1", i)); r.status != 404 {
				t.Fatalf("trust %v: guess %d: %d", trust, i+1, r.status)
			}
		}
		if r := tg.do(t, "POST", "/v1/enroll", "", guess, "X-Forwarded-For", "10.9.9.9, 192.0.2.1"); r.status != 429 {
			t.Errorf("trust %v: same last address after the burst: %d, want 429", trust, r.status)
		}
		want := 429 // without TrustProxy every request is the same TCP peer
		if trust {
			want = 404
		}
		if r := tg.do(t, "POST", "/v1/enroll", "", guess, "X-Forwarded-For", "192.0.2.2"); r.status != want {
			t.Errorf("trust %v: another proxy-reported address: %d, want %d", trust, r.status, want)
		}
		tg.stop()
	}
}
