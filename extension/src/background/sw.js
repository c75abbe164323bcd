// @ts-check
// Chromium's service worker: the background logic (core.js) with the scanner
// in an offscreen document (reason WORKERS), created on demand. The worker
// may be stopped at any time; the offscreen document keeps the compiled
// module, and a message that finds no document re-creates it and is retried once.

import { api, sendOnce, NO_ANSWER } from '../ext.js';
import { createBackground } from './core.js';
import { keepPackagedModule } from '../scanner.js';

const OFFSCREEN = 'src/offscreen/offscreen.html';
/** @type {Promise<void> | null} */
let creating = null;

/** Set once the document answered in this worker's lifetime; cleared when a message to it fails. */
let ready = false;

async function ensureOffscreen() {
  if (ready) return;
  const ctx = await api.runtime.getContexts({ contextTypes: [/** @type {any} */ ('OFFSCREEN_DOCUMENT')] });
  if (ctx.length) return;
  creating ??= api.offscreen.createDocument({
    url: OFFSCREEN,
    reasons: [api.offscreen.Reason.WORKERS],
    justification: 'Runs the WebAssembly post checker outside the service worker, which may be stopped at any time.',
  }).catch((e) => {
    if (!/single offscreen/i.test(String(e))) throw e;
  }).finally(() => { creating = null; });
  await creating;
}

/** @param {any} msg */
async function relay(msg, timeoutMs = 10000) {
  for (let attempt = 0; ; attempt++) {
    try {
      await ensureOffscreen();
      const r = await sendOnce({ ...msg, target: 'offscreen' }, timeoutMs);
      if (!(r.error && String(r.error).startsWith(NO_ANSWER))) { ready = true; return r; }
      throw new Error(r.error);
    } catch (e) {
      ready = false;
      direct = false;
      if (attempt >= 1) return { error: `the scanner did not answer: ${e instanceof Error ? e.message : e}`, fatal: true };
    }
  }
}

/** Whether the offscreen document was told the policy in force during this worker's lifetime. */
let direct = false;

const bg = createBackground({
  answersScans: () => direct && ready,
  setCurrent: (current) => {
    // Stop leaving scans to the document at once; start only once it has the policy.
    direct = false;
    relay({ kind: 'offscreen.current', current }).then((r) => { direct = !!current && !!r?.ok; });
  },
  configure: (key, json) => relay({ kind: 'offscreen.configure', key, json }),
  scan: (key, text) => relay({ kind: 'offscreen.scan', key, text }),
  rules: (key) => relay({ kind: 'offscreen.rules', key }),
  status: () => relay({ kind: 'offscreen.status' }),
  image: (data) => relay({ kind: 'offscreen.image', data }, 60000),
  keepModule: () => keepPackagedModule(api.runtime.getURL('')),
});
bg.listen();
// For tests and debugging from the service worker's console.
/** @type {any} */ (globalThis).discreet = bg;
