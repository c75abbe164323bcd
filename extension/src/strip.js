// @ts-check
// A copy of a photo without its metadata, byte for byte otherwise (no
// re-encoding): used by the content script to offer the download, and by
// the tests. No chrome.*, no network, no dependency.

/**
 * A copy of the image without its metadata (JPEG: APP1 EXIF/XMP, APP12, APP13
 * IPTC and comments; PNG: eXIf, text and time chunks), the pixels untouched.
 * null for a format it cannot strip or a malformed file.
 * @param {Uint8Array} b @returns {Uint8Array | null}
 */
export function stripMetadata(b) {
  if (b[0] === 0xff && b[1] === 0xd8) return stripJpeg(b);
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return stripPng(b);
  return null;
}

/** @param {Uint8Array} b */
function stripJpeg(b) {
  /** @type {Uint8Array[]} */
  const parts = [b.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xda) { parts.push(b.subarray(i)); break; } // start of scan: the rest is image data
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { parts.push(b.subarray(i, i + 2)); i += 2; continue; }
    const len = (b[i + 2] << 8) | b[i + 3];
    if (len < 2 || i + 2 + len > b.length) return null;
    const drop = marker === 0xe1 || marker === 0xec || marker === 0xed || marker === 0xfe;
    if (!drop) parts.push(b.subarray(i, i + 2 + len));
    i += 2 + len;
  }
  return concat(parts);
}

/** @param {Uint8Array} b */
function stripPng(b) {
  const DROP = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME']);
  /** @type {Uint8Array[]} */
  const parts = [b.subarray(0, 8)];
  let i = 8;
  while (i + 12 <= b.length) {
    const len = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
    const type = String.fromCharCode(b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    const end = i + 12 + len;
    if (end > b.length) return null;
    if (!DROP.has(type)) parts.push(b.subarray(i, end));
    i = end;
    if (type === 'IEND') break;
  }
  return concat(parts);
}

/** @param {Uint8Array[]} parts */
function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
