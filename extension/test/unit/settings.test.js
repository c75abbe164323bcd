// Settings layering (src/settings.js): defaults, the clinician's choices,
// then managed values, which win and are locked.
import test from 'node:test';
import assert from 'node:assert/strict';
import { effectiveSettings, siteOf, DEFAULTS } from '../../src/settings.js';

test('defaults when nothing is set', () => {
  const { settings, locked } = effectiveSettings({}, {});
  assert.deepEqual(settings, DEFAULTS);
  assert.deepEqual(locked, []);
});

test('user choices apply; managed values win and are locked', () => {
  const { settings, locked } = effectiveSettings(
    { show_info: false, sites: { x: false, linkedin: false }, backend_url: 'https://mine.example' },
    { backend_url: 'https://it.example', sites: { linkedin: true }, counts_opt_in: true });
  assert.equal(settings.backend_url, 'https://it.example');
  assert.equal(settings.show_info, false);
  assert.deepEqual(settings.sites, { ...DEFAULTS.sites, x: false, linkedin: true });
  assert.equal(settings.counts_opt_in, true);
  assert.deepEqual(locked, ['backend_url', 'counts_opt_in', 'sites.linkedin']);
});

test('allow_disable false turns every site on and locks the switches', () => {
  const { settings, locked } = effectiveSettings({ sites: { facebook: false } }, { allow_disable: false });
  assert.deepEqual(settings.sites, DEFAULTS.sites);
  assert.ok(Object.values(settings.sites).every((v) => v === true));
  assert.ok(locked.includes('sites.facebook') && locked.includes('allow_disable'));
});

test('wrong types and keys a user may not set are ignored', () => {
  const { settings } = effectiveSettings({ show_info: 'no', allow_disable: false, public_keys: [{ id: 'x' }] }, { public_keys: [{ id: 'k', alg: 'Ed25519', public_key: 'AA' }, 5] });
  assert.equal(settings.show_info, true);
  assert.equal(settings.allow_disable, true);
  assert.deepEqual(settings.public_keys, [{ id: 'k', alg: 'Ed25519', public_key: 'AA' }]);
});

test('siteOf knows the sites of the table and nothing else', () => {
  const want = {
    'www.instagram.com': 'instagram', 'www.youtube.com': 'youtube', 'www.threads.com': 'threads', 'threads.net': 'threads',
    'bsky.app': 'bluesky', 'www.reddit.com': 'reddit', 'notreddit.com': null, 'www.facebook.com': 'facebook',
    'm.facebook.com': 'facebook', 'x.com': 'x', 'twitter.com': 'x', 'www.linkedin.com': 'linkedin',
    'notfacebook.com': null, 'example.org': null,
  };
  for (const [host, site] of Object.entries(want)) assert.equal(siteOf(host), site, host);
});
