// @ts-check
// Photos attached to a post, read on the device: what their metadata gives
// away (EXIF/XMP GPS position, time taken, camera or device serial) as
// findings, and a copy with that metadata removed. No chrome.*, no network:
// used by the scanner's host (offscreen document / Firefox background page)
// and by the unit tests. The text in the image is read by ocr.js.

import exifr from 'exifr';

/** Files above this are not checked (the card says so). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** Images above this many pixels are not read for text (the card says so). */
export const MAX_OCR_PIXELS = 16e6;

/** The image rules: not in the wasm packs because the module never sees images. */
export const IMAGE_RULES = Object.freeze({
  'privacy.image.location': {
    category: 'privacy', severity: 'block', identifier: 'geographic',
    message: 'This photo carries the GPS position where it was taken.',
    why: 'A position in the photo\'s metadata can point to a patient\'s home, a ward or a clinic. Download a copy without location (below) and post that one, unless the site removes metadata itself.',
    citation: '45 CFR 164.514(b)(2)(i)(B)',
  },
  'privacy.image.time': {
    category: 'privacy', severity: 'warn', identifier: 'date',
    message: 'This photo carries the date and time it was taken.',
    why: 'The exact time a photo was taken, with the place or the story, can tie it to one admission or encounter.',
    citation: '45 CFR 164.514(b)(2)(i)(C)',
  },
  'privacy.image.device': {
    category: 'privacy', severity: 'warn', identifier: 'device',
    message: 'This photo carries the serial number of the camera or device that took it.',
    why: 'A device serial number identifies the device, and through it who took the photo and where.',
    citation: '45 CFR 164.514(b)(2)(i)(M)',
  },
});

/**
 * @typedef {{rule: string, category: string, severity: string, identifier: string, message: string,
 *   citation: string, text: string, source: 'image'}} ImageFinding
 */

/** @param {string} rule @param {string} text @returns {ImageFinding} */
function finding(rule, text) {
  const r = /** @type {any} */ (IMAGE_RULES)[rule];
  return { rule, category: r.category, severity: r.severity, identifier: r.identifier, message: r.message, citation: r.citation, text, source: 'image' };
}

/**
 * The metadata findings of an image (JPEG, PNG, HEIC, TIFF, WebP with EXIF/XMP).
 * An image whose metadata cannot be parsed has none (its pixels may still be read).
 * @param {ArrayBuffer | Uint8Array} bytes @returns {Promise<ImageFinding[]>}
 */
export async function metadataFindings(bytes) {
  /** @type {any} */
  let m = null;
  try {
    m = await exifr.parse(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes),
      { tiff: true, exif: true, gps: true, xmp: true, ifd1: false, interop: false, icc: false, iptc: false, mergeOutput: true, reviveValues: true });
  } catch {
    m = null;
  }
  if (!m) return [];
  /** @type {ImageFinding[]} */
  const out = [];
  const lat = Number(m.latitude), lon = Number(m.longitude);
  if (Number.isFinite(lat) && Number.isFinite(lon) && !(lat === 0 && lon === 0)) {
    out.push(finding('privacy.image.location', `${lat.toFixed(5)}, ${lon.toFixed(5)}`));
  }
  const when = m.DateTimeOriginal ?? m.CreateDate ?? m.DateCreated ?? m.DateTimeDigitized;
  if (when) out.push(finding('privacy.image.time', when instanceof Date && !isNaN(+when) ? when.toISOString().slice(0, 19).replace('T', ' ') : String(when)));
  const serial = m.BodySerialNumber ?? m.SerialNumber ?? m.InternalSerialNumber ?? m.CameraSerialNumber ?? m.LensSerialNumber;
  if (serial !== undefined && String(serial).trim()) out.push(finding('privacy.image.device', String(serial).trim()));
  return out;
}

export { stripMetadata } from './strip.js';
