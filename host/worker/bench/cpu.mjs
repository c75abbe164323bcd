// CPU time per request of the worker's routes, measured in Node 20 (V8, the
// engine workerd runs) because `wrangler dev` offline reports no CPU time.
// D1 is a stub that answers at once with rows of the real shapes: its
// queries are I/O on Workers, not the isolate's CPU, so what is left is the
// CPU a request costs the worker itself.
//
//   hot routes (hot.mjs, no Go): policy 200, revalidation 304, keys, healthz
//   Go routes: the generated shim's per-request work (instantiate the Go
//   module, run main until it serves) plus a route that reads nothing
//   (an unknown path: 404); the admin routes add their D1 round trips and
//   a few ms of JSON at most on top of that.
//
//   make worker-build && node host/worker/bench/cpu.mjs    (make bench-worker-cpu)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { hotPath } from '../hot.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const build = join(here, '..', 'build');
const N = Number(process.env.N || 2000);

// A published bundle of ordinary size (the native server's answer for a
// policy with a few facilities and terms is 1-3 KB).
const body = JSON.stringify({ payload: randomBytes(1500).toString('base64'), key_id: 'k-0123456789ab', signature: randomBytes(64).toString('base64') });
const etag = '"v7-0123456789abcdef"';
const statement = { key_id: 'k-0123456789ab', payload: JSON.stringify({ type: 'discreet.keyset/v1', seq: 1, issued_at: '2026-12-01T00:00:00Z',
  keys: [{ id: 'k-0123456789ab', alg: 'Ed25519', public_key: randomBytes(32).toString('base64') }] }), signature: randomBytes(64).toString('base64') };
const stmt = (sql) => ({
  bind() { return this; },
  async first() { return sql.includes('policy_versions') ? { body, etag } : { 1: 1 }; },
  async all() { return { results: sql.includes('key_statements') ? [statement] : [] }; },
});
const env = { DB: { prepare: stmt }, SIGNING_KEY: randomBytes(32).toString('base64'), OWNER_TOKEN: 'dso_' + randomBytes(32).toString('hex') };

/** Mean CPU µs (user + system) of n calls of f, after n/10 to warm up. */
async function cpu(n, f) {
  for (let i = 0; i < Math.max(5, n / 10); i++) await f();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}

const base = 'https://discreet.example.org';
const policy = `${base}/v1/institutions/mercy/policy`;
const rows = [];
const hot = async (label, url, headers, want) => {
  const us = await cpu(N, async () => {
    const r = await hotPath(new Request(url, { headers }), env);
    if (!r || r.status !== want) throw new Error(`${label}: ${r?.status}, want ${want}`);
    await r.arrayBuffer();
  });
  rows.push([label, us]);
};
await hot('policy fetch (200)', policy, {}, 200);
await hot('revalidation (304)', policy, { 'If-None-Match': etag }, 304);
await hot('keys', `${base}/v1/keys`, {}, 200);
await hot('healthz', `${base}/healthz`, {}, 200);

// The Go side, as the generated shim (build/worker.mjs) runs it per request.
await import(join(build, 'wasm_exec.js'));
const mod = await WebAssembly.compile(readFileSync(join(build, 'app.wasm')));
globalThis.tryCatch = (fn) => { try { return { result: fn() }; } catch (e) { return { error: e }; } };
async function goRequest(req) {
  const go = new globalThis.Go();
  let ready;
  const started = new Promise((r) => { ready = r; });
  const instance = new WebAssembly.Instance(mod, { ...go.importObject, workers: { ready: () => ready() } });
  const binding = {};
  go.run(instance, { env, ctx: { waitUntil() {}, passThroughOnException() {} }, connect: null, binding });
  await started;
  return binding.handleRequest(req);
}
const goN = Math.max(20, Math.floor(N / 40));
rows.push(['Go: start per request + 404', await cpu(goN, async () => {
  const r = await goRequest(new Request(`${base}/v1/no-such-route`));
  if (r.status !== 404) throw new Error(`404 route: ${r.status}`);
  await r.arrayBuffer();
})]);

console.log(`CPU per request (Node ${process.versions.node}, V8 ${process.versions.v8}; D1 stubbed; means over ${N} hot and ${goN} Go requests)`);
for (const [label, us] of rows) console.log(`${label.padEnd(30)} ${us >= 1000 ? (us / 1000).toFixed(2) + ' ms' : us.toFixed(0) + ' µs'}`);
process.exit(0); // the Go program keeps its event loop alive
