// A scanner that cannot load: the page says "Discreet is not checking" next
// to the composer, the popup says so, and typing and posting still work.
// In Chromium and Firefox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, BROWSERS, openSite, tabIdOf, EXT_DIR, FIREFOX_EXT_DIR } from './harness.js';

for (const browser of BROWSERS) {
  test(`${browser}: a corrupt scanner module shows the not-checking state and never blocks typing`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'discreet-broken-'));
    cpSync(browser === 'firefox' ? FIREFOX_EXT_DIR : EXT_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'scanner.wasm.gz'), Buffer.from('this is not webassembly'));
    const b = await launchBrowser(browser, { extDir: dir });
    try {
      const page = await openSite(b.context, 'x');
      await page.click('#editor .public-DraftEditor-content');
      await page.keyboard.type('Call 555-201-7788 today');
      await page.waitForFunction(() => document.querySelector('discreet-overlay')?.getAttribute('data-status') === 'error', null, { timeout: 10000 });
      await page.waitForFunction(() => !!document.querySelector('discreet-overlay').shadowRoot.querySelector('.badge'));
      const badge = await page.evaluate(() => {
        const el = document.querySelector('discreet-overlay').shadowRoot.querySelector('.badge');
        return el && { text: el.textContent, title: el.title, role: el.getAttribute('role') };
      });
      assert.equal(badge.text, 'Discreet is not checking');
      assert.equal(badge.role, 'status');
      assert.match(badge.title, /scanner|wasm|WebAssembly/i);
      // Typing went on and the editor's model has all of it.
      assert.equal(await page.evaluate(() => window.fixture.model()), 'Call 555-201-7788 today');
      // Posting is not blocked.
      await page.click('#post');
      await page.waitForFunction(() => window.posted.length === 1);
      // The popup says so too.
      const tabId = await tabIdOf(b, page, 'https://x.com');
      const popup = await b.openExtensionPage(`src/popup/popup.html?tab=${tabId}`);
      await popup.waitForFunction(() => !!document.querySelector('#scanner[data-state]'));
      assert.equal(await popup.getAttribute('#scanner', 'data-state'), 'error');
      assert.match(await popup.textContent('#scanner'), /not checking/i);
    } finally {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
