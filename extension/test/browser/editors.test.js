// The content script on the three real editors (Lexical, Draft.js, Quill),
// a textarea and a plain contenteditable, served at the real hostnames with
// strict CSP (no inline scripts or styles), in Chromium and in Firefox (one
// launch of each for the whole file). Findings come from the real scanner.wasm.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, BROWSERS, openSite, overlayFindings, waitForRule, waitForCategory, rectsOf, installPolicy, TERMS_POLICY, typeAndFind, waitForQuiet } from './harness.js';

const POST = 'My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788.';
const EDITOR = { facebook: '#editor', x: '#editor .public-DraftEditor-content', linkedin: '#editor .ql-editor' };


/** Boxes drawn for a finding match the client rects of the substring, within a pixel. */
function assertBoxes(got, want, what) {
  assert.ok(want && want.length, `${what}: substring not found in the editor`);
  assert.equal(got.length, want.length, `${what}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
  for (let i = 0; i < want.length; i++) {
    for (const k of ['x', 'y', 'w', 'h']) assert.ok(Math.abs(got[i][k] - want[i][k]) <= 1, `${what} box ${k}: ${got[i][k]} vs ${want[i][k]}`);
  }
}

/** The editor's own model and what is on screen (the editor element's text as the browser renders it). */
function modelAndVisible(page, sel) {
  return page.evaluate((sel) => ({ model: window.fixture.model(), visible: document.querySelector(sel).innerText.replace(/\n+$/, '') }), sel);
}

const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

for (const browser of BROWSERS) describe(browser, () => {
  /** @type {any} */
  let b;
  before(async () => {
    b = await launchBrowser(browser);
    console.log(`# ${browser}: extension loaded and first scan answered in ${b.loadMs.toFixed(0)} ms`);
    await installPolicy(b.sw, TERMS_POLICY);
  });
  after(async () => { await b?.close(); });

  test('the overlay is styled under a CSP without inline styles (constructed stylesheet)', async () => {
    const page = await openSite(b.context, 'x');
    await typeAndFind(page, '#editor .public-DraftEditor-content', 'Call 555-201-7788', 'privacy.phone');
    await page.keyboard.press('Alt+Shift+N');
    const st = await page.evaluate(() => {
      const s = document.querySelector('discreet-overlay').shadowRoot;
      const c = getComputedStyle(s.querySelector('.card'));
      const h = getComputedStyle(document.querySelector('discreet-overlay'));
      return { styles: s.querySelectorAll('style').length, adopted: s.adoptedStyleSheets.length, card: [c.position, c.backgroundColor, c.borderRadius],
        host: [h.position, h.zIndex, h.pointerEvents] };
    });
    assert.equal(st.styles, 0, 'no <style> element (blocked by the CSP in Firefox)');
    assert.equal(st.adopted, 1);
    assert.deepEqual(st.card, ['fixed', 'rgb(255, 255, 255)', '8px']);
    assert.deepEqual(st.host, ['fixed', '2147483647', 'none']);
    await page.close();
  });

  for (const site of ['facebook', 'x', 'linkedin']) {
    test(`${site}: underlines sit exactly over the identifiers`, async () => {
      const page = await openSite(b.context, site);
      await page.click(EDITOR[site]);
      await page.keyboard.type(POST);
      await waitForRule(page, 'privacy.phone');
      await waitForRule(page, 'privacy.name');
      const fs = await overlayFindings(page);
      const byRule = Object.fromEntries(fs.map((f) => [f.rule, f]));
      for (const [rule, sub] of [['privacy.name', 'John Smith'], ['privacy.room', 'room 214'], ['privacy.phone', '555-201-7788']]) {
        assert.ok(byRule[rule], `${rule} missing: ${JSON.stringify(fs.map((f) => f.rule))}`);
        assert.equal(byRule[rule].severity, 'block');
        assert.equal(byRule[rule].category, 'privacy');
        assert.equal(POST.slice(byRule[rule].start16, byRule[rule].end16), sub);
        assertBoxes(byRule[rule].boxes, await rectsOf(page, EDITOR[site], sub), `${site} ${rule}`);
      }
      assert.ok(byRule['privacy.mrn'], 'privacy.mrn missing');
      // The Custom Highlight API carries the underlines: ranges registered per severity.
      const hl = await page.evaluate(() => [...CSS.highlights.keys()]);
      assert.ok(hl.includes('discreet-block'), JSON.stringify(hl));
      await page.close();
    });

    test(`${site}: an emoji before an identifier keeps the underline on it`, async () => {
      const page = await openSite(b.context, site);
      await page.click(EDITOR[site]);
      await page.keyboard.type('Great day 😀🏥 ');
      await page.keyboard.type('Call 555-201-7788 now');
      await waitForRule(page, 'privacy.phone');
      const f = (await overlayFindings(page)).find((x) => x.rule === 'privacy.phone');
      assertBoxes(f.boxes, await rectsOf(page, EDITOR[site], '555-201-7788'), `${site} phone after emoji`);
      await page.close();
    });

    test(`${site}: the card explains the finding and a fix goes through the editor's model`, async () => {
      const page = await openSite(b.context, site);
      await page.click(EDITOR[site]);
      const before = 'Discharged my patient today. Call 555-201-7788 if worried.';
      await page.keyboard.type(before);
      await waitForRule(page, 'privacy.phone');
      const phone = (await overlayFindings(page)).find((f) => f.rule === 'privacy.phone');
      assert.equal(before.slice(phone.start16, phone.end16), '555-201-7788');
      // Keyboard: Alt+Shift+N moves from finding to finding, each time opening its card with focus in it.
      const cardState = () => page.evaluate(() => {
        const s = document.querySelector('discreet-overlay').shadowRoot;
        const c = s.querySelector('.card');
        return { hidden: c.hidden, rule: c.dataset.rule, role: c.getAttribute('role'), title: c.querySelector('h2').textContent,
          msg: c.querySelector('.msg').textContent, why: c.querySelector('.why').textContent, cite: c.querySelector('.cite').textContent,
          buttons: [...c.querySelectorAll('button')].map((x) => x.textContent),
          link: c.querySelector('a.guidance')?.href ?? null, focused: s.activeElement?.textContent ?? null };
      });
      let card;
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Alt+Shift+N');
        card = await cardState();
        if (card.rule === 'privacy.phone') break;
      }
      assert.equal(card.rule, 'privacy.phone');
      assert.equal(card.hidden, false);
      assert.equal(card.role, 'dialog');
      assert.match(card.title, /Do not post/);
      assert.match(card.title, /Patient privacy/);
      assert.ok(card.msg.length > 5, card.msg);
      assert.ok(card.why.length > 5, 'the catalogue explains why: ' + card.why);
      assert.match(card.cite, /^Source: /);
      assert.ok(card.buttons.includes('Ignore here'));
      assert.ok(card.buttons.length >= 2, 'a fix button: ' + JSON.stringify(card.buttons));
      assert.equal(card.link, TERMS_POLICY.institution.guidance_url);
      assert.equal(card.focused, card.buttons[0]);
      // Apply the first fix.
      await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card button.fix').click());
      await page.waitForFunction(() => !window.fixture.model().includes('555-201-7788'));
      const { model, visible } = await modelAndVisible(page, EDITOR[site]);
      assert.equal(model, visible);
      const tail = before.slice(phone.end16);
      assert.ok(model.startsWith(before.slice(0, phone.start16)) && model.endsWith(tail), model);
      const replacement = model.slice(phone.start16, model.length - tail.length);
      // The caret sits right after the replacement, and typing continues there.
      await page.keyboard.type('!');
      const after = await modelAndVisible(page, EDITOR[site]);
      assert.equal(after.model, after.visible);
      assert.equal(after.model, before.slice(0, phone.start16) + replacement + '!' + tail);
      await page.waitForFunction(() => !document.querySelector('discreet-overlay').shadowRoot.querySelector('.finding[data-rule="privacy.phone"]'));
      await page.close();
    });
  }

  test('textarea and contenteditable replies are checked too, and composers added later are found', async () => {
    const page = await openSite(b.context, 'x');
    let f = await typeAndFind(page, '#comment', 'Call 555-201-7788', 'privacy.phone');
    assert.ok(f.boxes.length >= 1);
    await typeAndFind(page, '#reply', 'room 214 was busy', 'privacy.room');
    f = (await overlayFindings(page)).find((x) => x.rule === 'privacy.room');
    assertBoxes(f.boxes, await rectsOf(page, '#reply', 'room 214'), 'reply room');
    // A composer opened later, in a dialog.
    await page.evaluate(() => {
      const d = document.createElement('div');
      d.setAttribute('role', 'dialog');
      d.innerHTML = '<div id="late" contenteditable="true" style="border:1px solid #999;min-height:40px"></div>';
      document.getElementById('later').append(d);
    });
    await page.click('#late');
    await page.keyboard.type('MRN 44120931 zebra crossing');
    await waitForCategory(page, 'conduct', 'warn');
    const kinds = await page.evaluate(() => document.querySelector('discreet-overlay').getAttribute('data-composers').split(' '));
    assert.deepEqual(kinds.sort(), ['contenteditable', 'contenteditable', 'draft', 'textarea'].sort());
    // The editors themselves carry no mark of Discreet.
    assert.equal(await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /discreet/i.test(a.name))).length), 0);
    await page.close();
  });

  test('spans shift with an edit before them and vanish where an edit touched them', async () => {
    const page = await openSite(b.context, 'facebook');
    await typeAndFind(page, '#editor', 'Call 555-201-7788 and room 214 later', 'privacy.room');
    await waitForRule(page, 'privacy.phone');
    // A scan started mid-typing may answer first; wait for the last one.
    const scans = await waitForQuiet(page);
    await page.keyboard.press('Home');
    await page.keyboard.type('Please ');
    await frames(page);
    // Before the next scan answers, the shifted spans already sit on the moved text.
    let fs = await overlayFindings(page);
    let room = fs.find((x) => x.rule === 'privacy.room');
    assert.ok(room, 'the room finding stays across an edit before it');
    assert.equal(await page.evaluate(() => Number(document.querySelector('discreet-overlay').getAttribute('data-scans'))), scans, 'no scan ran in between');
    assertBoxes(room.boxes, await rectsOf(page, '#editor', 'room 214'), 'room after an edit before it');
    // Typing inside the phone number drops its underline at once.
    const text = await page.evaluate(() => window.fixture.model());
    const i = text.indexOf('7788');
    await page.evaluate((i) => {
      const t = document.querySelector('#editor span[data-lexical-text]').firstChild;
      const r = document.createRange(); r.setStart(t, i); r.collapse(true);
      getSelection().removeAllRanges(); getSelection().addRange(r);
    }, i);
    await page.keyboard.type('x');
    await frames(page);
    fs = await overlayFindings(page);
    assert.equal(fs.find((x) => x.rule === 'privacy.phone'), undefined);
    assert.ok(fs.find((x) => x.rule === 'privacy.room'), 'the room finding after the edit stays');
    await page.close();
  });

  test('an emoji drawn as an <img alt> (as Facebook does) counts as its alt text', async () => {
    const page = await openSite(b.context, 'facebook');
    // The page renders emoji as images inside the reply box, then the clinician types after them.
    await page.evaluate(() => {
      const r = document.getElementById('reply');
      const img = (alt) => Object.assign(document.createElement('img'), { alt, width: 16, height: 16,
        src: 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7' });
      r.append('Great shift ', img('😀'), img('🏥'), ' today.');
      r.focus();
      const sel = getSelection(); sel.selectAllChildren(r); sel.collapseToEnd();
    });
    await page.keyboard.type(' Discharged my patient, call 555-201-7788');
    await waitForRule(page, 'privacy.phone');
    const f = (await overlayFindings(page)).find((x) => x.rule === 'privacy.phone');
    assert.equal(f.start16, 'Great shift 😀🏥 today. Discharged my patient, call '.length);
    assertBoxes(f.boxes, await rectsOf(page, '#reply', '555-201-7788'), 'phone after emoji images');
    await page.close();
  });

  test('hover opens the card; Escape closes it back to the editor; "Ignore here" hides the finding for good', async () => {
    const page = await openSite(b.context, 'linkedin');
    const f = await typeAndFind(page, '#editor .ql-editor', 'Discharged my patient today. Call 555-201-7788 soon.', 'privacy.phone');
    const box = f.boxes[0];
    await page.mouse.move(box.x + box.w / 2, box.y + box.h / 2);
    await page.waitForFunction(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card').dataset.rule === 'privacy.phone');
    // Keyboard into the card, Escape: the card closes and focus is back in the editor.
    await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card button').focus());
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card').hidden), true);
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('ql-editor')), true);
    // Ignore here: gone now and after the next scans.
    await page.keyboard.press('Alt+Shift+N');
    for (let i = 0; i < 6; i++) {
      if (await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card').dataset.rule) === 'privacy.phone') break;
      await page.keyboard.press('Alt+Shift+N');
    }
    const scans = await page.evaluate(() => Number(document.querySelector('discreet-overlay').getAttribute('data-scans')));
    await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card button.ignore').click());
    await page.keyboard.press('End');
    await page.keyboard.type(' Thanks!');
    await page.waitForFunction((n) => Number(document.querySelector('discreet-overlay').getAttribute('data-scans')) > n, scans);
    await frames(page);
    const rules = (await overlayFindings(page)).map((x) => x.rule);
    assert.ok(!rules.includes('privacy.phone'), JSON.stringify(rules));
    await page.close();
  });

  test('a click on flagged text opens its card; a fix in a textarea replaces exactly the span', async () => {
    const page = await openSite(b.context, 'facebook');
    await page.click('#comment');
    const before = 'Discharged my patient today. Call 555-201-7788 if worried.';
    await page.keyboard.type(before);
    await waitForRule(page, 'privacy.phone');
    const f = (await overlayFindings(page)).find((x) => x.rule === 'privacy.phone');
    // The textarea's boxes are measured through a mirror: they sit on the number's line, inside the textarea.
    const ta = await page.evaluate(() => { const r = document.getElementById('comment').getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
    assert.ok(f.boxes.length >= 1 && f.boxes[0].x > ta.x && f.boxes[0].x + f.boxes[0].w < ta.x + ta.w && f.boxes[0].y >= ta.y, JSON.stringify({ f, ta }));
    await page.mouse.click(f.boxes[0].x + f.boxes[0].w / 2, f.boxes[0].y + f.boxes[0].h / 2);
    await page.waitForFunction(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card').dataset.rule === 'privacy.phone');
    await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card button.fix').click());
    await page.waitForFunction(() => !document.getElementById('comment').value.includes('555'));
    const v = await page.evaluate(() => document.getElementById('comment').value);
    assert.ok(v.startsWith(before.slice(0, f.start16)) && v.endsWith(before.slice(f.end16)), v);
    await page.close();
  });
});
