// @ts-check
// The scanner client: loads scanner.wasm (a WASI reactor, ../../wasm/ABI.md)
// with the shim in wasi.js and wraps its exports in four calls. It uses no
// chrome.* API, so a plain web page (the settings console's preview) can
// load a copy of this file and wasi.js as they are.
//
//   const s = await loadScanner(bytes);   // fetch + compile + instantiate + _initialize
//   s.configure(policyJSON)  -> policy info   ('' or null: the defaults)
//   s.scan(text)             -> {findings, summary}
//   s.rules()                -> {policy, rules}
//   s.close()
//
// Every failure is a ScannerError with a clear message; a trap leaves the
// instance unusable (`broken`), and the caller loads a new one.

import { createWasi, WasiExit } from './wasi.js';
import { expand } from './answer.js';

export { expand };

/** The ABI version this client speaks. */
export const ABI_VERSION = 1;

export class ScannerError extends Error {
  /** @param {string} message @param {{fatal?: boolean}} [o] */
  constructor(message, o = {}) {
    super(message);
    this.name = 'ScannerError';
    /** true when the instance must be discarded */
    this.fatal = !!o.fatal;
  }
}

/**
 * @typedef {{label: string, replacement: string}} Fix
 * @typedef {{rule: string, category: string, severity: string, identifier: string,
 *   start: number, end: number, start16: number, end16: number,
 *   message: string, citation: string, fixes: Fix[]}} Finding
 * @typedef {{risk: string, intercept: boolean, enforce: string, patient_context: boolean,
 *   quasi_identifiers: string[], counts: Record<string, number>}} Summary
 * @typedef {{findings: Finding[], summary: Summary}} ScanResult
 * @typedef {{name: string, version: string, institution: {name: string, guidance_url: string, contact: string},
 *   min_severity: string, intercept_at: string, enforce: string, rules: number}} PolicyInfo
 * @typedef {{id: string, category: string, severity: string, identifier: string, message: string,
 *   why: string, citation: string, enabled: boolean}} RuleInfo
 * @typedef {{policy: PolicyInfo, rules: RuleInfo[]}} Catalog
 * @typedef {{configure(policy?: string | object | null): PolicyInfo, scan(text: string): ScanResult,
 *   rules(): Catalog, close(): void, readonly broken: boolean,
 *   scanCompact(text: string): any, scanFull(text: string): ScanResult,
 *   scanCallOnly(data: Uint8Array): number}} Scanner
 *   (scanCompact returns the compact answer for a host that passes it on to
 *   be expanded where it is used: see answer.js;
 *   scanFull answers from discreet_scan, the full form, for tests;
 *   scanCallOnly is for the benchmark page: the module's export alone on
 *   UTF-8 bytes, the answer left unread; it returns the answer's length.)
 */

/** The Cache API store that keeps the unpacked module between loads. */
export const MODULE_CACHE = 'discreet-module';

/**
 * The Cache API key of the module whose SHA-256 is id. The Cache API
 * refuses extension URLs, so the key is an https URL that is never fetched.
 * @param {string} id
 */
export const keptModuleKey = (id) => `https://discreet.invalid/scanner-${id}.wasm`;

/** Whether the last fetchModuleCached compiled a kept module (status, tests). */
let lastKept = false;
export const keptModuleUsed = () => lastKept;

/**
 * Loads the module the extension ships at base (a URL ending in '/'): its
 * unpacked bytes kept in the Cache API from an earlier load when they are
 * there, else scanner.wasm.gz, unpacked while it compiles and kept for the
 * next load. Compiling the kept bytes skips the unpacking, about a third of
 * a load (bench.js). The entry is named by scanner.id, the module's SHA-256
 * that the build writes beside it, so an updated extension never compiles
 * an old module; the cache holds the module only, never text. Without
 * scanner.id or the Cache API, or if the cache fails in any way, this is
 * fetchModule.
 * @param {string} base
 * @returns {Promise<WebAssembly.Module>}
 */
export async function loadPackagedModule(base) {
  return fetchModuleCached(base + 'scanner.wasm.gz', await packagedID(base));
}

/**
 * The id the build writes beside the module at base (scanner.id), or '' when
 * it cannot be read.
 * @param {string} base
 * @returns {Promise<string>}
 */
async function packagedID(base) {
  try {
    const r = await fetch(base + 'scanner.id');
    return r.ok ? (await r.text()).trim() : '';
  } catch {
    return '';
  }
}

/**
 * The Cache API store that keeps the module whose id is given, or null when
 * the id is not a hex digest, there is no Cache API, or it fails to open.
 * @param {string} id
 * @returns {Promise<Cache | null>}
 */
async function keptCache(id) {
  try {
    if (/^[0-9a-f]{16,64}$/.test(id) && typeof caches !== 'undefined') return await caches.open(MODULE_CACHE);
  } catch {
    // no store: loads go to the packaged file
  }
  return null;
}

/**
 * Unpacks the module the extension ships at base into the Cache API entry
 * that loadPackagedModule compiles, without compiling it. The background
 * runs it when the extension starts, installed or updated: the unpacking, a
 * third of a first load, is then done in the background, and the first load
 * a clinician waits for is already a kept one. Does nothing when the entry
 * is there. Resolves to whether it is there; never throws (a load without
 * it fetches and keeps the module as before).
 * @param {string} base
 * @returns {Promise<boolean>}
 */
export async function keepPackagedModule(base) {
  try {
    if (typeof DecompressionStream !== 'function') return false;
    const id = await packagedID(base);
    const cache = await keptCache(id);
    if (!cache) return false;
    const key = keptModuleKey(id);
    if (await cache.match(key)) return true;
    const res = await fetch(base + 'scanner.wasm.gz');
    if (!res.ok || !res.body) return false;
    await keepModule(cache, key, unpacked(res.body));
    return !!(await cache.match(key));
  } catch {
    return false;
  }
}

/**
 * fetchModule(url), through the Cache API entry named by id (hex): a kept
 * module is compiled from there; otherwise the one fetched is kept. A kept
 * entry that fails to compile is dropped and the module fetched again; the
 * other modules' entries are dropped once the new one is kept.
 * @param {string} url
 * @param {string} id
 * @returns {Promise<WebAssembly.Module>}
 */
export async function fetchModuleCached(url, id) {
  const cache = await keptCache(id);
  const key = keptModuleKey(id);
  lastKept = false;
  if (!cache) return fetchModule(url);
  const kept = cache;
  try {
    const hit = await kept.match(key);
    if (hit) {
      const m = await compileResponse(hit);
      lastKept = true;
      return m;
    }
  } catch {
    await kept.delete(key).catch(() => false);
  }
  /** @type {Promise<void>} */
  let stored = Promise.resolve();
  try {
    return await fetchModule(url, undefined, (copy) => { stored = keepModule(kept, key, copy); });
  } catch (e) {
    await stored;
    await kept.delete(key).catch(() => false);
    throw e;
  }
}

/**
 * Stores the unpacked module under key, then drops every other entry.
 * @param {Cache} cache @param {string} key @param {Response} copy
 */
async function keepModule(cache, key, copy) {
  try {
    await cache.put(key, copy);
    for (const req of await cache.keys()) if (req.url !== key) await cache.delete(req);
  } catch {
    // Not kept (a stream that failed, storage refused): the next load fetches again.
  }
}

/**
 * The gzipped module body unpacked as it streams, as a response typed for
 * WebAssembly.compileStreaming.
 * @param {ReadableStream} gz
 */
const unpacked = (gz) => new Response(gz.pipeThrough(new DecompressionStream('gzip')),
  { headers: { 'content-type': 'application/wasm' } });

/**
 * Compiles a response holding a module, as it streams where the browser can.
 * @param {Response} res
 * @returns {Promise<WebAssembly.Module>}
 */
async function compileResponse(res) {
  if (typeof WebAssembly.compileStreaming === 'function') return WebAssembly.compileStreaming(res);
  return WebAssembly.compile(await res.arrayBuffer());
}

/**
 * Fetches and compiles the scanner module at url. Where the browser can, it
 * compiles while the bytes download (WebAssembly.compileStreaming, which
 * needs the application/wasm type that extension URLs carry): the module is
 * ready about when the last byte arrives. Otherwise it compiles the whole
 * bytes.
 *
 * A url ending in .gz is the module gzipped, as the extension ships it: an
 * extension's own files are read at a few tens of megabytes a second, so
 * reading a third of the bytes and unpacking them in the browser
 * (DecompressionStream) while they compile is the faster load (bench.js
 * measures both). keep, if given, receives a copy of a .gz url's unpacked
 * module as it arrives.
 * @param {string} url
 * @param {RequestInit} [init]
 * @param {(copy: Response) => void} [keep]
 * @returns {Promise<WebAssembly.Module>}
 */
export async function fetchModule(url, init, keep) {
  const res = await fetch(url, init);
  if (!res.ok) throw new ScannerError(`${url.split('/').pop()}: HTTP ${res.status}`, { fatal: true });
  if (url.endsWith('.gz')) {
    if (typeof DecompressionStream !== 'function' || !res.body) {
      throw new ScannerError('this browser cannot unpack scanner.wasm.gz (no DecompressionStream)', { fatal: true });
    }
    try {
      const wasm = unpacked(res.body);
      if (keep) keep(wasm.clone());
      return await compileResponse(wasm);
    } catch (e) {
      throw new ScannerError(`cannot load the scanner module scanner.wasm.gz: ${errText(e)}`, { fatal: true });
    }
  }
  const streaming = typeof WebAssembly.compileStreaming === 'function' &&
    (res.headers.get('content-type') ?? '').startsWith('application/wasm');
  if (streaming) {
    const copy = res.clone();
    try {
      return await WebAssembly.compileStreaming(res);
    } catch {
      return WebAssembly.compile(await copy.arrayBuffer()); // the same error, or a browser that refused the stream
    }
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

/**
 * @param {ArrayBuffer | Uint8Array | WebAssembly.Module} source the module's bytes or a compiled module
 * @param {{output?: (fd: number, text: string) => void}} [opts]
 * @returns {Promise<Scanner>}
 */
export async function loadScanner(source, opts = {}) {
  const wasi = createWasi({ output: opts.output });
  let instance;
  try {
    const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(
      /** @type {BufferSource} */ (source));
    instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.imports });
  } catch (e) {
    throw new ScannerError(`cannot load the scanner module: ${errText(e)}`, { fatal: true });
  }
  const x = /** @type {Record<string, any>} */ (instance.exports);
  for (const name of ['memory', '_initialize', 'discreet_abi_version', 'discreet_alloc', 'discreet_free',
    'discreet_output_ptr', 'discreet_configure', 'discreet_scan', 'discreet_rules']) {
    if (!(name in x)) throw new ScannerError(`the scanner module has no export ${name}`, { fatal: true });
  }
  /** @type {WebAssembly.Memory} */
  const memory = x.memory;
  wasi.setMemory(memory);
  let broken = false;
  let closed = false;

  /** @template T @param {() => T} f @returns {T} */
  const guard = (f) => {
    if (closed) throw new ScannerError('the scanner is closed', { fatal: true });
    if (broken) throw new ScannerError('the scanner crashed earlier and must be reloaded', { fatal: true });
    try {
      return f();
    } catch (e) {
      if (e instanceof ScannerError) throw e;
      broken = true;
      const tail = wasi.lastOutput.trim().split('\n').slice(0, 3).join(' | ');
      throw new ScannerError(`the scanner crashed: ${errText(e)}${tail ? ` (${tail})` : ''}`, { fatal: true });
    }
  };

  guard(() => x._initialize());
  const v = guard(() => x.discreet_abi_version());
  if (v !== ABI_VERSION) {
    closed = true;
    throw new ScannerError(`the scanner module speaks ABI ${v}; this extension knows ${ABI_VERSION}`, { fatal: true });
  }

  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { fatal: true });

  /** Reads the answer of length n (negative: an error). @param {number} n */
  const answer = (n) => {
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new ScannerError('the scanner returned no length');
    const len = Math.abs(n);
    const ptr = x.discreet_output_ptr();
    const buf = memory.buffer; // re-read: the call may have grown memory
    if (ptr < 0 || ptr + len > buf.byteLength) {
      broken = true;
      throw new ScannerError(`the scanner's answer lies outside its memory (${ptr}+${len})`, { fatal: true });
    }
    const text = decoder.decode(new Uint8Array(buf, ptr, len).slice());
    let obj;
    try {
      obj = JSON.parse(text);
    } catch {
      throw new ScannerError('the scanner returned invalid JSON');
    }
    if (n < 0) throw new ScannerError(typeof obj?.error === 'string' ? obj.error : 'the scanner failed');
    return obj;
  };

  /**
   * Calls export fn on a copy of data in the module's memory; read turns the
   * returned length into the answer.
   * @param {string} fn @param {Uint8Array} data @param {(n: number) => any} [read]
   */
  const callWith = (fn, data, read = answer) => guard(() => {
    const p = x.discreet_alloc(data.length);
    if (!p) throw new ScannerError('the scanner could not allocate memory', { fatal: true });
    try {
      new Uint8Array(memory.buffer, p, data.length).set(data);
      return read(x[fn](p, data.length));
    } finally {
      x.discreet_free(p);
    }
  });

  /** @param {string} text */
  const scanCompact = (text) => {
    if (typeof text !== 'string') throw new ScannerError('scan: the text must be a string');
    if (!x.discreet_scan_compact) return callWith('discreet_scan', encoder.encode(text));
    return callWith('discreet_scan_compact', encoder.encode(text));
  };

  return {
    configure(policy) {
      const json = policy == null || policy === '' ? '' : typeof policy === 'string' ? policy : JSON.stringify(policy);
      return callWith('discreet_configure', encoder.encode(json));
    },
    scan(text) {
      return expand(scanCompact(text));
    },
    scanCompact,
    rules() {
      return guard(() => answer(x.discreet_rules()));
    },
    scanFull(text) {
      return callWith('discreet_scan', encoder.encode(text));
    },
    scanCallOnly(data) {
      return callWith(x.discreet_scan_compact ? 'discreet_scan_compact' : 'discreet_scan', data, (n) => n);
    },
    close() { closed = true; },
    get broken() { return broken || closed; },
  };
}

/** @param {unknown} e */
function errText(e) {
  if (e instanceof WasiExit) return e.message;
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
