// "Check this site": on a site outside the table, the popup's button asks for
// the origin, the content script is registered there (and injected into the
// open tab), checking works and survives a reload; the options page removes
// it again. In Chromium and Firefox. The browser's permission prompt itself
// cannot be answered headless, so the build under test already holds the
// test origin (permissions.request then resolves without a prompt; the
// content scripts of the manifest still do not match it).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, BROWSERS, EXT_DIR, FIREFOX_EXT_DIR, EXT_ID, OTHER_SITES, typeAndFind } from './harness.js';

const ORIGIN = OTHER_SITES.blog.origin;

/** A copy of the build whose manifest already grants the test origin. */
function buildGranting(dir) {
  const out = mkdtempSync(join(tmpdir(), 'discreet-extra-'));
  cpSync(dir, out, { recursive: true });
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  m.host_permissions = [...(m.host_permissions ?? []), `${ORIGIN}/*`];
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(m, null, 2));
  return out;
}

for (const browser of BROWSERS) describe(browser, () => {
  /** @type {any} */
  let b;
  let dir = '';
  before(async () => {
    dir = buildGranting(browser === 'firefox' ? FIREFOX_EXT_DIR : EXT_DIR);
    b = await launchBrowser(browser, { extDir: dir });
  });
  after(async () => { await b?.close(); rmSync(dir, { recursive: true, force: true }); });

  /** An extension page (popup or options) as a tab. */
  const extPage = async (path) => {
    if (browser === 'firefox') return b.openExtensionPage(path);
    const p = await b.context.newPage();
    await p.goto(`chrome-extension://${EXT_ID}/${path}`);
    return p;
  };
  /** The match patterns registered for added sites (nothing else registers content scripts). */
  const registered = async () => (await b.sw.evaluate(() => chrome.scripting.getRegisteredContentScripts())).flatMap((s) => s.matches);
  const hasOverlay = (page) => page.evaluate(() => !!document.querySelector('discreet-overlay[data-status]'));

  test('"Check this site" adds the origin, checking starts in the open tab and after a reload; the options page removes it', async () => {
    const page = await b.context.newPage();
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => document.readyState === 'complete');
    assert.deepEqual(await registered(), [], 'nothing registered before it is added');
    assert.equal(await hasOverlay(page), false, 'not checked before it is added');
    const tabId = await b.sw.evaluate(async (o) => (await chrome.tabs.query({ url: `${o}/*` }))[0].id, ORIGIN);
    const popup = await extPage(`src/popup/popup.html?tab=${tabId}`);
    await popup.waitForFunction(() => !document.getElementById('add').hidden);
    assert.equal(await popup.evaluate(() => document.getElementById('check-site').textContent), 'Check blog.example');
    await popup.click('#check-site');
    await popup.waitForFunction(() => /now checks posts on blog\.example/.test(document.getElementById('add-msg').textContent));
    // Injected into the open tab at once.
    await page.waitForFunction(() => !!document.querySelector('discreet-overlay[data-status="checking"]'), undefined, { timeout: 10000 });
    await typeAndFind(page, '#editor', 'Discharged my patient today. Call 555-201-7788', 'privacy.phone');
    // Registered: a reload is checked too.
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => !!document.querySelector('discreet-overlay[data-status="checking"]'), undefined, { timeout: 10000 });
    await typeAndFind(page, '#editor', 'room 214 tonight', 'privacy.room');
    assert.deepEqual(await registered(), [`${ORIGIN}/*`]);
    await popup.close();
    // The options page lists it; Remove stops checking there.
    const opt = await extPage('src/options/options.html');
    // The scanner's first load kept the unpacked module in the Cache API,
    // under the build's scanner.id (the next load compiles it from there).
    const kept = await opt.evaluate(async () => {
      const id = (await (await fetch('/scanner.id')).text()).trim();
      const keys = (await (await caches.open('discreet-module')).keys()).map((r) => r.url);
      return { id, keys };
    });
    assert.match(kept.id, /^[0-9a-f]{64}$/);
    assert.deepEqual(kept.keys, [`https://discreet.invalid/scanner-${kept.id}.wasm`]);
    await opt.waitForFunction((o) => !!document.querySelector(`#extra-sites li[data-origin="${o}"]`), ORIGIN);
    await opt.evaluate((o) => document.querySelector(`#extra-sites li[data-origin="${o}"] button`).click(), ORIGIN);
    await opt.waitForFunction(() => !document.getElementById('extra-none').hidden);
    assert.deepEqual((await b.sw.evaluate(() => chrome.storage.local.get('extra_sites'))).extra_sites, []);
    assert.deepEqual(await registered(), [], 'the content script is no longer registered');
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => document.readyState === 'complete');
    assert.equal(await hasOverlay(page), false, 'not checked after it was removed');
    await opt.close();
    await page.close();
  });
});
