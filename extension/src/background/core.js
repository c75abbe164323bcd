// @ts-check
// The background's logic, shared by Chromium's service worker (sw.js, which
// relays to the offscreen document) and Firefox's background page
// (firefox.js, which hosts the scanner itself).
//
//   content script ─{kind:'scan', text}──▶ core ─▶ adapter.scan(policyKey, text)
//   popup/options  ─{kind:'state' | 'enroll' | 'settings.set' | ...}──▶ core ─▶ storage
//   alarms: 'policy-refresh' (every 3 h), 'counts' (daily, opt-in)
//
// Stored in storage.local: settings (the clinician's choices), enrollment,
// policy (the last good signed policy), counts (per day, rule id -> n),
// false_alarms (per day, rule id -> n), personal_words (the clinician's own
// list, merged into the scanner's policy; never sent).
// Never stored: post text.

import { api, readArea, writeLocal, removeLocal } from '../ext.js';
import { effectiveSettings, siteOf, USER_KEYS } from '../settings.js';
import { siteList } from '../sites.js';
import { cleanWords, withWords, wordMode } from '../words.js';
import { addSite, removeSite, syncSites, extraSites, originOf } from './extra.js';
import { enroll, fetchPolicy, fetchKeys, postCounts, policyForScanner, PolicyError, UnknownKeyError } from '../policy.js';

export const REFRESH_MINUTES = 180;

/**
 * @typedef {object} Adapter the scanner, wherever it runs
 * @property {(key: string, json: string) => Promise<any>} configure
 * @property {(key: string, text: string) => Promise<any>} scan  {needPolicy} | {result} | {error, fatal}
 * @property {(key: string) => Promise<any>} rules {needPolicy} | {catalog} | {error}
 * @property {() => Promise<any>} status
 * @property {(data: string) => Promise<any>} [image] reads a photo (data: URL) on the device: {meta, text, ...} | {error} | {notChecked}
 * @property {() => boolean} [answersScans] true when the scanner's host answers pages' scans itself
 * @property {(current: {key: string, sites: Record<string, boolean>} | null) => void} [setCurrent]
 *   tells the scanner's host the policy and sites in force (null: stop answering pages directly)
 * @property {() => Promise<boolean>} [keepModule] unpacks the shipped module into the Cache API ahead of
 *   its first load (scanner.js, keepPackagedModule); run at start-up
 */

/** @param {Adapter} adapter @param {{fetch?: typeof fetch}} [o] */
export function createBackground(adapter, o = {}) {
  const fetchFn = o.fetch ?? ((/** @type {any} */ a, /** @type {any} */ b) => fetch(a, b));
  /** startedAt: when this background instance started (a service worker restarts often). */
  /** wordsError: the scanner refused the policy with the personal word list merged in. */
  /** @type {{policyError: string, scannerError: string, lastRefresh: number, refreshError: string, startedAt: number, wordsError: string}} */
  const status = { policyError: '', scannerError: '', lastRefresh: 0, refreshError: '', startedAt: Date.now(), wordsError: '' };
  /** @type {Promise<any> | null} */
  let cache = null;

  const load = () => (cache ??= (async () => {
    const [local, managed] = await Promise.all([
      readArea('local', ['settings', 'enrollment', 'policy', 'counts', 'false_alarms', 'personal_words', 'status']), readArea('managed', null)]);
    const { settings, locked } = effectiveSettings(local.settings ?? {}, managed);
    // A policy cached for another institution than the enrollment is ignored.
    const policy = local.policy && local.enrollment && local.policy.slug === local.enrollment.slug ? local.policy : undefined;
    return { settings, locked, managed, enrollment: local.enrollment, policy, counts: local.counts ?? {},
      falseAlarms: local.false_alarms ?? {}, words: cleanWords(local.personal_words) };
  })());
  api.storage?.onChanged?.addListener((_changes, area) => {
    cache = null;
    adapter.setCurrent?.(null);
    // IT may forbid "Check this site" at any time: the registration follows.
    if (area === 'managed') load().then((s) => syncSites(s.settings.check_other_sites));
  });

  /** The policy the scanner should use. */
  /** @returns {Promise<{key: string, json: string, base?: {key: string, json: string}}>} */
  async function policy() {
    const s = await load();
    const base = status.policyError && s.policy && status.policyError.startsWith(`${s.policy.slug}@${s.policy.version}:`)
      ? policyForScanner(undefined) : policyForScanner(s.policy);
    const pol = withWords(base, s.words, wordMode(s.settings.personal_words));
    return pol.base && status.wordsError.startsWith(`${pol.key}:`) ? base : pol;
  }

  /**
   * Runs op against the adapter, configuring the policy first when needed;
   * a policy the module rejects falls back to the defaults (and says so).
   * @param {(key: string) => Promise<any>} op
   */
  async function withPolicy(op) {
    let pol = await policy();
    let r = await op(pol.key);
    if (r && r.needPolicy) {
      let c = await adapter.configure(pol.key, pol.json);
      if (c.error && !c.fatal && pol.base) {
        // The module refused the personal word list: go on without it, and say so.
        status.wordsError = `${pol.key}: ${c.error}`;
        pol = pol.base;
        c = await adapter.configure(pol.key, pol.json);
      }
      if (c.error && !c.fatal && pol.key !== 'default') {
        status.policyError = `${pol.key}: ${c.error}`;
        pol = policyForScanner(undefined);
        const d = await adapter.configure(pol.key, pol.json);
        if (d.error) return d;
      } else if (c.error) {
        return c;
      }
      r = await op(pol.key);
    }
    // Once the scanner's host holds the policy in force, let it answer pages itself
    // (again after a worker restart, which forgets that it had).
    if (r && !r.error && !r.needPolicy && adapter.setCurrent && !adapter.answersScans?.()) {
      adapter.setCurrent({ key: pol.key, sites: (await load()).settings.sites });
    }
    if (r && r.error && r.fatal) status.scannerError = r.error; else if (r && !r.error) status.scannerError = '';
    return { ...r, policyKey: pol.key };
  }

  /** @param {string | undefined} url */
  function siteFor(url) {
    try { return url ? siteOf(new URL(url).hostname) : null; } catch { return null; }
  }

  async function pageState(/** @type {string | undefined} */ url) {
    const s = await load();
    let site = siteFor(url);
    let enabled = true, reason = 'Checking posts on this site.';
    // A site added with "Check this site" (its origin is listed and the managed switch allows it).
    const origin = !site && url ? originOf(url) : null;
    if (origin && s.settings.check_other_sites && (await extraSites()).includes(origin)) site = origin;
    if (!site) { enabled = false; reason = `Discreet only checks ${siteList()}${s.settings.check_other_sites ? ', and the sites you add with "Check this site"' : ''}.`; }
    else if (s.settings.sites[site] === false) { enabled = false; reason = `Checking is switched off for this site in the options.`; }
    return { enabled, reason, site, show_info: s.settings.show_info, personal_words: wordMode(s.settings.personal_words) };
  }

  async function state() {
    const s = await load();
    const eng = await adapter.status().catch(() => ({}));
    return {
      settings: s.settings, locked: s.locked, personal_words: s.words, extra_sites: await extraSites(),
      enrollment: s.enrollment ? { slug: s.enrollment.slug, institution: s.enrollment.institution, backend_url: s.enrollment.backend_url } : null,
      policy: s.policy ? { slug: s.policy.slug, version: s.policy.version, issued_at: s.policy.issued_at, name: s.policy.policy?.name ?? '' } : null,
      status: { ...status, scanner: eng },
    };
  }

  /** Enrolls with the backend and fetches the policy at once. @param {string} backend @param {string} code */
  async function doEnroll(backend, code) {
    const s = await load();
    const en = await enroll(backend, code, fetchFn, { pinnedKeys: s.settings.public_keys, institution: s.settings.institution });
    await writeLocal('enrollment', en);
    await removeLocal('policy');
    cache = null;
    await refresh();
    return en;
  }

  /** Refreshes the policy (If-None-Match). Keeps the cached one on any failure. */
  async function refresh() {
    const s = await load();
    let en = s.enrollment;
    if (!en && s.settings.backend_url && s.settings.enrollment_code) {
      try {
        en = await enroll(s.settings.backend_url, s.settings.enrollment_code, fetchFn,
          { pinnedKeys: s.settings.public_keys, institution: s.settings.institution });
        await writeLocal('enrollment', en);
      } catch (e) {
        status.refreshError = e instanceof Error ? e.message : String(e);
        return { error: status.refreshError };
      }
    }
    if (!en) return { status: 'not-enrolled' };
    try {
      let r;
      try {
        r = await fetchPolicy(en, s.policy, fetchFn);
      } catch (e) {
        if (!(e instanceof UnknownKeyError)) throw e;
        // The backend rotated its key: apply its key-set statements signed by a
        // key already trusted (an unsigned list adds nothing) and try once more.
        // Nothing is stored unless the bundle then verifies.
        en = { ...en, ...await fetchKeys(en, fetchFn, s.settings.public_keys) };
        r = await fetchPolicy(en, s.policy, fetchFn);
        await writeLocal('enrollment', en);
      }
      await writeLocal('policy', r.policy);
      cache = null;
      status.lastRefresh = Date.now();
      status.refreshError = '';
      if (r.status === 'updated') status.policyError = '';
      return { status: r.status, version: r.policy.version };
    } catch (e) {
      status.refreshError = e instanceof Error ? e.message : String(e);
      return { error: status.refreshError };
    }
  }

  /** Adds a published post's rule ids to today's counts (opt-in only). @param {string[]} rules */
  async function countPublished(rules) {
    const s = await load();
    if (!s.settings.counts_opt_in || !s.enrollment) return;
    const day = new Date().toISOString().slice(0, 10);
    const counts = structuredClone(s.counts);
    counts[day] ??= {};
    for (const r of rules) if (typeof r === 'string' && /^[a-z_]+\.[a-z0-9_.]+$/.test(r)) counts[day][r] = (counts[day][r] ?? 0) + 1;
    await writeLocal('counts', counts);
  }

  /** "Don't flag this for me": a false alarm of this rule, counted per day (opt-in; rule id only). @param {unknown} rule */
  async function countFalseAlarm(rule) {
    const s = await load();
    if (!s.settings.counts_opt_in || !s.enrollment || typeof rule !== 'string' || !/^[a-z_]+\.[a-z0-9_.]+$/.test(rule)) return;
    const day = new Date().toISOString().slice(0, 10);
    const fa = structuredClone(s.falseAlarms);
    fa[day] ??= {};
    fa[day][rule] = (fa[day][rule] ?? 0) + 1;
    await writeLocal('false_alarms', fa);
  }

  /** Sends the counts (and false alarms) of days before today, then forgets them. */
  async function flushCounts(/** @type {string} */ today = new Date().toISOString().slice(0, 10)) {
    const s = await load();
    if (!s.enrollment) return { sent: 0 };
    const counts = structuredClone(s.counts);
    const fa = structuredClone(s.falseAlarms);
    let sent = 0;
    for (const day of [...new Set([...Object.keys(counts), ...Object.keys(fa)])].sort()) {
      if (day >= today) continue;
      const c = counts[day] ?? {}, f = fa[day] ?? {};
      if (s.settings.counts_opt_in && (Object.keys(c).length || Object.keys(f).length)) {
        try { await postCounts(s.enrollment, day, c, fetchFn, f); sent++; } catch { continue; }
      }
      delete counts[day];
      delete fa[day];
    }
    await writeLocal('counts', counts);
    await writeLocal('false_alarms', fa);
    return { sent };
  }

  /** Adds words to the personal list (refused when the institution turned it off). @param {unknown} words */
  async function addWords(words) {
    const s = await load();
    if (wordMode(s.settings.personal_words) === 'off') return { error: 'your organisation does not allow a personal word list' };
    const list = cleanWords([...s.words, ...(Array.isArray(words) ? words : [])]);
    await writeLocal('personal_words', list);
    cache = null;
    return { ok: true, words: list };
  }

  /** @param {any} msg @param {chrome.runtime.MessageSender} sender */
  async function handle(msg, sender) {
    // Content scripts run in web pages; the popup, options and benchmark pages are the extension's own.
    const fromPage = !(sender.url ?? '').startsWith(api.runtime.getURL(''));
    switch (msg?.kind) {
      case 'hello':
        return pageState(sender.tab?.url ?? sender.url);
      case 'scan': {
        const ps = await pageState(sender.tab?.url ?? sender.url);
        if (fromPage && !ps.enabled) return { disabled: true, reason: ps.reason };
        if (typeof msg.text !== 'string') return { error: 'scan: no text' };
        return withPolicy((key) => adapter.scan(key, msg.text));
      }
      case 'rules':
        return withPolicy((key) => adapter.rules(key));
      case 'image.check': {
        // A photo attached in a composer: its metadata and its text (OCR), read on this device;
        // the text goes through the same scanner and policy as typed text.
        const ps = await pageState(sender.tab?.url ?? sender.url);
        if (fromPage && !ps.enabled) return { disabled: true, reason: ps.reason };
        if (!adapter.image || typeof msg.data !== 'string') return { error: 'images are not checked here' };
        const img = await adapter.image(msg.data);
        if (!img?.text?.trim()) return img;
        const r = await withPolicy((key) => adapter.scan(key, img.text));
        return { ...img, result: r.result ?? null, scanError: r.error ?? '' };
      }
      case 'published':
        await countPublished(Array.isArray(msg.rules) ? msg.rules : []);
        return { ok: true };
      case 'words.add': {
        // "Don't flag this for me" on the card: the text joins the list on this device; the rule id is counted as a false alarm.
        const r = await addWords([String(msg.text ?? '')]);
        if (!r.error) await countFalseAlarm(msg.rule);
        return r.error ? r : { ok: true };
      }
    }
    if (fromPage) return { error: 'not allowed from a page' };
    switch (msg?.kind) {
      case 'state':
        return state();
      case 'enroll':
        try {
          const en = await doEnroll(String(msg.backend_url ?? ''), String(msg.code ?? ''));
          return { ok: true, institution: en.institution, slug: en.slug };
        } catch (e) {
          return { error: e instanceof PolicyError || e instanceof Error ? e.message : String(e) };
        }
      case 'unenroll':
        await removeLocal('enrollment'); await removeLocal('policy'); cache = null;
        return { ok: true };
      case 'refresh':
        return refresh();
      case 'words.set': {
        const s = await load();
        if (wordMode(s.settings.personal_words) === 'off') return { error: 'your organisation does not allow a personal word list' };
        await writeLocal('personal_words', cleanWords(msg.words));
        cache = null;
        return { ok: true };
      }
      case 'site.add': {
        // The popup asked for the origin (permissions.request) first; this registers the content script there.
        const s = await load();
        return addSite(String(msg.url ?? ''), typeof msg.tabId === 'number' ? msg.tabId : undefined, s.settings.check_other_sites);
      }
      case 'site.remove':
        return removeSite(String(msg.origin ?? ''));
      case 'counts.flush':
        return flushCounts(msg.today);
      case 'settings.set': {
        const s = await load();
        const cur = (await readArea('local', 'settings')).settings ?? {};
        const patch = msg.patch ?? {};
        for (const k of Object.keys(patch)) {
          if (!USER_KEYS.includes(k)) return { error: `${k} cannot be changed here` };
          if (k === 'sites') {
            for (const site of Object.keys(patch.sites ?? {})) {
              if (s.locked.includes('sites.' + site)) return { error: `the ${site} switch is set by your organisation` };
            }
            cur.sites = { ...(cur.sites ?? {}), ...patch.sites };
          } else {
            if (s.locked.includes(k)) return { error: `${k} is set by your organisation` };
            cur[k] = patch[k];
          }
        }
        await writeLocal('settings', cur);
        cache = null;
        return { ok: true };
      }
    }
    return { error: `unknown message kind ${msg?.kind}` };
  }

  function listen() {
    api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
      if (!msg || msg.target === 'offscreen') return false;
      // The offscreen document answers pages' scans itself once it holds the
      // policy in force; a retry (via: 'sw') always comes here.
      if (msg.kind === 'scan' && msg.via !== 'sw' && sender.tab && !(sender.url ?? '').startsWith(api.runtime.getURL('')) &&
          adapter.answersScans?.()) return false;
      handle(msg, sender).then(sendResponse, (e) => sendResponse({ error: String(e && e.message || e) }));
      return true;
    });
    api.alarms?.onAlarm.addListener((a) => {
      if (a.name === 'policy-refresh') refresh();
      if (a.name === 'counts') flushCounts();
    });
    const start = () => {
      // Unpack the module now, in the background, so that the first load a
      // clinician waits for compiles the kept one.
      adapter.keepModule?.();
      load().then((s) => syncSites(s.settings.check_other_sites));
      api.alarms?.create('policy-refresh', { periodInMinutes: REFRESH_MINUTES });
      api.alarms?.create('counts', { periodInMinutes: 24 * 60, delayInMinutes: 60 });
      refresh();
    };
    api.runtime.onStartup?.addListener(start);
    api.runtime.onInstalled?.addListener(start);
  }

  return { handle, listen, refresh, flushCounts, state, status, load: () => load() };
}
