// Findings shifted across edits (src/content/spans.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { diffEdit, shiftSpans, rebase } from '../../src/content/spans.js';

const span = (text, sub, rule = 'r') => {
  const i = text.indexOf(sub);
  assert.ok(i >= 0, sub);
  return { rule, start16: i, end16: i + sub.length };
};
const texts = (t, spans) => spans.map((s) => t.slice(s.start16, s.end16));

test('diffEdit finds a single insertion, deletion and replacement', () => {
  assert.deepEqual(diffEdit('abc', 'abXc'), { start: 2, oldEnd: 2, newEnd: 3 });
  assert.deepEqual(diffEdit('abcd', 'ad'), { start: 1, oldEnd: 3, newEnd: 1 });
  assert.deepEqual(diffEdit('hello world', 'hello there'), { start: 6, oldEnd: 11, newEnd: 11 });
  assert.equal(diffEdit('same', 'same'), null);
});

test('diffEdit never splits a surrogate pair', () => {
  // 😀 (d83d de00) replaced by 😁 (d83d de01): the edit covers the whole pair.
  const e = diffEdit('a😀b', 'a😁b');
  assert.deepEqual(e, { start: 1, oldEnd: 3, newEnd: 3 });
});

test('typing before a finding moves it; after it leaves it', () => {
  const a = 'Call 555-201-7788 today';
  const spans = [span(a, '555-201-7788')];
  const b = 'Please call 555-201-7788 today'.replace('call', 'call');
  const b2 = 'Please Call 555-201-7788 today';
  assert.deepEqual(texts(b2, rebase(spans, a, b2)), ['555-201-7788']);
  const c = 'Call 555-201-7788 today, thanks';
  assert.deepEqual(texts(c, rebase(spans, a, c)), ['555-201-7788']);
  void b;
});

test('an emoji typed before a finding shifts it by two UTF-16 units', () => {
  const a = 'My patient John Smith';
  const b = '😀 My patient John Smith';
  const out = rebase([span(a, 'John Smith')], a, b);
  assert.equal(out[0].start16, a.indexOf('John') + 3);
  assert.deepEqual(texts(b, out), ['John Smith']);
});

test('an edit inside or right next to a finding drops it, others stay', () => {
  const a = 'John Smith in room 214';
  const spans = [span(a, 'John Smith', 'name'), span(a, 'room 214', 'room')];
  const inside = 'John Smyth in room 214';
  assert.deepEqual(rebase(spans, a, inside).map((s) => s.rule), ['room']);
  const adjacent = 'John Smithers in room 214';
  assert.deepEqual(rebase(spans, a, adjacent).map((s) => s.rule), ['room']);
  const deletedAll = '';
  assert.deepEqual(rebase(spans, a, deletedAll), []);
});

test('shiftSpans keeps other fields and does not mutate its input', () => {
  const s = [{ rule: 'x', start16: 10, end16: 12, message: 'm' }];
  const out = shiftSpans(s, { start: 0, oldEnd: 0, newEnd: 3 });
  assert.deepEqual(out, [{ rule: 'x', start16: 13, end16: 15, message: 'm' }]);
  assert.equal(s[0].start16, 10);
});
