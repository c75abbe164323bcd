// The toolbar popup: checking state, policy name and version, institution,
// and the findings of the page's composer, typed and in a photo. In Chromium
// and Firefox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, BROWSERS, openSite, tabIdOf, waitForRule, installPolicy, TERMS_POLICY } from './harness.js';

for (const browser of BROWSERS) {
  test(`${browser}: the popup shows the page state, the policy and the findings in the composer`, async () => {
    const b = await launchBrowser(browser);
    try {
      await installPolicy(b.sw, TERMS_POLICY, 'mercy', 12);
      const page = await openSite(b.context, 'x');
      await page.click('#editor .public-DraftEditor-content');
      await page.keyboard.type('Discharged my patient today. Call 555-201-7788');
      await waitForRule(page, 'privacy.phone');
      const tabId = await tabIdOf(b, page, 'https://x.com');
      const popup = await b.openExtensionPage(`src/popup/popup.html?tab=${tabId}`);
      await popup.waitForFunction(() => !!document.querySelector('#findings li[data-rule]'));
      assert.equal(await popup.getAttribute('#page', 'data-state'), 'on');
      assert.match(await popup.textContent('#page'), /Checking posts on this page/);
      assert.equal(await popup.getAttribute('#scanner', 'data-state'), 'ok');
      assert.match(await popup.textContent('#policy'), /Test policy — version 12, Test/);
      const rules = await popup.evaluate(() => [...document.querySelectorAll('#findings li')].map((li) => li.dataset.rule));
      assert.ok(rules.includes('privacy.phone'), JSON.stringify(rules));
      await popup.close();
      // A page Discreet does not check (the popup's own tab).
      const p2 = await b.openExtensionPage('src/popup/popup.html');
      await p2.waitForFunction(() => document.getElementById('page').dataset.state);
      assert.equal(await p2.getAttribute('#page', 'data-state'), 'off');
      assert.match(await p2.textContent('#page'), /only checks Facebook, X, LinkedIn, Instagram, YouTube, Threads, Bluesky and Reddit/);
    } finally {
      await b.close();
    }
  });
}
