// `make bench-extension`: runs bench/bench.html in the extension, then types
// into the X (Draft.js) fixture at 10 keys/s after pasting most of a
// 3,000-character post, with and without the extension, while a
// PerformanceObserver records long tasks. The content script reports its own
// main-thread time per handler and its scan round trips (no text). Prints
// figures; asserts nothing.
import { launch, openSite, EXT_ID, installPolicy } from '../test/browser/harness.js';

const seconds = Number(process.env.BENCH_TYPING_SECONDS ?? 30);
const base = 'Long shift in the ED tonight. My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788 with questions. ';
let prefix = '';
while (prefix.length < 3000 - seconds * 10) prefix += base;
prefix = prefix.slice(0, 3000 - seconds * 10);
const typed = ' Proud of the team for staying calm and kind through it all, thank you everyone for the hard work tonight.'.repeat(20).slice(0, seconds * 10);

/** Types `typed` at 10 keys/s into the Draft.js fixture; returns long tasks seen meanwhile. */
async function typingRun(b, withExtension) {
  const p = await openSite(b.context, 'x', '', { noExtension: !withExtension });
  await p.click('#editor .public-DraftEditor-content');
  await p.keyboard.insertText(prefix);
  await new Promise((r) => setTimeout(r, 1500));
  await p.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longTasks.push(Math.round(e.duration)); }).observe({ type: 'longtask' });
  });
  const t0 = Date.now();
  for (let i = 0; i < typed.length; i++) {
    await p.keyboard.type(typed[i]);
    const wait = t0 + (i + 1) * 100 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const idle = withExtension ? await p.evaluate(async () => {
    const o = document.querySelector('discreet-overlay');
    o.dispatchEvent(new Event('discreet-bench'));
    for (let i = 0; i < 200 && !o.getAttribute('data-bench-rtt'); i++) await new Promise((r) => setTimeout(r, 50));
    return JSON.parse(o.getAttribute('data-bench-rtt') || 'null');
  }) : null;
  const out = await p.evaluate(() => {
    const o = document.querySelector('discreet-overlay');
    o?.dispatchEvent(new Event('discreet-rtt'));
    return { longTasks: window.longTasks, length: window.fixture.model().length,
      rttMedian: o ? Number(o.getAttribute('data-rtt-median')) : null, rttCount: o ? Number(o.getAttribute('data-rtt-count')) : null,
      work: o ? JSON.parse(o.getAttribute('data-work') || 'null') : null };
  });
  await p.close();
  return { ...out, idle };
}

const b = await launch();
let withExt;
try {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${EXT_ID}/bench/bench.html`);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 120000 });
  console.log(JSON.stringify(await page.evaluate(() => window.benchResult), null, 2));
  await page.close();
  await installPolicy(b.sw, { name: 'bench' }, 'bench', 1);
  withExt = await typingRun(b, true);
} finally {
  await b.close();
}
const nb = await launch({ noExtension: true });
let without;
try { without = await typingRun(nb, false); } finally { await nb.close(); }
const lt = (xs) => ({ count: xs.length, max_ms: xs.length ? Math.max(...xs) : 0 });
console.log(JSON.stringify({
  typing: { keys: typed.length, keys_per_second: 10, post_length: withExt.length },
  content_script_round_trip_ms: { while_typing_median: withExt.rttMedian, scans_while_typing: withExt.rttCount, idle: withExt.idle },
  content_script_main_thread_ms: withExt.work && { calls: withExt.work.count, max: Number(withExt.work.max.toFixed(2)),
    mean: Number((withExt.work.total / Math.max(1, withExt.work.count)).toFixed(3)) },
  long_tasks_over_50ms: { with_extension: lt(withExt.longTasks), without_extension: lt(without.longTasks) },
}, null, 2));
