// @ts-check
// The sites Discreet checks: the one table that the manifests' content-script
// matches, the settings, the options page and the managed-settings schema are
// built from (tools/build.mjs) or read at run time. Add a site here and it is
// matched, switchable and lockable everywhere.

/**
 * @typedef {object} SiteInfo
 * @property {string} id the settings key (sites.<id>)
 * @property {string} name shown in the options page and popup
 * @property {string[]} domains registrable domains; each matches itself and its subdomains, https only
 * @property {string} editors what its composers are built with (documentation and tests)
 */

/** @type {readonly SiteInfo[]} */
export const SITE_TABLE = Object.freeze([
  { id: 'facebook', name: 'Facebook', domains: ['facebook.com'], editors: 'Lexical' },
  { id: 'x', name: 'X (Twitter)', domains: ['x.com', 'twitter.com'], editors: 'Draft.js' },
  { id: 'linkedin', name: 'LinkedIn', domains: ['linkedin.com'], editors: 'Quill' },
  { id: 'instagram', name: 'Instagram', domains: ['instagram.com'], editors: 'Lexical (captions, comments)' },
  { id: 'youtube', name: 'YouTube', domains: ['youtube.com'], editors: 'bare contenteditable (comments, community posts)' },
  { id: 'threads', name: 'Threads', domains: ['threads.com', 'threads.net'], editors: 'Lexical' },
  { id: 'bluesky', name: 'Bluesky', domains: ['bsky.app'], editors: 'ProseMirror (TipTap)' },
  { id: 'reddit', name: 'Reddit', domains: ['reddit.com'], editors: 'textarea and rich text (Lexical)' },
].map((s) => Object.freeze(s)));

/** Site id -> display name. */
export const SITES = /** @type {Record<string, string>} */ (Object.fromEntries(SITE_TABLE.map((s) => [s.id, s.name])));

/** The manifest match patterns of one site. @param {SiteInfo} s */
export const matchesOf = (s) => s.domains.flatMap((d) => [`https://${d}/*`, `https://*.${d}/*`]);

/** Every site's match patterns, for the manifests' content_scripts. */
export const ALL_MATCHES = SITE_TABLE.flatMap(matchesOf);

/** The site a hostname belongs to, or null. @param {string} hostname @returns {string | null} */
export function siteOf(hostname) {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  for (const s of SITE_TABLE) {
    if (s.domains.some((d) => h === d || h.endsWith('.' + d))) return s.id;
  }
  return null;
}

/** "Facebook, X (Twitter), ... and Reddit": the sites in a sentence. */
export function siteList() {
  const n = SITE_TABLE.map((s) => s.name.replace(/ \(.*\)$/, ''));
  return n.length > 1 ? `${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}` : n.join('');
}
