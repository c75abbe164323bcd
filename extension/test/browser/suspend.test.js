// Firefox's event page is stopped when idle (after 30 s by default; 1 s
// here) and woken by the next message: typing after it stopped still gets
// findings, from a new background instance that loaded the scanner again.
// (Chromium's counterpart, a stopped service worker and a closed offscreen
// document, is restart.test.js.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, BROWSERS, openSite, waitForRule, typeAndFind } from './harness.js';

test('firefox: after the idle event page is stopped, the next scan wakes it and still answers', { skip: !BROWSERS.includes('firefox') && 'Firefox not in DISCREET_BROWSERS' }, async () => {
  const b = await launchBrowser('firefox', { prefs: { 'extensions.background.idle.timeout': 1000 } });
  try {
    const page = await openSite(b.context, 'x');
    await typeAndFind(page, '#editor .public-DraftEditor-content', 'Call 555-201-7788 today', 'privacy.phone');
    const started = (await b.bg({ kind: 'state' })).status.startedAt;
    // Wait until the background page has gone: the extension's own view of its contexts.
    await b.ext.evaluate(() => new Promise((r) => {
      const t = setInterval(async () => {
        const ctx = await browser.runtime.getContexts({ contextTypes: ['BACKGROUND'] }).catch(() => null);
        if (ctx && !ctx.length) { clearInterval(t); r(); }
      }, 100);
    }));
    const scans = await page.evaluate(() => Number(document.querySelector('discreet-overlay').getAttribute('data-scans')));
    await page.keyboard.type(' and room 214 for my patient');
    await page.waitForFunction((n) => Number(document.querySelector('discreet-overlay').getAttribute('data-scans')) > n, scans);
    await waitForRule(page, 'privacy.room');
    assert.equal(await page.evaluate(() => document.querySelector('discreet-overlay').getAttribute('data-status')), 'checking');
    const now = (await b.bg({ kind: 'state' })).status;
    assert.ok(now.startedAt > started, `a new background instance answered: ${now.startedAt} > ${started}`);
    assert.equal(now.scanner.error, '');
  } finally {
    await b.close();
  }
});
