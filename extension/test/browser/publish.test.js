// Pre-publish interception (both enforce modes) and the privacy promise: no
// request made while typing and posting carries the text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openSite, waitForRule, installPolicy, TERMS_POLICY } from './harness.js';

const POST = 'My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788.';
let b;
before(async () => { b = await launch(); });
after(async () => { await b?.close(); });

const dialog = (page) => page.evaluate(() => {
  const s = document.querySelector('discreet-overlay').shadowRoot;
  const d = s.querySelector('.intercept');
  return { hidden: d.hidden, enforce: d.dataset.enforce, anyway: !s.querySelector('.intercept .anyway').hidden,
    items: [...s.querySelectorAll('#ic-body li')].map((li) => li.dataset.rule) };
});
const posted = (page) => page.evaluate(() => window.posted.length);

test('warn mode: Post is stopped once with a dialog; "Post anyway" posts', async () => {
  await installPolicy(b.sw, { ...TERMS_POLICY, enforce: 'warn' }, 'warnmode', 1);
  const page = await openSite(b.context, 'x');
  await page.click('#editor .public-DraftEditor-content');
  await page.keyboard.type(POST);
  await waitForRule(page, 'privacy.phone');
  await page.click('#post');
  let d = await dialog(page);
  assert.equal(d.hidden, false);
  assert.equal(d.enforce, 'warn');
  assert.equal(d.anyway, true);
  assert.ok(d.items.includes('privacy.phone'), JSON.stringify(d.items));
  assert.equal(await posted(page), 0);
  await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.intercept .anyway').click());
  await page.waitForFunction(() => window.posted.length === 1);
  d = await dialog(page);
  assert.equal(d.hidden, true);
  await page.close();
});

test('warn mode: "Review" opens the first finding and Ctrl+Enter is intercepted too', async () => {
  const page = await openSite(b.context, 'linkedin');
  await page.click('#editor .ql-editor');
  await page.keyboard.type('Discharged my patient today. Call 555-201-7788');
  await waitForRule(page, 'privacy.phone');
  await page.keyboard.press('Control+Enter');
  assert.equal((await dialog(page)).hidden, false);
  await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.intercept .review').click());
  const card = await page.evaluate(() => { const c = document.querySelector('discreet-overlay').shadowRoot.querySelector('.card'); return { hidden: c.hidden, rule: c.dataset.rule }; });
  assert.deepEqual(card, { hidden: false, rule: 'privacy.phone' });
  assert.equal(await posted(page), 0);
  await page.close();
});

test('block mode: no "Post anyway"; a clean post goes through untouched', async () => {
  await installPolicy(b.sw, { ...TERMS_POLICY, enforce: 'block' }, 'blockmode', 1);
  const page = await openSite(b.context, 'facebook');
  await page.click('#editor');
  await page.keyboard.type(POST);
  await waitForRule(page, 'privacy.phone');
  await page.click('#post');
  const d = await dialog(page);
  assert.equal(d.hidden, false);
  assert.equal(d.enforce, 'block');
  assert.equal(d.anyway, false);
  await page.click('#post', { force: true }).catch(() => {});
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

test('no request made while typing and posting carries the text', async () => {
  await installPolicy(b.sw, TERMS_POLICY, 'privacy', 1);
  const seen = [];
  const record = (where) => (req) => seen.push({ where, url: req.url(), body: req.postData() ?? '', headers: JSON.stringify(req.headers()) });
  b.context.on('request', record('context'));
  b.sw.on?.('request', record('sw'));
  const page = await openSite(b.context, 'x');
  await page.click('#editor .public-DraftEditor-content');
  const secret = 'Zorblatt Quintavius MRN 44120931 call 555-201-7788';
  await page.keyboard.type(secret);
  await waitForRule(page, 'privacy.phone');
  await page.click('#post');
  await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.intercept .anyway')?.click());
  await page.waitForFunction(() => window.posted.length === 1);
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(seen.length > 0, 'requests were observed');
  for (const r of seen) {
    for (const piece of ['Zorblatt', 'Quintavius', '44120931', '555-201-7788']) {
      assert.ok(!r.url.includes(piece) && !r.body.includes(piece) && !r.headers.includes(piece), `${r.where} ${r.url} carries "${piece}"`);
    }
  }
  // Nothing but the fixture itself and the extension's own files were fetched.
  for (const r of seen) assert.match(r.url, /^(https:\/\/x\.com\/|chrome-extension:\/\/)/, r.url);
  // Storage holds no text either.
  const stored = await b.sw.evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));
  for (const piece of ['Zorblatt', '44120931']) assert.ok(!stored.includes(piece), 'storage holds the text');
  await page.close();
});
