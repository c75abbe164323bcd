// Photos attached in a composer are checked on the device, in Chromium and
// Firefox: metadata (GPS, time taken, device serial) and the text in the
// image (OCR in the scanner's host, then the same scanner), shown in the
// overlay with data-source="image", in the card and in the pre-publish
// check; a copy without metadata to download; a size cap with a note; and
// nothing about the image leaves the device.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, BROWSERS, openSite, tabIdOf, SITES, waitForIntercept, postAnyway } from './harness.js';
import { withExif } from './exif.js';

/** A 1000x1000 (1 megapixel) screenshot-like JPEG with a patient's details in it, drawn by the page's canvas. */
function drawScreenshot(page) {
  return page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 1000; c.height = 1000;
    const g = c.getContext('2d');
    g.fillStyle = '#fff'; g.fillRect(0, 0, 1000, 1000);
    g.fillStyle = '#000'; g.font = '36px sans-serif';
    ['Discharge summary', 'Patient: John Smith', 'MRN 44120931', 'Call 555-201-7788', 'Room 214, ward 4 North'].forEach((l, i) => g.fillText(l, 60, 120 + i * 80));
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.92));
    const b = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
    return btoa(s);
  });
}

const state = (page) => page.evaluate(() => {
  const s = document.querySelector('discreet-overlay').shadowRoot;
  return {
    photos: [...s.querySelectorAll('.photo')].map((p) => ({ name: p.dataset.image, status: p.dataset.status, text: p.textContent })),
    findings: [...s.querySelectorAll('.finding[data-source="image"]')].map((f) => ({ rule: f.dataset.rule, category: f.dataset.category, severity: f.dataset.severity, image: f.dataset.image })),
  };
});
/** Waits until n photos are checked and drawn (the count is set before the next frame draws them). */
const waitChecked = (page, n) => page.waitForFunction((n) => {
  const o = document.querySelector('discreet-overlay');
  return Number(o.getAttribute('data-photos') || 0) >= n &&
    [...o.shadowRoot.querySelectorAll('.photo')].filter((p) => p.dataset.status !== 'checking').length >= n;
}, n, { timeout: 90000 });

for (const browser of BROWSERS) describe(browser, () => {
  /** @type {any} */
  let b;
  before(async () => { b = await launchBrowser(browser); });
  after(async () => { await b?.close(); });

  test('a photo\'s location, time, serial and the text in it are findings; the card offers a copy without metadata; Post is stopped', async () => {
    const page = await openSite(b.context, 'facebook');
    await page.click('#editor');
    await page.keyboard.type('Great team today!');
    const jpeg = withExif(Buffer.from(await drawScreenshot(page), 'base64'), { lat: 40.7411, lon: -73.9897, taken: '2026:11:30 14:22:05', serial: 'SN-4417-22' });
    const before = b.requests.length;
    await page.setInputFiles('#photo', { name: 'ward.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await waitChecked(page, 1);
    const st = await state(page);
    assert.equal(st.photos.length, 1);
    assert.equal(st.photos[0].status, 'done', st.photos[0].text);
    const rules = st.findings.map((f) => f.rule);
    for (const r of ['privacy.image.location', 'privacy.image.time', 'privacy.image.device', 'privacy.mrn', 'privacy.phone']) assert.ok(rules.includes(r), `${r} in ${JSON.stringify(rules)}`);
    for (const f of st.findings) { assert.equal(f.image, 'ward.jpg'); assert.ok(f.category && f.severity); }
    // The card: what was found, in which photo, what to do, and the stripped copy.
    await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.photo').click());
    const card = await page.evaluate(() => {
      const c = document.querySelector('discreet-overlay').shadowRoot.querySelector('.card');
      return { hidden: c.hidden, source: c.dataset.source, msg: c.querySelector('.msg').textContent, why: c.querySelector('.why').textContent,
        items: [...c.querySelectorAll('li')].map((li) => li.dataset.rule), strip: c.querySelector('a.strip')?.getAttribute('download') ?? null,
        href: c.querySelector('a.strip')?.href ?? '' };
    });
    assert.equal(card.hidden, false);
    assert.equal(card.source, 'image');
    assert.match(card.msg, /ward\.jpg/);
    assert.match(card.why, /Crop or blur/);
    assert.ok(card.items.includes('privacy.image.location'));
    assert.equal(card.strip, 'ward-no-metadata.jpg');
    assert.match(card.href, /^blob:/);
    if (browser === 'chromium') {
      // The download: the same JPEG without the EXIF segment (metadata and pixels checked in test/unit/images.test.js).
      const [dl] = await Promise.all([page.waitForEvent('download'),
        page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card a.strip').click())]);
      const { readFileSync } = await import('node:fs');
      const got = readFileSync(await dl.path());
      assert.equal(dl.suggestedFilename(), 'ward-no-metadata.jpg');
      assert.equal(got[0], 0xff); assert.equal(got[1], 0xd8);
      assert.ok(!(got[2] === 0xff && got[3] === 0xe1), 'no APP1 (EXIF) segment');
      assert.ok(got.length < jpeg.length && got.length > jpeg.length - 400, `${got.length} vs ${jpeg.length}`);
      await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card button.close').click());
    }
    // The popup lists them with the typed findings.
    const popup = await b.openExtensionPage(`src/popup/popup.html?tab=${await tabIdOf(b, page, SITES.facebook.origin)}`);
    await popup.waitForFunction(() => !!document.querySelector('#findings li[data-source="image"]'));
    const listed = await popup.evaluate(() => [...document.querySelectorAll('#findings li[data-source="image"]')].map((li) => [li.dataset.rule, li.textContent]));
    assert.ok(listed.some(([r, t]) => r === 'privacy.image.location' && /Photo ward\.jpg: /.test(t)), JSON.stringify(listed));
    await popup.close();
    // Pre-publish: the photo's blocking findings stop Post.
    await page.click('#post');
    await waitForIntercept(page);
    const items = await page.evaluate(() => [...document.querySelector('discreet-overlay').shadowRoot.querySelectorAll('#ic-body li[data-source="image"]')].map((li) => li.dataset.rule));
    assert.ok(items.includes('privacy.image.location'), JSON.stringify(items));
    assert.equal(await page.evaluate(() => window.posted.length), 0);
    // Nothing about the image left the device: the only requests are the page's own fixture files (and the popup's).
    const seen = b.requests.slice(before);
    for (const r of seen) {
      assert.ok(r.url.startsWith(SITES.facebook.origin + '/') || r.url.startsWith(b.extUrl + '/') || r.url.startsWith('blob:') || r.url.startsWith('data:'),
        `unexpected request ${r.method} ${r.url}`);
      assert.equal(r.method, 'GET', r.url);
      assert.ok(!(r.post ?? '').length);
    }
    await page.close();
  });

  /**
   * Attaches a file through the page's file input and clicks Post in the same
   * task, so the click surely meets the photo while it is being checked.
   * Returns the pre-publish dialog and the posts as they are right after the
   * click, in that same task (no check can have ended yet).
   */
  const attachAndPost = (page, name, type, b64) => page.evaluate(({ name, type, b64 }) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type }));
    const input = document.getElementById('photo');
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    document.getElementById('post').click();
    const s = document.querySelector('discreet-overlay').shadowRoot;
    const d = s.querySelector('.intercept');
    return { hidden: d.hidden, state: d.dataset.state, title: s.getElementById('ic-title').textContent,
      anyway: s.querySelector('.intercept .anyway').hidden ? null : s.querySelector('.intercept .anyway').textContent,
      items: [...s.querySelectorAll('#ic-body li')].map((li) => ({ source: li.dataset.source ?? null, status: li.dataset.status ?? null, text: li.textContent })),
      posted: window.posted.length };
  }, { name, type, b64 });
  const dialogState = (page) => page.evaluate(() => {
    const s = document.querySelector('discreet-overlay').shadowRoot;
    const d = s.querySelector('.intercept');
    return { hidden: d.hidden, state: d.dataset.state, title: s.getElementById('ic-title').textContent,
      anyway: s.querySelector('.intercept .anyway').hidden ? null : s.querySelector('.intercept .anyway').textContent,
      items: [...s.querySelectorAll('#ic-body li')].map((li) => ({ rule: li.dataset.rule ?? null, source: li.dataset.source ?? null, status: li.dataset.status ?? null, text: li.textContent })) };
  });
  /** Waits (up to a minute: a photo's check) until the dialog is in state `st`, and returns it. */
  const dialogOnceIn = async (page, st) => {
    await page.waitForFunction((st) => document.querySelector('discreet-overlay').shadowRoot.querySelector('.intercept').dataset.state === st, st, { timeout: 60000 });
    return dialogState(page);
  };
  const typeClean = async (page, sel) => {
    await page.click(sel);
    await page.keyboard.type('Proud of the team after a long shift.');
    await page.waitForFunction(() => Number(document.querySelector('discreet-overlay').getAttribute('data-scans') || 0) >= 1);
  };

  test('Post waits for a photo still being checked: a clear "checking" dialog, then the photo\'s findings stop it', async () => {
    const page = await openSite(b.context, 'facebook');
    await typeClean(page, '#editor');
    let d = await attachAndPost(page, 'labs.jpg', 'image/jpeg', await drawScreenshot(page));
    assert.equal(d.hidden, false);
    assert.equal(d.state, 'photo-checking');
    assert.equal(d.title, 'Discreet is still checking a photo');
    assert.equal(d.anyway, 'Post without waiting');
    assert.deepEqual(d.items.map((i) => [i.source, i.status]), [['image', 'checking']]);
    assert.match(d.items[0].text, /labs\.jpg/);
    assert.equal(d.posted, 0);
    // The check ends: the same dialog now lists what the photo shows; nothing was posted.
    d = await dialogOnceIn(page, 'findings');
    assert.equal(d.hidden, false);
    assert.equal(d.title, 'Check this post before it goes out');
    const rules = d.items.filter((i) => i.source === 'image').map((i) => i.rule);
    assert.ok(rules.includes('privacy.mrn') || rules.includes('privacy.phone'), JSON.stringify(d.items));
    assert.equal(await page.evaluate(() => window.posted.length), 0);
    // "Post anyway" then posts, once.
    await postAnyway(page, 1);
    await page.close();
  });

  test('a photo with nothing in it: Post waits for the check, then goes through by itself; an unreadable one is said before posting', async () => {
    const page = await openSite(b.context, 'x');
    await typeClean(page, '#editor .public-DraftEditor-content');
    const sunset = await page.evaluate(async () => {
      const c = document.createElement('canvas');
      c.width = 400; c.height = 300;
      const g = c.getContext('2d');
      g.fillStyle = '#f4a259'; g.fillRect(0, 0, 400, 300);
      g.fillStyle = '#5b8e7d'; g.fillRect(0, 200, 400, 100);
      const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
      const u = new Uint8Array(await blob.arrayBuffer());
      return btoa(String.fromCharCode(...u));
    });
    const held = await attachAndPost(page, 'sunset.png', 'image/png', sunset);
    assert.deepEqual([held.hidden, held.state, held.posted], [false, 'photo-checking', 0]);
    await page.waitForFunction(() => window.posted.length === 1, undefined, { timeout: 60000 });
    assert.equal((await dialogState(page)).hidden, true);
    // A file that is no image: held, then the dialog says it could not be checked; posting stays possible.
    const held2 = await attachAndPost(page, 'broken.jpg', 'image/jpeg', Buffer.from('not really a jpeg at all').toString('base64'));
    assert.deepEqual([held2.hidden, held2.state, held2.posted], [false, 'photo-checking', 1]);
    const d = await dialogOnceIn(page, 'photo-unchecked');
    assert.equal(d.hidden, false);
    assert.equal(d.title, 'A photo could not be checked');
    assert.equal(d.anyway, 'Post anyway');
    assert.deepEqual(d.items.map((i) => [i.source, i.status]), [['image', 'error']]);
    assert.match(d.items[0].text, /broken\.jpg: .*could not be read as an image/);
    assert.equal(await page.evaluate(() => window.posted.length), 1);
    await postAnyway(page, 2);
    await page.close();
  });

  test('a file above the size cap gets a clear "not checked" note; a broken image a clear message', async () => {
    const page = await openSite(b.context, 'x');
    await page.click('#editor .public-DraftEditor-content');
    await page.setInputFiles('#photo', { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(11 * 1024 * 1024, 1) });
    await waitChecked(page, 1);
    await page.setInputFiles('#photo', { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not really a jpeg at all') });
    await waitChecked(page, 2);
    const st = await state(page);
    const by = Object.fromEntries(st.photos.map((p) => [p.name, p]));
    assert.equal(by['huge.png'].status, 'not-checked');
    assert.match(by['huge.png'].text, /not checked: the file is larger than 10 MB/);
    assert.equal(by['broken.jpg'].status, 'error');
    assert.match(by['broken.jpg'].text, /could not be read as an image/);
    await page.close();
  });
});
