// @ts-check
// The text in a photo, read on the device: tesseract.js (WebAssembly) in a
// Web Worker started by the scanner's host (Chromium's offscreen document,
// Firefox's background page), so neither the page nor the host's thread is
// blocked. The worker script, the core and the English data ship inside the
// extension (vendor/tesseract/, copied by tools/build.mjs): nothing is
// downloaded, and nothing is cached (cacheMethod 'none').
//
// checkImage(bytes, type) -> {meta: findings, text, width, height, ocrMs} | {error} | {notChecked}

import { metadataFindings, MAX_IMAGE_BYTES, MAX_OCR_PIXELS } from './images.js';

/** Longest an image may take before the check gives up (never a hang). */
export const OCR_TIMEOUT_MS = 30000;

/** @type {Promise<any> | null} */
let worker = null;

/** @param {string} base the extension's root URL */
async function getWorker(base) {
  worker ??= (async () => {
    const { createWorker, OEM } = await import('tesseract.js');
    const dir = `${base}vendor/tesseract/`;
    return createWorker('eng', OEM.LSTM_ONLY, {
      workerPath: `${dir}worker.min.js`, corePath: `${dir}tesseract-core-simd-lstm.js`, langPath: dir.slice(0, -1),
      gzip: true, cacheMethod: 'none', workerBlobURL: false,
    });
  })().catch((e) => { worker = null; throw e; });
  return worker;
}

/** Stops the OCR worker (after a timeout; the next image starts a new one). */
async function stop() {
  const w = worker;
  worker = null;
  try { await (await w)?.terminate(); } catch { /* already gone */ }
}

/**
 * Reads an image: metadata findings, then its text (not scanned here: the
 * caller scans it with the policy in force).
 * @param {Uint8Array} bytes @param {string} type @param {string} base
 */
export async function checkImage(bytes, type, base) {
  if (bytes.length > MAX_IMAGE_BYTES) {
    return { notChecked: `Not checked: the file is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB.` };
  }
  const meta = await metadataFindings(bytes);
  const blob = new Blob([/** @type {BlobPart} */ (bytes)], { type: type || 'application/octet-stream' });
  let width = 0, height = 0;
  try {
    const bm = await createImageBitmap(blob);
    width = bm.width; height = bm.height;
    bm.close();
  } catch {
    return { meta, error: 'This file could not be read as an image, so its text was not checked.' };
  }
  if (width * height > MAX_OCR_PIXELS) {
    return { meta, width, height, notChecked: `Text not checked: the image is ${width}×${height}, above ${MAX_OCR_PIXELS / 1e6} megapixels.` };
  }
  const t0 = performance.now();
  /** @type {any} */
  let timer = 0;
  try {
    const w = await getWorker(base);
    const r = await Promise.race([
      w.recognize(blob),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), OCR_TIMEOUT_MS); }),
    ]);
    return { meta, width, height, text: String(r?.data?.text ?? ''), ocrMs: Math.round(performance.now() - t0) };
  } catch (e) {
    await stop();
    const why = e instanceof Error && e.message === 'timeout' ? `reading it took longer than ${OCR_TIMEOUT_MS / 1000} s` : String(e instanceof Error ? e.message : e);
    return { meta, width, height, error: `The text in this image could not be read (${why}).` };
  } finally {
    clearTimeout(timer);
  }
}

/** A data: URL's bytes and type. @param {string} url @returns {{bytes: Uint8Array, type: string} | null} */
export function fromDataUrl(url) {
  const m = /^data:([^;,]*)(;base64)?,/.exec(url);
  if (!m || !m[2]) return null;
  const bin = atob(url.slice(m[0].length));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return { bytes, type: m[1] };
}
