// Measures the routes an enrolled extension calls, against a running server
// (wrangler dev through host/worker/wrangler.sh test, or the native one):
// policy fetch (200), revalidation with If-None-Match (304) and /v1/keys,
// as medians and 99th percentiles over N sequential requests.
//
//   host/worker/wrangler.sh test node host/worker/bench/hotpath.mjs   (make bench-worker)
const base = (process.env.DISCREET_TEST_BASE_URL || '').replace(/\/$/, '');
const owner = process.env.DISCREET_TEST_OWNER_TOKEN;
if (!base || !owner) {
  console.error('hotpath.mjs: set DISCREET_TEST_BASE_URL and DISCREET_TEST_OWNER_TOKEN (wrangler.sh test does)');
  process.exit(2);
}
const N = Number(process.env.N || 200);
const slug = 'bench-' + Date.now().toString(36);

async function call(method, path, token, body) {
  const r = await fetch(base + path, { method, headers: token ? { Authorization: `Bearer ${token}` } : {}, body: body && JSON.stringify(body) });
  if (r.status >= 400) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

const { admin_token: admin } = await call('POST', '/v1/institutions', owner, { slug, name: 'Bench Health' });
await call('PUT', `/v1/institutions/${slug}/policy/draft`, admin, { facilities: ['Bench General'] });
await call('POST', `/v1/institutions/${slug}/policy/publish`, admin, {});

async function time(label, init) {
  const ms = [];
  let etag;
  for (let i = 0; i < N + 10; i++) {
    const t0 = performance.now();
    const r = await fetch(base + init.path, { headers: init.headers?.(etag) || {} });
    await r.arrayBuffer();
    const dt = performance.now() - t0;
    if (r.status !== init.want) throw new Error(`${label}: HTTP ${r.status}, want ${init.want}`);
    etag = r.headers.get('etag') || etag;
    if (i >= 10) ms.push(dt); // the first ten warm up
  }
  ms.sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(1);
  console.log(`${label.padEnd(28)} p50 ${q(0.5)} ms  p99 ${q(0.99)} ms  (${N} requests)`);
}

const policy = `/v1/institutions/${slug}/policy`;
const first = await fetch(base + policy);
const etag = first.headers.get('etag');
await first.arrayBuffer();
await time('policy fetch (200)', { path: policy, want: 200 });
await time('revalidation (304)', { path: policy, want: 304, headers: () => ({ 'If-None-Match': etag }) });
await time('keys', { path: '/v1/keys', want: 200 });
