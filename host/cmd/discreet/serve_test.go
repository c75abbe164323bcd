package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/discreet-health/discreet/host/internal/cli"

	"github.com/discreet-health/discreet/host/internal/testutil"
)

var listenRE = regexp.MustCompile(`listening on (http://[0-9.:]+)`)

// startServe runs `discreet serve` in-process on a free port; stop cancels it
// and returns its exit code.
func startServe(t *testing.T, db string) (base string, out *testutil.SyncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &testutil.SyncBuffer{}, &testutil.SyncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, strings.NewReader(""), out, errOut)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := listenRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s%s", code, out, errOut)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s%s", out, errOut)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return base, out, func() int { cancel(); return <-done }
}

func TestServePrintsOwnerTokenOnce(t *testing.T) {
	t.Setenv("DISCREET_OWNER_TOKEN", "")
	os.Unsetenv("DISCREET_OWNER_TOKEN")
	db := filepath.Join(t.TempDir(), "discreet.db")
	base, out, stop := startServe(t, db)
	m := regexp.MustCompile(`owner token \(shown once; keep it safe\): (dso_[A-Za-z0-9_-]{43})\n`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("first start printed no owner token: %q", out)
	}
	owner := m[1]
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	create := func(base, slug string) int {
		req, _ := http.NewRequest("POST", base+"/v1/institutions", strings.NewReader(`{"slug":"`+slug+`","name":"Mercy"}`))
		req.Header.Set("Authorization", "Bearer "+owner)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	if c := create(base, "mercy"); c != 201 {
		t.Fatalf("create with the printed owner token: %d", c)
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exited %d after cancel", code)
	}
	// A second start keeps the token, prints none, and has the data.
	base, out, stop = startServe(t, db)
	defer stop()
	if strings.Contains(out.String(), "owner token") {
		t.Errorf("second start printed a token: %q", out)
	}
	if c := create(base, "mercy"); c != 409 {
		t.Errorf("after restart, creating mercy again: %d, want 409", c)
	}
	if c := create(base, "stjude"); c != 201 {
		t.Errorf("after restart, the owner token: %d", c)
	}
}

func TestServeUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--nope"}, strings.NewReader(""), &out, &errOut); code != cli.ExitUsage {
		t.Errorf("bad flag: exit %d", code)
	}
	if code := run(context.Background(), []string{"serve", "extra"}, strings.NewReader(""), &out, &errOut); code != cli.ExitUsage {
		t.Errorf("extra argument: exit %d", code)
	}
	t.Setenv("DISCREET_OWNER_TOKEN", "short")
	errOut.Reset()
	if code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "d.db")}, strings.NewReader(""), &out, &errOut); code == 0 ||
		!strings.Contains(errOut.String(), "at least 32") {
		t.Errorf("short DISCREET_OWNER_TOKEN: exit %d, %q", code, errOut.String())
	}
}
