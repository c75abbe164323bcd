// @ts-check
// Firefox's background page (an event page: Firefox has no offscreen API,
// and its background pages may compile WebAssembly under the extension's
// CSP): the background logic (core.js) with the scanner in-process.

import { api } from '../ext.js';
import { createEngine } from '../engine.js';
import { keepPackagedModule, loadPackagedModule } from '../scanner.js';
import { createBackground } from './core.js';
import { checkImage, fromDataUrl } from '../ocr.js';

const engine = createEngine(() => loadPackagedModule(api.runtime.getURL('')));

const bg = createBackground({
  configure: (key, json) => engine.configure(key, json),
  scan: async (key, text) => (engine.isConfigured(key) ? engine.scan(text) : { needPolicy: true }),
  rules: async (key) => (engine.isConfigured(key) ? engine.rules() : { needPolicy: true }),
  status: async () => engine.status(),
  image: async (data) => {
    const d = fromDataUrl(String(data));
    return d ? checkImage(d.bytes, d.type, api.runtime.getURL('')) : { error: 'not an image' };
  },
  keepModule: () => keepPackagedModule(api.runtime.getURL('')),
});
bg.listen();
/** @type {any} */ (globalThis).discreet = bg;
