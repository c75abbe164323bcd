// The personal word list (src/words.js): cleaned, merged into the policy the
// scanner compiles as "allow" / "allow_scope", and applied by the scanner.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanWords, withWords, wordMode, MAX_WORDS } from '../../src/words.js';
import { loadScanner } from '../../src/scanner.js';

test('cleanWords trims, collapses spaces, drops duplicates (any case), non-strings and overlong entries', () => {
  assert.deepEqual(cleanWords(['  John   Smith ', 'john smith', 'Biscuit', 5, '', 'x'.repeat(101), null]), ['John Smith', 'Biscuit']);
  assert.deepEqual(cleanWords('John'), []);
  assert.equal(cleanWords(Array.from({ length: 900 }, (_, i) => `w${i}`)).length, MAX_WORDS);
});

test('wordMode accepts the three modes and defaults to all', () => {
  assert.equal(wordMode('off'), 'off');
  assert.equal(wordMode('non_identifiers'), 'non_identifiers');
  assert.equal(wordMode('everything'), 'all');
  assert.equal(wordMode(undefined), 'all');
});

test('withWords merges the list into the policy JSON under a key of its own', () => {
  const base = { key: 'mercy@3', json: JSON.stringify({ name: 'Mercy', allow: ['Mercy West'] }) };
  const a = withWords(base, ['John Smith'], 'all');
  assert.deepEqual(JSON.parse(a.json), { name: 'Mercy', allow: ['Mercy West', 'John Smith'] });
  assert.notEqual(a.key, base.key);
  assert.deepEqual(a.base, base);
  const b = withWords(base, ['John Smith'], 'non_identifiers');
  assert.equal(JSON.parse(b.json).allow_scope, 'non_identifiers');
  assert.notEqual(b.key, a.key);
  assert.notEqual(withWords(base, ['John Smyth'], 'all').key, a.key, 'another list, another key');
  assert.deepEqual(withWords(base, ['John Smith'], 'off'), base);
  assert.deepEqual(withWords(base, [], 'all'), base);
  assert.deepEqual(JSON.parse(withWords({ key: 'default', json: '' }, ['Biscuit'], 'all').json), { allow: ['Biscuit'] });
});

// Needs the engine's "allow" / "allow_scope" policy fields (rules/, another
// engineer's change): fails against a scanner.wasm built before it.
test('the scanner drops listed words (engine: allow / allow_scope)', async () => {
  const wasm = readFileSync(fileURLToPath(new URL('../../../host/wasmhost/module/scanner.wasm', import.meta.url)));
  const s = await loadScanner(wasm);
  const text = 'My patient John Smith was discharged today. Call 555-201-7788.';
  s.configure('');
  assert.ok(s.scan(text).findings.some((f) => f.rule === 'privacy.name'), 'flagged without the list');
  s.configure(JSON.parse(withWords({ key: 'default', json: '' }, ['John Smith'], 'all').json));
  let rules = s.scan(text).findings.map((f) => f.rule);
  assert.ok(!rules.includes('privacy.name'), JSON.stringify(rules));
  assert.ok(rules.includes('privacy.phone'), 'other findings stay');
  s.configure(JSON.parse(withWords({ key: 'default', json: '' }, ['John Smith'], 'non_identifiers').json));
  rules = s.scan(text).findings.map((f) => f.rule);
  assert.ok(rules.includes('privacy.name'), 'identifier rules keep flagging under non_identifiers');
});
