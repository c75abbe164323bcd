// Managed settings through each browser's real policy path: for Chromium a
// JSON file in /etc/chromium/policies/managed naming the extension's id, for
// Firefox the enterprise policies file (distribution/policies.json, 3rdparty).
// Policies are machine-wide, so each test loads a copy of the build under an
// id of its own: runs of the other tests at the same time are not affected.
// The values win over the clinician's, show as locked in the options page, a
// site switched off by IT is not checked, personal_words non_identifiers
// keeps identifiers off the personal list, and check_other_sites allows or
// forbids "Check this site".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, rmSync, accessSync, constants, existsSync, cpSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, launchBrowser, openSite, buildWithOwnId, tabIdOf, OTHER_SITES, BROWSERS, FIREFOX_EXT_DIR, typeAndFind } from './harness.js';

const DIR = '/etc/chromium/policies/managed';
const FILE = `${DIR}/discreet-test-${process.pid}.json`;

function writable(dir = DIR) {
  try { mkdirSync(dir, { recursive: true }); accessSync(dir, constants.W_OK); return true; } catch { return false; }
}
/** Why a test of this browser is skipped, or false. @param {string} browser @param {string} dir */
const skip = (browser, dir) => !BROWSERS.includes(browser) ? `${browser} not in DISCREET_BROWSERS` : writable(dir) ? false : `${dir} is not writable (run as root)`;

test('managed settings from Chromium policy win and are locked', { skip: skip('chromium', DIR) }, async () => {
  const { dir, id: EXT_ID } = buildWithOwnId();
  writeFileSync(FILE, JSON.stringify({ '3rdparty': { extensions: { [EXT_ID]: {
    backend_url: 'https://discreet.mercy.example', sites: { linkedin: false }, show_info: false, personal_words: 'non_identifiers',
  } } } }));
  let b;
  try {
    b = await launch({ extDir: dir, extId: EXT_ID });
    const managed = await b.sw.evaluate(() => chrome.storage.managed.get(null));
    assert.deepEqual(managed, { backend_url: 'https://discreet.mercy.example', sites: { linkedin: false }, show_info: false, personal_words: 'non_identifiers' });
    // The options page shows them locked; a user change to a locked switch is refused.
    const opt = await b.context.newPage();
    await opt.goto(`chrome-extension://${EXT_ID}/src/options/options.html`);
    await opt.waitForFunction(() => document.getElementById('backend_url').value !== '');
    assert.equal(await opt.inputValue('#backend_url'), 'https://discreet.mercy.example');
    assert.equal(await opt.isDisabled('#backend_url'), true);
    assert.equal(await opt.isDisabled('[data-site="linkedin"]'), true);
    assert.equal(await opt.isChecked('[data-site="linkedin"]'), false);
    assert.equal(await opt.isDisabled('#show_info'), true);
    assert.equal(await opt.isDisabled('[data-site="x"]'), false);
    assert.match(await opt.textContent('#words-msg'), /keeps patient identifiers .* flagged/);
    const r = await opt.evaluate(() => chrome.runtime.sendMessage({ kind: 'settings.set', patch: { sites: { linkedin: true } } }));
    assert.match(r.error, /set by your organisation/);
    // LinkedIn is not checked: the overlay says "off", and the popup's reason comes from the background.
    const page = await openSite(b.context, 'linkedin');
    await page.waitForFunction(() => document.querySelector('discreet-overlay').getAttribute('data-status') === 'off');
    await page.click('#editor .ql-editor');
    await page.keyboard.type('Call 555-201-7788');
    // Switched off, the content script attaches to no composer, so nothing can be drawn later either.
    assert.equal(await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelectorAll('.finding').length), 0);
    assert.equal(await page.evaluate(() => document.querySelector('discreet-overlay').getAttribute('data-composers') ?? ''), '');
    // show_info false: info-level findings are not shown (a phone number without patient context is info).
    const x = await openSite(b.context, 'x');
    await typeAndFind(x, '#editor .public-DraftEditor-content', 'Call 555-201-7788 about the bake sale. Discharged my patient today, room 214.', 'privacy.room');
    const sev = await x.evaluate(() => [...document.querySelector('discreet-overlay').shadowRoot.querySelectorAll('.finding')].map((f) => f.dataset.severity));
    assert.ok(!sev.includes('info'), JSON.stringify(sev));
    // personal_words non_identifiers: an identifier's card offers no "Don't flag this for me".
    for (let i = 0; i < 8; i++) {
      await x.keyboard.press('Alt+Shift+N');
      if (await x.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelector('.card').dataset.rule) === 'privacy.room') break;
    }
    const buttons = await x.evaluate(() => [...document.querySelector('discreet-overlay').shadowRoot.querySelectorAll('.card button')].map((b) => b.className));
    assert.ok(buttons.includes('ignore') && !buttons.includes('allow'), JSON.stringify(buttons));
  } finally {
    rmSync(FILE, { force: true });
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// "Check this site" under managed settings: allowed by IT, a site is added and
// checked; when IT then forbids it (the policy file changes and Chromium
// reloads its policies), the registration is withdrawn, the page is no longer
// checked, the popup no longer offers the button, the background refuses to
// add a site and the options page says why. The build holds the test origin's
// permission already (the browser's prompt cannot be answered headless).
test('managed check_other_sites allows "Check this site", then forbids it live', { skip: skip('chromium', DIR) }, async () => {
  const { dir, id } = buildWithOwnId();
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const origin = OTHER_SITES.blog.origin;
  m.host_permissions = [`${origin}/*`];
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  const policy = (allow) => writeFileSync(FILE, JSON.stringify({ '3rdparty': { extensions: { [id]: { check_other_sites: allow } } } }));
  policy(true);
  let b;
  try {
    b = await launchBrowser('chromium', { extDir: dir, extId: id });
    assert.deepEqual(await b.sw.evaluate(() => chrome.storage.managed.get(null)), { check_other_sites: true });
    const page = await b.context.newPage();
    await page.goto(`${origin}/`);
    const tabId = await tabIdOf(b, page);
    const popup = await b.openExtensionPage(`src/popup/popup.html?tab=${tabId}`);
    await popup.waitForFunction(() => !document.getElementById('add').hidden);
    await popup.click('#check-site');
    await popup.waitForFunction(() => /now checks posts/.test(document.getElementById('add-msg').textContent));
    await popup.close();
    await page.goto(`${origin}/`);
    await page.waitForSelector('discreet-overlay[data-status="checking"]', { state: 'attached' });
    await typeAndFind(page, '#editor', 'Discharged my patient today. Call 555-201-7788', 'privacy.phone');
    // IT forbids it: Chromium reloads the policy files (chrome://policy's "Reload policies").
    policy(false);
    const pol = await b.context.newPage();
    await pol.goto('chrome://policy');
    await pol.click('#reload-policies');
    await b.sw.evaluate(() => new Promise((r) => {
      const t = setInterval(async () => { if ((await chrome.storage.managed.get('check_other_sites')).check_other_sites === false) { clearInterval(t); r(); } }, 100);
    }));
    await pol.close();
    // The content script is no longer registered for the added origin: a reload of the page is not checked.
    await b.sw.evaluate(() => new Promise((r) => {
      const t = setInterval(async () => { if (!(await chrome.scripting.getRegisteredContentScripts()).length) { clearInterval(t); r(); } }, 100);
    }));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.readyState === 'complete');
    // (Nothing is registered any more, so nothing can be injected later either.)
    assert.equal(await page.evaluate(() => !!document.querySelector('discreet-overlay')), false, 'not checked once IT forbids it');
    // Even a content script already in a page (here injected by hand) is told it is off.
    await b.sw.evaluate(async (tabId) => { await chrome.scripting.executeScript({ target: { tabId }, files: ['src/content/content.js'] }); }, tabId);
    await page.waitForSelector('discreet-overlay[data-status="off"]', { state: 'attached' });
    // The popup no longer offers the button; the background refuses; the options page says why.
    const popup2 = await b.openExtensionPage(`src/popup/popup.html?tab=${tabId}`);
    await popup2.waitForFunction(() => document.getElementById('page').dataset.state === 'off');
    assert.equal(await popup2.evaluate(() => document.getElementById('add').hidden), true);
    const r = await b.bg({ kind: 'site.add', url: `${origin}/`, tabId });
    assert.match(r.error, /organisation does not allow/);
    const opt = await b.openExtensionPage('src/options/options.html');
    await opt.waitForFunction(() => document.getElementById('extra-none').dataset.locked === 'true');
    assert.match(await opt.textContent('#extra-none'), /organisation does not allow/);
    assert.match(await opt.textContent(`#extra-sites li[data-origin="${origin}"]`), /not checked: your organisation does not allow/);
  } finally {
    rmSync(FILE, { force: true });
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Firefox reads its enterprise policies at start: one launch with IT's values.
const FF_DIST = '/usr/lib/firefox-esr/distribution';
test('firefox: managed settings from the enterprise policies win and are locked; check_other_sites false forbids "Check this site"', { skip: skip('firefox', FF_DIST) }, async () => {
  const id = `discreet-test-${process.pid}@discreet-health.org`;
  const dir = mkdtempSync(join(tmpdir(), 'discreet-ffmanaged-'));
  cpSync(FIREFOX_EXT_DIR, dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  m.browser_specific_settings.gecko.id = id;
  const origin = OTHER_SITES.blog.origin;
  m.host_permissions = [`${origin}/*`];
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  const file = join(FF_DIST, 'policies.json');
  assert.ok(!existsSync(file), `${file} exists already: not overwriting it`);
  writeFileSync(file, JSON.stringify({ policies: { '3rdparty': { Extensions: { [id]: {
    sites: { linkedin: false }, check_other_sites: false, personal_words: 'off' } } } } }));
  let b;
  try {
    b = await launchBrowser('firefox', { extDir: dir, extId: id });
    assert.deepEqual(await b.sw.evaluate(() => chrome.storage.managed.get(null)), { sites: { linkedin: false }, check_other_sites: false, personal_words: 'off' });
    // Locked in the options page; a change is refused.
    const opt = await b.openExtensionPage('src/options/options.html');
    await opt.waitForFunction(() => document.querySelector('[data-site="linkedin"]')?.dataset.locked === 'true');
    assert.equal(await opt.isChecked('[data-site="linkedin"]'), false);
    assert.equal(await opt.isDisabled('[data-site="x"]'), false);
    assert.equal(await opt.isDisabled('#personal_words'), true);
    assert.match(await opt.textContent('#extra-none'), /organisation does not allow/);
    assert.match((await b.bg({ kind: 'settings.set', patch: { sites: { linkedin: true } } })).error, /set by your organisation/);
    // LinkedIn is not checked.
    const page = await openSite(b.context, 'linkedin');
    await page.waitForFunction(() => document.querySelector('discreet-overlay').getAttribute('data-status') === 'off');
    // No "Check this site" on another site: the popup does not offer it and the background refuses.
    const blog = await b.context.newPage();
    await blog.goto(`${origin}/`);
    const tabId = await tabIdOf(b, blog, origin);
    const popup = await b.openExtensionPage(`src/popup/popup.html?tab=${tabId}`);
    await popup.waitForFunction(() => document.getElementById('page').dataset.state === 'off');
    assert.equal(await popup.evaluate(() => document.getElementById('add').hidden), true);
    assert.match((await b.bg({ kind: 'site.add', url: `${origin}/`, tabId })).error, /organisation does not allow/);
    // personal_words off: no personal list at all.
    assert.match((await b.bg({ kind: 'words.add', text: 'Biscuit', rule: 'privacy.name' })).error ?? '', /does not allow a personal word list/);
  } finally {
    rmSync(file, { force: true });
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
