-- Discreet settings backend, schema version 1.
-- The same file is applied by the native server (server.Migrate, SQLite) and
-- by `wrangler d1 migrations apply` (D1). Both keep the list of applied files
-- in d1_migrations. No BEGIN/COMMIT here: D1 runs a file as one batch.

-- Server-wide settings: the owner token's SHA-256 (native only).
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Ed25519 signing keys, native only (Workers read theirs from a secret).
CREATE TABLE IF NOT EXISTS signing_keys (
  id         TEXT PRIMARY KEY,
  seed       TEXT NOT NULL,           -- base64 of the 32-byte private seed
  created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS institutions (
  slug             TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  admin_token_hash TEXT NOT NULL,     -- hex SHA-256 of the admin token
  created_at       TEXT NOT NULL,
  draft            TEXT,              -- canonical policy JSON, NULL until saved
  draft_updated_at TEXT
);

-- Published versions are immutable: rows are only ever inserted.
CREATE TABLE IF NOT EXISTS policy_versions (
  slug           TEXT NOT NULL REFERENCES institutions(slug),
  version        INTEGER NOT NULL,
  issued_at      TEXT NOT NULL,
  payload        TEXT NOT NULL,       -- the exact signed bytes P
  key_id         TEXT NOT NULL,
  signature      TEXT NOT NULL,       -- base64 Ed25519 over payload
  body           TEXT NOT NULL,       -- the exact response body served
  etag           TEXT NOT NULL,
  source_version INTEGER,             -- set by a rollback
  actor          TEXT NOT NULL,
  PRIMARY KEY (slug, version)
);

CREATE TABLE IF NOT EXISTS enrollment_codes (
  id           TEXT PRIMARY KEY,
  slug         TEXT NOT NULL REFERENCES institutions(slug),
  code_hash    TEXT NOT NULL UNIQUE,  -- hex SHA-256 of the normalised code
  report_seal  TEXT NOT NULL,         -- report token XOR HMAC(code): only the code opens it
  report_hash  TEXT NOT NULL UNIQUE,  -- hex SHA-256 of the report token
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  revoked_at   TEXT,
  uses         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS enrollment_codes_slug ON enrollment_codes (slug);

CREATE TABLE IF NOT EXISTS audit_log (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  slug   TEXT NOT NULL,
  at     TEXT NOT NULL,
  actor  TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_slug ON audit_log (slug, id);

-- Opt-in aggregate counts: per institution, day and rule id; never text,
-- never a user id. reports is how many reports contributed.
CREATE TABLE IF NOT EXISTS rule_counts (
  slug    TEXT NOT NULL,
  day     TEXT NOT NULL,
  rule    TEXT NOT NULL,
  total   INTEGER NOT NULL,
  reports INTEGER NOT NULL,
  PRIMARY KEY (slug, day, rule)
);
