// Policy bundle verification, enrollment, the 304 path and counts
// (src/policy.js) against a fake backend built on Node's Ed25519.
import test from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { enroll, verifyBundle, fetchPolicy, fetchKeys, postCounts, fromBase64, PolicyError, UnknownKeyError } from '../../src/policy.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url').toString('base64');
const KEYS = [{ id: 'k1', alg: 'Ed25519', public_key: raw }];

function bundle(payload, { key = privateKey, keyId = 'k1', tamper = false } = {}) {
  const p = Buffer.from(JSON.stringify(payload));
  const sig = sign(null, p, key);
  if (tamper) p[p.length - 2] ^= 1;
  return { key_id: keyId, payload: p.toString('base64'), signature: sig.toString('base64') };
}
const P = { slug: 'mercy', version: 7, issued_at: '2026-11-25T12:00:00Z', policy: { name: 'Mercy', facilities: ['Mercy West'] } };

test('a good bundle verifies and yields its payload', async () => {
  const v = await verifyBundle(bundle(P), KEYS, { slug: 'mercy' });
  assert.deepEqual(v, P);
});

test('a tampered payload, a wrong key, an unknown key id are rejected', async () => {
  await assert.rejects(verifyBundle(bundle(P, { tamper: true }), KEYS, { slug: 'mercy' }), /signature is not valid/);
  const other = generateKeyPairSync('ed25519').privateKey;
  await assert.rejects(verifyBundle(bundle(P, { key: other }), KEYS, { slug: 'mercy' }), /signature is not valid/);
  await assert.rejects(verifyBundle(bundle(P, { keyId: 'k9' }), KEYS, { slug: 'mercy' }), (e) => e instanceof UnknownKeyError && /unknown key "k9"/.test(e.message));
});

test('another institution and an older version are rejected; the same version is fine', async () => {
  await assert.rejects(verifyBundle(bundle(P), KEYS, { slug: 'stjohn' }), /for "mercy", not "stjohn"/);
  await assert.rejects(verifyBundle(bundle(P), KEYS, { slug: 'mercy', minVersion: 8 }), /older than the cached version 8/);
  assert.equal((await verifyBundle(bundle(P), KEYS, { slug: 'mercy', minVersion: 7 })).version, 7);
});

test('malformed bundles and payloads are clear errors', async () => {
  await assert.rejects(verifyBundle(null, KEYS, { slug: 'mercy' }), /malformed/);
  await assert.rejects(verifyBundle({ key_id: 'k1', payload: '!!', signature: 'AA==' }, KEYS, { slug: 'mercy' }), PolicyError);
  await assert.rejects(verifyBundle(bundle({ slug: 'mercy', version: 'seven', policy: {} }), KEYS, { slug: 'mercy' }), /payload is malformed/);
  await assert.rejects(verifyBundle(bundle({ slug: 'mercy', version: 1, policy: [] }), KEYS, { slug: 'mercy' }), /payload is malformed/);
  assert.throws(() => fromBase64('a-b_'), /base64/);
});

/** A fetch over a table of handlers; records requests. */
function fakeFetch(handler) {
  const calls = [];
  const f = async (url, init = {}) => {
    calls.push({ url, init });
    const r = await handler(url, init);
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), { status: r.status ?? 200, headers: r.headers ?? {} });
  };
  return { f, calls };
}

test('enroll posts only the code and checks the answer', async () => {
  const { f, calls } = fakeFetch(() => ({ body: { slug: 'mercy', institution: 'Mercy Health', policy_url: 'https://b.example/v1/institutions/mercy/policy', keys: KEYS, report_token: 'rt' } }));
  const en = await enroll('https://b.example/', 'CODE-1', f);
  assert.equal(calls[0].url, 'https://b.example/v1/enroll');
  assert.equal(calls[0].init.body, '{"code":"CODE-1"}');
  assert.equal(calls[0].init.method, 'POST');
  assert.deepEqual(en, { slug: 'mercy', institution: 'Mercy Health', policy_url: 'https://b.example/v1/institutions/mercy/policy', keys: KEYS, report_token: 'rt', backend_url: 'https://b.example' });
  await assert.rejects(enroll('https://b.example', 'CODE-1', f, { institution: 'stjohn' }), /for "mercy"/);
  await assert.rejects(enroll('https://b.example', 'CODE-1', f, { pinnedKeys: [{ id: 'k1', alg: 'Ed25519', public_key: 'AAAA' }] }), /no usable signing key/);
  await assert.rejects(enroll('ftp://b.example', 'C', f), /http/);
  const refused = fakeFetch(() => ({ status: 403, body: { error: 'unknown code' } }));
  await assert.rejects(enroll('https://b.example', 'BAD', refused.f), /HTTP 403.*unknown code/);
  const down = async () => { throw new TypeError('Failed to fetch'); };
  await assert.rejects(enroll('https://b.example', 'C', down), /unreachable/);
});

const EN = { slug: 'mercy', institution: 'Mercy', policy_url: 'https://b.example/p', keys: KEYS, report_token: 'rt', backend_url: 'https://b.example' };

test('fetchPolicy verifies, keeps the ETag and sends If-None-Match; 304 keeps the cache', async () => {
  const { f, calls } = fakeFetch((url, init) => (init.headers['if-none-match'] === '"v7"' ? { status: 304 } : { body: bundle(P), headers: { etag: '"v7"' } }));
  const first = await fetchPolicy(EN, undefined, f, { now: 1 });
  assert.equal(first.status, 'updated');
  assert.equal(first.policy.etag, '"v7"');
  assert.deepEqual(first.policy.policy, P.policy);
  assert.equal(calls[0].init.headers['if-none-match'], undefined);
  const second = await fetchPolicy(EN, first.policy, f, { now: 2 });
  assert.equal(second.status, 'not-modified');
  assert.equal(calls[1].init.headers['if-none-match'], '"v7"');
  assert.deepEqual(second.policy.policy, P.policy);
  assert.equal(second.policy.fetched_at, 2);
});

test('fetchPolicy refuses a downgrade and a bad signature, and reports a down backend', async () => {
  const cached = { ...P, etag: '"v9"', version: 9, fetched_at: 0 };
  const { f } = fakeFetch(() => ({ body: bundle(P), headers: { etag: '"v7"' } }));
  await assert.rejects(fetchPolicy(EN, cached, f), /older/);
  const bad = fakeFetch(() => ({ body: bundle(P, { tamper: true }) }));
  await assert.rejects(fetchPolicy(EN, undefined, bad.f), /signature/);
  const down = fakeFetch(() => ({ status: 503 }));
  await assert.rejects(fetchPolicy(EN, cached, down.f), /HTTP 503/);
});

test('counts carry rule ids and numbers only, with the report token', async () => {
  const { f, calls } = fakeFetch(() => ({ body: { ok: true } }));
  await postCounts(EN, '2026-11-24', { 'privacy.phone': 3, 'conduct.profanity': 1, 'John Smith': 2, 'privacy.mrn': 0 }, f);
  assert.equal(calls[0].url, 'https://b.example/v1/institutions/mercy/counts');
  assert.equal(calls[0].init.headers.authorization, 'Bearer rt');
  assert.deepEqual(JSON.parse(calls[0].init.body), { day: '2026-11-24', counts: { 'privacy.phone': 3, 'conduct.profanity': 1 } });
});

test('false alarms travel as rule ids and numbers only, and only when there are some', async () => {
  const { f, calls } = fakeFetch(() => ({ body: { ok: true } }));
  await postCounts(EN, '2026-11-24', { 'privacy.phone': 1 }, f, { 'privacy.name': 2, 'John Smith': 1, 'conduct.profanity': -1 });
  assert.deepEqual(JSON.parse(calls[0].init.body), { day: '2026-11-24', counts: { 'privacy.phone': 1 }, false_alarms: { 'privacy.name': 2 } });
});

/** A key-set statement {type, seq, keys} signed by `key` as `keyId`. */
function statement(seq, keys, { key = privateKey, keyId = 'k1' } = {}) {
  const p = Buffer.from(JSON.stringify({ type: 'discreet.keyset/v1', seq, issued_at: '2026-12-01T00:00:00Z', keys }));
  return { key_id: keyId, payload: p.toString('base64'), signature: sign(null, p, key).toString('base64') };
}
function newKey(id) {
  const k = generateKeyPairSync('ed25519');
  return { priv: k.privateKey, pub: { id, alg: 'Ed25519', public_key: Buffer.from(k.publicKey.export({ format: 'jwk' }).x, 'base64url').toString('base64') } };
}

test('fetchKeys: an unsigned key list adds no trust; a statement signed by a trusted key does', async () => {
  const evil = newKey('k-evil');
  const unsigned = fakeFetch(() => ({ body: { keys: [...KEYS, evil.pub], statements: [] } }));
  assert.deepEqual(await fetchKeys(EN, unsigned.f), { keys: KEYS, keyset_seq: 0 });
  assert.equal(unsigned.calls[0].url, 'https://b.example/v1/keys');
  // A statement the attacker signed with its own key (even naming itself k1) adds nothing.
  const forged = fakeFetch(() => ({ body: { keys: [evil.pub], statements: [
    statement(5, [evil.pub], { key: evil.priv, keyId: 'k-evil' }), statement(6, [evil.pub], { key: evil.priv, keyId: 'k1' })] } }));
  assert.deepEqual(await fetchKeys(EN, forged.f), { keys: KEYS, keyset_seq: 0 });
  // A rotation: k1 states {k2, k1}; then k2 retires k1.
  const k2 = newKey('k2');
  const rotation = statement(10, [k2.pub, ...KEYS]);
  const retire = statement(11, [k2.pub], { key: k2.priv, keyId: 'k2' });
  const both = fakeFetch(() => ({ body: { keys: [k2.pub], statements: [retire, rotation] } }));
  assert.deepEqual(await fetchKeys(EN, both.f), { keys: [k2.pub], keyset_seq: 11 });
  const overlap = fakeFetch(() => ({ body: { keys: [k2.pub, ...KEYS], statements: [rotation] } }));
  const learnt = await fetchKeys(EN, overlap.f);
  assert.deepEqual(learnt, { keys: [k2.pub, ...KEYS], keyset_seq: 10 });
  // A replayed older statement changes nothing once a later one applied.
  assert.deepEqual(await fetchKeys({ ...EN, keys: [k2.pub], keyset_seq: 11 }, overlap.f), { keys: [k2.pub], keyset_seq: 11 });
  // A bundle signed by k2 verifies with the learnt keys only.
  const b2 = bundle(P, { key: k2.priv, keyId: 'k2' });
  await assert.rejects(verifyBundle(b2, KEYS, { slug: 'mercy' }), UnknownKeyError);
  assert.equal((await verifyBundle(b2, learnt.keys, { slug: 'mercy' })).version, 7);
  // Keys IT pinned stay trusted.
  const pin = newKey('k-pin').pub;
  assert.deepEqual((await fetchKeys(EN, both.f, [pin])).keys, [k2.pub, pin]);
  const bad = fakeFetch(() => ({ body: { nope: 1 } }));
  await assert.rejects(fetchKeys(EN, bad.f), /malformed/);
});

test('enrollment is refused over plain http except to this machine', async () => {
  const { f } = fakeFetch(() => ({ body: { slug: 'mercy', institution: 'Mercy Health', policy_url: 'http://127.0.0.1:8080/p', keys: KEYS, report_token: 'rt' } }));
  await assert.rejects(enroll('http://settings.example.org', 'C', f), /must use https/);
  await assert.rejects(enroll('http://10.0.0.5:8080', 'C', f), /must use https/);
  for (const u of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'https://settings.example.org']) {
    assert.equal((await enroll(u, 'C', f)).slug, 'mercy', u);
  }
});
