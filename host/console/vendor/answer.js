// @ts-check
// The scanner's compact answer (discreet_scan_compact, ../../wasm/ABI.md)
// travels from the module to the page that shows it; expand turns it into
// the full findings there. It has no chrome.* and no module code, so both
// the scanner client and the content script use it.

/**
 * Expands a compact answer in place: each finding gets its rule's category,
 * message, citation and fixes, the same strings shared rather than parsed
 * once per finding. A full answer (no texts) is returned as it is.
 * @param {any} r
 * @returns {import('./scanner.js').ScanResult}
 */
export function expand(r) {
  if (!r || !r.texts) return r;
  for (const f of r.findings) {
    const t = r.texts[f.rule];
    if (!t) throw new Error(`the scanner's answer has no texts for ${f.rule}`);
    f.category = t.category;
    f.message ??= t.message;
    f.citation = t.citation;
    f.fixes = t.fixes;
  }
  delete r.texts;
  return r;
}
