// The toolbar popup: checking state, policy name and version, institution,
// and the findings of the page's composer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openSite, waitForRule, installPolicy, TERMS_POLICY, EXT_ID } from './harness.js';

test('the popup shows the page state, the policy and the findings in the composer', async () => {
  const b = await launch();
  try {
    await installPolicy(b.sw, TERMS_POLICY, 'mercy', 12);
    const page = await openSite(b.context, 'x');
    await page.click('#editor .public-DraftEditor-content');
    await page.keyboard.type('Discharged my patient today. Call 555-201-7788');
    await waitForRule(page, 'privacy.phone');
    await page.bringToFront();
    const tabId = await b.sw.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0].id);
    const popup = await b.context.newPage();
    await popup.goto(`chrome-extension://${EXT_ID}/src/popup/popup.html?tab=${tabId}`);
    await popup.waitForSelector('#findings li[data-rule]');
    assert.equal(await popup.getAttribute('#page', 'data-state'), 'on');
    assert.match(await popup.textContent('#page'), /Checking posts on this page/);
    assert.equal(await popup.getAttribute('#scanner', 'data-state'), 'ok');
    assert.match(await popup.textContent('#policy'), /Test policy — version 12, Test/);
    const rules = await popup.$$eval('#findings li', (lis) => lis.map((li) => li.dataset.rule));
    assert.ok(rules.includes('privacy.phone'), JSON.stringify(rules));
    // A page Discreet does not check.
    const other = await b.context.newPage();
    await other.goto(`chrome-extension://${EXT_ID}/src/options/options.html`);
    const p2 = await b.context.newPage();
    await p2.goto(`chrome-extension://${EXT_ID}/src/popup/popup.html`);
    await p2.waitForFunction(() => document.getElementById('page').dataset.state);
    assert.equal(await p2.getAttribute('#page', 'data-state'), 'off');
  } finally {
    await b.close();
  }
});
