// @ts-check
// Chromium's offscreen document: hosts the wasm scanner (the service worker
// can be stopped at any time; this document keeps the compiled module warm)
// and answers the service worker's messages tagged target: 'offscreen'.
// It never stores or logs the text it is given.

import { createEngine } from '../engine.js';

const engine = createEngine(async () => {
  const res = await fetch(chrome.runtime.getURL('scanner.wasm'));
  if (!res.ok) throw new Error(`scanner.wasm: HTTP ${res.status}`);
  return res.arrayBuffer();
});

chrome.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
  if (!msg || msg.target !== 'offscreen') return false;
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
    case 'offscreen.status':
      return engine.status();
  }
  return { error: `unknown message kind ${msg.kind}` };
}
