// @ts-check
// Settings: defaults, then what the clinician chose (storage.local), then
// what IT pushed (storage.managed, schema in managed_schema.json). A managed
// value always wins and is locked in the options page.

import { SITES, siteOf } from './sites.js';

export { SITES, siteOf };

/** @typedef {string} Site a SITE_TABLE id */

/**
 * @typedef {object} Settings
 * @property {string} backend_url
 * @property {string} enrollment_code
 * @property {string} institution slug expected from enrollment ('' any)
 * @property {{id: string, alg: string, public_key: string}[]} public_keys pinned by IT ([] none)
 * @property {Record<Site, boolean>} sites
 * @property {boolean} show_info
 * @property {boolean} counts_opt_in
 * @property {boolean} allow_disable whether sites may be switched off
 * @property {boolean} check_other_sites managed only: whether "Check this site" may add sites beyond the table
 * @property {string} personal_words managed only: 'all' (the clinician's word list applies to every rule),
 *   'non_identifiers' (identifier rules still flag listed words), 'off' (no personal list)
 */

/** @type {Settings} */
export const DEFAULTS = Object.freeze({
  backend_url: '',
  enrollment_code: '',
  institution: '',
  public_keys: [],
  sites: Object.fromEntries(Object.keys(SITES).map((id) => [id, true])),
  show_info: true,
  counts_opt_in: false,
  allow_disable: true,
  personal_words: 'all',
  check_other_sites: true,
});

/** Keys a user may change in the options page. */
export const USER_KEYS = ['backend_url', 'enrollment_code', 'sites', 'show_info', 'counts_opt_in'];

/**
 * Merges the three layers. Values of the wrong type are ignored.
 * @param {Record<string, any>} local @param {Record<string, any>} managed
 * @returns {{settings: Settings, locked: string[]}}
 */
export function effectiveSettings(local, managed) {
  /** @type {any} */
  const s = structuredClone(DEFAULTS);
  /** @type {Set<string>} */
  const locked = new Set();
  const apply = (/** @type {Record<string, any>} */ src, /** @type {boolean} */ isManaged) => {
    for (const [k, def] of Object.entries(DEFAULTS)) {
      const v = src?.[k];
      if (v === undefined || v === null) continue;
      if (!isManaged && !USER_KEYS.includes(k)) continue;
      if (k === 'sites') {
        if (typeof v !== 'object') continue;
        for (const site of Object.keys(SITES)) {
          if (typeof v[site] === 'boolean') {
            s.sites[site] = v[site];
            if (isManaged) locked.add('sites.' + site);
          }
        }
        continue;
      }
      if (k === 'public_keys') {
        if (Array.isArray(v)) { s.public_keys = v.filter(validKey); if (isManaged) locked.add(k); }
        continue;
      }
      if (typeof v !== typeof def) continue;
      s[k] = v;
      if (isManaged) locked.add(k);
    }
  };
  apply(local, false);
  apply(managed, true);
  if (!s.allow_disable) {
    for (const site of Object.keys(SITES)) {
      if (!locked.has('sites.' + site)) s.sites[site] = true;
      locked.add('sites.' + site);
    }
  }
  return { settings: s, locked: [...locked].sort() };
}

/** @param {any} k */
function validKey(k) {
  return k && typeof k.id === 'string' && typeof k.alg === 'string' && typeof k.public_key === 'string';
}
