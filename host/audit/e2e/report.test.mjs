// End-to-end test of `discreet audit`: it audits a generated X archive with
// the built command (wasm engine) and opens report.html in Debian's
// chromium with playwright-core, checking that the page agrees with
// findings.json, highlights the flagged words, filters, escapes post text
// and loads nothing from the network.
//
//   make test-audit                      (builds the command first)
//   DISCREET_BIN=build/discreet node --test host/audit/e2e/
//
// Every post here is invented.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const bin = process.env.DISCREET_BIN ? path.resolve(process.env.DISCREET_BIN) : path.join(repo, 'build/discreet');

const patientPost = 'My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788.';
const tweets = [
  { id: '3001', text: patientPost, at: 'Wed Oct 10 20:19:24 +0000 2018' },
  { id: '3002', text: 'Lovely morning walk to the clinic.', at: 'Thu Oct 11 08:00:00 +0000 2018' },
  { id: '3003', text: '🦓👩🏽‍⚕️ 中文 עברית met a colleague at the zebra crossing', at: 'Mon Jan 07 12:00:00 +0000 2019' },
  { id: '3004', text: '<script>window.pwned = 1</script> & <b>zebra crossing</b>', at: 'Tue Mar 05 09:30:00 +0000 2019',
    reply: ['2999', 'colleague'] },
];
const policy = { name: 'E2E policy', terms: [{ phrase: 'zebra crossing', category: 'conduct', severity: 'warn', message: 'test term' }] };

function tweetsJS(list) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const items = list.map((t) => {
    const tw = { id_str: t.id, full_text: esc(t.text), created_at: t.at, entities: { urls: [] } };
    if (t.reply) { tw.in_reply_to_status_id_str = t.reply[0]; tw.in_reply_to_screen_name = t.reply[1]; }
    return JSON.stringify({ tweet: tw }, null, 2);
  });
  return 'window.YTD.tweets.part0 = [' + items.join(',\n') + ']';
}

let tmp, out, findings, browser, page, run;
const requests = [];
const consoleErrors = [];

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-e2e-'));
  out = process.env.AUDIT_E2E_OUT; // a report made elsewhere, to debug the page
  if (!out) {
    const archive = path.join(tmp, 'twitter-archive');
    fs.mkdirSync(path.join(archive, 'data'), { recursive: true });
    fs.writeFileSync(path.join(archive, 'data/account.js'),
      'window.YTD.account.part0 = [{"account": {"username": "dr_test", "accountId": "1"}}]');
    fs.writeFileSync(path.join(archive, 'data/tweets.js'), tweetsJS(tweets));
    fs.writeFileSync(path.join(tmp, 'policy.json'), JSON.stringify(policy));
    out = path.join(tmp, 'out');
    run = spawnSync(bin, ['audit', '--policy', path.join(tmp, 'policy.json'), '--out', out, archive], { encoding: 'utf8' });
    assert.equal(run.error, undefined, `cannot run ${bin}: ${run.error}`);
  }
  findings = JSON.parse(fs.readFileSync(path.join(out, 'findings.json'), 'utf8'));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (!url.startsWith('file:')) requests.push(url);
    return url.startsWith('file:') ? route.continue() : route.abort();
  });
  page = await context.newPage();
  page.setDefaultTimeout(3000);
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto('file://' + path.join(out, 'report.html'));
});

after(async () => {
  if (page && process.env.AUDIT_E2E_SCREENSHOT) await page.screenshot({ path: process.env.AUDIT_E2E_SCREENSHOT, fullPage: true });
  await browser?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the command exits 3 (a block finding) and names what it read', { skip: !!process.env.AUDIT_E2E_OUT }, () => {
  assert.match(run.stderr, /read .*tweets\.js: X archive tweets, 4 posts/);
  assert.match(run.stdout, /4 posts read/);
  assert.equal(run.status, 3, `exit ${run.status}\n${run.stdout}\n${run.stderr}`);
});

test('the summary counts match findings.json', async () => {
  const shown = await page.$$eval('td.count', (tds) => Object.fromEntries(tds.map((td) => [td.dataset.key, Number(td.textContent)])));
  const want = { posts_read: findings.summary.posts_read, posts_flagged: findings.posts.length, findings: 0 };
  for (const sev of ['block', 'warn', 'info']) want['severity:' + sev] = 0;
  for (const cat of ['privacy', 'boundaries', 'conduct', 'misinformation', 'disclosure']) want['category:' + cat] = 0;
  for (const p of findings.posts) {
    for (const f of p.findings) {
      want.findings++;
      want['severity:' + f.severity]++;
      want['category:' + f.category]++;
      want['rule:' + f.rule] = (want['rule:' + f.rule] || 0) + 1;
    }
  }
  assert.deepEqual(shown, want);
  assert.ok(findings.posts.length > 0, 'no post was flagged');
});

test('every finding is highlighted over its exact text', async () => {
  const marks = await page.$$eval('article.post', (arts) => arts.map((a) => {
    const byFinding = {};
    for (const m of a.querySelectorAll('p.text mark')) {
      for (const i of m.dataset.f.split(' ')) byFinding[i] = (byFinding[i] || '') + m.textContent;
    }
    return { text: a.querySelector('p.text').textContent, byFinding };
  }));
  assert.equal(marks.length, findings.posts.length);
  findings.posts.forEach((p, i) => {
    assert.equal(marks[i].text, p.text, `post ${i} text`);
    p.findings.forEach((f, j) => {
      if (f.start < f.end) assert.equal(marks[i].byFinding[j], f.match, `post ${i} finding ${j} (${f.rule})`);
    });
  });
});

test('the patient post shows its highlights and a link to the original', async () => {
  const art = page.locator('article.post', { has: page.locator('a[href="https://x.com/dr_test/status/3001"]') });
  await art.waitFor({ timeout: 2000 });
  // The text highlighted for each finding (a finding may span several
  // marks where findings overlap).
  const highlighted = Object.values(await art.evaluate((a) => {
    const byFinding = {};
    for (const m of a.querySelectorAll('p.text mark')) {
      for (const i of m.dataset.f.split(' ')) byFinding[i] = (byFinding[i] || '') + m.textContent;
    }
    return byFinding;
  }));
  for (const w of ['John Smith', 'room 214', '555-201-7788']) {
    assert.ok(highlighted.includes(w), `no highlight of ${w}: ${highlighted.join('|')}`);
  }
  assert.equal(await art.locator('mark.sev-block').first().isVisible(), true);
});

test('a policy term is highlighted after emoji and CJK text', async () => {
  const art = page.locator('article.post', { has: page.locator('a[href="https://x.com/dr_test/status/3003"]') });
  assert.deepEqual(await art.locator('p.text mark').allTextContents(), ['zebra crossing']);
});

test('post text is shown as text, never run', async () => {
  const art = page.locator('article.post', { has: page.locator('a[href="https://x.com/dr_test/status/3004"]') });
  assert.equal(await art.locator('p.text').textContent(), tweets[3].text);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await art.locator('p.text b, p.text script').count(), 0);
  assert.match(await art.locator('header').textContent(), /reply\s+to @colleague/);
});

// expectShown is how many posts have a finding in the given sets.
function expectShown(sevs, cats) {
  return findings.posts.filter((p) => p.findings.some((f) => sevs.includes(f.severity) && cats.includes(f.category))).length;
}

test('filters by severity and category hide the other posts', async () => {
  const all = ['privacy', 'boundaries', 'conduct', 'misinformation', 'disclosure'];
  const visible = () => page.locator('article.post:visible').count();
  assert.equal(await visible(), findings.posts.length);

  await page.uncheck('#filter-severity input[value=block]');
  let want = expectShown(['warn', 'info'], all);
  assert.equal(await visible(), want);
  assert.equal(Number(await page.textContent('#shown')), want);

  await page.check('#filter-severity input[value=block]');
  await page.uncheck('#filter-category input[value=conduct]');
  want = expectShown(['block', 'warn', 'info'], all.filter((c) => c !== 'conduct'));
  assert.equal(await visible(), want);
  // Findings of a hidden category are hidden in the posts still shown.
  assert.equal(await page.locator('li.finding[data-cat=conduct]:visible').count(), 0);

  await page.check('#filter-category input[value=conduct]');
  assert.equal(await visible(), findings.posts.length);
});

test('the chart has a bar per period with the flagged counts', async () => {
  const bars = await page.$$eval('#chart g.bar', (gs) => gs.map((g) => ({ period: g.dataset.period, flagged: Number(g.dataset.flagged) })));
  const want = findings.summary.timeline.map((b) => ({ period: b.period, flagged: Object.values(b.flagged).reduce((a, n) => a + n, 0) }));
  assert.deepEqual(bars, want);
  assert.equal(bars.reduce((a, b) => a + b.flagged, 0) + Object.values(findings.summary.undated.flagged).reduce((a, n) => a + n, 0),
    findings.posts.length);
});

test('the page needs no network and has no script errors', () => {
  assert.deepEqual(requests, []);
  assert.deepEqual(consoleErrors, []);
});
