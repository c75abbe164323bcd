package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/discreet-health/discreet/host/server"
	"github.com/discreet-health/discreet/host/server/sqlite"

	"github.com/discreet-health/discreet/host/internal/cli"
)

// signing returns the id on the "signing" line of keys list/rotate output.
func signing(t *testing.T, out string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Split(l, "\t"); len(f) == 3 && f[1] == "signing" {
			return f[0]
		}
	}
	t.Fatalf("no signing key in %q", out)
	return ""
}

func TestKeysRotateRetireBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	nat, err := sqlite.Boot(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	nat.DB.Close()
	r := runCmd(t, "", "keys", "list", "--db", db)
	if r.code != 0 {
		t.Fatalf("list: %+v", r)
	}
	old := signing(t, r.stdout)
	r = runCmd(t, "", "keys", "rotate", "--db", db)
	if r.code != 0 || strings.Count(r.stdout, "\tlisted\t") != 1 {
		t.Fatalf("rotate: %+v", r)
	}
	cur := signing(t, r.stdout)
	if cur == old {
		t.Fatalf("rotate kept %s", old)
	}
	if r := runCmd(t, "", "keys", "retire", cur, "--db", db); r.code != 1 || !strings.Contains(r.stderr, "rotate first") {
		t.Errorf("retiring the signing key: %+v", r)
	}
	if r := runCmd(t, "", "keys", "retire", old, "--db", db); r.code != 0 || strings.Contains(r.stdout, old+"\t") {
		t.Errorf("retire: %+v", r)
	}
	if r := runCmd(t, "", "keys", "rotate"); r.code != cli.ExitUsage {
		t.Errorf("rotate without --db: %+v", r)
	}

	out := filepath.Join(dir, "backup.db")
	if r := runCmd(t, "", "db", "backup", "--db", db, out); r.code != 0 {
		t.Fatalf("backup: %+v", r)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", st.Mode(), err)
	}
	if r := runCmd(t, "", "db", "backup", "--db", db, out); r.code == 0 {
		t.Errorf("a backup over an existing file was written")
	}
	// The copy holds the keys and statements: the same ring.
	bk, err := sqlite.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Close()
	ring, err := server.LoadKeyRing(context.Background(), bk)
	if err != nil || ring.ID() != cur || len(ring.Statements()) != 2 {
		t.Fatalf("backup's key ring: %v %v", ring, err)
	}
}

func TestKeysWorker(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "old.seed")
	os.WriteFile(seed, []byte(strings.Repeat("ab", 32)+"\n"), 0o600)
	next := filepath.Join(dir, "new.seed")
	r := runCmd(t, "", "keys", "rotate", "--worker", "--seed-file", seed, "--new-seed-file", next)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "INSERT INTO key_statements") {
		t.Fatalf("rotate --worker: %+v", r)
	}
	st, err := os.Stat(next)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("new seed file: %v", err)
	}
	// The SQL stores a statement the old key signed, listing both keys.
	mem, err := sqlite.Open(context.Background(), filepath.Join(dir, "d1.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if _, err := mem.Exec(r.stdout); err != nil {
		t.Fatal(err)
	}
	sts, err := server.LoadStatements(context.Background(), mem)
	if err != nil || len(sts) != 1 {
		t.Fatalf("statements %v %v", sts, err)
	}
	b, _ := os.ReadFile(seed)
	s, _ := server.ParseSeed(string(b))
	oldRing, _ := server.NewKeyRing(s, "")
	set, err := server.VerifyStatement(sts[0], oldRing.PublicJSON())
	if err != nil || len(set.Keys) != 2 || set.Keys[1].ID != oldRing.ID() {
		t.Fatalf("statement %+v %v", set, err)
	}
	r = runCmd(t, "", "keys", "retire", oldRing.ID(), "--worker", "--seed-file", next)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "INSERT INTO key_statements") {
		t.Fatalf("retire --worker: %+v", r)
	}
}
