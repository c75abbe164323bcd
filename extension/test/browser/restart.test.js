// The scanner survives the service worker being stopped and the offscreen
// document being closed: the next scan restarts both and still answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openSite, waitForRule, EXT_ID, typeAndFind, waitForQuiet } from './harness.js';

test('scans keep working after the offscreen document closes and the service worker stops', async () => {
  const b = await launch();
  try {
    // At start-up the service worker unpacked the module into the Cache API,
    // before any scan, so the first load compiles the kept module.
    const id = await b.sw.evaluate(async () => (await (await fetch('/scanner.id')).text()).trim());
    const keptAtStart = async () => b.sw.evaluate(async () => (await (await caches.open('discreet-module')).keys()).map((r) => r.url));
    for (let i = 0; i < 100 && !(await keptAtStart()).length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await keptAtStart(), [`https://discreet.invalid/scanner-${id}.wasm`], 'kept at start-up');
    const page = await openSite(b.context, 'x');
    await typeAndFind(page, '#editor .public-DraftEditor-content', 'Call 555-201-7788 today', 'privacy.phone');
    const o = await b.context.newPage();
    await o.goto(`chrome-extension://${EXT_ID}/src/options/options.html`);
    const firstState = await o.evaluate(() => chrome.runtime.sendMessage({ kind: 'state' }));
    await o.close();
    assert.equal(firstState.status.scanner.kept, true, 'the first load compiled the module kept at start-up');
    // Close the offscreen document alone: the worker re-creates it for the next scan.
    await b.sw.evaluate(() => chrome.offscreen.closeDocument());
    await page.keyboard.type(' and room 214 for my patient');
    await waitForRule(page, 'privacy.room', 15000);
    // Let the last scan of that typing answer, so none re-creates the document below.
    await waitForQuiet(page);
    // Close it again, then stop the service worker too.
    await b.sw.evaluate(() => chrome.offscreen.closeDocument());
    const cdp = await b.context.newCDPSession(page);
    const { targetInfos } = await cdp.send('Target.getTargets');
    const swTarget = targetInfos.find((t) => t.type === 'service_worker' && t.url.includes(EXT_ID));
    assert.ok(swTarget, 'the service worker target');
    const startedAt = (await b.sw.evaluate(() => globalThis.discreet.status.startedAt));
    await cdp.send('Target.closeTarget', { targetId: swTarget.targetId });
    // Wait for the worker to go (closing a target is asynchronous); the proof that
    // it really restarted is the new startedAt checked below.
    // The offscreen document goes with it, a moment later.
    for (let i = 0; i < 50; i++) {
      const { targetInfos: now } = await cdp.send('Target.getTargets');
      if (!now.some((t) => t.url.includes(EXT_ID) && (t.type === 'service_worker' || t.url.includes('offscreen')))) break;
      await page.waitForTimeout(100);
    }
    const { targetInfos: after } = await cdp.send('Target.getTargets');
    assert.equal(after.filter((t) => t.url.includes(EXT_ID) && t.url.includes('offscreen')).length, 0, 'the offscreen document closed');
    // Clear and type a new post: the next scan must wake everything up.
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('Discharged my patient today from room 214. Call 555-201-9999');
    await waitForRule(page, 'privacy.room', 15000);
    // A new worker instance answered.
    const opt = await b.context.newPage();
    await opt.goto(`chrome-extension://${EXT_ID}/src/options/options.html`);
    const st = await opt.evaluate(() => chrome.runtime.sendMessage({ kind: 'state' }));
    assert.ok(st.status.startedAt > startedAt, `${st.status.startedAt} > ${startedAt}`);
    // The first load kept the unpacked module in the Cache API, under the
    // build's scanner.id; the restarted document compiled that one.
    const keptKeys = await opt.evaluate(async () => (await (await caches.open('discreet-module')).keys()).map((r) => r.url));
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.deepEqual(keptKeys, [`https://discreet.invalid/scanner-${id}.wasm`]);
    assert.equal(st.status.scanner.kept, true, 'the restarted offscreen document compiled the kept module');
    // Each scan the page asks for is done once: the new worker hands pages back to the
    // offscreen document instead of relaying them too.
    const count = async () => (await opt.evaluate(() => chrome.runtime.sendMessage({ kind: 'state' }))).status.scanner.scans;
    const pageScans = () => page.evaluate(() => Number(document.querySelector('discreet-overlay').getAttribute('data-scans')));
    const [s0, p0] = [await count(), await pageScans()];
    for (const word of [' one', ' two', ' three']) {
      const n = await pageScans();
      await page.keyboard.type(word);
      await page.waitForFunction((n) => Number(document.querySelector('discreet-overlay').getAttribute('data-scans')) > n, n);
    }
    const [s1, p1] = [await count(), await pageScans()];
    assert.equal(s1 - s0, p1 - p0, `module scans ${s1 - s0} for page scans ${p1 - p0}`);
    const status = await page.evaluate(() => document.querySelector('discreet-overlay').getAttribute('data-status'));
    assert.equal(status, 'checking');
  } finally {
    await b.close();
  }
});
