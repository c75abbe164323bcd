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
// policy (the last good signed policy), counts (per day, rule id -> n).
// Never stored: post text.

import { api, readArea, writeLocal, removeLocal } from '../ext.js';
import { effectiveSettings, siteOf, USER_KEYS } from '../settings.js';
import { siteList } from '../sites.js';
import { enroll, fetchPolicy, fetchKeys, postCounts, policyForScanner, PolicyError, UnknownKeyError } from '../policy.js';

export const REFRESH_MINUTES = 180;

/**
 * @typedef {object} Adapter the scanner, wherever it runs
 * @property {(key: string, json: string) => Promise<any>} configure
 * @property {(key: string, text: string) => Promise<any>} scan  {needPolicy} | {result} | {error, fatal}
 * @property {(key: string) => Promise<any>} rules {needPolicy} | {catalog} | {error}
 * @property {() => Promise<any>} status
 * @property {() => boolean} [answersScans] true when the scanner's host answers pages' scans itself
 * @property {(current: {key: string, sites: Record<string, boolean>} | null) => void} [setCurrent]
 *   tells the scanner's host the policy and sites in force (null: stop answering pages directly)
 */

/** @param {Adapter} adapter @param {{fetch?: typeof fetch}} [o] */
export function createBackground(adapter, o = {}) {
  const fetchFn = o.fetch ?? ((/** @type {any} */ a, /** @type {any} */ b) => fetch(a, b));
  /** startedAt: when this background instance started (a service worker restarts often). */
  /** @type {{policyError: string, scannerError: string, lastRefresh: number, refreshError: string, startedAt: number}} */
  const status = { policyError: '', scannerError: '', lastRefresh: 0, refreshError: '', startedAt: Date.now() };
  /** @type {Promise<any> | null} */
  let cache = null;

  const load = () => (cache ??= (async () => {
    const [local, managed] = await Promise.all([
      readArea('local', ['settings', 'enrollment', 'policy', 'counts', 'status']), readArea('managed', null)]);
    const { settings, locked } = effectiveSettings(local.settings ?? {}, managed);
    // A policy cached for another institution than the enrollment is ignored.
    const policy = local.policy && local.enrollment && local.policy.slug === local.enrollment.slug ? local.policy : undefined;
    return { settings, locked, managed, enrollment: local.enrollment, policy, counts: local.counts ?? {} };
  })());
  api.storage?.onChanged?.addListener(() => { cache = null; adapter.setCurrent?.(null); });

  /** The policy the scanner should use. */
  async function policy() {
    const s = await load();
    return status.policyError && s.policy && status.policyError.startsWith(`${s.policy.slug}@${s.policy.version}:`)
      ? policyForScanner(undefined) : policyForScanner(s.policy);
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
      const c = await adapter.configure(pol.key, pol.json);
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
    const site = siteFor(url);
    let enabled = true, reason = 'Checking posts on this site.';
    if (!site) { enabled = false; reason = `Discreet only checks ${siteList()}.`; }
    else if (!s.settings.sites[site]) { enabled = false; reason = `Checking is switched off for this site in the options.`; }
    return { enabled, reason, site, show_info: s.settings.show_info };
  }

  async function state() {
    const s = await load();
    const eng = await adapter.status().catch(() => ({}));
    return {
      settings: s.settings, locked: s.locked,
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
        // The backend rotated its key: learn the new list (pinned keys still rule) and try once more.
        en = { ...en, keys: await fetchKeys(en, fetchFn, s.settings.public_keys) };
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

  /** Sends the counts of days before today, then forgets them. */
  async function flushCounts(/** @type {string} */ today = new Date().toISOString().slice(0, 10)) {
    const s = await load();
    if (!s.enrollment) return { sent: 0 };
    const counts = structuredClone(s.counts);
    let sent = 0;
    for (const day of Object.keys(counts).sort()) {
      if (day >= today) continue;
      if (s.settings.counts_opt_in && Object.keys(counts[day]).length) {
        try { await postCounts(s.enrollment, day, counts[day], fetchFn); sent++; } catch { continue; }
      }
      delete counts[day];
    }
    await writeLocal('counts', counts);
    return { sent };
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
      case 'published':
        await countPublished(Array.isArray(msg.rules) ? msg.rules : []);
        return { ok: true };
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
      api.alarms?.create('policy-refresh', { periodInMinutes: REFRESH_MINUTES });
      api.alarms?.create('counts', { periodInMinutes: 24 * 60, delayInMinutes: 60 });
      refresh();
    };
    api.runtime.onStartup?.addListener(start);
    api.runtime.onInstalled?.addListener(start);
  }

  return { handle, listen, refresh, flushCounts, state, status, load: () => load() };
}
