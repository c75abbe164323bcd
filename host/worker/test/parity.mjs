// Runs hot.mjs's routes against a D1 stand-in filled from a fixture the Go
// test (host/worker/hot_test.go) wrote from a native database, and prints
// the answers as JSON for that test to compare with the Go handler's.
//
//   node host/worker/test/parity.mjs FIXTURE.json
import { readFileSync } from 'node:fs';
import { hotPath } from '../hot.mjs';

const fx = JSON.parse(readFileSync(process.argv[2], 'utf8'));

/** The three queries hot.mjs makes, over the fixture's rows. */
const DB = {
  prepare(sql) {
    let args = [];
    const q = {
      bind(...a) { args = a; return q; },
      async first() {
        if (sql === 'SELECT 1') return { 1: 1 };
        if (sql.startsWith('SELECT body, etag FROM policy_versions')) {
          const rows = fx.versions.filter((v) => v.slug === args[0]).sort((a, b) => b.version - a.version);
          return rows.length ? { body: rows[0].body, etag: rows[0].etag } : null;
        }
        throw new Error('unexpected query ' + sql);
      },
      async all() {
        if (sql.startsWith('SELECT key_id, payload, signature FROM key_statements')) {
          return { results: [...fx.statements].sort((a, b) => a.seq - b.seq) };
        }
        throw new Error('unexpected query ' + sql);
      },
    };
    return q;
  },
};

const env = { DB, SIGNING_KEY: fx.seed, PUBLIC_URL: fx.public_url };
const out = [];
for (const r of fx.requests) {
  const res = await hotPath(new Request(fx.public_url + r.path, { method: r.method, headers: r.headers ?? {} }), env);
  if (!res) { out.push(null); continue; }
  const headers = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  out.push({ status: res.status, headers, body: await res.text() });
}
process.stdout.write(JSON.stringify(out));
