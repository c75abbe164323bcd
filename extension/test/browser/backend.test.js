// Enrollment and the signed policy against a fake settings backend (Node
// http + Ed25519): fetch, verify, cache, 304, a bad signature refused, the
// cached policy kept when the backend is down, opt-in counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openSite, waitForCategory, overlayFindings, fakeBackend, EXT_ID, TERMS_POLICY, toBackground, typeAndFind, waitForIntercept, postAnyway } from './harness.js';

let b, be;
before(async () => { be = await fakeBackend(); b = await launch(); });
after(async () => { await b?.close(); await be?.close(); });

/** Sends a message to the background as the options page does. */
const bg = (msg) => toBackground(b, msg);

test('enroll, verify and use the policy; 304 on refresh; a bad signature is refused; a rotated key is learnt; a down backend keeps the cache', async () => {
  const bad = await bg({ kind: 'enroll', backend_url: be.url, code: 'WRONG' });
  assert.match(bad.error, /HTTP 403/);
  // Enroll through the options page's form.
  const opt = await b.context.newPage();
  await opt.goto(`chrome-extension://${EXT_ID}/src/options/options.html`);
  await opt.fill('#backend_url', be.url);
  await opt.fill('#enrollment_code', 'MERCY-2026');
  await opt.click('#enroll button[type=submit]');
  await opt.waitForFunction(() => /Enrolled with Mercy Health/.test(document.getElementById('enroll-msg').textContent));
  await opt.waitForFunction(() => /policy version 7/.test(document.getElementById('enrolled').textContent));
  await opt.close();
  let st = await bg({ kind: 'state' });
  assert.equal(st.enrollment.slug, 'mercy');
  assert.equal(st.policy.version, 7);
  assert.equal(st.policy.slug, 'mercy');
  // The policy's custom term is found in a composer.
  const page = await openSite(b.context, 'linkedin');
  await page.click('#editor .ql-editor');
  await page.keyboard.type('We met at the zebra crossing');
  await waitForCategory(page, 'conduct', 'warn');
  const fs = await overlayFindings(page);
  assert.ok(fs.some((f) => f.category === 'conduct' && f.severity === 'warn'), JSON.stringify(fs));
  await page.close();
  // Refresh: If-None-Match -> 304, the cache stays.
  const r2 = await bg({ kind: 'refresh' });
  assert.deepEqual(r2, { status: 'not-modified', version: 7 });
  const last = be.state.requests.filter((q) => q.url.endsWith('/policy')).at(-1);
  assert.equal(last.headers['if-none-match'], '"v7"');
  // A new version signed with another key is refused; the cached one stays.
  be.state.version = 8;
  be.state.signWith = be.otherKey();
  const r3 = await bg({ kind: 'refresh' });
  assert.match(r3.error, /signature/);
  st = await bg({ kind: 'state' });
  assert.equal(st.policy.version, 7);
  // (Downgrades and other institutions' payloads: see test/unit/policy.test.js.)
  // The forged-key attack: the origin answers version 999, switching every rule
  // off, signed with the attacker's key that its unsigned /v1/keys lists and a
  // self-signed statement introduces. Refused; nothing changes, not even the
  // highest version seen: the real version 8 is still taken afterwards.
  be.state.signWith = be.k1; // the real key again (the step above signed with another)
  const restore = be.forge();
  be.state.version = 999;
  be.state.policy = { extends: 'none', name: 'Switched off' };
  const forged = await bg({ kind: 'refresh' });
  assert.match(forged.error, /unknown key "k-evil"/);
  assert.ok(be.state.requests.some((q) => q.url === '/v1/keys'));
  st = await bg({ kind: 'state' });
  assert.equal(st.policy.version, 7);
  const stored = await b.sw.evaluate(async () => (await chrome.storage.local.get('enrollment')).enrollment);
  assert.deepEqual(stored.keys.map((k) => k.id), ['k1']);
  const still = await openSite(b.context, 'linkedin');
  await still.click('#editor .ql-editor');
  await still.keyboard.type('We met at the zebra crossing');
  await waitForCategory(still, 'conduct', 'warn');
  await still.close();
  restore();
  be.state.policy = TERMS_POLICY;
  be.state.version = 8;
  assert.deepEqual(await bg({ kind: 'refresh' }), { status: 'updated', version: 8 });
  // A key rotation: version 9 signed with k2, which a statement signed by k1 introduces.
  be.state.version = 9;
  be.rotate();
  const r5 = await bg({ kind: 'refresh' });
  assert.deepEqual(r5, { status: 'updated', version: 9 });
  assert.ok(be.state.requests.some((q) => q.url === '/v1/keys'));
  // Backend down: the cached policy stays in use.
  be.state.down = true;
  const r4 = await bg({ kind: 'refresh' });
  assert.match(r4.error, /HTTP 503/);
  st = await bg({ kind: 'state' });
  assert.equal(st.policy.version, 9);
  be.state.down = false;
  // No request to the backend carried anything but the code, an ETag or counts.
  for (const q of be.state.requests) assert.ok(!q.body.includes('zebra'), q.url);
});

test('opt-in counts: rule ids and numbers only, with the report token', async () => {
  assert.deepEqual(await bg({ kind: 'settings.set', patch: { counts_opt_in: true } }), { ok: true });
  const page = await openSite(b.context, 'x');
  await typeAndFind(page, '#editor .public-DraftEditor-content', 'Discharged my patient today. Call 555-201-7788 after the zebra crossing', 'privacy.phone');
  await page.click('#post');
  // The dialog opens once the check before posting has answered.
  await waitForIntercept(page);
  await postAnyway(page, 1);
  await page.close();
  // The 'published' message is handled asynchronously: wait for today's counts.
  for (let i = 0; i < 50; i++) {
    const c = await b.sw.evaluate(async () => (await chrome.storage.local.get('counts')).counts);
    if (c && Object.keys(c).length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const r = await bg({ kind: 'counts.flush', today: tomorrow });
  assert.equal(r.sent, 1);
  const q = be.state.requests.find((x) => x.url === '/v1/institutions/mercy/counts');
  assert.equal(q.headers.authorization, 'Bearer rt-secret');
  const body = JSON.parse(q.body);
  assert.equal(body.day, new Date().toISOString().slice(0, 10));
  assert.ok(body.counts['privacy.phone'] >= 1, q.body);
  for (const [k, v] of Object.entries(body.counts)) {
    assert.match(k, /^[a-z_]+\.[a-z0-9_.]+$/);
    assert.ok(Number.isInteger(v));
  }
  // Rule ids (a custom term's id comes from the institution's own policy) and numbers; no post text.
  for (const piece of ['555', 'Discharged', 'patient today', 'after the']) assert.ok(!q.body.includes(piece), q.body);
});
