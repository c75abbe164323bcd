-- Schema version 2: key-set statements (key rotation), one report token per
-- enrollment, count reports deduplicated per reporter and day.

-- Signed key sets, in seq order: each says "from now on the signing keys
-- are these", signed by a key the previous set (or the enrollment) trusts.
-- Public data: /v1/keys lists them. On Workers they are inserted with
-- `wrangler d1 execute` (discreet keys rotate --worker prints the SQL).
CREATE TABLE IF NOT EXISTS key_statements (
  seq       INTEGER PRIMARY KEY,
  key_id    TEXT NOT NULL,            -- the signer
  payload   TEXT NOT NULL,            -- the exact signed JSON bytes
  signature TEXT NOT NULL             -- base64 Ed25519 over payload
);

-- An enrollment code may be limited to a number of enrollments (NULL: no limit).
ALTER TABLE enrollment_codes ADD COLUMN max_uses INTEGER;

-- Each enrollment gets its own report token (its hash only is kept);
-- revoking the code revokes them.
CREATE TABLE IF NOT EXISTS report_tokens (
  token_hash TEXT PRIMARY KEY,        -- hex SHA-256 of the report token
  slug       TEXT NOT NULL,
  code_id    TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS report_tokens_code ON report_tokens (code_id);

-- One row per institution, day and reporter: a later report for the same
-- day replaces the earlier one. reporter is SHA-256 of the day and the
-- report token, so rows of different days cannot be linked to each other
-- or to the token without the token itself. counts and false_alarms are
-- JSON objects rule id -> n, already capped.
CREATE TABLE IF NOT EXISTS count_reports (
  slug         TEXT NOT NULL,
  day          TEXT NOT NULL,
  reporter     TEXT NOT NULL,
  counts       TEXT NOT NULL,
  false_alarms TEXT NOT NULL,
  at           TEXT NOT NULL,
  PRIMARY KEY (slug, day, reporter)
);
