// @ts-check
// Chromium's offscreen document: hosts the wasm scanner (the service worker
// can be stopped at any time; this document keeps the compiled module warm)
// and answers the service worker's messages tagged target: 'offscreen'.
// It never stores or logs the text it is given.

import { createEngine } from '../engine.js';
import { loadPackagedModule } from '../scanner.js';
import { siteOf } from '../settings.js';
import { checkImage, fromDataUrl } from '../ocr.js';

const engine = createEngine(() => loadPackagedModule(chrome.runtime.getURL('')));

/**
 * The policy and sites in force, set by the service worker. While set, this
 * document answers content scripts' scans itself (one hop instead of two).
 * @type {{key: string, sites: Record<string, boolean>} | null}
 */
let current = null;

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!msg) return false;
  if (msg.target !== 'offscreen') {
    if (msg.kind !== 'scan' || msg.via === 'sw' || !sender.tab || !current || !engine.isConfigured(current.key) ||
        (sender.url ?? '').startsWith(chrome.runtime.getURL(''))) return false;
    let site = null;
    try { site = siteOf(new URL(sender.url ?? sender.tab.url ?? '').hostname); } catch { site = null; }
    if (!site || !current.sites[site] || typeof msg.text !== 'string') return false;
    const key = current.key;
    engine.scan(msg.text).then((r) => sendResponse({ ...r, policyKey: key }));
    return true;
  }
  handle(msg).then(sendResponse, (e) => sendResponse({ error: String(e && e.message || e), fatal: true }));
  return true;
});

/** @param {any} msg */
async function handle(msg) {
  switch (msg.kind) {
    case 'offscreen.configure':
      return engine.configure(msg.key, msg.json);
    case 'offscreen.scan':
      if (!engine.isConfigured(msg.key)) return { needPolicy: true };
      return engine.scan(String(msg.text));
    case 'offscreen.rules':
      if (!engine.isConfigured(msg.key)) return { needPolicy: true };
      return engine.rules();
    case 'offscreen.current':
      current = msg.current && typeof msg.current.key === 'string' ? msg.current : null;
      return { ok: true };
    case 'offscreen.status':
      return engine.status();
    case 'offscreen.image': {
      const d = fromDataUrl(String(msg.data));
      return d ? checkImage(d.bytes, d.type, chrome.runtime.getURL('')) : { error: 'not an image' };
    }
  }
  return { error: `unknown message kind ${msg.kind}` };
}
