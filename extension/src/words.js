// @ts-check
// The personal word list: words and phrases a clinician chose not to have
// flagged ("Don't flag this for me": their own name, their children's, their
// pet's). Kept in storage.local on this device, never sent anywhere. It is
// applied by the scanner: merged into the policy handed to the module as
// "allow" (findings whose text is one of these are dropped before weighing),
// with "allow_scope" "non_identifiers" when the institution keeps identifier
// rules flagging them.

/** Managed setting personal_words: 'all' (default), 'non_identifiers', 'off'. */
export const WORD_MODES = /** @type {const} */ (['all', 'non_identifiers', 'off']);
export const MAX_WORDS = 500;
export const MAX_WORD_LENGTH = 100;

/**
 * Trimmed, whitespace-collapsed, deduplicated (case-insensitively), at most
 * MAX_WORDS entries of at most MAX_WORD_LENGTH characters; anything else dropped.
 * @param {unknown} list @returns {string[]}
 */
export function cleanWords(list) {
  if (!Array.isArray(list)) return [];
  /** @type {Map<string, string>} */
  const seen = new Map();
  for (const w of list) {
    if (typeof w !== 'string') continue;
    const t = w.replace(/\s+/g, ' ').trim();
    if (!t || t.length > MAX_WORD_LENGTH || seen.has(t.toLowerCase())) continue;
    seen.set(t.toLowerCase(), t);
    if (seen.size >= MAX_WORDS) break;
  }
  return [...seen.values()];
}

/** @param {unknown} m @returns {'all' | 'non_identifiers' | 'off'} */
export function wordMode(m) {
  return WORD_MODES.includes(/** @type {any} */ (m)) ? /** @type {any} */ (m) : 'all';
}

/** A short stable digest of the list, for the policy key (not a secret; the words stay on the device). @param {string[]} words */
function digest(words) {
  let h = 0x811c9dc5;
  for (const c of words.join('\u0000')) { h ^= c.codePointAt(0) ?? 0; h = Math.imul(h, 0x01000193) >>> 0; }
  return h.toString(36);
}

/**
 * The policy for the scanner with the personal list merged in. `base` is the
 * policy without it (used when the module refuses the merged one).
 * @param {{key: string, json: string}} pol @param {string[]} words @param {'all' | 'non_identifiers' | 'off'} mode
 * @returns {{key: string, json: string, base?: {key: string, json: string}}}
 */
export function withWords(pol, words, mode) {
  if (mode === 'off' || !words.length) return pol;
  const p = pol.json ? JSON.parse(pol.json) : {};
  p.allow = cleanWords([...(Array.isArray(p.allow) ? p.allow : []), ...words]);
  if (mode === 'non_identifiers') p.allow_scope = 'non_identifiers';
  return { key: `${pol.key}+words:${mode}:${digest(words)}`, json: JSON.stringify(p), base: pol };
}
