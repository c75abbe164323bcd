// Photo metadata (src/images.js, src/strip.js): GPS, time taken and device
// serial become findings; the stripped copy keeps the pixels and loses them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { metadataFindings, stripMetadata } from '../../src/images.js';
import { withExif } from '../browser/exif.js';

// A 1x1 baseline JPEG (no metadata).
const JPEG = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=', 'base64');

test('GPS position, time taken and serial number are findings with the rule ids', async () => {
  const img = withExif(JPEG, { lat: 40.7411, lon: -73.9897, taken: '2026:11:30 14:22:05', serial: 'SN-4417-22' });
  const fs = await metadataFindings(img);
  const by = Object.fromEntries(fs.map((f) => [f.rule, f]));
  assert.deepEqual(Object.keys(by).sort(), ['privacy.image.device', 'privacy.image.location', 'privacy.image.time']);
  assert.match(by['privacy.image.location'].text, /^40\.741\d+, -73\.989\d+$/);
  assert.equal(by['privacy.image.location'].severity, 'block');
  assert.match(by['privacy.image.time'].text, /^2026-11-30 /);
  assert.equal(by['privacy.image.device'].text, 'SN-4417-22');
  for (const f of fs) { assert.equal(f.source, 'image'); assert.ok(f.citation.startsWith('45 CFR')); }
});

test('no metadata, no findings; garbage is not an error', async () => {
  assert.deepEqual(await metadataFindings(JPEG), []);
  assert.deepEqual(await metadataFindings(new Uint8Array([1, 2, 3])), []);
});

test('the stripped copy has no metadata and the same image data', async () => {
  const img = withExif(JPEG, { lat: 40.7411, lon: -73.9897, taken: '2026:11:30 14:22:05' });
  const clean = stripMetadata(new Uint8Array(img));
  assert.ok(clean);
  assert.deepEqual(Buffer.from(clean), JPEG);
  assert.deepEqual(await metadataFindings(clean), []);
  assert.equal(stripMetadata(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff])), null, 'a truncated segment');
  assert.equal(stripMetadata(new Uint8Array([0x47, 0x49, 0x46])), null, 'a format it does not strip');
});
