// The sites table (src/sites.js) is the one source of truth: the built
// manifests' content-script matches and the managed schema's per-site
// switches come from it, and the options page reads it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SITE_TABLE, ALL_MATCHES, siteOf, matchesOf } from '../../src/sites.js';

const ext = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const wasm = resolve(ext, '../host/wasmhost/module/scanner.wasm');

test('every domain of the table maps back to its site, with and without www', () => {
  for (const s of SITE_TABLE) {
    for (const d of s.domains) {
      assert.equal(siteOf(d), s.id);
      assert.equal(siteOf('www.' + d), s.id);
      assert.equal(siteOf('evil' + d), null, `evil${d}`);
    }
    assert.deepEqual(matchesOf(s).filter((m) => !m.startsWith('https://')), []);
  }
  assert.equal(new Set(SITE_TABLE.map((s) => s.id)).size, SITE_TABLE.length);
});

test('the built manifests and managed schema come from the table', { skip: !existsSync(wasm) && 'scanner.wasm is not built' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'discreet-build-'));
  try {
    execFileSync(process.execPath, [join(ext, 'tools/build.mjs'), '--out', out], { stdio: 'pipe' });
    for (const browser of ['chrome', 'firefox']) {
      const m = JSON.parse(readFileSync(join(out, browser, 'manifest.json'), 'utf8'));
      assert.deepEqual(m.content_scripts[0].matches, ALL_MATCHES, browser);
      assert.ok(ALL_MATCHES.includes('https://*.bsky.app/*') && ALL_MATCHES.includes('https://threads.net/*'));
      // One bundled classic script: no import or export statement left in it.
      const cs = readFileSync(join(out, browser, 'src/content/content.js'), 'utf8');
      assert.doesNotMatch(cs, /^\s*(import|export)\s[^(]/m, browser);
      assert.match(cs, /__discreetLoaded/);
    }
    const schema = JSON.parse(readFileSync(join(out, 'chrome/managed_schema.json'), 'utf8'));
    assert.deepEqual(Object.keys(schema.properties.sites.properties), SITE_TABLE.map((s) => s.id));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
