// OCR figures (not a test): a 1-megapixel screenshot-like JPEG attached in the
// Facebook fixture, read on the device, in each browser; the first read
// includes starting the OCR worker and loading the English data.
//   node --experimental-websocket bench/ocr.mjs   (make bench-ocr)
import { launchBrowser, openSite, BROWSERS } from '../test/browser/harness.js';

const RUNS = Number(process.env.RUNS ?? 5);
for (const browser of BROWSERS) {
  const b = await launchBrowser(browser);
  try {
    const page = await openSite(b.context, 'facebook');
    await page.click('#editor');
    await page.keyboard.type('Great team today!');
    const jpeg = Buffer.from(await page.evaluate(async () => {
      const c = document.createElement('canvas');
      c.width = 1000; c.height = 1000;
      const g = c.getContext('2d');
      g.fillStyle = '#fff'; g.fillRect(0, 0, 1000, 1000);
      g.fillStyle = '#000'; g.font = '28px sans-serif';
      for (let i = 0; i < 24; i++) g.fillText(`Bed ${i + 1}: patient J. Smith MRN 4412093${i % 10} DOB 03/14/1962 room 2${i}`, 30, 40 + i * 40);
      const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.92));
      const u = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
      return btoa(s);
    }), 'base64');
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await page.setInputFiles('#photo', { name: `shot${i}.jpg`, mimeType: 'image/jpeg', buffer: jpeg });
      await page.waitForFunction((n) => Number(document.querySelector('discreet-overlay').getAttribute('data-photos') || 0) >= n, i + 1, { timeout: 120000 });
      const wall = performance.now() - t0;
      const ocr = await page.evaluate((n) => Number([...document.querySelector('discreet-overlay').shadowRoot.querySelectorAll('.photo')][n]?.dataset.ocrMs ?? 0), i);
      times.push({ ocr, wall: Math.round(wall) });
    }
    const warm = times.slice(1).map((t) => t.ocr).sort((a, b) => a - b);
    console.log(`${browser}: 1000x1000 JPEG, ${RUNS} reads: first ${times[0].ocr} ms OCR (${times[0].wall} ms attach to findings, worker start included); ` +
      `then median ${warm[warm.length >> 1]} ms OCR, max ${warm[warm.length - 1]} ms; attach to findings ${times.slice(1).map((t) => t.wall).join(', ')} ms`);
  } finally {
    await b.close();
  }
}
