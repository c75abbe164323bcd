package server

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base64"
	"errors"
	"io/fs"
	"sort"
	"strings"
	"time"
)

// Migrations holds the schema's SQL files, applied in name order. The same
// files are D1's migrations (host/worker/wrangler.jsonc migrations_dir).
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Migrate applies the migrations a database has not seen yet. It records
// them in d1_migrations, the table wrangler uses, so a database copied
// between SQLite and D1 knows its state.
func Migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS d1_migrations (
		id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(Migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		var seen int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM d1_migrations WHERE name = ?", base).Scan(&seen); err != nil {
			return err
		}
		if seen > 0 {
			continue
		}
		src, err := Migrations.ReadFile(n)
		if err != nil {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(src)); err != nil {
			tx.Rollback()
			return errors.New("migration " + base + ": " + err.Error())
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO d1_migrations (name) VALUES (?)", base); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// LoadOrCreateKey returns the native server's signing key ring, creating
// an Ed25519 key in the database on first start. Older keys stay listed as
// public keys so versions they signed still verify.
func LoadOrCreateKey(ctx context.Context, db *sql.DB) (*KeyRing, error) {
	load := func() (*KeyRing, error) {
		rows, err := db.QueryContext(ctx, "SELECT id, seed FROM signing_keys ORDER BY created_at DESC, id")
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var seeds [][2]string
		for rows.Next() {
			var id, seed string
			if err := rows.Scan(&id, &seed); err != nil {
				return nil, err
			}
			seeds = append(seeds, [2]string{id, seed})
		}
		if err := rows.Err(); err != nil || len(seeds) == 0 {
			return nil, err
		}
		var retired []Key
		for _, s := range seeds[1:] {
			b, err := ParseSeed(s[1])
			if err != nil {
				return nil, err
			}
			k, _ := NewKeyRing(b, s[0])
			retired = append(retired, k.Public()[0])
		}
		b, err := ParseSeed(seeds[0][1])
		if err != nil {
			return nil, err
		}
		return NewKeyRing(b, seeds[0][0], retired...)
	}
	k, err := load()
	if err != nil || k != nil {
		return k, err
	}
	seed := make([]byte, 32)
	rand.Read(seed)
	k, _ = NewKeyRing(seed, "")
	// INSERT OR IGNORE: two processes starting at once keep one key.
	if _, err := db.ExecContext(ctx, "INSERT OR IGNORE INTO signing_keys (id, seed, created_at) VALUES (?, ?, ?)",
		k.ID(), base64.StdEncoding.EncodeToString(seed), time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return nil, err
	}
	return load()
}

// EnsureOwner sets up the owner token. With env set (DISCREET_OWNER_TOKEN)
// its hash is stored and used. Otherwise, on first start, a token is made
// and returned so the caller prints it once; later starts return "".
func EnsureOwner(ctx context.Context, db *sql.DB, env string) (printOnce string, hash []byte, err error) {
	if env != "" {
		if len(env) < 32 {
			return "", nil, errors.New("DISCREET_OWNER_TOKEN must be at least 32 characters")
		}
		h := hexOf(HashToken(env))
		if _, err := db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('owner_token_sha256', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, h); err != nil {
			return "", nil, err
		}
		return "", HashToken(env), nil
	}
	tok := NewToken(ownerPrefix)
	res, err := db.ExecContext(ctx, "INSERT OR IGNORE INTO meta (key, value) VALUES ('owner_token_sha256', ?)", hashHex(tok))
	if err != nil {
		return "", nil, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return tok, HashToken(tok), nil
	}
	var h string
	if err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'owner_token_sha256'").Scan(&h); err != nil {
		return "", nil, err
	}
	b, err := hexDecode(h)
	return "", b, err
}
