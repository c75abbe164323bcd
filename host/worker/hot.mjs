// The routes every enrolled extension calls, answered in JavaScript from D1
// without starting the Go program (whose module is instantiated and whose
// main runs afresh for each request the generated shim handles):
//
//   GET|HEAD /v1/institutions/{slug}/policy   the stored signed bundle, 200 or 304
//   GET /v1/keys                              the keys in force and the key-set statements
//   GET /healthz
//
// The answers are the Go handler's (host/server), byte for byte and header
// for header: the bundle and its ETag are stored as served when a version is
// published, so serving them needs no signing; each request reads D1, so a
// publish or a rollback is served at once. Anything else (another method, an
// Origin preflight, an encoded path) returns null and goes to Go.

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const POLICY = /^\/v1\/institutions\/([^/]+)\/policy$/;

/** Go's json.Marshal of a string: JSON with <, >, & and U+2028/9 escaped. @param {string} s */
export function goString(s) {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * The headers every answer carries (server.ServeHTTP), with CORS for an
 * allowed Origin; null when the Origin is not allowed.
 * @param {Request} req @param {URL} url @param {Record<string, any>} env
 */
function baseHeaders(req, url, env) {
  /** @type {[string, string][]} */
  const h = [['X-Content-Type-Options', 'nosniff'], ['Referrer-Policy', 'no-referrer']];
  const origin = req.headers.get('Origin');
  if (origin) {
    if (!originAllowed(origin, url, env)) return null;
    h.push(['Access-Control-Allow-Origin', origin], ['Vary', 'Origin'], ['Access-Control-Expose-Headers', 'ETag, Retry-After']);
  }
  return h;
}

/** server.originAllowed. @param {string} origin @param {URL} url @param {Record<string, any>} env */
function originAllowed(origin, url, env) {
  for (const p of ['chrome-extension://', 'moz-extension://']) {
    if (origin.startsWith(p)) {
      const rest = origin.slice(p.length);
      return rest !== '' && !/[/:@ ]/.test(rest);
    }
  }
  const base = (env.PUBLIC_URL || '').replace(/\/+$/, '') || `${url.protocol}//${url.host}`;
  return origin === base;
}

/** @param {number} status @param {string} body @param {[string, string][]} h @param {string} cache */
function json(status, body, h, cache) {
  return new Response(body + '\n', { status, headers: [...h, ['Cache-Control', cache], ['Content-Type', 'application/json; charset=utf-8']] });
}

/** @param {number} status @param {string} msg @param {[string, string][]} h */
function error(status, msg, h) {
  return json(status, `{"error":${goString(msg)}}`, h, 'no-store');
}

/** server.etagMatches. @param {string | null} header @param {string} etag */
function etagMatches(header, etag) {
  if (!header) return false;
  return header.split(',').some((t) => {
    t = t.trim();
    return t === '*' || (t.startsWith('W/') ? t.slice(2) : t) === etag;
  });
}

/**
 * Answers req when it is one of the hot routes, or returns null.
 * @param {Request} req @param {Record<string, any>} env
 * @returns {Promise<Response | null>}
 */
export async function hotPath(req, env) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  const url = new URL(req.url);
  const m = POLICY.exec(url.pathname);
  const route = m ? 'policy' : req.method === 'GET' && url.pathname === '/v1/keys' ? 'keys' :
    req.method === 'GET' && url.pathname === '/healthz' ? 'healthz' : null;
  if (!route || (m && m[1].includes('%')) || !env.DB) return null;
  const h = baseHeaders(req, url, env);
  if (!h) return error(403, 'origin not allowed: ' + req.headers.get('Origin'), [['X-Content-Type-Options', 'nosniff'], ['Referrer-Policy', 'no-referrer']]);
  if (route === 'healthz') {
    try {
      await env.DB.prepare('SELECT 1').first();
      return json(200, '{"status":"ok"}', h, 'no-store');
    } catch {
      return json(503, '{"status":"unavailable"}', h, 'no-store');
    }
  }
  if (route === 'keys') {
    const body = await keysBody(env);
    return body === null ? null : json(200, body, h, 'public, max-age=300');
  }
  const slug = m[1];
  const row = SLUG.test(slug)
    ? await env.DB.prepare('SELECT body, etag FROM policy_versions WHERE slug = ? ORDER BY version DESC LIMIT 1').bind(slug).first()
    : null;
  if (!row) return error(404, 'no published policy for this institution', h);
  h.push(['ETag', row.etag], ['Cache-Control', 'public, max-age=300']);
  if (etagMatches(req.headers.get('If-None-Match'), row.etag)) return new Response(null, { status: 304, headers: h });
  h.push(['Content-Type', 'application/json; charset=utf-8']);
  if (req.method === 'HEAD') return new Response(null, { status: 200, headers: h });
  return new Response(row.body, { status: 200, headers: h });
}

/** @param {Uint8Array} b */
const b64 = (b) => btoa(String.fromCharCode(...b));
/** @param {Uint8Array} b */
const hex = (b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** server.ParseSeed: 32 bytes as base64 (std or URL, padded or not) or hex. @param {string} s */
export function parseSeed(s) {
  s = String(s ?? '').trim();
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s) && !(/[+/]/.test(s) && /[_-]/.test(s))) {
    try {
      const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '').padEnd(Math.ceil(s.replace(/=+$/, '').length / 4) * 4, '='));
      if (bin.length === 32) return Uint8Array.from(bin, (c) => c.charCodeAt(0));
    } catch { /* not base64 */ }
  }
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
  return null;
}

/** @type {Map<string, Promise<{id: string, public_key: string} | null>>} */
const signers = new Map();

/**
 * The signing key's id and public half from the SIGNING_KEY secret (the
 * Ed25519 public key of a seed, through WebCrypto's PKCS#8 import).
 * @param {Record<string, any>} env
 */
function signer(env) {
  const k = `${env.SIGNING_KEY}\n${env.SIGNING_KEY_ID ?? ''}`;
  if (!signers.has(k)) {
    signers.set(k, (async () => {
      const seed = parseSeed(env.SIGNING_KEY);
      if (!seed) return null;
      const pkcs8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...seed]);
      const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
      const jwk = /** @type {any} */ (await crypto.subtle.exportKey('jwk', key));
      const pub = Uint8Array.from(atob(jwk.x.replace(/-/g, '+').replace(/_/g, '/') + '='), (c) => c.charCodeAt(0));
      const id = env.SIGNING_KEY_ID || 'k-' + hex(new Uint8Array(await crypto.subtle.digest('SHA-256', pub))).slice(0, 12);
      return { id, public_key: b64(pub) };
    })());
  }
  return /** @type {Promise<{id: string, public_key: string} | null>} */ (signers.get(k));
}

const SET_FIELDS = new Set(['type', 'seq', 'issued_at', 'keys']);
const KEY_FIELDS = new Set(['id', 'alg', 'public_key']);

/**
 * GET /v1/keys as server.KeyRing.WithStatements builds it: the signing key
 * first, then the other keys of the latest statement; every statement in seq
 * order. null (Go answers) when the secret is missing.
 * @param {Record<string, any>} env
 */
async function keysBody(env) {
  const me = await signer(env).catch(() => null);
  if (!me) return null;
  const { results } = await env.DB.prepare('SELECT key_id, payload, signature FROM key_statements ORDER BY seq').all();
  const good = [];
  for (const r of results ?? []) {
    let set;
    try { set = JSON.parse(r.payload); } catch { continue; }
    if (!set || typeof set !== 'object' || Object.keys(set).some((f) => !SET_FIELDS.has(f)) ||
        set.type !== 'discreet.keyset/v1' || !Number.isSafeInteger(set.seq) || set.seq < 1 || !Array.isArray(set.keys) || !set.keys.length ||
        set.keys.some((/** @type {any} */ k) => !k || typeof k !== 'object' || Object.keys(k).some((f) => !KEY_FIELDS.has(f)))) continue;
    good.push({ st: { key_id: r.key_id, payload: b64(new TextEncoder().encode(r.payload)), signature: r.signature }, set });
  }
  good.sort((a, b) => a.set.seq - b.set.seq);
  const keys = [{ id: me.id, alg: 'Ed25519', public_key: me.public_key }];
  for (const k of good.at(-1)?.set.keys ?? []) {
    if (k.id === me.id) continue;
    const pk = typeof k.public_key === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(k.public_key) ? atob(k.public_key) : '';
    if (pk.length === 32) keys.push({ id: String(k.id ?? ''), alg: 'Ed25519', public_key: k.public_key });
  }
  return `{"keys":[${keys.map((k) => `{"id":${goString(k.id)},"alg":"Ed25519","public_key":${goString(k.public_key)}}`).join(',')}],` +
    `"statements":[${good.map(({ st }) => `{"key_id":${goString(st.key_id)},"payload":${goString(st.payload)},"signature":${goString(st.signature)}}`).join(',')}]}`;
}
