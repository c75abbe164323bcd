// Firefox's background page (src/background/firefox.js) in Node with a fake
// `browser` global: the scanner runs in-process from the real scanner.wasm,
// pages' scans and the site switches go through the shared core. (Firefox
// itself is not available on this machine; the build passes web-ext lint.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expand } from '../../src/answer.js';

const wasm = gzipSync(readFileSync(fileURLToPath(new URL('../../../host/wasmhost/module/scanner.wasm', import.meta.url))));
const store = { settings: { sites: { linkedin: false } } };
const listeners = [];
const fetched = [];
const noop = { addListener() {} };
globalThis.browser = {
  runtime: { onMessage: { addListener: (f) => listeners.push(f) }, getURL: (p) => `moz-extension://discreet/${p}`, onStartup: noop, onInstalled: noop },
  storage: {
    local: {
      get: async (keys) => Object.fromEntries((Array.isArray(keys) ? keys : [keys]).filter((k) => k in store).map((k) => [k, structuredClone(store[k])])),
      set: async (o) => { Object.assign(store, structuredClone(o)); },
      remove: async (k) => { delete store[k]; },
    },
    // Firefox rejects reads of managed storage when no enterprise policy exists.
    managed: { get: async () => { throw new Error('Managed storage manifest not found'); } },
    onChanged: noop,
  },
  alarms: { create() {}, onAlarm: noop },
};
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init) => {
  fetched.push(String(url));
  if (String(url) === 'moz-extension://discreet/scanner.wasm.gz') return new Response(wasm); // as the build ships it
  return realFetch(url, init);
};
await import('../../src/background/firefox.js');

/** Delivers a message the way the browser does and waits for the answer. */
function deliver(msg, sender) {
  return new Promise((resolve) => {
    let answered = false;
    for (const l of listeners) {
      const keep = l(msg, sender, (r) => { answered = true; resolve(r); });
      if (keep === true || answered) return;
    }
    resolve(undefined);
  });
}
const page = (url) => ({ tab: { id: 1, url }, url });

test('a page on x.com gets findings from the in-process scanner', async () => {
  const r = await deliver({ kind: 'scan', text: 'My patient John Smith was discharged today from room 214. Call 555-201-7788.' }, page('https://x.com/home'));
  assert.ok(r.result, JSON.stringify(r));
  assert.ok(r.result.texts, 'the answer travels compact, to be expanded by the page');
  expand(r.result);
  assert.ok(r.result.findings.every((f) => f.message && f.citation && f.category && Array.isArray(f.fixes)));
  assert.equal(r.policyKey, 'default');
  assert.ok(r.result.findings.some((f) => f.rule === 'privacy.phone'), JSON.stringify(r.result.findings.map((f) => f.rule)));
  // scanner.id names the module's Cache API entry; Node has no Cache API, so the module is fetched.
  assert.deepEqual(fetched, ['moz-extension://discreet/scanner.id', 'moz-extension://discreet/scanner.wasm.gz']);
});

test('a site switched off is not scanned, and hello says why', async () => {
  const r = await deliver({ kind: 'scan', text: 'Call 555-201-7788' }, page('https://www.linkedin.com/feed/'));
  assert.equal(r.disabled, true);
  const h = await deliver({ kind: 'hello' }, page('https://www.linkedin.com/feed/'));
  assert.equal(h.enabled, false);
  assert.match(h.reason, /switched off/);
});

test('pages may not read or change settings; managed storage errors read as nothing', async () => {
  const r = await deliver({ kind: 'state' }, page('https://x.com/'));
  assert.match(r.error, /not allowed/);
  const st = await deliver({ kind: 'state' }, { url: 'moz-extension://discreet/src/popup/popup.html' });
  assert.deepEqual(st.locked, []);
  assert.equal(st.settings.sites.linkedin, false);
  assert.equal(st.status.scanner.loaded, true);
});
