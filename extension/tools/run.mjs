// `make run`: Chromium with the extension loaded and the three fixture
// composers (Lexical at www.facebook.com, Draft.js at x.com, Quill at
// www.linkedin.com, all served locally). Headed when a display exists;
// otherwise prints how to load the extension by hand.
import { launch, SITES, EXT_DIR } from '../test/browser/harness.js';

if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.log(`No display here, so no browser window.
To try Discreet by hand:
  Chrome/Chromium: chrome://extensions -> Developer mode -> Load unpacked -> ${EXT_DIR}
  Firefox:         about:debugging#/runtime/this-firefox -> Load Temporary Add-on -> ${EXT_DIR.replace(/chrome$/, 'firefox')}/manifest.json
Then type a post on Facebook, X or LinkedIn, e.g.:
  My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788.
The browser tests show the same with local copies of the three editors: make test-extension-browser`);
  process.exit(0);
}
const b = await launch({ headless: false });
for (const site of Object.keys(SITES)) {
  const p = await b.context.newPage();
  await p.goto(SITES[site].origin + '/');
}
console.log('Chromium is open with Discreet and the three composers. Close the window to stop.');
await new Promise((r) => b.context.on('close', r));
await b.close();
