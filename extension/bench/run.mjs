// `make bench-extension`: runs bench/bench.html in the extension, then types
// into the X (Draft.js) fixture at 10 keys/s on top of a 3,000-character post
// while a PerformanceObserver counts long tasks, and reads the content
// script's own scan round trips. Prints figures; asserts nothing.
import { launch, openSite, EXT_ID, installPolicy } from '../test/browser/harness.js';

const b = await launch();
try {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${EXT_ID}/bench/bench.html`);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 120000 });
  const r = await page.evaluate(() => window.benchResult);
  console.log(JSON.stringify(r, null, 2));
  await page.close();

  await installPolicy(b.sw, { name: 'bench' }, 'bench', 1);
  const p = await openSite(b.context, 'x');
  await p.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: false });
  });
  await p.click('#editor .public-DraftEditor-content');
  const base = 'Long shift in the ED tonight. My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788 with questions. ';
  let text = '';
  while (text.length < 2700) text += base;
  await p.keyboard.insertText(text.slice(0, 2700));
  const typed = ' Proud of the team for staying calm and kind through it all, thank you everyone for the hard work tonight. '.repeat(3).slice(0, 300);
  const seconds = Number(process.env.BENCH_TYPING_SECONDS ?? 30);
  const n = Math.min(typed.length, seconds * 10);
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    await p.keyboard.type(typed[i]);
    const wait = t0 + (i + 1) * 100 - Date.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  }
  await new Promise((res) => setTimeout(res, 800));
  const stats = await p.evaluate(() => {
    const o = document.querySelector('discreet-overlay');
    o.dispatchEvent(new Event('discreet-rtt'));
    return { longTasks: window.longTasks, rttMedian: Number(o.getAttribute('data-rtt-median')), rttCount: Number(o.getAttribute('data-rtt-count')),
      length: window.fixture.model().length };
  });
  console.log(JSON.stringify({
    typing: { keys: n, keys_per_second: 10, post_length: stats.length },
    content_script_round_trip_ms: { median: stats.rttMedian, scans: stats.rttCount },
    long_tasks_over_50ms: { count: stats.longTasks.length, max_ms: stats.longTasks.length ? Math.max(...stats.longTasks) : 0 },
  }, null, 2));
} finally {
  await b.close();
}
