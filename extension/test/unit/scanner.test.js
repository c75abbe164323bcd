// The scanner client (src/scanner.js) against the real scanner.wasm built by
// `make wasm`, and against small hand-made modules for the failure paths.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { fetchModule, loadScanner, ScannerError } from '../../src/scanner.js';

const wasmPath = fileURLToPath(new URL('../../../host/wasmhost/module/scanner.wasm', import.meta.url));
const bytes = readFileSync(wasmPath);

const TERMS = { terms: [{ phrase: 'zebra crossing', category: 'conduct', severity: 'warn', message: 'test term' }] };

test('loads, configures the defaults and reports policy info', async () => {
  const s = await loadScanner(bytes);
  const info = s.configure('');
  assert.equal(typeof info.name, 'string');
  assert.ok(['warn', 'block'].includes(info.enforce));
  assert.ok(info.rules > 0, `the defaults have rules (got ${info.rules})`);
  const cat = s.rules();
  assert.ok(Array.isArray(cat.rules));
  assert.deepEqual(cat.policy, info);
});

test('a custom term is found with UTF-16 offsets after an emoji and CJK', async () => {
  const s = await loadScanner(bytes);
  s.configure(TERMS);
  const text = '😀 病院 at the zebra crossing today';
  const r = s.scan(text);
  const f = r.findings.find((x) => x.rule.startsWith('conduct.') || x.message === 'test term');
  assert.ok(f, JSON.stringify(r));
  assert.equal(text.slice(f.start16, f.end16), 'zebra crossing');
  assert.equal(Buffer.from(text).subarray(f.start, f.end).toString(), 'zebra crossing');
});

test('the sample post gives name, MRN, room and phone findings', async () => {
  const s = await loadScanner(bytes);
  s.configure('');
  const text = 'My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788.';
  const r = s.scan(text);
  const by = Object.fromEntries(r.findings.map((f) => [f.rule, text.slice(f.start16, f.end16)]));
  assert.equal(by['privacy.name'], 'John Smith');
  assert.equal(by['privacy.room'], 'room 214');
  assert.equal(by['privacy.phone'], '555-201-7788');
  assert.ok(by['privacy.mrn']?.includes('44120931'));
  assert.equal(r.summary.risk, 'block');
});

test('the compact answer expands to exactly the full one', async () => {
  // The same module instance answers through both exports; the client uses
  // the compact one. Stories and custom messages differ per finding.
  const s = await loadScanner(bytes);
  s.configure(TERMS);
  const posts = [
    'My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788. '.repeat(12),
    'A 45yo M teacher from Springfield came into the ED tonight with HIV, zebra crossing 🚸 555-201-7788',
    '',
  ];
  const { instance } = await WebAssembly.instantiate(bytes, { wasi_snapshot_preview1: new Proxy({}, { get: () => () => 0 }) });
  assert.ok('discreet_scan_compact' in instance.exports);
  for (const text of posts) {
    const full = s.scanFull(text);
    const compact = s.scan(text);
    assert.deepEqual(compact, full);
  }
});

test('a bad policy is a clear error and the previous policy stays', async () => {
  const s = await loadScanner(bytes);
  s.configure(TERMS);
  assert.throws(() => s.configure('{"enforce": "sometimes"}'), (e) => e instanceof ScannerError && /enforce/.test(e.message) && !e.fatal);
  assert.throws(() => s.configure('{not json'), ScannerError);
  const r = s.scan('zebra crossing');
  assert.equal(r.findings.length, 1);
  assert.equal(s.broken, false);
});

test('large texts grow memory and still decode (memory.buffer re-read)', async () => {
  const s = await loadScanner(bytes);
  s.configure(TERMS);
  // 6 MiB of input makes the module grow its memory (the engine may scan only
  // a prefix of so long a text, so the term comes first).
  const before = s.scan('zebra crossing');
  const text = 'zebra crossing ' + 'x '.repeat(3 << 20);
  const r = s.scan(text);
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].start16, 0);
  assert.deepEqual(s.scan('zebra crossing'), before);
});

test('non-string text is an error, not a crash', async () => {
  const s = await loadScanner(bytes);
  assert.throws(() => s.scan(/** @type {any} */ (42)), ScannerError);
  assert.equal(s.broken, false);
});

test('corrupt bytes fail with a fatal ScannerError', async () => {
  const bad = bytes.slice(0, 1000);
  await assert.rejects(loadScanner(bad), (e) => e instanceof ScannerError && e.fatal && /cannot load/.test(e.message));
});

test('closed scanners refuse calls', async () => {
  const s = await loadScanner(bytes);
  s.close();
  assert.equal(s.broken, true);
  assert.throws(() => s.scan('hi'), /closed/);
});

// A hand-assembled module with the scanner's exports whose discreet_scan
// returns a negative length pointing at {"error":"boom"}, and whose
// discreet_rules traps (unreachable).
function fakeModule({ abi = 1 } = {}) {
  const err = '{"error":"boom"}';
  const enc = (s) => [...new TextEncoder().encode(s)];
  const u32 = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
  const i32s = (n) => { const out = []; while (true) { let b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { out.push(b); return out; } out.push(b | 0x80); } };
  const str = (s) => [...u32(enc(s).length), ...enc(s)];
  const section = (id, body) => [id, ...u32(body.length), ...body];
  const vec = (items) => [...u32(items.length), ...items.flat()];
  // types: 0 ()->(), 1 ()->i32, 2 (i32)->i32, 3 (i32)->(), 4 (i32,i32)->i32
  const types = vec([[0x60, 0, 0], [0x60, 0, 1, 0x7f], [0x60, 1, 0x7f, 1, 0x7f], [0x60, 1, 0x7f, 0], [0x60, 2, 0x7f, 0x7f, 1, 0x7f]]);
  const funcs = vec([[0], [1], [2], [3], [1], [4], [4], [1]]);
  const mem = vec([[0, 1]]);
  const names = ['_initialize', 'discreet_abi_version', 'discreet_alloc', 'discreet_free', 'discreet_output_ptr', 'discreet_configure', 'discreet_scan', 'discreet_rules'];
  const exports = vec([[...str('memory'), 2, 0], ...names.map((n, i) => [...str(n), 0, i])]);
  const body = (code) => [...u32(code.length + 2), 0, ...code, 0x0b];
  const codes = vec([
    body([]), // _initialize
    body([0x41, ...i32s(abi)]), // abi
    body([0x41, ...i32s(1024)]), // alloc
    body([]), // free
    body([0x41, ...i32s(16)]), // output_ptr
    body([0x41, ...i32s(-err.length)]), // configure: error
    body([0x41, ...i32s(-err.length)]), // scan: error
    body([0x00]), // rules: unreachable
  ]);
  const data = vec([[0, 0x41, 16, 0x0b, ...str(err)]]);
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, types), ...section(3, funcs), ...section(5, mem), ...section(7, exports), ...section(10, codes), ...section(11, data)]);
}

test('a negative length is an error answer with the module message', async () => {
  const s = await loadScanner(fakeModule());
  assert.throws(() => s.scan('text'), (e) => e instanceof ScannerError && e.message === 'boom' && !e.fatal);
  assert.throws(() => s.configure('{}'), /boom/);
  assert.equal(s.broken, false);
});

test('a trap marks the instance broken', async () => {
  const s = await loadScanner(fakeModule());
  assert.throws(() => s.rules(), (e) => e instanceof ScannerError && e.fatal && /crashed/.test(e.message));
  assert.equal(s.broken, true);
  assert.throws(() => s.scan('x'), /reloaded/);
});

test('an unknown ABI version is refused', async () => {
  await assert.rejects(loadScanner(fakeModule({ abi: 2 })), /ABI 2/);
});

test('fetchModule compiles while streaming when the type is application/wasm, from the bytes otherwise, and fails clearly', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(bytes);
    else if (req.url === '/octets') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    else if (req.url === '/junk') res.writeHead(200, { 'content-type': 'application/wasm' }).end('not a module');
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const base = `http://127.0.0.1:${/** @type {any} */ (server.address()).port}`;
  try {
    for (const path of ['/wasm', '/octets']) {
      const m = await fetchModule(base + path);
      assert.ok(m instanceof WebAssembly.Module, path);
      const s = await loadScanner(m);
      s.configure('');
      assert.ok(s.scan('My patient John Smith, MRN 44120931').findings.length > 0, path);
    }
    await assert.rejects(fetchModule(base + '/junk'), WebAssembly.CompileError);
    await assert.rejects(fetchModule(base + '/missing'), (e) => e instanceof ScannerError && /HTTP 404/.test(e.message));
  } finally {
    server.close();
  }
});

test('fetchModule unpacks a .gz module while it compiles, and a corrupt or wrong one fails with a ScannerError naming it', async () => {
  const gz = gzipSync(bytes, { level: 9 });
  const server = createServer((req, res) => {
    // Extension URLs serve .gz files as they are, with no content-encoding.
    if (req.url === '/scanner.wasm.gz') res.writeHead(200, { 'content-type': 'application/gzip' }).end(gz);
    else if (req.url === '/junk.wasm.gz') res.writeHead(200).end('not gzip at all');
    else if (req.url === '/text.wasm.gz') res.writeHead(200).end(gzipSync(Buffer.from('gzip, but not a module')));
    else if (req.url === '/cut.wasm.gz') res.writeHead(200).end(gz.subarray(0, gz.length >> 1));
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const base = `http://127.0.0.1:${/** @type {any} */ (server.address()).port}`;
  try {
    const m = await fetchModule(base + '/scanner.wasm.gz');
    const s = await loadScanner(m);
    s.configure('');
    const text = 'My patient John Smith, MRN 44120931, was discharged today from room 214.';
    const plain = await loadScanner(bytes);
    plain.configure('');
    assert.deepEqual(s.scan(text), plain.scan(text), 'the unpacked module answers as the plain one');
    assert.ok(s.scan(text).findings.some((f) => f.rule === 'privacy.mrn'));
    for (const path of ['/junk.wasm.gz', '/text.wasm.gz', '/cut.wasm.gz']) {
      await assert.rejects(fetchModule(base + path),
        (e) => e instanceof ScannerError && e.fatal && /scanner\.wasm\.gz/.test(e.message), path);
    }
    await assert.rejects(fetchModule(base + '/gone.wasm.gz'), (e) => e instanceof ScannerError && /HTTP 404/.test(e.message));
  } finally {
    server.close();
  }
});
