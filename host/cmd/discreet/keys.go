package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/discreet-health/discreet/host/server"
	"github.com/discreet-health/discreet/host/server/sqlite"
)

// runKeys manages the settings backend's signing keys:
//
//	discreet keys list --db FILE
//	discreet keys rotate --db FILE
//	discreet keys retire ID --db FILE
//	discreet keys rotate --worker --seed-file OLD --new-seed-file NEW   (Workers: prints SQL for D1)
//	discreet keys retire ID --worker --seed-file CURRENT                (Workers: prints SQL for D1)
//
// A rotation makes a new key and publishes, signed by the current key, the
// statement that the keys are now {new, current}: enrolled extensions learn
// the new key from it, and every bundle published from then on is signed
// with the new key. Retiring the old key publishes, signed by the new one,
// that the keys are now {new}, and deletes the old private seed.
func runKeys(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return errorf(stderr, "keys", "want list, rotate or retire")
	}
	sub := args[0]
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "the native server's SQLite database")
	worker := fs.Bool("worker", false, "Cloudflare Workers: read seeds from files and print the SQL to run on D1")
	seedFile := fs.String("seed-file", "", "with --worker: the current SIGNING_KEY seed (base64 or hex)")
	seedID := fs.String("seed-id", "", "with --worker: the current key's id if SIGNING_KEY_ID set one")
	newSeedFile := fs.String("new-seed-file", "", "with --worker rotate: where to write the new seed (mode 0600)")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return flagError(err)
	}
	now := time.Now()
	if *worker {
		return keysWorker(sub, pos, *seedFile, *seedID, *newSeedFile, now, stdout, stderr)
	}
	if *dbPath == "" {
		return errorf(stderr, "keys "+sub, "--db FILE is required (or --worker)")
	}
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return errorf(stderr, "keys "+sub, "%s: %v", *dbPath, err)
	}
	defer db.Close()
	var ring *server.KeyRing
	switch {
	case sub == "list" && len(pos) == 0:
		ring, err = server.LoadKeyRing(ctx, db)
		if err == nil && ring == nil {
			err = errors.New("no signing key yet: start discreet serve once")
		}
	case sub == "rotate" && len(pos) == 0:
		ring, err = server.RotateKey(ctx, db, now)
		if err == nil {
			fmt.Fprintf(stdout, "rotated: %s signs new policy versions; %s's statement introduces it (overlap until `discreet keys retire %s`)\n",
				ring.ID(), ring.Statements()[len(ring.Statements())-1].KeyID, ring.Statements()[len(ring.Statements())-1].KeyID)
		}
	case sub == "retire" && len(pos) == 1:
		ring, err = server.RetireKey(ctx, db, pos[0], now)
		if err == nil {
			fmt.Fprintf(stdout, "retired %s: its private key is deleted and /v1/keys no longer lists it\n", pos[0])
		}
	default:
		return errorf(stderr, "keys", "usage: keys list|rotate --db FILE, keys retire ID --db FILE")
	}
	if err != nil {
		fmt.Fprintf(stderr, "discreet keys %s: %v\n", sub, err)
		return 1
	}
	for _, k := range ring.PublicJSON() {
		role := "listed"
		if k.ID == ring.ID() {
			role = "signing"
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", k.ID, role, k.PublicKey)
	}
	return 0
}

// keysWorker signs the statement from seed files and prints the SQL that
// stores it in D1; the seeds themselves go in with `wrangler secret put`.
func keysWorker(sub string, pos []string, seedFile, seedID, newSeedFile string, now time.Time, stdout, stderr io.Writer) int {
	cur, err := readSeedRing(seedFile, seedID)
	if err != nil {
		return errorf(stderr, "keys "+sub, "--seed-file: %v", err)
	}
	var st server.Statement
	switch {
	case sub == "rotate" && len(pos) == 0:
		if newSeedFile == "" {
			return errorf(stderr, "keys rotate", "--new-seed-file FILE is required with --worker")
		}
		seed := make([]byte, 32)
		if _, err := cryptoRead(seed); err != nil {
			return errorf(stderr, "keys rotate", "%v", err)
		}
		f, err := os.OpenFile(newSeedFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return errorf(stderr, "keys rotate", "%v", err)
		}
		next, _ := server.NewKeyRing(seed, "")
		fmt.Fprintln(f, b64std(seed))
		if err := f.Close(); err != nil {
			return errorf(stderr, "keys rotate", "%v", err)
		}
		st, _ = cur.SignKeySet(server.NextSeq(0, now), now, append(next.PublicJSON(), cur.PublicJSON()...))
		fmt.Fprintf(stderr, "new key %s, seed written to %s; statement signed by %s\n", next.ID(), newSeedFile, cur.ID())
	case sub == "retire" && len(pos) == 1:
		if pos[0] == cur.ID() {
			return errorf(stderr, "keys retire", "%s is the key in --seed-file: give the current signing key's seed", pos[0])
		}
		st, _ = cur.SignKeySet(server.NextSeq(0, now), now, cur.PublicJSON())
		fmt.Fprintf(stderr, "statement signed by %s: the keys are now {%s}\n", cur.ID(), cur.ID())
	default:
		return errorf(stderr, "keys", "usage with --worker: keys rotate --seed-file OLD --new-seed-file NEW, keys retire ID --seed-file CURRENT")
	}
	q, err := server.StatementSQL(st)
	if err != nil {
		return errorf(stderr, "keys "+sub, "%v", err)
	}
	fmt.Fprintln(stdout, q)
	return 0
}

func readSeedRing(path, id string) (*server.KeyRing, error) {
	if path == "" {
		return nil, errors.New("required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	seed, err := server.ParseSeed(string(b))
	if err != nil {
		return nil, err
	}
	return server.NewKeyRing(seed, id)
}

// runDB is `discreet db backup --db FILE OUT`: a consistent copy of the
// live database (VACUUM INTO, safe while discreet serve writes), created
// with mode 0600 since it holds the signing key.
func runDB(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "backup" {
		return errorf(stderr, "db", "usage: db backup --db FILE OUT")
	}
	fs := flag.NewFlagSet("db backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "the native server's SQLite database")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return flagError(err)
	}
	if *dbPath == "" || len(pos) != 1 {
		return errorf(stderr, "db backup", "usage: db backup --db FILE OUT")
	}
	out := pos[0]
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return errorf(stderr, "db backup", "%v (the backup file must not exist yet)", err)
	}
	f.Close()
	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		os.Remove(out)
		return errorf(stderr, "db backup", "%s: %v", *dbPath, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		os.Remove(out)
		fmt.Fprintf(stderr, "discreet db backup: %v\n", err)
		return 1
	}
	var ok string
	if err := db.QueryRowContext(ctx, "SELECT integrity_check FROM pragma_integrity_check").Scan(&ok); err != nil || !strings.EqualFold(ok, "ok") {
		fmt.Fprintf(stderr, "discreet db backup: the source database's integrity check says %q %v\n", ok, err)
		return 1
	}
	st, _ := os.Stat(out)
	fmt.Fprintf(stdout, "backup of %s written to %s (%d bytes, mode 0600)\n", *dbPath, out, st.Size())
	return 0
}

func cryptoRead(b []byte) (int, error) { return rand.Read(b) }

func b64std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
