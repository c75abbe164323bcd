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
	"net/url"

	"github.com/discreet-health/discreet/host/server"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Open opens (creating if needed) the database at path with WAL journaling,
// a 5 s busy timeout and foreign keys on, and applies the migrations.
func Open(ctx context.Context, path string) (*sql.DB, error) {
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

// Native is what a native server needs from its database.
type Native struct {
	DB             *sql.DB
	Keys           *server.KeyRing
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
	return &Native{DB: db, Keys: keys, OwnerTokenHash: hash, NewOwnerToken: tok}, nil
}
