// @ts-check
// The extension's side of the settings backend (contract in README.md):
// enrollment, the signed policy bundle and its verification, and the opt-in
// daily counts. Every request is to the configured backend and carries no
// post text: enrollment sends the code, policy fetches send nothing but an
// ETag, counts send rule ids and numbers.
//
// Functions here take fetch and crypto.subtle as arguments so Node tests run
// them against a fake backend.

export class PolicyError extends Error {
  /** @param {string} m */
  constructor(m) { super(m); this.name = 'PolicyError'; }
}

/**
 * @typedef {{id: string, alg: string, public_key: string}} PublicKey
 * @typedef {{slug: string, institution: string, policy_url: string, keys: PublicKey[],
 *   report_token: string, backend_url: string, keyset_seq?: number}} Enrollment
 * @typedef {{slug: string, version: number, issued_at: string, policy: Record<string, any>,
 *   etag: string, fetched_at: number}} CachedPolicy
 */

/** Standard base64 to bytes. @param {string} s */
export function fromBase64(s) {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new PolicyError('not standard base64');
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** @param {string} u */
function httpURL(u) {
  let p;
  try { p = new URL(u); } catch { throw new PolicyError(`not a URL: ${u}`); }
  if (p.protocol !== 'https:' && p.protocol !== 'http:') throw new PolicyError(`not an http(s) URL: ${u}`);
  return p;
}

/**
 * The keys an enrollment hands out are trusted, so it must come over https;
 * plain http only to this machine (a local test backend).
 * @param {URL} u
 */
function trustedTransport(u) {
  if (u.protocol === 'https:') return;
  const h = u.hostname;
  if (h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return;
  throw new PolicyError(`the settings backend must use https (plain http only for localhost): ${u.origin}`);
}

/**
 * POST {backend}/v1/enroll {"code"} and check the answer's shape. When IT
 * pinned keys, the backend's keys must be among them. Over https only
 * (http for loopback), since the keys it answers are trusted from then on.
 * @param {string} backend @param {string} code @param {typeof fetch} fetchFn
 * @param {{pinnedKeys?: PublicKey[], institution?: string}} [o]
 * @returns {Promise<Enrollment>}
 */
export async function enroll(backend, code, fetchFn, o = {}) {
  const u = httpURL(backend);
  trustedTransport(u);
  const base = u.href.replace(/\/+$/, '');
  if (!code || typeof code !== 'string') throw new PolicyError('an enrollment code is required');
  let res;
  try {
    res = await fetchFn(base + '/v1/enroll', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }),
      credentials: 'omit', cache: 'no-store',
    });
  } catch (e) {
    throw new PolicyError(`the settings backend is unreachable: ${e instanceof Error ? e.message : e}`);
  }
  if (!res.ok) throw new PolicyError(`enrollment refused (HTTP ${res.status})${await errorOf(res)}`);
  const j = await res.json().catch(() => null);
  if (!j || typeof j.slug !== 'string' || !j.slug || typeof j.policy_url !== 'string' || !Array.isArray(j.keys)) {
    throw new PolicyError('the enrollment answer is malformed');
  }
  httpURL(j.policy_url);
  if (o.institution && j.slug !== o.institution) {
    throw new PolicyError(`this code is for "${j.slug}", but your organisation set "${o.institution}"`);
  }
  let keys = j.keys.filter((/** @type {any} */ k) => k && k.alg === 'Ed25519' && typeof k.id === 'string' && typeof k.public_key === 'string');
  if (o.pinnedKeys && o.pinnedKeys.length) {
    const pinned = new Set(o.pinnedKeys.map((k) => k.id + ':' + k.public_key));
    keys = keys.filter((/** @type {PublicKey} */ k) => pinned.has(k.id + ':' + k.public_key));
  }
  if (!keys.length) throw new PolicyError('the backend offered no usable signing key');
  return {
    slug: j.slug, institution: typeof j.institution === 'string' ? j.institution : j.slug,
    policy_url: j.policy_url, keys, report_token: typeof j.report_token === 'string' ? j.report_token : '',
    backend_url: base,
  };
}

/** @param {Response} res */
async function errorOf(res) {
  try {
    const j = await res.json();
    return j && typeof j.error === 'string' ? `: ${j.error.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

/**
 * Verifies a signed bundle and returns its payload. Rejects an unknown key,
 * a bad signature, another institution's policy and a version older than
 * `minVersion`.
 * @param {any} bundle @param {PublicKey[]} keys
 * @param {{slug: string, minVersion?: number}} expect
 * @param {SubtleCrypto} [subtle]
 */
export async function verifyBundle(bundle, keys, expect, subtle = crypto.subtle) {
  if (!bundle || typeof bundle !== 'object' || typeof bundle.key_id !== 'string' ||
      typeof bundle.payload !== 'string' || typeof bundle.signature !== 'string') {
    throw new PolicyError('the policy bundle is malformed');
  }
  const key = keys.find((k) => k.id === bundle.key_id && k.alg === 'Ed25519');
  if (!key) throw new UnknownKeyError(`the policy is signed with an unknown key "${bundle.key_id}"`);
  const raw = fromBase64(key.public_key);
  if (raw.length !== 32) throw new PolicyError('the signing key is not a 32-byte Ed25519 key');
  const payload = fromBase64(bundle.payload);
  const sig = fromBase64(bundle.signature);
  if (!await ed25519Verify(raw, sig, payload, subtle)) throw new PolicyError('the policy signature is not valid');
  let p;
  try {
    p = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw new PolicyError('the signed payload is not UTF-8 JSON');
  }
  if (!p || typeof p !== 'object' || typeof p.slug !== 'string' || !Number.isInteger(p.version) ||
      p.version < 1 || !p.policy || typeof p.policy !== 'object' || Array.isArray(p.policy)) {
    throw new PolicyError('the signed payload is malformed');
  }
  if (p.slug !== expect.slug) throw new PolicyError(`the policy is for "${p.slug}", not "${expect.slug}"`);
  if (expect.minVersion && p.version < expect.minVersion) {
    throw new PolicyError(`the policy version ${p.version} is older than the cached version ${expect.minVersion}`);
  }
  return { slug: p.slug, version: p.version, issued_at: typeof p.issued_at === 'string' ? p.issued_at : '', policy: p.policy };
}

/**
 * @param {Uint8Array<ArrayBuffer>} raw @param {Uint8Array<ArrayBuffer>} sig @param {Uint8Array<ArrayBuffer>} msg @param {SubtleCrypto} subtle
 * @returns {Promise<boolean>}
 */
async function ed25519Verify(raw, sig, msg, subtle) {
  if (sig.length !== 64) throw new PolicyError('the signature is not 64 bytes');
  try {
    // (Plain Uint8Arrays over ArrayBuffers; TypeScript's BufferSource also admits SharedArrayBuffer views.)
    const buf = (/** @type {Uint8Array} */ u) => /** @type {Uint8Array<ArrayBuffer>} */ (u);
    const k = await subtle.importKey('raw', buf(raw), { name: 'Ed25519' }, false, ['verify']);
    return await subtle.verify({ name: 'Ed25519' }, k, buf(sig), buf(msg));
  } catch (e) {
    throw new PolicyError(`cannot verify the signature: ${e instanceof Error ? e.message : e}`);
  }
}

/**
 * Fetches the policy with If-None-Match and verifies it.
 * @param {Enrollment} en @param {CachedPolicy | undefined} cached @param {typeof fetch} fetchFn
 * @param {{subtle?: SubtleCrypto, now?: number}} [o]
 * @returns {Promise<{status: 'updated' | 'not-modified', policy: CachedPolicy}>}
 */
export async function fetchPolicy(en, cached, fetchFn, o = {}) {
  const mine = cached && cached.slug === en.slug ? cached : undefined;
  /** @type {Record<string, string>} */
  const headers = {};
  if (mine?.etag) headers['if-none-match'] = mine.etag;
  let res;
  try {
    res = await fetchFn(en.policy_url, { headers, credentials: 'omit', cache: 'no-cache' });
  } catch (e) {
    throw new PolicyError(`the settings backend is unreachable: ${e instanceof Error ? e.message : e}`);
  }
  const now = o.now ?? Date.now();
  if (res.status === 304 && mine) return { status: 'not-modified', policy: { ...mine, fetched_at: now } };
  if (!res.ok) throw new PolicyError(`the policy fetch failed (HTTP ${res.status})`);
  const bundle = await res.json().catch(() => null);
  const v = await verifyBundle(bundle, en.keys, { slug: en.slug, minVersion: mine?.version }, o.subtle);
  return { status: 'updated', policy: { ...v, etag: res.headers.get('etag') || '', fetched_at: now } };
}

/** Thrown by verifyBundle when the bundle names a key the extension does not have. */
export class UnknownKeyError extends PolicyError {
  /** @param {string} m */
  constructor(m) { super(m); this.name = 'UnknownKeyError'; }
}

/** @param {any} k @returns {k is PublicKey} */
const usableKey = (k) => !!k && k.alg === 'Ed25519' && typeof k.id === 'string' && typeof k.public_key === 'string';

/**
 * GET {backend}/v1/keys and apply its key-set statements (after a key
 * rotation). The list of keys there is unsigned and never adds trust: only
 * a statement signed by a key the extension already trusts does, applied
 * in seq order, each once. Keys IT pinned stay trusted.
 * @param {Enrollment} en @param {typeof fetch} fetchFn @param {PublicKey[]} [pinned]
 * @param {SubtleCrypto} [subtle]
 * @returns {Promise<{keys: PublicKey[], keyset_seq: number}>}
 */
export async function fetchKeys(en, fetchFn, pinned = [], subtle = crypto.subtle) {
  let res;
  try {
    res = await fetchFn(`${en.backend_url}/v1/keys`, { credentials: 'omit', cache: 'no-cache' });
  } catch (e) {
    throw new PolicyError(`the settings backend is unreachable: ${e instanceof Error ? e.message : e}`);
  }
  if (!res.ok) throw new PolicyError(`the key list fetch failed (HTTP ${res.status})`);
  const j = await res.json().catch(() => null);
  if (!j || !Array.isArray(j.keys)) throw new PolicyError('the key list is malformed');
  const statements = [];
  for (const st of Array.isArray(j.statements) ? j.statements : []) {
    try {
      if (!st || typeof st.key_id !== 'string') continue;
      const payload = fromBase64(st.payload), sig = fromBase64(st.signature);
      const set = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
      if (set?.type !== 'discreet.keyset/v1' || !Number.isSafeInteger(set.seq) || !Array.isArray(set.keys)) continue;
      const keys = set.keys.filter(usableKey);
      if (keys.length) statements.push({ signer: st.key_id, seq: set.seq, keys, payload, sig });
    } catch { /* a malformed statement is skipped */ }
  }
  statements.sort((a, b) => a.seq - b.seq);
  let keys = en.keys, seq = en.keyset_seq ?? 0;
  for (const st of statements) {
    if (st.seq <= seq) continue;
    const signer = keys.find((k) => k.id === st.signer && usableKey(k));
    if (!signer) continue;
    const raw = fromBase64(signer.public_key);
    if (raw.length !== 32 || !await ed25519Verify(raw, st.sig, st.payload, subtle)) continue;
    keys = st.keys;
    seq = st.seq;
  }
  const have = new Set(keys.map((k) => k.id + ':' + k.public_key));
  return { keys: [...keys, ...pinned.filter((k) => usableKey(k) && !have.has(k.id + ':' + k.public_key))], keyset_seq: seq };
}

/**
 * POSTs one day's counts. The body holds rule ids and numbers only; false_alarms
 * ("Don't flag this for me" per rule) is sent when there are any.
 * @param {Enrollment} en @param {string} day @param {Record<string, number>} counts @param {typeof fetch} fetchFn
 * @param {Record<string, number>} [falseAlarms]
 */
export async function postCounts(en, day, counts, fetchFn, falseAlarms = {}) {
  /** Rule ids and positive integers only. @param {Record<string, number>} m */
  const only = (m) => {
    /** @type {Record<string, number>} */
    const o = {};
    for (const [k, v] of Object.entries(m)) if (/^[a-z_]+(\.[a-z0-9_]+)+$/.test(k) && Number.isInteger(v) && v > 0) o[k] = v;
    return o;
  };
  const clean = only(counts);
  const fa = only(falseAlarms);
  const res = await fetchFn(`${en.backend_url}/v1/institutions/${encodeURIComponent(en.slug)}/counts`, {
    method: 'POST', credentials: 'omit', cache: 'no-store',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${en.report_token}` },
    body: JSON.stringify(Object.keys(fa).length ? { day, counts: clean, false_alarms: fa } : { day, counts: clean }),
  });
  if (!res.ok) throw new PolicyError(`counts refused (HTTP ${res.status})`);
}

/** The policy JSON handed to the scanner, or '' for the defaults. @param {CachedPolicy | undefined} c */
export function policyForScanner(c) {
  if (!c) return { key: 'default', json: '' };
  return { key: `${c.slug}@${c.version}`, json: JSON.stringify(c.policy) };
}
