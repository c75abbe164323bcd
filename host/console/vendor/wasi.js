// @ts-check
// A small WASI (wasi_snapshot_preview1) shim: exactly the ten imports that
// Go's wasip1 reactor uses (../../wasm/ABI.md). It runs in any JavaScript
// realm with WebAssembly and crypto.getRandomValues — a service worker, an
// offscreen document, a plain web page or Node — and touches no chrome.* API.
//
// What the module sees: no arguments, no environment, a realtime and a
// monotonic clock, random bytes, and fds 1 and 2 whose output is handed to a
// callback (never logged by default: only the Go runtime writes there, on a
// crash). proc_exit throws WasiExit; every other call answers at once.

/** WASI errno values used here. */
export const ERRNO = Object.freeze({ SUCCESS: 0, BADF: 8, FAULT: 21, INVAL: 28, NOSYS: 52 });

/** crypto.getRandomValues fills at most this many bytes per call. */
export const RANDOM_CHUNK = 65536;

/** Thrown by proc_exit: the instance is finished and must be discarded. */
export class WasiExit extends Error {
  /** @param {number} code */
  constructor(code) {
    super(`wasm module exited with code ${code}`);
    this.name = 'WasiExit';
    this.code = code;
  }
}

/**
 * @typedef {object} WasiOptions
 * @property {(fd: number, text: string) => void} [output] receives what the
 *   module writes to fd 1 or 2, decoded as UTF-8 (default: kept in `lastOutput` only).
 * @property {() => number} [now] realtime clock in milliseconds since the epoch.
 * @property {() => number} [monotonic] monotonic clock in milliseconds.
 * @property {(buf: Uint8Array) => void} [randomFill] fills a buffer of at most RANDOM_CHUNK bytes.
 */

/**
 * Creates a shim. Pass `imports` as `wasi_snapshot_preview1` when
 * instantiating, then `setMemory(instance.exports.memory)` before any call.
 * @param {WasiOptions} [opts]
 */
export function createWasi(opts = {}) {
  /** @type {WebAssembly.Memory | null} */
  let memory = null;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const now = opts.now ?? (() => Date.now());
  const monotonic = opts.monotonic ?? (() => performance.now());
  const randomFill = opts.randomFill ?? ((/** @type {Uint8Array} */ b) => { crypto.getRandomValues(b); });
  const state = { lastOutput: '' };

  // memory.buffer is re-read on every access: a grown memory detaches the old one.
  const view = () => {
    if (!memory) throw new Error('wasi: setMemory was not called');
    return new DataView(memory.buffer);
  };
  const bytes = () => {
    if (!memory) throw new Error('wasi: setMemory was not called');
    return new Uint8Array(memory.buffer);
  };

  /** @param {number} ptr @param {number} count */
  const zeroSizes = (ptr, count) => {
    const v = view();
    v.setUint32(ptr, 0, true);
    v.setUint32(count, 0, true);
    return ERRNO.SUCCESS;
  };

  const imports = {
    /** @param {number} argc @param {number} argvBufSize */
    args_sizes_get: (argc, argvBufSize) => zeroSizes(argc, argvBufSize),
    args_get: () => ERRNO.SUCCESS,
    /** @param {number} count @param {number} bufSize */
    environ_sizes_get: (count, bufSize) => zeroSizes(count, bufSize),
    environ_get: () => ERRNO.SUCCESS,

    /**
     * @param {number} id 0 realtime, 1 monotonic (2 and 3, CPU time, map to monotonic)
     * @param {bigint} _precision
     * @param {number} timePtr
     */
    clock_time_get: (id, _precision, timePtr) => {
      let ms;
      if (id === 0) ms = now();
      else if (id >= 1 && id <= 3) ms = monotonic();
      else return ERRNO.INVAL;
      const whole = Math.floor(ms);
      const ns = BigInt(whole) * 1000000n + BigInt(Math.round((ms - whole) * 1e6));
      view().setBigUint64(timePtr, ns, true);
      return ERRNO.SUCCESS;
    },

    /** @param {number} fd @param {number} iovs @param {number} iovsLen @param {number} nwritten */
    fd_write: (fd, iovs, iovsLen, nwritten) => {
      if (fd !== 1 && fd !== 2) return ERRNO.BADF;
      const v = view();
      const mem = bytes();
      let total = 0;
      const parts = [];
      for (let i = 0; i < iovsLen; i++) {
        const ptr = v.getUint32(iovs + i * 8, true);
        const len = v.getUint32(iovs + i * 8 + 4, true);
        if (ptr + len > mem.length) return ERRNO.FAULT;
        parts.push(mem.slice(ptr, ptr + len));
        total += len;
      }
      const all = new Uint8Array(total);
      let off = 0;
      for (const p of parts) { all.set(p, off); off += p.length; }
      const text = decoder.decode(all);
      state.lastOutput = (state.lastOutput + text).slice(-4096);
      if (opts.output) opts.output(fd, text);
      v.setUint32(nwritten, total, true);
      return ERRNO.SUCCESS;
    },

    /** @param {number} ptr @param {number} len */
    random_get: (ptr, len) => {
      const mem = bytes();
      if (ptr < 0 || len < 0 || ptr + len > mem.length) return ERRNO.FAULT;
      for (let off = 0; off < len; off += RANDOM_CHUNK) {
        randomFill(mem.subarray(ptr + off, ptr + Math.min(len, off + RANDOM_CHUNK)));
      }
      return ERRNO.SUCCESS;
    },

    /**
     * A reactor never needs to wait: every subscription is reported as
     * ready at once (clock timeouts as expired, fd readiness as an error).
     * @param {number} inPtr @param {number} outPtr @param {number} nsubs @param {number} neventsPtr
     */
    poll_oneoff: (inPtr, outPtr, nsubs, neventsPtr) => {
      const v = view();
      for (let i = 0; i < nsubs; i++) {
        const sub = inPtr + i * 48;
        const ev = outPtr + i * 32;
        const userdata = v.getBigUint64(sub, true);
        const tag = v.getUint8(sub + 8);
        v.setBigUint64(ev, userdata, true);
        v.setUint16(ev + 8, tag === 0 ? ERRNO.SUCCESS : ERRNO.NOSYS, true);
        v.setUint8(ev + 10, tag);
        for (let k = 11; k < 32; k++) v.setUint8(ev + k, 0);
      }
      v.setUint32(neventsPtr, nsubs, true);
      return ERRNO.SUCCESS;
    },

    sched_yield: () => ERRNO.SUCCESS,

    /** @param {number} code */
    proc_exit: (code) => { throw new WasiExit(code); },
  };

  // Anything else a future module might import (Go's os package brings
  // fd_close, fd_fdstat_get, path_open...) answers "not supported" instead
  // of failing instantiation; fds 0-2 report a character device.
  /** @type {Record<string, Function>} */
  const extra = {
    /** @param {number} fd @param {number} ptr */
    fd_fdstat_get: (fd, ptr) => {
      if (fd > 2) return ERRNO.BADF;
      const v = view();
      for (let k = 0; k < 24; k++) v.setUint8(ptr + k, 0);
      v.setUint8(ptr, 2); // character device
      return ERRNO.SUCCESS;
    },
    fd_close: () => ERRNO.BADF,
    fd_prestat_get: () => ERRNO.BADF,
  };
  const all = new Proxy(/** @type {Record<string, Function>} */ ({ ...extra, ...imports }), {
    get: (t, name) => (typeof name === 'string' && !(name in t) ? () => ERRNO.NOSYS : t[/** @type {string} */ (name)]),
  });

  return {
    imports: /** @type {typeof imports} */ (/** @type {unknown} */ (all)),
    /** @param {WebAssembly.Memory} m */
    setMemory(m) { memory = m; },
    /** The last 4 KiB written to fds 1 and 2 (for an error message). */
    get lastOutput() { return state.lastOutput; },
  };
}
