// @ts-check
// "Check this site": any other site (a Mastodon instance, Doximity, a blog
// editor) on the clinician's request. The popup asks for the origin through
// optional host permissions (the browser's own prompt); this module then
// registers the content script there (scripting.registerContentScripts,
// kept across sessions), injects it into the open tab, and lists the origin
// in storage.local (extra_sites). Revoked in the options page; managed
// setting check_other_sites: false forbids it (and unregisters what was added).

import { api, readArea, writeLocal } from '../ext.js';
import { siteOf } from '../sites.js';

const SCRIPT_ID = 'discreet-extra-sites';
const FILES = { js: ['src/content/content.js'], css: ['src/content/content.css'] };

/** The origin of a URL Discreet may be asked to check (https, or http on localhost), or null. @param {string} url */
export function originOf(url) {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && /^(localhost|127\.0\.0\.1)$/.test(u.hostname))) return null;
    if (siteOf(u.hostname)) return null; // already in the sites table
    return u.origin;
  } catch {
    return null;
  }
}

/** @param {string} origin */
const pattern = (origin) => `${origin}/*`;

/** The origins added, as stored. @returns {Promise<string[]>} */
export async function extraSites() {
  const { extra_sites: list } = await readArea('local', 'extra_sites');
  return Array.isArray(list) ? list.filter((o) => typeof o === 'string' && originOf(o + '/') === o) : [];
}

/** Registers (or unregisters) the content script for exactly these origins, where permission is granted. @param {string[]} origins */
async function register(origins) {
  const scripting = api.scripting;
  if (!scripting?.registerContentScripts) return;
  const granted = [];
  for (const o of origins) if (await api.permissions.contains({ origins: [pattern(o)] }).catch(() => false)) granted.push(o);
  const existing = await scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] }).catch(() => []);
  if (!granted.length) {
    if (existing.length) await scripting.unregisterContentScripts({ ids: [SCRIPT_ID] }).catch(() => {});
    return;
  }
  const script = { id: SCRIPT_ID, matches: granted.map(pattern), ...FILES, runAt: /** @type {const} */ ('document_idle'), persistAcrossSessions: true };
  if (existing.length) await scripting.updateContentScripts([script]);
  else await scripting.registerContentScripts([script]);
}

/**
 * Adds an origin the clinician granted in the popup, and starts checking its open tab.
 * @param {string} url the page's URL @param {number | undefined} tabId @param {boolean} allowed managed check_other_sites
 */
export async function addSite(url, tabId, allowed) {
  if (!allowed) return { error: 'your organisation does not allow checking other sites' };
  const origin = originOf(url);
  if (!origin) return { error: 'Discreet can only be added to https sites it does not already check' };
  if (!(await api.permissions.contains({ origins: [pattern(origin)] }))) return { error: `no permission for ${origin}` };
  const list = [...new Set([...(await extraSites()), origin])].sort();
  await writeLocal('extra_sites', list);
  await register(list);
  if (tabId !== undefined && api.scripting) {
    await api.scripting.insertCSS({ target: { tabId }, files: FILES.css }).catch(() => {});
    await api.scripting.executeScript({ target: { tabId }, files: FILES.js }).catch(() => {});
  }
  return { ok: true, origin, sites: list };
}

/** Stops checking an origin and gives its permission back. @param {string} origin */
export async function removeSite(origin) {
  const list = (await extraSites()).filter((o) => o !== origin);
  await writeLocal('extra_sites', list);
  await register(list);
  await api.permissions.remove({ origins: [pattern(origin)] }).catch(() => false);
  return { ok: true, sites: list };
}

/** At start and when settings change: registration follows the list, the permissions and the managed switch. @param {boolean} allowed */
export async function syncSites(allowed) {
  await register(allowed ? await extraSites() : []).catch(() => {});
}
