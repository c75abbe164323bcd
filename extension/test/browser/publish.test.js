// The toolbar popup (page state, policy, findings), pre-publish interception
// (both enforce modes) and the privacy promise: no request made while typing
// and posting carries the text. In Chromium and Firefox (one launch of each
// for the file).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, BROWSERS, openSite, tabIdOf, waitForRule, installPolicy, fakeBackend, TERMS_POLICY, typeAndFind, waitForIntercept, postAnyway } from './harness.js';

const POST = 'My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788.';

const dialog = (page) => page.evaluate(() => {
  const s = document.querySelector('discreet-overlay').shadowRoot;
  const d = s.querySelector('.intercept');
  return { hidden: d.hidden, enforce: d.dataset.enforce, anyway: !s.querySelector('.intercept .anyway').hidden,
    items: [...s.querySelectorAll('#ic-body li')].map((li) => li.dataset.rule) };
});
const posted = (page) => page.evaluate(() => window.posted.length);

for (const browser of BROWSERS) describe(browser, () => {
  /** @type {any} */
  let b;
  before(async () => { b = await launchBrowser(browser); });
  after(async () => { await b?.close(); });

  /** Under the test policy in `enforce` mode, types POST on `site` and clicks Post; returns the page and the dialog that stops it. */
  const stoppedPost = async (enforce, site, editor) => {
    await installPolicy(b.sw, { ...TERMS_POLICY, enforce }, `${enforce}mode`, 1);
    const page = await openSite(b.context, site);
    await typeAndFind(page, editor, POST, 'privacy.phone');
    await page.click('#post');
    await waitForIntercept(page);
    const d = await dialog(page);
    assert.equal(d.enforce, enforce);
    return { page, d };
  };

  test('the popup shows the page state, the policy and the findings in the composer', async () => {
    await installPolicy(b.sw, TERMS_POLICY, 'mercy', 12);
    const page = await openSite(b.context, 'x');
    await typeAndFind(page, '#editor .public-DraftEditor-content', 'Discharged my patient today. Call 555-201-7788', 'privacy.phone');
    const popup = await b.openExtensionPage(`src/popup/popup.html?tab=${await tabIdOf(b, page, 'https://x.com')}`);
    await popup.waitForFunction(() => !!document.querySelector('#findings li[data-rule]'));
    assert.equal(await popup.getAttribute('#page', 'data-state'), 'on');
    assert.match(await popup.textContent('#page'), /Checking posts on this page/);
    assert.equal(await popup.getAttribute('#scanner', 'data-state'), 'ok');
    assert.match(await popup.textContent('#policy'), /Test policy — version 12, Test/);
    const rules = await popup.evaluate(() => [...document.querySelectorAll('#findings li')].map((li) => li.dataset.rule));
    assert.ok(rules.includes('privacy.phone'), JSON.stringify(rules));
    await popup.close();
    await page.close();
    // A page Discreet does not check (the popup's own tab).
    const p2 = await b.openExtensionPage('src/popup/popup.html');
    await p2.waitForFunction(() => document.getElementById('page').dataset.state);
    assert.equal(await p2.getAttribute('#page', 'data-state'), 'off');
    assert.match(await p2.textContent('#page'), /only checks Facebook, X, LinkedIn, Instagram, YouTube, Threads, Bluesky and Reddit/);
    await p2.close();
  });

  test('warn mode: Post is stopped once with a dialog; "Post anyway" posts', async () => {
    const { page, d } = await stoppedPost('warn', 'x', '#editor .public-DraftEditor-content');
    assert.equal(d.anyway, true);
    assert.ok(d.items.includes('privacy.phone'), JSON.stringify(d.items));
    assert.equal(await posted(page), 0);
    await postAnyway(page, 1);
    assert.equal((await dialog(page)).hidden, true);
    await page.close();
  });

  test('warn mode: "Review" opens the first finding and Ctrl+Enter is intercepted too', async () => {
    const page = await openSite(b.context, 'linkedin');
    await typeAndFind(page, '#editor .ql-editor', 'Discharged my patient today. Call 555-201-7788', 'privacy.phone');
    await page.keyboard.press('Control+Enter');
    await waitForIntercept(page);
    await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.intercept .review').click());
    const card = await page.evaluate(() => { const c = document.querySelector('discreet-overlay').shadowRoot.querySelector('.card'); return { hidden: c.hidden, rule: c.dataset.rule }; });
    assert.deepEqual(card, { hidden: false, rule: 'privacy.phone' });
    assert.equal(await posted(page), 0);
    await page.close();
  });

  test('block mode: no "Post anyway"; a clean post goes through untouched', async () => {
    const { page, d } = await stoppedPost('block', 'facebook', '#editor');
    assert.equal(d.anyway, false);
    // The page's own button under the dialog does not post either.
    await page.evaluate(() => document.getElementById('post').click());
    assert.equal(await posted(page), 0);
    await page.close();
    // A post with nothing to flag is not stopped, even right after typing (the scan runs first).
    const p2 = await openSite(b.context, 'facebook');
    await p2.click('#editor');
    await p2.keyboard.type('Proud of our team after a long shift today.');
    await p2.click('#post');
    await p2.waitForFunction(() => window.posted.length === 1);
    assert.equal((await dialog(p2)).hidden, true);
    await p2.close();
  });

  test('no request made while typing, posting and reporting carries the text', async () => {
    // Enrolled with a (fake) backend and opted in to counts: the extension's
    // every request to it is recorded by the backend itself, whichever context sent it.
    const be = await fakeBackend({ slug: 'mercy' });
    try {
      assert.equal((await b.bg({ kind: 'enroll', backend_url: be.url, code: 'MERCY-2026' })).ok, true);
      assert.equal((await b.bg({ kind: 'settings.set', patch: { counts_opt_in: true } })).ok, true);
      const from = b.requests.length;
      const page = await openSite(b.context, 'x');
      await page.click('#editor .public-DraftEditor-content');
      const secret = 'Zorblatt Quintavius, my patient, MRN 44120931 call 555-201-7788';
      await page.keyboard.type(secret);
      await waitForRule(page, 'privacy.phone');
      await page.click('#post');
      await waitForIntercept(page);
      await postAnyway(page, 1);
      for (let i = 0; i < 50; i++) {
        const c = await b.sw.evaluate(async () => (await chrome.storage.local.get('counts')).counts);
        if (c && Object.keys(c).length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
      assert.equal((await b.bg({ kind: 'counts.flush', today: tomorrow })).sent, 1);
      await b.bg({ kind: 'refresh' });
      const pieces = ['Zorblatt', 'Quintavius', '44120931', '555-201-7788', '201-7788'];
      // What the browser reports (pages, and whatever else it lets us see; Firefox gives no bodies).
      const seen = b.requests.slice(from);
      assert.ok(seen.length > 0, 'requests were observed');
      for (const r of seen) {
        for (const piece of pieces) assert.ok(!r.url.includes(piece) && !(r.post ?? '').includes(piece), `${r.url} carries "${piece}"`);
        assert.match(r.url, /^(https:\/\/x\.com\/|chrome-extension:\/\/|moz-extension:\/\/|http:\/\/127\.0\.0\.1:|data:|blob:)/, r.url);
      }
      // What reached the backend: enrollment, policy fetches and counts, none with the text.
      const kinds = be.state.requests.map((q) => `${q.method} ${q.url}`);
      assert.ok(kinds.includes('POST /v1/institutions/mercy/counts'), JSON.stringify(kinds));
      for (const q of be.state.requests) {
        const all = q.url + q.body + JSON.stringify(q.headers);
        for (const piece of pieces) assert.ok(!all.includes(piece), `${q.method} ${q.url} carries "${piece}"`);
      }
      // Storage holds no text either.
      const stored = await b.sw.evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));
      for (const piece of pieces) assert.ok(!stored.includes(piece), 'storage holds the text');
      await page.close();
    } finally {
      await be.close();
    }
  });
});
