// Without the CSS Custom Highlight API (older browsers), the overlay's boxes
// draw the underlines themselves. Simulated by a copy of the build whose
// content script is told the API is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openSite, rectsOf, EXT_DIR, typeAndFind } from './harness.js';

test('without CSS.highlights the boxes are the underlines, over exactly the text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'discreet-nohighlight-'));
  cpSync(EXT_DIR, dir, { recursive: true });
  const file = join(dir, 'src/content/content.js');
  const src = readFileSync(file, 'utf8');
  const probe = /\b(const|let|var) hasHighlights = typeof CSS !== ["']undefined["'] && ["']highlights["'] in CSS && [^;]+;/;
  assert.match(src, probe, 'the feature test is where this test expects it');
  writeFileSync(file, src.replace(probe, 'const hasHighlights = false;'));
  const b = await launch({ extDir: dir });
  try {
    const page = await openSite(b.context, 'x');
    const f = await typeAndFind(page, '#editor .public-DraftEditor-content', 'Discharged my patient today. Call 555-201-7788', 'privacy.phone');
    const want = await rectsOf(page, '#editor .public-DraftEditor-content', '555-201-7788');
    assert.equal(f.boxes.length, want.length);
    for (const k of ['x', 'y', 'w', 'h']) assert.ok(Math.abs(f.boxes[0][k] - want[0][k]) <= 1, k);
    const drawn = await page.evaluate(() => {
      const o = document.querySelector('discreet-overlay');
      const box = o.shadowRoot.querySelector('.finding[data-rule="privacy.phone"] .box');
      const cs = getComputedStyle(box);
      return { fallback: o.hasAttribute('data-fallback'), border: cs.borderBottomWidth, style: cs.borderBottomStyle,
        highlights: [...CSS.highlights.keys()].filter((k) => k.startsWith('discreet-')) };
    });
    assert.deepEqual(drawn, { fallback: true, border: '2px', style: 'solid', highlights: [] });
  } finally {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
