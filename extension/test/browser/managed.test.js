// Managed settings through Chromium's real policy path: a JSON file in
// /etc/chromium/policies/managed naming the extension's id. The policy is
// machine-wide, so this test loads a copy of the build under its own key (its
// own id): runs of the other tests at the same time are not affected. The values
// win over the clinician's, show as locked in the options page, and a site
// switched off by IT is not checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, rmSync, accessSync, constants } from 'node:fs';
import { launch, openSite, waitForRule, buildWithOwnId } from './harness.js';

const DIR = '/etc/chromium/policies/managed';
const FILE = `${DIR}/discreet-test-${process.pid}.json`;

function writable() {
  try { mkdirSync(DIR, { recursive: true }); accessSync(DIR, constants.W_OK); return true; } catch { return false; }
}

test('managed settings from Chromium policy win and are locked', { skip: writable() ? false : `${DIR} is not writable (run as root)` }, async () => {
  const { dir, id: EXT_ID } = buildWithOwnId();
  writeFileSync(FILE, JSON.stringify({ '3rdparty': { extensions: { [EXT_ID]: {
    backend_url: 'https://discreet.mercy.example', sites: { linkedin: false }, show_info: false,
  } } } }));
  let b;
  try {
    b = await launch({ extDir: dir, extId: EXT_ID });
    const managed = await b.sw.evaluate(() => chrome.storage.managed.get(null));
    assert.deepEqual(managed, { backend_url: 'https://discreet.mercy.example', sites: { linkedin: false }, show_info: false });
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
    const r = await opt.evaluate(() => chrome.runtime.sendMessage({ kind: 'settings.set', patch: { sites: { linkedin: true } } }));
    assert.match(r.error, /set by your organisation/);
    // LinkedIn is not checked: the overlay says "off", and the popup's reason comes from the background.
    const page = await openSite(b.context, 'linkedin');
    await page.waitForFunction(() => document.querySelector('discreet-overlay').getAttribute('data-status') === 'off');
    await page.click('#editor .ql-editor');
    await page.keyboard.type('Call 555-201-7788');
    await page.waitForTimeout(600);
    assert.equal(await page.evaluate(() => document.querySelector('discreet-overlay').shadowRoot.querySelectorAll('.finding').length), 0);
    assert.equal(await page.evaluate(() => document.querySelector('discreet-overlay').getAttribute('data-composers') ?? ''), '');
    // show_info false: info-level findings are not shown (a phone number without patient context is info).
    const x = await openSite(b.context, 'x');
    await x.click('#editor .public-DraftEditor-content');
    await x.keyboard.type('Call 555-201-7788 about the bake sale. Discharged my patient today, room 214.');
    await waitForRule(x, 'privacy.room');
    const sev = await x.evaluate(() => [...document.querySelector('discreet-overlay').shadowRoot.querySelectorAll('.finding')].map((f) => f.dataset.severity));
    assert.ok(!sev.includes('info'), JSON.stringify(sev));
  } finally {
    rmSync(FILE, { force: true });
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
