// @ts-check
// The scanner in the context that hosts it (Chromium's offscreen document,
// Firefox's background page): loaded once, configured with a policy by key,
// reloaded after a crash. No chrome.* here.

import { keptModuleUsed, loadScanner, ScannerError } from './scanner.js';

/** After a failed load, wait this long before trying again. */
const RETRY_MS = 30_000;

/**
 * An invented post scanned once after each load. V8 compiles WebAssembly
 * lazily, each function on its first call, and then again optimised once it
 * is hot: the first scan of a fresh module pays for compiling most of the
 * engine (about a tenth of a second here). Scanning this post as part of the
 * load moves that cost off a clinician's first keystroke. It touches the
 * identifier detectors, the phrase rules of every category, the name and
 * place tables and the learned model; it is no one's text and goes nowhere.
 */
export const WARM_UP_POST = 'Long night in the ED. My patient Maria Lopez, 34, MRN 44120931, room 214 at St. Jude, ' +
  'DOB 03/14/1990, call 555-201-7788 or maria@example.com. Another frequent flyer junkie, what a waste of a bed lol. ' +
  'Vaccines cause autism and ivermectin cures cancer. DM me your symptoms and I will call in a prescription. ' +
  'Use my code SAVE20 for 20% off my favourite collagen at https://example.com/shop. ' +
  'Mi paciente de Fairview, 8 años. 患者さん 😷 SSN 123-45-6789';

/**
 * @param {() => Promise<ArrayBuffer | WebAssembly.Module>} loadModule the module's bytes, or the module compiled
 */
export function createEngine(loadModule) {
  /** @type {Promise<import('./scanner.js').Scanner> | null} */
  let pending = null;
  let failedAt = 0;
  let lastError = '';
  /** @type {string | null} */
  let key = null;
  let loadMs = 0;
  let scans = 0;

  async function scanner() {
    if (pending === null) {
      if (failedAt && Date.now() - failedAt < RETRY_MS) throw new ScannerError(lastError, { fatal: true });
      const t0 = performance.now();
      pending = loadModule().then((m) => loadScanner(m)).then((s) => {
        s.scanCompact(WARM_UP_POST);
        return s;
      });
      key = null;
      pending.then(() => { loadMs = performance.now() - t0; failedAt = 0; lastError = ''; }, (e) => {
        failedAt = Date.now();
        lastError = e instanceof Error ? e.message : String(e);
        pending = null;
      });
    }
    return pending;
  }

  /** @param {unknown} e */
  const fail = (e) => {
    const fatal = e instanceof ScannerError ? e.fatal : true;
    if (fatal) { pending = null; key = null; }
    return { error: e instanceof Error ? e.message : String(e), fatal };
  };

  return {
    /** @param {string} k */
    isConfigured: (k) => key === k,
    /** @param {string} k @param {string} json */
    async configure(k, json) {
      try {
        const s = await scanner();
        const info = s.configure(json);
        key = k;
        return { info };
      } catch (e) {
        return fail(e);
      }
    },
    /** @param {string} text */
    async scan(text) {
      try {
        const s = await scanner();
        const t0 = performance.now();
        scans++;
        // Compact: the page expands it (answer.js), so the messages carry
        // each rule's texts once.
        const result = s.scanCompact(text);
        return { result, scanMs: performance.now() - t0 };
      } catch (e) {
        return fail(e);
      }
    },
    async rules() {
      try {
        return { catalog: (await scanner()).rules() };
      } catch (e) {
        return fail(e);
      }
    },
    status: () => ({ loaded: pending !== null && !failedAt, loadMs, kept: keptModuleUsed(), error: lastError, key, scans }),
  };
}

/** @typedef {ReturnType<typeof createEngine>} Engine */
