package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/discreet-health/discreet/host/server"
	"github.com/discreet-health/discreet/host/server/sqlite"
)

const owner = "dso_test-owner-token-0123456789abcdefghijklmnop"

// TestMain runs the crash test's child when asked: a process that publishes
// versions as fast as it can and prints each acknowledged one.
func TestMain(m *testing.M) {
	if db := os.Getenv("DISCREET_CRASH_CHILD_DB"); db != "" {
		os.Exit(crashChild(db, os.Getenv("DISCREET_CRASH_CHILD_ADMIN")))
	}
	os.Exit(m.Run())
}

func handler(t testing.TB, nat *sqlite.Native) http.Handler {
	h, err := server.New(server.Config{DB: nat.DB, LoadKeys: nat.LoadKeys, OwnerTokenHash: nat.OwnerTokenHash})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func call(h http.Handler, method, path, tok, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// TestFileModes: the database and its -wal and -shm files are created 0600,
// and a database other users can read is refused with a clear message.
func TestFileModes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "modes.db")
	nat, err := sqlite.Boot(context.Background(), path, owner)
	if err != nil {
		t.Fatal(err)
	}
	if w := call(handler(t, nat), "POST", "/v1/institutions", owner, `{"slug":"modes","name":"Modes"}`); w.Code != 201 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := st.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %04o, want 0600", filepath.Base(p), m)
		}
	}
	nat.DB.Close()
	for _, p := range []string{path, path + "-wal"} {
		if _, err := os.Stat(p); err != nil {
			continue // the last close may have removed the -wal file
		}
		os.Chmod(p, 0o644)
		_, err := sqlite.Boot(context.Background(), path, owner)
		if err == nil || !strings.Contains(err.Error(), "other users could read the signing key") || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("%s 0644: Boot said %v", filepath.Base(p), err)
		}
		os.Chmod(p, 0o600)
	}
	nat, err = sqlite.Boot(context.Background(), path, owner)
	if err != nil {
		t.Fatalf("after chmod 600: %v", err)
	}
	nat.DB.Close()
}

// TestCrashSafety SIGKILLs a publishing process 20 times: every version it
// acknowledged is stored, versions have no gap or duplicate, and SQLite's
// integrity check stays ok.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	nat, err := sqlite.Boot(context.Background(), path, owner)
	if err != nil {
		t.Fatal(err)
	}
	w := call(handler(t, nat), "POST", "/v1/institutions", owner, `{"slug":"crash","name":"Crash"}`)
	if w.Code != 201 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	admin := strings.Split(strings.Split(w.Body.String(), `"admin_token":"`)[1], `"`)[0]
	nat.DB.Close()

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	acked := map[int64]bool{}
	const kills = 20
	for i := range kills {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), "DISCREET_CRASH_CHILD_DB="+path, "DISCREET_CRASH_CHILD_ADMIN="+admin)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		// Kill after a few acknowledged versions, at a point that varies.
		want := 3 + i%7
		for n := 0; n < want && sc.Scan(); n++ {
			v, err := strconv.ParseInt(sc.Text(), 10, 64)
			if err != nil {
				t.Fatalf("child said %q", sc.Text())
			}
			acked[v] = true
		}
		time.Sleep(time.Duration(i%5) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		for sc.Scan() { // lines written before the kill are acknowledged too
			if v, err := strconv.ParseInt(sc.Text(), 10, 64); err == nil {
				acked[v] = true
			}
		}
		cmd.Wait()
	}
	nat, err = sqlite.Boot(context.Background(), path, owner)
	if err != nil {
		t.Fatal(err)
	}
	defer nat.DB.Close()
	var ok string
	if err := nat.DB.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	var n, lo, hi int64
	if err := nat.DB.QueryRow("SELECT COUNT(*), MIN(version), MAX(version) FROM policy_versions WHERE slug = 'crash'").Scan(&n, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if lo != 1 || hi != n {
		t.Errorf("versions: %d rows from %d to %d: a gap or a duplicate", n, lo, hi)
	}
	for v := range acked {
		if v < 1 || v > hi {
			t.Errorf("acknowledged version %d is not stored (max %d)", v, hi)
		}
	}
	if len(acked) < kills*3 {
		t.Errorf("only %d versions acknowledged", len(acked))
	}
	t.Logf("%d kills, %d versions stored, %d acknowledged", kills, n, len(acked))
}

func crashChild(path, admin string) int {
	nat, err := sqlite.Boot(context.Background(), path, owner)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	h, err := server.New(server.Config{DB: nat.DB, LoadKeys: nat.LoadKeys, OwnerTokenHash: nat.OwnerTokenHash})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if w := call(h, "PUT", "/v1/institutions/crash/policy/draft", admin, `{"facilities":["Crash General"]}`); w.Code != 200 {
		fmt.Fprintln(os.Stderr, "draft:", w.Code, w.Body)
		return 1
	}
	for {
		w := call(h, "POST", "/v1/institutions/crash/policy/publish", admin, "")
		if w.Code != 200 {
			fmt.Fprintln(os.Stderr, "publish:", w.Code, w.Body)
			return 1
		}
		v := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(w.Body.String()), `{"version":`), "}")
		fmt.Println(v)
	}
}
