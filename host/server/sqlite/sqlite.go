// Package sqlite opens the settings backend's native database.
//
// Why modernc.org/sqlite: it is SQLite translated to pure Go, so `discreet`
// builds with CGO_ENABLED=0 for any GOOS/GOARCH as one static binary, and it
// speaks exactly the SQLite dialect D1 speaks (RETURNING, upsert, json_each),
// so one schema and one set of queries serve both. ncruces/go-sqlite3 also
// works without cgo but runs SQLite compiled to WebAssembly under wazero
// (or wasm2go), which costs a second runtime inside the server.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	"github.com/discreet-health/discreet/host/server"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Open opens (creating if needed) the database at path with WAL journaling,
// a 5 s busy timeout and foreign keys on, and applies the migrations.
//
// The database holds the private signing key, so it is created with mode
// 0600 (SQLite gives its -wal and -shm files the main file's mode), and a
// database or side file that other users may read or write is refused
// with an error that says how to fix it.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	if err := secureFiles(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := server.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// secureFiles creates path with mode 0600 if it does not exist and checks
// that neither it nor its side files are open to other users.
func secureFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) && p != path {
			continue
		}
		if err != nil {
			return err
		}
		if m := st.Mode().Perm(); m&0o077 != 0 {
			return fmt.Errorf("%s has mode %04o: other users could read the signing key it holds and sign policies; "+
				"run chmod 600 %s*", p, m, path)
		}
	}
	return nil
}

// Native is what a native server needs from its database.
type Native struct {
	DB   *sql.DB
	Keys *server.KeyRing
	// LoadKeys reads the key ring again (server.Config.LoadKeys), so a
	// running server follows `discreet keys rotate` and `keys retire`.
	LoadKeys       func(context.Context) (*server.KeyRing, error)
	OwnerTokenHash []byte
	// NewOwnerToken is set on the first start without DISCREET_OWNER_TOKEN:
	// the caller prints it once; it is not stored.
	NewOwnerToken string
}

// Boot opens the database and sets up the signing key and owner token.
func Boot(ctx context.Context, path, ownerEnv string) (*Native, error) {
	db, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	keys, err := server.LoadOrCreateKey(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	tok, hash, err := server.EnsureOwner(ctx, db, ownerEnv)
	if err != nil {
		db.Close()
		return nil, err
	}
	load := func(ctx context.Context) (*server.KeyRing, error) { return server.LoadKeyRing(ctx, db) }
	return &Native{DB: db, Keys: keys, LoadKeys: load, OwnerTokenHash: hash, NewOwnerToken: tok}, nil
}
