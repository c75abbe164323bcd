// Browser test of the admin console: `discreet serve` on a fresh database,
// Debian's chromium driven by playwright-core. Run by `make test-console`
// (DISCREET_BIN=build/discreet; the binary must embed the console vendor
// files and scanner.wasm, which make bin does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const BIN = resolve(process.env.DISCREET_BIN ?? 'build/discreet');
const OWNER = 'dso_console-test-owner-token-0123456789abcdefgh';
const SLUG = `mercy-${Math.random().toString(36).slice(2, 8)}`;

let server;
let base;
let dir;
let browser;
let admin;

// With DISCREET_TEST_BASE_URL (and DISCREET_TEST_OWNER_TOKEN) the test uses
// that server instead, e.g. wrangler dev (make test-server-worker).
const REMOTE = process.env.DISCREET_TEST_BASE_URL;
const OWNER_TOKEN = REMOTE ? process.env.DISCREET_TEST_OWNER_TOKEN : OWNER;

before(async () => {
  if (REMOTE) {
    base = REMOTE.replace(/\/$/, '');
  } else {
    base = await startServer();
  }
  const r = await fetch(`${base}/v1/institutions`, {
    method: 'POST', headers: { Authorization: `Bearer ${OWNER_TOKEN}` },
    body: JSON.stringify({ slug: SLUG, name: 'Mercy Health' }),
  });
  assert.equal(r.status, 201);
  admin = (await r.json()).admin_token;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
});

async function startServer() {
  dir = mkdtempSync(join(tmpdir(), 'discreet-console-'));
  server = spawn(BIN, ['serve', '--addr', '127.0.0.1:0', '--db', join(dir, 'd.db')], {
    env: { ...process.env, DISCREET_OWNER_TOKEN: OWNER },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errText = '';
  server.stderr.on('data', (d) => { errText += d; });
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`serve did not start: ${out} ${errText}`)), 30000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    server.on('exit', (code) => fail(new Error(`serve exited ${code}: ${errText}`)));
  });
}

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens the console and collects page errors and CSP violations. */
async function open() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${base}/console/`);
  return { context, page, problems };
}

async function signIn(page, token = admin) {
  await page.fill('#signin-slug', SLUG);
  await page.fill('#signin-token', token);
  await page.click('#signin-form button[type=submit]');
}

async function api(method, path, token, body) {
  const r = await fetch(base + path, {
    method, headers: { Authorization: `Bearer ${token}` }, body: body && JSON.stringify(body),
  });
  return { status: r.status, data: r.status === 304 ? null : await r.json() };
}

test('sign-in, settings form, validation, live preview, publish, rollback, codes, counts, audit', async () => {
  const { context, page, problems } = await open();
  const csp = (await page.request.get(`${base}/console/`)).headers()['content-security-policy'];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);

  // A wrong token is refused with a message, and nothing is stored.
  await signIn(page, 'dsa_wrong');
  await page.waitForSelector('#signin-error:has-text("not the admin token")');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);

  await signIn(page);
  await page.waitForSelector('#app:not([hidden])');
  assert.equal(await page.textContent('#who-name'), `Mercy Health (${SLUG})`);
  const stored = await page.evaluate(() => ({ s: sessionStorage.getItem('discreet.console'), l: localStorage.length, c: document.cookie }));
  assert.equal(JSON.parse(stored.s).token, admin);
  assert.equal(stored.l, 0);
  assert.equal(stored.c, '');

  // The scanner loads in the page (vendor files and module are served).
  await page.waitForFunction(() => !/Loading|unavailable/.test(document.querySelector('#preview-status').textContent),
    null, { timeout: 30000 });

  // The form writes the common fields into the JSON.
  await page.fill('#f-facilities', 'Mercy General\nMercy East');
  await page.fill('#f-inst-name', 'Mercy Health');
  await page.selectOption('#f-enforce', 'block');
  let policy = JSON.parse(await page.inputValue('#policy-json'));
  assert.deepEqual(policy, { facilities: ['Mercy General', 'Mercy East'], institution: { name: 'Mercy Health' }, enforce: 'block' });

  // Bad JSON and an invalid policy get messages: in the page, then from the server with the field.
  await page.fill('#policy-json', '{"facilities": [');
  await page.waitForSelector('#validation.invalid:has-text("Not valid JSON")');
  await page.fill('#policy-json', JSON.stringify({ record_formats: [{ name: 'MRN', pattern: '(' }] }));
  await page.waitForSelector('#validation.invalid:has-text("checked in this page")');
  assert.match(await page.textContent('#validation'), /record_formats\[0\]\.pattern/);
  await page.click('#save');
  await page.waitForSelector('#validation:has-text("The server refused the policy (field record_formats[0].pattern)")');
  assert.equal((await api('GET', `/v1/institutions/${SLUG}/policy/draft`, admin)).data.policy, null);

  // The live preview runs the real scanner with the draft policy.
  policy = {
    facilities: ['Mercy General'],
    terms: [{ phrase: 'zebra crossing', category: 'conduct', severity: 'warn', message: 'test term' }],
  };
  await page.fill('#policy-json', JSON.stringify(policy, null, 2));
  await page.fill('#sample', 'Careful at the zebra crossing today.');
  await page.waitForSelector('#preview-results li code:text-is("zebra crossing")');
  await page.fill('#sample', 'My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788.');
  await page.waitForSelector('#preview-results li[data-rule="privacy.phone"]');
  const previewRules = await page.$$eval('#preview-results li', (lis) => lis.map((li) => li.dataset.rule));
  for (const id of ['privacy.name', 'privacy.mrn', 'privacy.room', 'privacy.phone']) {
    assert.ok(previewRules.includes(id), `preview lacks ${id}: ${previewRules}`);
  }
  assert.equal(await page.textContent('#preview-results li[data-rule="privacy.phone"] code'), '555-201-7788');
  // The form names the engine's defaults, read from the scanner (not written twice).
  const defaults = await page.$$eval('#f-min, #f-intercept, #f-enforce', (ss) => ss.map((s) => s.options[0].textContent));
  assert.deepEqual(defaults, ['default (info)', 'default (block)', 'default (may post anyway)']);

  // Publish: version 1 is served, signed, with the form's facility.
  await page.click('#publish');
  await page.waitForSelector('#action-status:has-text("Published version 1")');
  await page.waitForSelector('#who-version:text-is("1")');
  const bundle = await (await fetch(`${base}/v1/institutions/${SLUG}/policy`)).json();
  const payload = JSON.parse(Buffer.from(bundle.payload, 'base64').toString('utf8'));
  assert.deepEqual(payload.policy.facilities, ['Mercy General']);
  assert.equal(payload.version, 1);

  // A second version, then roll back to the first from the versions table.
  await page.fill('#f-facilities', 'Mercy West');
  await page.click('#publish');
  await page.waitForSelector('#action-status:has-text("Published version 2")');
  await page.waitForSelector('#versions tr[data-version="1"] button');
  await page.click('#versions tr[data-version="1"] button');
  await page.waitForSelector('#action-status:has-text("Version 1 republished as version 3")');
  await page.waitForSelector('#versions tr[data-version="3"] td:has-text("rollback to 1")');
  assert.deepEqual(JSON.parse(await page.inputValue('#policy-json')).facilities, ['Mercy General']);
  assert.equal(await page.inputValue('#f-facilities'), 'Mercy General');

  // An enrollment code, shown once, enrolls an extension.
  await page.click('#new-code');
  await page.waitForSelector('#new-code-value:not([hidden])');
  const code = (await page.textContent('#new-code-value')).split(' ')[0];
  assert.match(code, /^[A-Z2-7]{5}(-[A-Z2-7]{5}){4}$/);
  // Counts show only once 10 extensions (10 report tokens) back them on a
  // day; the page picks them up on reload (the session survives a reload,
  // in sessionStorage). Ten enrollments with the one code give ten tokens.
  const enroll = async () => {
    for (;;) {
      const r = await fetch(`${base}/v1/enroll`, { method: 'POST', body: JSON.stringify({ code }) });
      if (r.status !== 429) {
        assert.equal(r.status, 200);
        return (await r.json()).report_token;
      }
      await new Promise((ok) => setTimeout(ok, 1000 * Number(r.headers.get('retry-after') || 1)));
    }
  };
  const day = new Date().toISOString().slice(0, 10);
  const reports = new Set();
  for (let i = 0; i < 10; i++) {
    const report = await enroll();
    reports.add(report);
    const r = await api('POST', `/v1/institutions/${SLUG}/counts`, report, { day, counts: { 'privacy.phone': 2 } });
    assert.equal(r.status, 202);
  }
  assert.equal(reports.size, 10);
  await page.reload();
  await page.waitForSelector('#counts tr td:text-is("privacy.phone")');
  assert.deepEqual(await page.$$eval('#counts tr td', (tds) => tds.map((td) => td.textContent)), [day, 'privacy.phone', '20', '10']);

  // The audit log lists the changes, newest first.
  await page.waitForSelector('#audit tr');
  const actions = await page.$$eval('#audit tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(actions.slice(0, 7), ['enrollment_code.create', 'policy.rollback', 'policy.publish', 'policy.draft',
    'policy.publish', 'policy.draft', 'institution.create'].slice(0, 7));

  // Sign out forgets the token.
  await page.click('#signout');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('discreet.console')), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test('without the scanner module the preview says so and the rest works', async () => {
  const { context, page, problems } = await open();
  await page.route('**/console/scanner.wasm', (route) => route.fulfill({
    status: 404, contentType: 'application/json', body: '{"error":"the scanner module is not available on this server"}',
  }));
  await page.reload();
  await signIn(page);
  await page.waitForSelector('#preview-status:has-text("Live preview unavailable: the scanner module is not available")');
  await page.fill('#policy-json', '{"facilities":["Mercy North"]}');
  await page.click('#save');
  await page.waitForSelector('#action-status:has-text("Draft saved")');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a page on another origin cannot use the API', async () => {
  const r = await fetch(`${base}/v1/institutions/${SLUG}/policy/draft`, {
    headers: { Authorization: `Bearer ${admin}`, Origin: 'https://evil.example' },
  });
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('access-control-allow-origin'), null);
});
