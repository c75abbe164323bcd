// The scanner's host (src/engine.js) with the real module in Node: a load
// ends with the warm-up scan, a module that cannot load fails open with a
// clear error, and the warm-up post reaches every category's rules.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createEngine, WARM_UP_POST } from '../../src/engine.js';
import { loadScanner } from '../../src/scanner.js';

const wasm = new URL('../../../host/wasmhost/module/scanner.wasm', import.meta.url);

test('the warm-up post reaches every category, identifiers, names and places', async () => {
  const s = await loadScanner(await readFile(wasm));
  const found = s.scanFull(WARM_UP_POST).findings;
  const cats = new Set(found.map((f) => f.category));
  for (const c of ['privacy', 'boundaries', 'conduct', 'misinformation', 'disclosure']) assert.ok(cats.has(c), `no ${c} finding in ${JSON.stringify([...cats])}`);
  const rules = new Set(found.map((f) => f.rule));
  for (const r of ['privacy.name', 'privacy.mrn', 'privacy.phone', 'privacy.email', 'privacy.ssn', 'privacy.geo', 'privacy.url']) {
    assert.ok(rules.has(r), `no ${r} in ${JSON.stringify([...rules])}`);
  }
  s.close();
});

test('an engine loads, warms up and scans; a module that cannot load fails open', async () => {
  let loads = 0;
  const e = createEngine(async () => { loads++; return readFile(wasm); });
  const r = await e.scan('Proud of our team tonight.');
  assert.equal(r.error, undefined);
  assert.equal(e.status().loaded, true);
  assert.equal(e.status().scans, 1, 'the warm-up is not counted as a clinician\'s scan');
  await e.scan('Another post.');
  assert.equal(loads, 1);

  const bad = createEngine(async () => new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]));
  const b = await bad.scan('Some text.');
  assert.equal(b.fatal, true);
  assert.match(b.error, /cannot load the scanner module/);
});
