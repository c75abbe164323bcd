// The composers added with the sites table: Instagram and Threads (Lexical),
// YouTube (a bare contenteditable), Bluesky (ProseMirror) and Reddit (Lexical
// rich text and a markdown textarea), each the real editor from npm served at
// the real hostname under a strict CSP, in Chromium and Firefox (one launch of
// each for the file). Like the first three: the findings sit on the text, the
// editor's own model equals what was typed, a fix goes through its input path,
// and the site's Post / Comment button is intercepted.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, BROWSERS, openSite, overlayFindings, waitForRule, rectsOf, installPolicy, TERMS_POLICY, typeAndFind, waitForIntercept } from './harness.js';

const POST = 'My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788.';
/** Each site's editor element and the kind the overlay lists for it. */
const COMPOSERS = {
  instagram: { sel: '#editor', kind: 'lexical' },
  threads: { sel: '#editor', kind: 'lexical' },
  youtube: { sel: '#editor', kind: 'contenteditable' },
  bluesky: { sel: '#editor .ProseMirror', kind: 'prosemirror' },
  reddit: { sel: '#editor', kind: 'lexical' },
};

function assertBoxes(got, want, what) {
  assert.ok(want && want.length, `${what}: substring not found in the editor`);
  assert.equal(got.length, want.length, `${what}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
  for (let i = 0; i < want.length; i++) {
    for (const k of ['x', 'y', 'w', 'h']) assert.ok(Math.abs(got[i][k] - want[i][k]) <= 1, `${what} box ${k}: ${got[i][k]} vs ${want[i][k]}`);
  }
}

const modelAndVisible = (page, sel) => page.evaluate((sel) => ({ model: window.fixture.model(), visible: document.querySelector(sel).innerText.replace(/\n+$/, '') }), sel);
const shadow = (page, fn) => page.evaluate(fn);

for (const browser of BROWSERS) describe(browser, () => {
  /** @type {any} */
  let b;
  before(async () => {
    b = await launchBrowser(browser);
    await installPolicy(b.sw, { ...TERMS_POLICY, enforce: 'warn' }, 'sites', 1);
  });
  after(async () => { await b?.close(); });

  for (const [site, { sel, kind }] of Object.entries(COMPOSERS)) {
    test(`${site}: underlines on the identifiers, the model is what was typed, a fix goes through the editor, Post is intercepted`, async () => {
      const page = await openSite(b.context, site);
      await page.click(sel);
      await page.keyboard.type(POST);
      await waitForRule(page, 'privacy.phone');
      await waitForRule(page, 'privacy.name');
      assert.ok((await page.evaluate(() => document.querySelector('discreet-overlay').getAttribute('data-composers'))).split(' ').includes(kind));
      // The editor's own model holds exactly what was typed (Discreet changed nothing inside it).
      let mv = await modelAndVisible(page, sel);
      assert.equal(mv.model, POST);
      assert.equal(mv.visible, POST);
      const fs = await overlayFindings(page);
      const byRule = Object.fromEntries(fs.map((f) => [f.rule, f]));
      for (const [rule, sub] of [['privacy.name', 'John Smith'], ['privacy.phone', '555-201-7788']]) {
        assert.ok(byRule[rule], `${rule} missing: ${JSON.stringify(fs.map((f) => f.rule))}`);
        assert.equal(POST.slice(byRule[rule].start16, byRule[rule].end16), sub);
        assertBoxes(byRule[rule].boxes, await rectsOf(page, sel, sub), `${site} ${rule}`);
      }
      // Post is stopped once with the pre-publish dialog.
      await page.click('#post');
      await waitForIntercept(page);
      const items = await shadow(page, () => [...document.querySelector('discreet-overlay').shadowRoot.querySelectorAll('#ic-body li')].map((li) => li.dataset.rule));
      assert.ok(items.includes('privacy.phone'), JSON.stringify(items));
      assert.equal(await page.evaluate(() => window.posted.length), 0);
      // Review opens the first finding's card; its fix goes through the editor's input path.
      await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.intercept .review').click());
      for (let i = 0; i < 8; i++) {
        if (await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card').dataset.rule) === 'privacy.phone') break;
        await page.keyboard.press('Alt+Shift+N');
      }
      assert.equal(await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card').dataset.rule), 'privacy.phone');
      await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card button.fix').click());
      await page.waitForFunction(() => !window.fixture.model().includes('555-201-7788'));
      mv = await modelAndVisible(page, sel);
      assert.equal(mv.model, mv.visible);
      const p = byRule['privacy.phone'];
      const tail = POST.slice(p.end16);
      assert.ok(mv.model.startsWith(POST.slice(0, p.start16)) && mv.model.endsWith(tail), mv.model);
      const replacement = mv.model.slice(p.start16, mv.model.length - tail.length);
      // Typing goes on right after the replacement.
      await page.keyboard.type('!');
      mv = await modelAndVisible(page, sel);
      assert.equal(mv.model, mv.visible);
      assert.equal(mv.model, POST.slice(0, p.start16) + replacement + '!' + tail);
      await page.close();
    });
  }

  test('reddit: the markdown textarea is checked and its Comment button intercepted', async () => {
    const page = await openSite(b.context, 'reddit');
    const f = await typeAndFind(page, '#comment', 'Discharged my patient today. Call 555-201-7788 if worried.', 'privacy.phone');
    assert.equal(f.severity, 'block');
    assert.ok(f.boxes.length >= 1);
    await page.evaluate(() => { window.commented = 0; document.getElementById('comment-post').addEventListener('click', () => { window.commented++; }); });
    await page.click('#comment-post');
    await waitForIntercept(page);
    assert.equal(await page.evaluate(() => window.commented), 0);
    await page.close();
  });
});
