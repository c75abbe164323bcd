package server

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"sort"
	"strconv"
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
// an Ed25519 key in the database on first start. The signing key is the
// newest seed; the public keys are those of the latest key-set statement
// (see KeyRing), or the signing key alone before any rotation.
func LoadOrCreateKey(ctx context.Context, db *sql.DB) (*KeyRing, error) {
	k, err := LoadKeyRing(ctx, db)
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
	return LoadKeyRing(ctx, db)
}

// queryer is what *sql.DB and *sql.Tx share.
// LoadKeyRing reads the native key ring (nil when the database has no key
// yet): the newest seed signs, the statements come from key_statements.
func LoadKeyRing(ctx context.Context, db *sql.DB) (*KeyRing, error) { return loadKeyRing(ctx, db) }

func loadKeyRing(ctx context.Context, db queryer) (*KeyRing, error) {
	seeds, err := queryAll(ctx, db, func(rows *sql.Rows) (s [2]string, err error) {
		return s, rows.Scan(&s[0], &s[1])
	}, "SELECT id, seed FROM signing_keys ORDER BY rowid DESC")
	if err != nil || len(seeds) == 0 {
		return nil, err
	}
	var others []Key
	for _, s := range seeds[1:] {
		b, err := ParseSeed(s[1])
		if err != nil {
			return nil, err
		}
		k, _ := NewKeyRing(b, s[0])
		others = append(others, k.Public()[0])
	}
	b, err := ParseSeed(seeds[0][1])
	if err != nil {
		return nil, err
	}
	k, err := NewKeyRing(b, seeds[0][0], others...)
	if err != nil {
		return nil, err
	}
	sts, err := loadStatements(ctx, db)
	if err != nil {
		return nil, err
	}
	return k.WithStatements(sts), nil
}

// LoadStatements reads the key-set statements, in seq order (Workers keep
// them in D1 too, next to the signing key secret).
func LoadStatements(ctx context.Context, db *sql.DB) ([]Statement, error) {
	return loadStatements(ctx, db)
}

func loadStatements(ctx context.Context, db queryer) ([]Statement, error) {
	sts, err := queryAll(ctx, db, func(rows *sql.Rows) (Statement, error) {
		var st Statement
		var p string
		err := rows.Scan(&st.KeyID, &p, &st.Signature)
		st.Payload = b64([]byte(p))
		return st, err
	}, "SELECT key_id, payload, signature FROM key_statements ORDER BY seq")
	if len(sts) == 0 {
		sts = nil // no statements: nil, not an empty list
	}
	return sts, err
}

// StatementSQL is the INSERT that stores a statement (its payload bytes as
// text), for `wrangler d1 execute` on Workers.
func StatementSQL(st Statement) (string, error) {
	set, err := DecodeStatement(st)
	if err != nil {
		return "", err
	}
	p, _ := base64.StdEncoding.DecodeString(st.Payload)
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	return "INSERT INTO key_statements (seq, key_id, payload, signature) VALUES (" +
		strconv.FormatInt(set.Seq, 10) + ", " + q(st.KeyID) + ", " + q(string(p)) + ", " + q(st.Signature) + ");", nil
}

// NextSeq is the seq of a new statement: the time in milliseconds, above
// the latest one.
func NextSeq(latest int64, now time.Time) int64 {
	return max(latest+1, now.UnixMilli())
}

func latestSeq(ring *KeyRing) int64 {
	var latest int64
	for _, st := range ring.Statements() {
		if set, err := DecodeStatement(st); err == nil && set.Seq > latest {
			latest = set.Seq
		}
	}
	return latest
}

// RotateKey makes a new signing key and publishes, signed by the current
// one, the statement that the keys are now the new one and the current
// ones (the overlap: extensions learn the new key; bundles signed from now
// on use it). It returns the new ring. RetireKey ends the overlap.
func RotateKey(ctx context.Context, db *sql.DB, now time.Time) (*KeyRing, error) {
	return changeKeys(ctx, db, now, func(tx *sql.Tx, cur *KeyRing) ([]KeyJSON, error) {
		seed := make([]byte, 32)
		rand.Read(seed)
		next, _ := NewKeyRing(seed, "")
		_, err := tx.ExecContext(ctx, "INSERT INTO signing_keys (id, seed, created_at) VALUES (?, ?, ?)",
			next.ID(), base64.StdEncoding.EncodeToString(seed), now.UTC().Format(time.RFC3339Nano))
		return append(next.PublicJSON(), cur.PublicJSON()...), err
	})
}

// RetireKey ends a key's overlap: the signing key states that the keys are
// now the listed ones without id, and id's private seed is deleted.
func RetireKey(ctx context.Context, db *sql.DB, id string, now time.Time) (*KeyRing, error) {
	return changeKeys(ctx, db, now, func(tx *sql.Tx, cur *KeyRing) ([]KeyJSON, error) {
		if id == cur.ID() {
			return nil, errors.New(id + " is the signing key: rotate first (discreet keys rotate), then retire the old key")
		}
		var keys []KeyJSON
		found := false
		for _, k := range cur.PublicJSON() {
			if k.ID == id {
				found = true
			} else {
				keys = append(keys, k)
			}
		}
		if !found {
			return nil, errors.New("no listed key " + id + " (discreet keys list shows them)")
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM signing_keys WHERE id = ?", id)
		return keys, err
	})
}

// changeKeys runs change in one transaction with the key ring in force,
// then has the current signing key state that the keys are now the ones
// change returns, and returns the new ring.
func changeKeys(ctx context.Context, db *sql.DB, now time.Time, change func(*sql.Tx, *KeyRing) ([]KeyJSON, error)) (*KeyRing, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := loadKeyRing(ctx, tx)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, errors.New("the database has no signing key yet: start discreet serve once")
	}
	keys, err := change(tx, cur)
	if err != nil {
		return nil, err
	}
	st, p := cur.SignKeySet(NextSeq(latestSeq(cur), now), now, keys)
	set, _ := DecodeStatement(st)
	if _, err := tx.ExecContext(ctx, "INSERT INTO key_statements (seq, key_id, payload, signature) VALUES (?, ?, ?, ?)",
		set.Seq, st.KeyID, string(p), st.Signature); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return LoadKeyRing(ctx, db)
}

// EnsureOwner sets up the owner token. With env set (DISCREET_OWNER_TOKEN)
// its hash is stored and used. Otherwise, on first start, a token is made
// and returned so the caller prints it once; later starts return "".
func EnsureOwner(ctx context.Context, db *sql.DB, env string) (printOnce string, hash []byte, err error) {
	if env != "" {
		if len(env) < 32 {
			return "", nil, errors.New("DISCREET_OWNER_TOKEN must be at least 32 characters")
		}
		h := hex.EncodeToString(HashToken(env))
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
	b, err := hex.DecodeString(h)
	return "", b, err
}
