// `make run`: Chromium with the extension loaded and the fixture composers of
// every site in the table (the real editors, served locally at the real
// hostnames). With a display: a browser window to try by hand. Without one:
// each composer with a sample post typed, its underlines and an open card,
// written to build/screenshots/<site>.png, and the paths printed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, SITES, EXT_DIR, ROOT, openSite, waitForRule } from '../test/browser/harness.js';

const POST = 'My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788.';
const EDITOR = { facebook: '#editor', x: '#editor .public-DraftEditor-content', linkedin: '#editor .ql-editor', bluesky: '#editor .ProseMirror' };

if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) {
  const b = await launch({ headless: false });
  for (const site of Object.keys(SITES)) {
    const p = await b.context.newPage();
    await p.goto(SITES[site].origin + '/');
  }
  console.log('Chromium is open with Discreet and the composers. Close the window to stop.');
  await new Promise((r) => b.context.on('close', r));
  await b.close();
} else {
  const out = join(ROOT, 'build/screenshots');
  mkdirSync(out, { recursive: true });
  const b = await launch();
  try {
    for (const site of Object.keys(SITES)) {
      const page = await openSite(b.context, site);
      await page.setViewportSize({ width: 900, height: 560 });
      await page.click(EDITOR[site] ?? '#editor');
      await page.keyboard.type(POST);
      await waitForRule(page, 'privacy.phone');
      await waitForRule(page, 'privacy.name');
      // The card of the first finding, opened from the keyboard as a clinician would.
      await page.keyboard.press('Alt+Shift+N');
      await page.waitForFunction(() => !document.querySelector('discreet-overlay').shadowRoot.querySelector('.card').hidden);
      await page.mouse.move(0, 0);
      const file = join(out, `${site}.png`);
      await page.screenshot({ path: file });
      console.log(file);
      await page.close();
    }
  } finally {
    await b.close();
  }
  console.log(`Screenshots of each composer with Discreet's underlines and an open card (no display here).
To try it by hand:
  Chrome/Chromium: chrome://extensions -> Developer mode -> Load unpacked -> ${EXT_DIR}
  Firefox:         about:debugging#/runtime/this-firefox -> Load Temporary Add-on -> ${EXT_DIR.replace(/chrome$/, 'firefox')}/manifest.json`);
}
