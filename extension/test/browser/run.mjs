// Runs the browser tests: Chromium's and Firefox's at the same time, in two
// node:test processes (each runs its files one after the other). Files that
// import BROWSERS run in both; the others are Chromium's own (its policy
// files, service worker and offscreen document). Output lines are prefixed
// with the browser; the exit status is non-zero when either run fails.
//   node test/browser/run.mjs [files...]     DISCREET_BROWSERS=chromium|firefox to run one
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
const ext = join(here, '../..');
const given = process.argv.slice(2);
const files = (given.length ? given.map((f) => join(process.cwd(), f)) : readdirSync(here).filter((f) => f.endsWith('.test.js')).map((f) => join(here, f)))
  .map((f) => relative(ext, f)).sort();
const both = (f) => /\bBROWSERS\b/.test(readFileSync(join(ext, f), 'utf8'));
const wanted = (process.env.DISCREET_BROWSERS ?? 'chromium,firefox').split(',').filter(Boolean);
const runs = wanted.map((browser) => ({ browser, files: browser === 'chromium' ? files : files.filter(both) })).filter((r) => r.files.length);

const t0 = performance.now();
const codes = await Promise.all(runs.map(({ browser, files }) => new Promise((resolve) => {
  const p = spawn(process.execPath, ['--experimental-websocket', '--test', '--test-concurrency=1', '--test-timeout=180000', ...files],
    { cwd: ext, env: { ...process.env, DISCREET_BROWSERS: browser }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const s of [p.stdout, p.stderr]) createInterface({ input: s }).on('line', (l) => console.log(`[${browser}] ${l}`));
  p.on('exit', (code, signal) => {
    console.log(`[${browser}] ${files.length} files, ${((performance.now() - t0) / 1000).toFixed(0)} s, ${code === 0 ? 'passed' : `FAILED (${signal ?? code})`}`);
    resolve(code ?? 1);
  });
})));
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
