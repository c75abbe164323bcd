// @ts-check
// Findings follow the text as it is edited, until the next scan replaces them.
// An edit is found by comparing the text before and after it (common prefix
// and suffix); spans after it move by the change in length, spans before it
// stay, and spans the edit touched (overlapping it or adjacent to it) vanish:
// the text they flagged has changed, so only a new scan can say what it is.

/**
 * @typedef {{start: number, oldEnd: number, newEnd: number}} Edit
 *   text[start:oldEnd] of the old text became text[start:newEnd] of the new.
 */

/**
 * The single edit that turns a into b, or null when they are equal.
 * @param {string} a @param {string} b @returns {Edit | null}
 */
export function diffEdit(a, b) {
  if (a === b) return null;
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  // Do not split a surrogate pair.
  if (p > 0 && isHigh(a.charCodeAt(p - 1))) p--;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  if (s > 0 && isLow(a.charCodeAt(a.length - s))) s--;
  return { start: p, oldEnd: a.length - s, newEnd: b.length - s };
}

/** @param {number} c */
const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
/** @param {number} c */
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Moves spans across an edit and drops the ones it touched.
 * @template {{start16: number, end16: number}} T
 * @param {T[]} spans @param {Edit | null} edit @returns {T[]}
 */
export function shiftSpans(spans, edit) {
  if (!edit) return spans;
  const delta = (edit.newEnd - edit.start) - (edit.oldEnd - edit.start);
  /** @type {T[]} */
  const out = [];
  for (const s of spans) {
    if (s.end16 < edit.start) out.push(s);
    else if (s.start16 > edit.oldEnd) out.push({ ...s, start16: s.start16 + delta, end16: s.end16 + delta });
    // else: touched, dropped
  }
  return out;
}

/**
 * Brings a scan result made on `scanned` up to date with `current`.
 * @template {{start16: number, end16: number}} T
 * @param {T[]} spans @param {string} scanned @param {string} current
 */
export function rebase(spans, scanned, current) {
  return shiftSpans(spans, diffEdit(scanned, current));
}
