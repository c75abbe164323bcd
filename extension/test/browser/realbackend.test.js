// End to end with the real settings backend (`discreet serve`, Go, SQLite):
// an admin publishes a facility name, the extension enrolls and picks the
// signed policy up, and a post naming that facility gets a finding in a
// fixture composer. Then a new version adds a second facility and a refresh
// brings it in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { launch, openSite, overlayFindings, ROOT, toBackground, typeAndFind } from './harness.js';

const BIN = join(ROOT, 'build/discreet');
const OWNER = 'dso_test_owner_token_for_the_end_to_end_test_0123456789';

let b, srv, dir, base;

/** A free loopback port. */
function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
    s.on('error', rej);
  });
}

async function api(method, path, token, body) {
  const r = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: HTTP ${r.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

before(async () => {
  assert.ok(existsSync(BIN), `${BIN} missing: run make bin`);
  dir = mkdtempSync(join(tmpdir(), 'discreet-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  srv = spawn(BIN, ['serve', '--addr', `127.0.0.1:${port}`, '--db', join(dir, 'discreet.db'), '--public-url', base, '--no-rate-limit'], {
    env: { ...process.env, DISCREET_OWNER_TOKEN: OWNER },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  srv.stderr.on('data', (d) => { stderr += d; });
  for (let i = 0; ; i++) {
    try { if ((await fetch(base + '/healthz')).ok) break; } catch { /* not up yet */ }
    assert.ok(i < 100 && srv.exitCode === null, `discreet serve did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  b = await launch();
});

after(async () => {
  await b?.close();
  srv?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Sends a message to the background as the options page does. */
const bg = (msg) => toBackground(b, msg);

/** Types a post into X's Draft.js fixture and returns the overlay findings once rule shows. */
async function typeAndWait(text, rule) {
  const page = await openSite(b.context, 'x');
  await typeAndFind(page, '#editor .public-DraftEditor-content', text, rule);
  const fs = await overlayFindings(page);
  await page.close();
  return fs;
}

test('an admin publishes a facility; the enrolled extension flags it; a new version reaches it on refresh', async () => {
  const { admin_token: admin } = await api('POST', '/v1/institutions', OWNER, { slug: 'harbor', name: 'Harbor Health' });
  await api('PUT', '/v1/institutions/harbor/policy/draft', admin, { name: 'Harbor social media policy', facilities: ['Mercy West'] });
  const v1 = await api('POST', '/v1/institutions/harbor/policy/publish', admin);
  const { code } = await api('POST', '/v1/institutions/harbor/enrollment-codes', admin, {});

  const enrolled = await bg({ kind: 'enroll', backend_url: base, code });
  assert.ok(!enrolled?.error, JSON.stringify(enrolled));
  let st = await bg({ kind: 'state' });
  assert.equal(st.enrollment.slug, 'harbor');
  assert.equal(st.policy.version, v1.version);

  let fs = await typeAndWait('My patient from Mercy West came back tonight', 'privacy.facility');
  assert.ok(fs.some((f) => f.rule === 'privacy.facility'), JSON.stringify(fs));

  // Version 2 adds a second facility; a refresh brings it in.
  await api('PUT', '/v1/institutions/harbor/policy/draft', admin, { name: 'Harbor social media policy', facilities: ['Mercy West', 'Harbor Point'] });
  const v2 = await api('POST', '/v1/institutions/harbor/policy/publish', admin);
  assert.ok(v2.version > v1.version);
  const r = await bg({ kind: 'refresh' });
  assert.deepEqual(r, { status: 'updated', version: v2.version });
  fs = await typeAndWait('My patient at Harbor Point asked for me tonight', 'privacy.facility');
  assert.ok(fs.some((f) => f.rule === 'privacy.facility'), JSON.stringify(fs));
});

test('an enrolled extension keeps working across a key rotation (discreet keys rotate, then retire)', async () => {
  const db = join(dir, 'discreet.db');
  const keys = (...a) => execFileSync(BIN, ['keys', ...a, '--db', db], { encoding: 'utf8' });
  const oldId = keys('list').split('\n').find((l) => l.includes('\tsigning\t')).split('\t')[0];
  const { admin_token: admin } = await api('POST', '/v1/institutions', OWNER, { slug: 'rotor', name: 'Rotor Health' });
  await api('PUT', '/v1/institutions/rotor/policy/draft', admin, { facilities: ['Rotor North'] });
  await api('POST', '/v1/institutions/rotor/policy/publish', admin);
  const { code } = await api('POST', '/v1/institutions/rotor/enrollment-codes', admin, {});
  const enrolled = await bg({ kind: 'enroll', backend_url: base, code });
  assert.ok(!enrolled?.error, JSON.stringify(enrolled));

  // Rotate under the running server; the next version is signed with the new key.
  const rotated = keys('rotate');
  const newId = rotated.split('\n').find((l) => l.includes('\tsigning\t')).split('\t')[0];
  assert.notEqual(newId, oldId);
  await api('PUT', '/v1/institutions/rotor/policy/draft', admin, { facilities: ['Rotor North', 'Rotor Bay'] });
  const v2 = await api('POST', '/v1/institutions/rotor/policy/publish', admin);
  await new Promise((r) => setTimeout(r, 1100)); // the server re-reads its key list after 1 s
  const r2 = await bg({ kind: 'refresh' });
  assert.deepEqual(r2, { status: 'updated', version: v2.version });
  let fs = await typeAndWait('My patient at Rotor Bay asked for me tonight', 'privacy.facility');
  assert.ok(fs.some((f) => f.rule === 'privacy.facility'), JSON.stringify(fs));

  // Retire the old key: the extension keeps taking new versions.
  keys('retire', oldId);
  await api('PUT', '/v1/institutions/rotor/policy/draft', admin, { facilities: ['Rotor North', 'Rotor Bay', 'Rotor Hill'] });
  const v3 = await api('POST', '/v1/institutions/rotor/policy/publish', admin);
  const r3 = await bg({ kind: 'refresh' });
  assert.deepEqual(r3, { status: 'updated', version: v3.version });
  const { keys: listed } = await api('GET', '/v1/keys');
  assert.deepEqual(listed.map((k) => k.id), [newId]);
  fs = await typeAndWait('My patient at Rotor Hill asked for me tonight', 'privacy.facility');
  assert.ok(fs.some((f) => f.rule === 'privacy.facility'), JSON.stringify(fs));
});
