// The module kept between loads (scanner.js, loadPackagedModule): against an
// HTTP server that serves scanner.id and scanner.wasm.gz as the build writes
// them, with an in-memory Cache API (Node has none), the first load fetches
// and keeps the unpacked module, later loads compile the kept one, a new
// build's id replaces it, and a kept entry that fails is dropped and fetched
// again.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { keepPackagedModule, keptModuleUsed, loadPackagedModule, loadScanner, MODULE_CACHE, ScannerError } from '../../src/scanner.js';

const bytes = readFileSync(fileURLToPath(new URL('../../../host/wasmhost/module/scanner.wasm', import.meta.url)));
const gz = gzipSync(bytes, { level: 9 });
const realID = createHash('sha256').update(bytes).digest('hex');

/** An in-memory CacheStorage with the calls scanner.js makes. */
class FakeCache {
  constructor() { /** @type {Map<string, {body: Uint8Array, headers: [string, string][]}>} */ this.entries = new Map(); }
  /** @param {string | Request} k */
  static url(k) { return typeof k === 'string' ? k : k.url; }
  async match(/** @type {string} */ k) {
    const e = this.entries.get(FakeCache.url(k));
    return e && new Response(e.body, { headers: e.headers });
  }
  async put(/** @type {string} */ k, /** @type {Response} */ res) {
    const body = new Uint8Array(await res.arrayBuffer());
    this.entries.set(FakeCache.url(k), { body, headers: [...res.headers] });
  }
  async keys() { return [...this.entries.keys()].map((url) => ({ url })); }
  async delete(/** @type {string | Request} */ k) { return this.entries.delete(FakeCache.url(k)); }
}
const stores = new Map();
/** @type {any} */ (globalThis).caches = {
  open: async (/** @type {string} */ name) => {
    if (!stores.has(name)) stores.set(name, new FakeCache());
    return stores.get(name);
  },
};
const kept = () => /** @type {FakeCache} */ (stores.get(MODULE_CACHE));

/** Waits up to two seconds for ok(), keeping runs after the load returns. */
async function waitFor(/** @type {() => boolean} */ ok, /** @type {() => string} */ why) {
  for (let i = 0; i < 200; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(why());
}

/** Waits for the cache to hold exactly the entries of ids. */
async function until(/** @type {string[]} */ ids) {
  const want = JSON.stringify(ids.map((id) => `https://discreet.invalid/scanner-${id}.wasm`).sort());
  const have = () => (kept() ? [...kept().entries.keys()].sort() : []);
  await waitFor(() => JSON.stringify(have()) === want, () => `cache holds ${have()}, want ${want}`);
}

/**
 * Runs f with the base URL of a server of scanner.id and scanner.wasm.gz
 * and the object they are served from (f may change it; it counts the
 * module's fetches).
 * @param {(base: string, served: {id: string, gz: Buffer, gzFetches: number, idStatus: number}) => Promise<void>} f
 */
async function withServer(f) {
  const served = { id: realID, gz: /** @type {Buffer} */ (gz), gzFetches: 0, idStatus: 200 };
  const server = createServer((req, res) => {
    if (req.url?.endsWith('/scanner.id')) res.writeHead(served.idStatus).end(served.id + '\n');
    else if (req.url?.endsWith('/scanner.wasm.gz')) { served.gzFetches++; res.writeHead(200).end(served.gz); }
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  try {
    await f(`http://127.0.0.1:${/** @type {any} */ (server.address()).port}/`, served);
  } finally {
    server.close();
  }
}

const TEXT = 'My patient John Smith, MRN 44120931, was discharged today from room 214.';
async function answers(/** @type {WebAssembly.Module} */ m) {
  const s = await loadScanner(m);
  s.configure('');
  return s.scan(TEXT);
}

test('the first load keeps the unpacked module, the next ones compile it without fetching, a new build replaces it', () => withServer(async (base, served) => {
  const plain = await answers(await WebAssembly.compile(bytes));
  assert.ok(plain.findings.some((f) => f.rule === 'privacy.mrn'));
  assert.deepEqual(await answers(await loadPackagedModule(base)), plain);
  assert.equal(served.gzFetches, 1);
  await until([realID]);
  assert.deepEqual(kept().entries.get(`https://discreet.invalid/scanner-${realID}.wasm`)?.body, new Uint8Array(bytes),
    'the entry is the unpacked module');
  for (let i = 0; i < 2; i++) assert.deepEqual(await answers(await loadPackagedModule(base)), plain);
  assert.equal(served.gzFetches, 1, 'later loads compile the kept module');

  // An update: a new id fetches the module again and keeps only its entry.
  served.id = 'ab'.repeat(32);
  assert.deepEqual(await answers(await loadPackagedModule(base)), plain);
  assert.equal(served.gzFetches, 2);
  await until([served.id]);
}));

test('a kept entry that does not compile is dropped and the module fetched and kept again', () => withServer(async (base, served) => {
  served.id = 'cd'.repeat(32);
  const key = `https://discreet.invalid/scanner-${served.id}.wasm`;
  const c = /** @type {FakeCache} */ (await caches.open(MODULE_CACHE));
  c.entries.clear();
  c.entries.set(key, { body: new TextEncoder().encode('not a module'), headers: [['content-type', 'application/wasm']] });
  const m = await loadPackagedModule(base);
  assert.ok((await answers(m)).findings.some((f) => f.rule === 'privacy.mrn'));
  assert.equal(served.gzFetches, 1);
  await waitFor(() => kept().entries.get(key)?.body.length === bytes.length, () => 'the fetched module was not kept again');
  assert.deepEqual(kept().entries.get(key)?.body, new Uint8Array(bytes));
}));

test('without scanner.id nothing is kept, and a broken module fails as before and is not kept', () => withServer(async (base, served) => {
  kept().entries.clear();
  served.idStatus = 404;
  assert.ok((await answers(await loadPackagedModule(base))).findings.length > 0);
  served.id = 'not hex';
  served.idStatus = 200;
  assert.ok((await answers(await loadPackagedModule(base))).findings.length > 0);
  assert.equal(served.gzFetches, 2);
  assert.equal(kept().entries.size, 0);

  served.id = 'ef'.repeat(32);
  served.gz = gzipSync(Buffer.from('gzip, but not a module'));
  await assert.rejects(loadPackagedModule(base), (e) => e instanceof ScannerError && e.fatal && /scanner\.wasm\.gz/.test(e.message));
  served.gz = gz.subarray(0, gz.length >> 1);
  await assert.rejects(loadPackagedModule(base), (e) => e instanceof ScannerError && e.fatal);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(kept().entries.size, 0, 'a module that failed is not kept');
}));

test('keeping the module ahead of its first load (at start-up) makes that load compile the kept one', () => withServer(async (base, served) => {
  served.id = '12'.repeat(32);
  const key = `https://discreet.invalid/scanner-${served.id}.wasm`;
  const c = /** @type {FakeCache} */ (await caches.open(MODULE_CACHE));
  c.entries.set('https://discreet.invalid/scanner-old.wasm', { body: new Uint8Array([1]), headers: [] });
  assert.equal(await keepPackagedModule(base), true);
  assert.equal(served.gzFetches, 1);
  assert.deepEqual([...kept().entries.keys()], [key], 'only the shipped module is kept');
  assert.deepEqual(kept().entries.get(key)?.body, new Uint8Array(bytes), 'the entry is the unpacked module');
  assert.equal(await keepPackagedModule(base), true, 'kept already');
  assert.equal(served.gzFetches, 1, 'an entry already there is not fetched again');
  const plain = await answers(await WebAssembly.compile(bytes));
  assert.deepEqual(await answers(await loadPackagedModule(base)), plain);
  assert.equal(keptModuleUsed(), true, 'the first load compiled the kept module');
  assert.equal(served.gzFetches, 1);

  // Nothing to keep: no id, a broken download. It says so and never throws.
  kept().entries.clear();
  served.idStatus = 404;
  assert.equal(await keepPackagedModule(base), false);
  served.idStatus = 200;
  served.id = '34'.repeat(32);
  served.gz = gz.subarray(0, gz.length >> 1);
  assert.equal(await keepPackagedModule(base), false);
  assert.equal(kept().entries.size, 0, 'a download that failed is not kept');
}));
