// Shared set-up for the browser tests: Debian's chromium through
// playwright-core with the unpacked extension, fixture pages served at the
// real hostnames (context.route) with each site's strict CSP, and a fake
// settings backend (Node http + Ed25519).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, readFileSync, existsSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { generateKeyPairSync, sign, createHash } from 'node:crypto';
import { launchFirefox } from './firefox.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../../..');
export const EXT_DIR = process.env.DISCREET_EXT_DIR ?? join(ROOT, 'build/extension/chrome');
export const FIXTURES = join(ROOT, 'build/extension-fixtures');
export const EXT_ID = 'kpemdigcncdhknjmmilgmckifkfkjnlj';
export const FIREFOX_EXT_DIR = process.env.DISCREET_FIREFOX_EXT_DIR ?? join(ROOT, 'build/extension/firefox');
/** The browsers the editor tests run in (DISCREET_BROWSERS=chromium to run one). */
export const BROWSERS = (process.env.DISCREET_BROWSERS ?? 'chromium,firefox').split(',').filter(Boolean);

/**
 * A copy of the build under a fresh manifest key, so a machine-wide managed
 * policy written for its id touches no other run's extension. Returns {dir, id}.
 */
export function buildWithOwnId() {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const id = [...createHash('sha256').update(der).digest('hex').slice(0, 32)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
  const dir = mkdtempSync(join(tmpdir(), 'discreet-ext-'));
  cpSync(EXT_DIR, dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  m.key = der.toString('base64');
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  return { dir, id };
}

/** Each site's CSP: no inline scripts or styles, no eval, no wasm (the overlay's styles must come through adoptedStyleSheets). */
export const SITES = {
  facebook: { origin: 'https://www.facebook.com', page: 'lexical.html', csp: "default-src 'self'; script-src 'self'; img-src 'self' data:" },
  x: { origin: 'https://x.com', page: 'draft.html', csp: "default-src 'self'; script-src 'self'" },
  linkedin: { origin: 'https://www.linkedin.com', page: 'quill.html', csp: "default-src 'self'; script-src 'self'" },
  instagram: { origin: 'https://www.instagram.com', page: 'instagram.html', csp: "default-src 'self'; script-src 'self'" },
  youtube: { origin: 'https://www.youtube.com', page: 'youtube.html', csp: "default-src 'self'; script-src 'self'" },
  threads: { origin: 'https://www.threads.com', page: 'threads.html', csp: "default-src 'self'; script-src 'self'" },
  bluesky: { origin: 'https://bsky.app', page: 'bluesky.html', csp: "default-src 'self'; script-src 'self'" },
  reddit: { origin: 'https://www.reddit.com', page: 'reddit.html', csp: "default-src 'self'; script-src 'self'" },
};

/** A site outside the table, for "Check this site" (a blog editor or a Mastodon instance). */
export const OTHER_SITES = {
  blog: { origin: 'https://blog.example', page: 'youtube.html', csp: "default-src 'self'; script-src 'self'" },
};
const ALL_SITES = { ...SITES, ...OTHER_SITES };

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.png': 'image/png' };

/** A fixture file served as a site would, with the site's CSP. @param {{page: string, csp: string}} site @param {URL} url */
function serveFixture(site, url) {
  const path = url.pathname === '/' ? `/${site.page}` : url.pathname;
  const file = join(FIXTURES, path);
  if (!file.startsWith(FIXTURES) || !existsSync(file)) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
  const ext = path.slice(path.lastIndexOf('.'));
  return { status: 200, body: readFileSync(file), headers: { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'content-security-policy': site.csp } };
}

/**
 * Launches a browser with the extension and the fixture sites: 'chromium'
 * (playwright-core) or 'firefox' (WebDriver BiDi, ./firefox.js). Both answer
 * {browser, context: {newPage}, sw: {evaluate} (extension storage), close}.
 * @param {'chromium' | 'firefox'} name @param {any} [o]
 */
export async function launchBrowser(name, o = {}) {
  if (name === 'firefox') {
    return launchFirefox({ extDir: o.extDir ?? FIREFOX_EXT_DIR, prefs: o.prefs, extId: o.extId,
      routes: Object.values(ALL_SITES).map((site) => ({ origin: site.origin, respond: (url) => serveFixture(site, url) })) });
  }
  const b = await launch(o);
  // The extension answers once its scanner is configured: the load figure per
  // browser (from the background running to the first scan answered).
  const t0 = performance.now();
  if (b.sw) await b.sw.evaluate(() => globalThis.discreet.handle({ kind: 'scan', text: 'Call 555-201-7788' }, { url: chrome.runtime.getURL('load') }));
  const loadMs = performance.now() - t0;
  // Every request the browser lets us see (pages and extension pages), with its body.
  /** @type {{url: string, method: string, post: string}[]} */
  const requests = [];
  b.context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), post: r.postData() ?? '' }));
  const id = o.extId ?? EXT_ID;
  return {
    browser: 'chromium', ...b, loadMs, requests, extUrl: `chrome-extension://${id}`,
    /** Opens an extension page (popup, options) in a tab. @param {string} path */
    async openExtensionPage(path) {
      const p = await b.context.newPage();
      await p.goto(`chrome-extension://${id}/${path}`);
      return p;
    },
    /** A message to the background as the extension's own pages send it. @param {any} msg */
    bg: (msg) => b.sw.evaluate((msg) => globalThis.discreet.handle(msg, { url: chrome.runtime.getURL('test') }), msg),
  };
}

/**
 * Launches chromium with the extension. Returns {context, sw, close}.
 * @param {{extDir?: string, extId?: string, headless?: boolean, noExtension?: boolean}} [o]
 */
export async function launch(o = {}) {
  const extDir = o.extDir ?? EXT_DIR;
  if (!existsSync(join(extDir, 'manifest.json'))) throw new Error(`${extDir} is not built: run make build`);
  const extArgs = o.noExtension ? [] : [`--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`];
  const userDir = mkdtempSync(join(tmpdir(), 'discreet-chromium-'));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: o.headless ?? true,
    ignoreDefaultArgs: o.noExtension ? [] : ['--disable-extensions'],
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', ...extArgs],
    viewport: { width: 1200, height: 900 },
  });
  // Fixture pages at the real hostnames.
  for (const site of Object.values(ALL_SITES)) {
    await context.route(`${site.origin}/**`, (route) => route.fulfill(serveFixture(site, new URL(route.request().url()))));
  }
  const id = o.extId ?? EXT_ID;
  let sw = context.serviceWorkers().find((w) => w.url().includes(id));
  if (!sw && !o.noExtension) sw = await context.waitForEvent('serviceworker', { predicate: (w) => w.url().includes(id), timeout: 15000 });
  return {
    context, sw,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/** Opens a site's fixture and waits for the content script's overlay. */
export async function openSite(context, site, path = '', o = {}) {
  const page = await context.newPage();
  await page.goto(`${ALL_SITES[site].origin}/${path}`);
  if (o.noExtension) return page;
  await page.waitForSelector('discreet-overlay[data-status]', { state: 'attached', timeout: 10000 });
  return page;
}

/** The overlay's finding elements: [{rule, category, severity, start16, end16, boxes:[{x,y,w,h}]}]. */
export function overlayFindings(page) {
  return page.evaluate(() => {
    const host = document.querySelector('discreet-overlay');
    return [...(host?.shadowRoot?.querySelectorAll('.finding') ?? [])].map((el) => ({
      rule: el.getAttribute('data-rule'), category: el.getAttribute('data-category'), severity: el.getAttribute('data-severity'),
      start16: Number(el.getAttribute('data-start16')), end16: Number(el.getAttribute('data-end16')),
      boxes: [...el.querySelectorAll('.box')].map((b) => { const r = b.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; }),
    }));
  });
}

/** The browser's tab id of a page (for the popup's ?tab=). */
export async function tabIdOf(b, page, origin) {
  if (b.browser === 'firefox') return b.sw.evaluate(async (o) => (await chrome.tabs.query({ url: `${o}/*` }))[0].id, origin);
  // Chromium shows tab URLs only with the tabs permission: the active tab is the page brought to the front.
  await page.bringToFront();
  return b.sw.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0].id);
}

/** Waits until the overlay shows a finding with this rule. */
export async function waitForRule(page, rule, timeout = 20000) {
  try {
    await page.waitForFunction((rule) => !!document.querySelector('discreet-overlay')?.shadowRoot
      ?.querySelector(`.finding[data-rule="${rule}"]`), rule, { timeout });
  } catch (e) {
    const why = await page.evaluate(() => {
      const o = document.querySelector('discreet-overlay');
      return { status: o?.getAttribute('data-status'), scans: o?.getAttribute('data-scans'),
        retries: o?.getAttribute('data-retries'), lastError: o?.getAttribute('data-last-error'), composers: o?.getAttribute('data-composers'),
        badges: [...(o?.shadowRoot?.querySelectorAll('.badge') ?? [])].map((b) => b.title),
        rules: [...(o?.shadowRoot?.querySelectorAll('.finding') ?? [])].map((f) => f.getAttribute('data-rule')),
        model: window.fixture?.model?.() };
    }).catch(() => ({}));
    throw new Error(`no ${rule} finding: ${JSON.stringify(why)}`);
  }
}

/**
 * Clicks the composer `selector`, types `text` and waits until the overlay
 * shows `rule`; returns that finding (as overlayFindings gives it).
 */
export async function typeAndFind(page, selector, text, rule, timeout) {
  await page.click(selector);
  await page.keyboard.type(text);
  await waitForRule(page, rule, timeout);
  return (await overlayFindings(page)).find((x) => x.rule === rule);
}

/**
 * Waits until the page's scans have settled: the overlay's scan count stays the
 * same for `quietMs` (longer than the content script's debounce), so a scan
 * scheduled by earlier typing cannot land after the caller reads the count.
 */
export async function waitForQuiet(page, quietMs = 700, timeout = 15000) {
  const count = () => page.evaluate(() => document.querySelector('discreet-overlay')?.getAttribute('data-scans') ?? '0');
  const end = Date.now() + timeout;
  let last = await count();
  let since = Date.now();
  while (Date.now() < end) {
    await page.waitForTimeout(100);
    const now = await count();
    if (now !== last) { last = now; since = Date.now(); } else if (Date.now() - since >= quietMs) return Number(now);
  }
  throw new Error(`scans did not settle within ${timeout} ms (last count ${last})`);
}

/** Waits until the pre-publish dialog shows. */
export async function waitForIntercept(page) {
  await page.waitForFunction(() => !document.querySelector('discreet-overlay').shadowRoot.querySelector('.intercept').hidden);
}

/** Clicks the pre-publish dialog's "Post anyway" and waits until the page has `n` posts. */
export async function postAnyway(page, n) {
  await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.intercept .anyway').click());
  await page.waitForFunction((n) => window.posted.length === n, n);
}

/** Sends a message to the background as the options page does, and returns its answer. */
export async function toBackground(b, msg) {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${EXT_ID}/src/options/options.html`);
  const r = await page.evaluate((m) => chrome.runtime.sendMessage(m), msg);
  await page.close();
  return r;
}

/** Waits until the overlay shows a finding of this category and severity. */
export async function waitForCategory(page, category, severity, timeout = 10000) {
  await page.waitForFunction(({ category, severity }) => !!document.querySelector('discreet-overlay')?.shadowRoot
    ?.querySelector(`.finding[data-category="${category}"][data-severity="${severity}"]`), { category, severity }, { timeout });
}

/** Client rects of the first occurrence of `sub` inside the editor `selector`, found by a text walk in the page. */
export function rectsOf(page, selector, sub) {
  return page.evaluate(({ selector, sub }) => {
    const root = document.querySelector(selector);
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      const i = n.data.indexOf(sub);
      if (i >= 0) {
        const r = document.createRange();
        r.setStart(n, i); r.setEnd(n, i + sub.length);
        return [...r.getClientRects()].map((b) => ({ x: b.x, y: b.y, w: b.width, h: b.height }));
      }
    }
    return null;
  }, { selector, sub });
}

/** Stores a policy in the extension as if a signed one had been fetched (for plumbing tests). */
export async function installPolicy(sw, policy, slug = 'test', version = 1) {
  await sw.evaluate(async ({ policy, slug, version }) => {
    await chrome.storage.local.set({
      enrollment: { slug, institution: 'Test', policy_url: 'http://127.0.0.1:9/none', keys: [], report_token: '', backend_url: 'http://127.0.0.1:9' },
      policy: { slug, version, issued_at: '', policy, etag: '', fetched_at: Date.now() },
    });
  }, { policy, slug, version });
}

export const TERMS_POLICY = {
  name: 'Test policy', institution: { name: 'Mercy Health', guidance_url: 'https://mercy.example/social-media' },
  terms: [
    { phrase: 'zebra crossing', category: 'conduct', severity: 'warn', message: 'test term' },
    { phrase: 'blue moon', category: 'privacy', severity: 'block', message: 'blocked test term' },
  ],
};

/**
 * A fake settings backend. Records every request (method, url, headers, body).
 * @param {{slug?: string, policy?: object, version?: number}} [o]
 */
export async function fakeBackend(o = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  const state = {
    slug: o.slug ?? 'mercy', version: o.version ?? 7, policy: o.policy ?? TERMS_POLICY, requests: [], down: false,
    keyId: 'k1', signWith: privateKey, payloadSlug: null,
    keys: [{ id: 'k1', alg: 'Ed25519', public_key: raw.toString('base64') }], statements: [],
  };
  const pubOf = (k) => Buffer.from(k.export({ format: 'jwk' }).x, 'base64url').toString('base64');
  /** A key-set statement {type, seq, keys} signed by `priv` as `keyId`. */
  const statement = (seq, keys, priv, keyId) => {
    const p = Buffer.from(JSON.stringify({ type: 'discreet.keyset/v1', seq, issued_at: '2026-12-01T00:00:00Z', keys }));
    return { key_id: keyId, payload: p.toString('base64'), signature: sign(null, p, priv).toString('base64') };
  };
  const bundle = () => {
    const payload = Buffer.from(JSON.stringify({ slug: state.payloadSlug ?? state.slug, version: state.version,
      issued_at: '2026-11-25T12:00:00Z', policy: state.policy }));
    return { key_id: state.keyId, payload: payload.toString('base64'), signature: sign(null, payload, state.signWith).toString('base64') };
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      state.requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type, authorization, if-none-match',
        'access-control-expose-headers': 'etag', 'access-control-allow-methods': 'GET, POST' };
      const json = (code, obj, extra = {}) => { res.writeHead(code, { 'content-type': 'application/json', ...cors, ...extra }); res.end(JSON.stringify(obj)); };
      if (req.method === 'OPTIONS') { res.writeHead(204, cors); return res.end(); }
      if (state.down) { res.writeHead(503, cors); return res.end(); }
      const base = `http://127.0.0.1:${server.address().port}`;
      if (req.method === 'POST' && req.url === '/v1/enroll') {
        let code = '';
        try { code = JSON.parse(body).code; } catch { /* empty */ }
        if (code !== 'MERCY-2026') return json(403, { error: 'unknown code' });
        return json(200, { slug: state.slug, institution: 'Mercy Health', policy_url: `${base}/v1/institutions/${state.slug}/policy`,
          keys: [{ id: 'k1', alg: 'Ed25519', public_key: raw.toString('base64') }], report_token: 'rt-secret' });
      }
      if (req.method === 'GET' && req.url === `/v1/institutions/${state.slug}/policy`) {
        const etag = `"v${state.version}"`;
        if (req.headers['if-none-match'] === etag) { res.writeHead(304, { ...cors, etag }); return res.end(); }
        return json(200, bundle(), { etag });
      }
      if (req.method === 'GET' && req.url === '/v1/keys') return json(200, { keys: state.keys, statements: state.statements });
      if (req.method === 'POST' && req.url === `/v1/institutions/${state.slug}/counts`) {
        if (req.headers.authorization !== 'Bearer rt-secret') return json(401, { error: 'bad token' });
        return json(200, { ok: true });
      }
      json(404, { error: 'not found' });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    state, url: `http://127.0.0.1:${server.address().port}`, publicKey: raw.toString('base64'),
    otherKey: () => generateKeyPairSync('ed25519').privateKey, k1: privateKey,
    /** Rotates to a new signing key k2: k1 signs the statement that the keys are {k2, k1}. */
    rotate() {
      const k = generateKeyPairSync('ed25519');
      const k2 = { id: 'k2', alg: 'Ed25519', public_key: pubOf(k.publicKey) };
      state.keyId = 'k2';
      state.signWith = k.privateKey;
      state.keys = [k2, ...state.keys];
      state.statements = [...state.statements, statement(1000, state.keys, privateKey, 'k1')];
    },
    /**
     * The attack: whoever answers for the backend's origin signs with its own
     * key, lists that key in /v1/keys and adds a statement it signed itself.
     */
    forge() {
      const k = generateKeyPairSync('ed25519');
      const evil = { id: 'k-evil', alg: 'Ed25519', public_key: pubOf(k.publicKey) };
      const saved = { keyId: state.keyId, signWith: state.signWith, keys: state.keys, statements: state.statements };
      state.keyId = 'k-evil';
      state.signWith = k.privateKey;
      state.keys = [evil, ...state.keys];
      state.statements = [...state.statements, statement(999999, [evil], k.privateKey, 'k-evil'),
        statement(1000000, [evil], k.privateKey, 'k1')];
      return () => Object.assign(state, saved);
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
