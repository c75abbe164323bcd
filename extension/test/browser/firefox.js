// Debian's firefox-esr driven over WebDriver BiDi with Node's own WebSocket
// (node --experimental-websocket on Node 20): no npm dependency. It offers the
// small part of playwright-core's API the browser tests use (newPage, goto,
// evaluate, waitForFunction, waitForSelector, click, keyboard, mouse, close),
// so the same test bodies run in Chromium and Firefox.
//
//   firefox-esr --headless --remote-debugging-port N ──ws://127.0.0.1:N/session──▶ this file
//   pages at the real hostnames: network.addIntercept + network.provideResponse (any CSP)
//   the extension: webExtension.install (temporary add-on, UUID pinned in user.js)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import net from 'node:net';

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
export const FIREFOX_EXT_ID = 'discreet@discreet-health.org';

const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const p = /** @type {any} */ (s.address()).port; s.close(() => resolve(p)); });
  s.on('error', reject);
});

/** One BiDi connection: send(method, params) -> result; events by name. */
class Bidi {
  constructor(ws) {
    this.ws = ws;
    this.id = 0;
    this.pending = new Map();
    this.handlers = new Map();
    ws.addEventListener('message', (ev) => {
      const m = JSON.parse(String(ev.data));
      if (m.id !== undefined && this.pending.has(m.id)) {
        const { resolve, reject, method } = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.type === 'error') reject(new Error(`${method}: ${m.error}: ${m.message}`));
        else resolve(m.result);
      } else if (m.type === 'event') {
        for (const h of this.handlers.get(m.method) ?? []) h(m.params);
      }
    });
    ws.addEventListener('close', () => {
      for (const { reject, method } of this.pending.values()) reject(new Error(`${method}: connection closed`));
      this.pending.clear();
    });
  }
  send(method, params = {}) {
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  on(event, h) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(h);
  }
}

const KEYS = {
  Alt: '\uE00A', Shift: '\uE008', Control: '\uE009', Meta: '\uE03D', Enter: '\uE007', Escape: '\uE00C',
  Backspace: '\uE003', Tab: '\uE004', Home: '\uE011', End: '\uE010', ArrowLeft: '\uE012', ArrowUp: '\uE013',
  ArrowRight: '\uE014', ArrowDown: '\uE015', Delete: '\uE017',
};

/** Turns a function and its argument into a call whose answer comes back as JSON. */
const wrap = (fn) => `async (a) => { const r = await (${fn.toString()})(a === undefined ? undefined : JSON.parse(a)); return r === undefined ? '__undefined__' : JSON.stringify(r); }`;

class Page {
  constructor(browser, context) {
    this.b = browser;
    this.context = context;
    this.keyboard = {
      type: (text) => this.keys([...text].flatMap((c) => [{ type: 'keyDown', value: c }, { type: 'keyUp', value: c }])),
      press: (combo) => {
        const parts = combo.split('+').map((k) => KEYS[k] ?? k);
        return this.keys([...parts.map((v) => ({ type: 'keyDown', value: v })), ...parts.reverse().map((v) => ({ type: 'keyUp', value: v }))]);
      },
    };
    this.mouse = {
      move: (x, y) => this.pointer([{ type: 'pointerMove', x: Math.round(x), y: Math.round(y) }]),
      click: (x, y) => this.pointer([{ type: 'pointerMove', x: Math.round(x), y: Math.round(y) },
        { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }]),
    };
  }
  keys(actions) {
    return this.b.bidi.send('input.performActions', { context: this.context, actions: [{ type: 'key', id: 'kb', actions }] });
  }
  pointer(actions) {
    return this.b.bidi.send('input.performActions', { context: this.context,
      actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }] });
  }
  async goto(url) {
    await this.b.bidi.send('browsingContext.navigate', { context: this.context, url, wait: 'complete' });
  }
  url() { return this.b.urls.get(this.context) ?? ''; }
  async evaluate(fn, arg) {
    const r = await this.b.bidi.send('script.callFunction', {
      functionDeclaration: wrap(fn), target: { context: this.context }, awaitPromise: true,
      arguments: arg === undefined ? [] : [{ type: 'string', value: JSON.stringify(arg) }],
    });
    if (r.type === 'exception') throw new Error(`evaluate: ${r.exceptionDetails?.text ?? 'exception'}`);
    const v = r.result?.value;
    return v === '__undefined__' || v === undefined ? undefined : JSON.parse(v);
  }
  async waitForFunction(fn, arg, o = {}) {
    const until = Date.now() + (o.timeout ?? 30000);
    for (;;) {
      let v = null;
      try { v = await this.evaluate(fn, arg); } catch (e) { if (Date.now() > until) throw e; }
      if (v) return v;
      if (Date.now() > until) throw new Error(`waitForFunction timed out: ${fn.toString().slice(0, 120)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  waitForSelector(sel, o = {}) {
    return this.waitForFunction((sel) => !!document.querySelector(sel), sel, o);
  }
  waitForTimeout(ms) { return new Promise((r) => setTimeout(r, ms)); }
  // A few of playwright's element helpers, on the same names.
  /** Sets an input's or textarea's value as typing would (input and change events). */
  fill(sel, value) {
    return this.evaluate(({ sel, value }) => {
      const el = document.querySelector(sel);
      el.focus();
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }, { sel, value });
  }
  textContent(sel) { return this.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, sel); }
  getAttribute(sel, name) { return this.evaluate(({ sel, name }) => document.querySelector(sel)?.getAttribute(name) ?? null, { sel, name }); }
  inputValue(sel) { return this.evaluate((sel) => document.querySelector(sel).value, sel); }
  isDisabled(sel) { return this.evaluate((sel) => document.querySelector(sel).disabled, sel); }
  isChecked(sel) { return this.evaluate((sel) => document.querySelector(sel).checked, sel); }
  bringToFront() { return this.b.bidi.send('browsingContext.activate', { context: this.context }); }
  /** Clicks the middle of the element, as a user would. */
  async click(sel) {
    const r = await this.waitForFunction((sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      el.scrollIntoView({ block: 'center' });
      const b = el.getBoundingClientRect();
      return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    }, sel, { timeout: 10000 });
    await this.mouse.click(r.x, r.y);
  }
  /** Sets a file input's files, as a user picking them would (input.setFiles takes paths). */
  async setInputFiles(sel, file) {
    const dir = mkdtempSync(join(tmpdir(), 'discreet-upload-'));
    const path = join(dir, file.name);
    writeFileSync(path, file.buffer);
    const r = await this.b.bidi.send('script.evaluate', { expression: `document.querySelector(${JSON.stringify(sel)})`,
      target: { context: this.context }, awaitPromise: false, resultOwnership: 'root' });
    await this.b.bidi.send('input.setFiles', { context: this.context, element: { sharedId: r.result.sharedId }, files: [path] });
    this.b.uploads.push(dir); // removed when the browser closes (it may read the file until then)
  }
  async screenshot(o = {}) {
    const r = await this.b.bidi.send('browsingContext.captureScreenshot', { context: this.context });
    const buf = Buffer.from(r.data, 'base64');
    if (o.path) writeFileSync(o.path, buf);
    return buf;
  }
  async close() {
    await this.b.bidi.send('browsingContext.close', { context: this.context }).catch(() => {});
  }
}

/**
 * Launches firefox-esr with the unpacked Firefox build as a temporary add-on.
 * routes: [{origin, respond(url) -> {status, headers, body: Buffer}}]
 * Returns {context: {newPage}, ext: {evaluate}, extUrl, requests, close}.
 * prefs: extra user.js preferences (e.g. a short event-page idle timeout).
 * extId: the build's gecko id when it is not the usual one.
 * @param {{extDir: string, extId?: string, prefs?: Record<string, string | number | boolean>, routes: {origin: string, respond: (url: URL) => {status: number, headers: Record<string,string>, body: Buffer | string}}[]}} o
 */
export async function launchFirefox(o) {
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing: apt-get install firefox-esr (make browser-deps)`);
  if (typeof WebSocket === 'undefined') throw new Error('Node needs --experimental-websocket for the Firefox tests');
  const profile = mkdtempSync(join(tmpdir(), 'discreet-firefox-'));
  const uuid = randomUUID();
  const prefs = {
    'extensions.webextensions.uuids': JSON.stringify({ [o.extId ?? FIREFOX_EXT_ID]: uuid }),
    'browser.shell.checkDefaultBrowser': false, 'browser.startup.homepage_override.mstone': 'ignore',
    'datareporting.policy.dataSubmissionEnabled': false, 'toolkit.telemetry.reportingpolicy.firstRun': false,
    'app.update.disabledForTesting': true, 'extensions.update.enabled': false, 'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false, 'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false, 'browser.newtabpage.enabled': false, 'browser.startup.page': 0,
    'extensions.getAddons.cache.enabled': false, 'services.settings.server': 'http://127.0.0.1:9/',
    'network.proxy.allow_hijacking_localhost': true, 'dom.input_events.security.minNumTicks': 0,
    'dom.input_events.security.minTimeElapsedInMS': 0,
    ...o.prefs,
  };
  writeFileSync(join(profile, 'user.js'), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n') + '\n');
  const port = await freePort();
  const proc = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port', String(port), '--remote-allow-system-access', '--window-size=1200,900'],
    // Its own process group: closing it ends its content processes too, at once (they would
    // otherwise hold the stderr pipe, and this test process, open for seconds).
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' }, detached: true });
  /** Signals Firefox and the processes it started (its group). @param {NodeJS.Signals} sig */
  const signal = (sig) => { try { process.kill(-/** @type {number} */ (proc.pid), sig); } catch { /* gone */ } };
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const exited = new Promise((r) => proc.on('exit', r));
  // Wait for the BiDi endpoint.
  let ws;
  for (let i = 0; ; i++) {
    try {
      ws = await new Promise((resolve, reject) => {
        const w = new WebSocket(`ws://127.0.0.1:${port}/session`);
        w.addEventListener('open', () => resolve(w), { once: true });
        w.addEventListener('error', () => reject(new Error('no BiDi endpoint')), { once: true });
      });
      break;
    } catch (e) {
      if (i > 300 || proc.exitCode !== null) { signal('SIGKILL'); throw new Error(`firefox did not start: ${stderr}`); }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const bidi = new Bidi(ws);
  await bidi.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: true, unhandledPromptBehavior: { default: 'ignore' } } } });
  await bidi.send('session.subscribe', { events: ['network.beforeRequestSent', 'browsingContext.load'] });
  const b = { bidi, urls: new Map(), requests: /** @type {{url: string, method: string}[]} */ ([]), uploads: /** @type {string[]} */ ([]) };
  bidi.on('browsingContext.load', (p) => b.urls.set(p.context, p.url));
  // Every request is recorded (tests check none carries the text).
  bidi.on('network.beforeRequestSent', (p) => {
    b.requests.push({ url: p.request.url, method: p.request.method });
    if (!p.isBlocked) return;
    const url = new URL(p.request.url);
    const route = o.routes.find((r) => r.origin === url.origin);
    const res = route ? route.respond(url) : { status: 404, headers: {}, body: 'not found' };
    const body = Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.body);
    bidi.send('network.provideResponse', {
      request: p.request.request, statusCode: res.status, reasonPhrase: res.status === 200 ? 'OK' : 'Not Found',
      headers: Object.entries(res.headers).map(([name, value]) => ({ name, value: { type: 'string', value } })),
      body: { type: 'base64', value: body.toString('base64') },
    }).catch(() => {});
  });
  if (o.routes.length) {
    await bidi.send('network.addIntercept', { phases: ['beforeRequestSent'],
      urlPatterns: o.routes.map((r) => { const u = new URL(r.origin); return { type: 'pattern', protocol: u.protocol.slice(0, -1), hostname: u.hostname }; }) });
  }
  const t0 = performance.now();
  await bidi.send('webExtension.install', { extensionData: { type: 'path', path: o.extDir } });
  const extUrl = `moz-extension://${uuid}`;
  const tree = await bidi.send('browsingContext.getTree', {});
  const initial = tree.contexts.map((c) => c.context);
  const context = {
    async newPage() {
      const { context: id } = await bidi.send('browsingContext.create', { type: 'tab' });
      return new Page(b, id);
    },
  };
  // Extension pages (the options page) can reach the extension's storage: the tests' stand-in for Chromium's service worker.
  // BiDi refuses to navigate a tab to a moz-extension: URL, so the browser's own
  // window (chrome scope, --remote-allow-system-access) opens it.
  const chromeWin = (await bidi.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).contexts[0].context;
  /** Opens an extension page in a new tab and returns its Page. @param {string} path */
  async function openExtensionPage(path) {
    const url = `${extUrl}/${path}`;
    const before = new Set((await bidi.send('browsingContext.getTree', {})).contexts.map((c) => c.context));
    await bidi.send('script.callFunction', { target: { context: chromeWin }, awaitPromise: false, arguments: [{ type: 'string', value: url }],
      functionDeclaration: `(url) => { const g = window.gBrowser; g.selectedTab = g.addTab(url, { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() }); }` });
    for (let i = 0; i < 200; i++) {
      const c = (await bidi.send('browsingContext.getTree', {})).contexts.find((x) => !before.has(x.context));
      if (c) {
        const p = new Page(b, c.context);
        await p.waitForFunction(() => document.readyState === 'complete' && typeof chrome !== 'undefined' && !!chrome.runtime, undefined, { timeout: 10000 });
        return p;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`could not open ${url}`);
  }
  let extPage = null;
  const ext = {
    async evaluate(fn, arg) {
      extPage ??= await openExtensionPage('src/options/options.html');
      return extPage.evaluate(fn, arg);
    },
  };
  // The background page answers once the scanner is configured: time it (load figure per browser).
  await ext.evaluate(() => chrome.runtime.sendMessage({ kind: 'scan', text: 'Call 555-201-7788' }));
  const loadMs = performance.now() - t0;
  for (const c of initial) await bidi.send('browsingContext.close', { context: c }).catch(() => {});
  return {
    browser: 'firefox', context, sw: ext, ext, extUrl, openExtensionPage, requests: b.requests, loadMs,
    /** A message to the background as the extension's own pages send it. @param {any} msg */
    bg: (msg) => ext.evaluate((msg) => chrome.runtime.sendMessage(msg), msg),
    async close() {
      await bidi.send('session.end', {}).catch(() => {});
      try { ws.close(); } catch { /* closed */ }
      signal('SIGTERM');
      // (A timer left pending would keep this test process alive for its 5 s.)
      let timer;
      await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, 5000); })]);
      clearTimeout(timer);
      signal('SIGKILL');
      proc.stderr?.destroy();
      rmSync(profile, { recursive: true, force: true });
      for (const d of b.uploads) rmSync(d, { recursive: true, force: true });
    },
  };
}
