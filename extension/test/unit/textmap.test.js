// The editor text and its UTF-16 -> DOM map (src/content/textmap.js) on the
// DOM shapes each editor produces.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readText, pointAt, rangeFor, offsetOf } from '../../src/content/textmap.js';
import { el, fakeDoc } from './fakedom.js';

/** For every offset inside a text segment, the point is (that node, offset - start). */
function checkTextPoints(map) {
  for (const s of map.segments) {
    if (s.kind !== 'text') continue;
    for (let o = s.start + 1; o < s.end; o++) {
      const p = pointAt(map, o, 'start');
      assert.equal(p.node, s.node);
      assert.equal(p.offset, o - s.start);
      assert.equal(s.node.data[p.offset], map.text[o]);
    }
  }
}

test('Lexical plain text: paragraphs, a soft line break, an empty paragraph', () => {
  const root = el('div', { contenteditable: 'true', 'data-lexical-editor': 'true' },
    el('p', { dir: 'ltr' }, el('span', { 'data-lexical-text': 'true' }, 'My patient John Smith')),
    el('p', {}, el('br')),
    el('p', { dir: 'ltr' }, el('span', {}, 'line one'), el('br'), el('span', {}, 'line two')));
  const m = readText(root);
  assert.equal(m.text, 'My patient John Smith\n\nline one\nline two');
  checkTextPoints(m);
  const i = m.text.indexOf('John Smith');
  const r = rangeFor(m, i, i + 10, fakeDoc);
  const span = root.childNodes[0].childNodes[0].childNodes[0];
  assert.equal(r.startContainer, span); assert.equal(r.startOffset, 11);
  assert.equal(r.endContainer, span); assert.equal(r.endOffset, 21);
});

test('Draft.js blocks: nested block divs give one newline, <br data-text> placeholder gives none', () => {
  const block = (...kids) => el('div', { 'data-block': 'true' }, el('div', { class: 'public-DraftStyleDefault-block' }, el('span', {}, ...kids)));
  const root = el('div', { contenteditable: 'true' }, el('div', { 'data-contents': 'true' },
    block(el('span', { 'data-text': 'true' }, 'Call 555-201-7788')),
    block(el('br', { 'data-text': 'true' })),
    block(el('span', { 'data-text': 'true' }, 'room 214'))));
  const m = readText(root);
  assert.equal(m.text, 'Call 555-201-7788\n\nroom 214');
  checkTextPoints(m);
  const i = m.text.indexOf('room 214');
  const r = rangeFor(m, i, i + 8, fakeDoc);
  assert.equal(r.startContainer.data, 'room 214'); assert.equal(r.startOffset, 0);
  assert.equal(r.endContainer.data, 'room 214'); assert.equal(r.endOffset, 8);
});

test('Quill: <p> lines and <p><br></p> empty lines; a range ending at a line end stays on that line', () => {
  const root = el('div', { class: 'ql-editor' }, el('p', 'first'), el('p', el('br')), el('p', 'third ', el('strong', 'bold'), ' end'));
  const m = readText(root);
  assert.equal(m.text, 'first\n\nthird bold end');
  checkTextPoints(m);
  const r = rangeFor(m, 0, 5, fakeDoc);
  assert.equal(r.endContainer.data, 'first'); assert.equal(r.endOffset, 5);
  // A range starting right after "third " starts inside the <strong> text.
  const j = m.text.indexOf('bold');
  const r2 = rangeFor(m, j, j + 4, fakeDoc);
  assert.equal(r2.startContainer.data, 'bold'); assert.equal(r2.startOffset, 0);
  assert.equal(r2.endContainer.data, 'bold'); assert.equal(r2.endOffset, 4);
});

test('emoji images count as their alt text (Facebook) and surrogate pairs keep UTF-16 offsets', () => {
  const root = el('div', {}, el('p', el('span', 'Hi '), el('img', { alt: '😀', src: 'x.png' }), el('span', ' 😀 Jane Doe')));
  const m = readText(root);
  assert.equal(m.text, 'Hi 😀 😀 Jane Doe');
  checkTextPoints(m);
  const i = m.text.indexOf('Jane');
  assert.equal(i, 9); // 3 + 2 (img alt) + 1 + 2 + 1
  const r = rangeFor(m, i, i + 8, fakeDoc);
  assert.equal(r.startContainer.data, ' 😀 Jane Doe'); assert.equal(r.startOffset, 4);
  // A range over the image is (parent, index) .. (parent, index + 1).
  const r2 = rangeFor(m, 3, 5, fakeDoc);
  assert.equal(r2.startContainer, root.childNodes[0]); assert.equal(r2.startOffset, 1);
  assert.equal(r2.endContainer, root.childNodes[0]); assert.equal(r2.endOffset, 2);
});

test('zero-width characters, CJK and RTL text are kept as they are', () => {
  const s = 'a\u200bb 病院 שלום Jane';
  const root = el('div', {}, el('p', s));
  const m = readText(root);
  assert.equal(m.text, s);
  const i = s.indexOf('Jane');
  const p = pointAt(m, i, 'start');
  assert.equal(p.offset, i);
});

test('a separator maps to the end of the block before it and the start of the one after', () => {
  const root = el('div', {}, el('p', 'ab'), el('p', 'cd'));
  const m = readText(root);
  assert.equal(m.text, 'ab\ncd');
  const end = pointAt(m, 2, 'end');
  assert.equal(end.node.data, 'ab'); assert.equal(end.offset, 2);
  const start = pointAt(m, 3, 'start');
  assert.equal(start.node.data, 'cd'); assert.equal(start.offset, 0);
  const mid = pointAt(m, 2, 'start'); // at the separator itself, from the left: end of "ab"
  assert.ok(mid.node === root.childNodes[0] || mid.node.data === 'ab');
});

test('offsets out of bounds give no point; an empty editor maps to its root', () => {
  const root = el('div', {}, el('p', el('br')));
  const m = readText(root);
  assert.equal(m.text, '');
  assert.deepEqual(pointAt(m, 0, 'start'), { node: root, offset: 0 });
  assert.equal(pointAt(m, 1, 'start'), null);
  assert.equal(rangeFor(m, 0, 5, fakeDoc), null);
});

test('offsetOf maps a caret back to a text offset', () => {
  const root = el('div', {}, el('p', 'ab'), el('p', 'cd', el('br'), 'ef'));
  const m = readText(root);
  assert.equal(m.text, 'ab\ncd\nef');
  const cd = root.childNodes[1].childNodes[0];
  assert.equal(offsetOf(m, cd, 1), 4);
  assert.equal(offsetOf(m, root.childNodes[1], 2), 6); // before "ef"
  assert.equal(offsetOf(m, root, 2), 8); // after everything
});

test('text inline before a block gets a newline', () => {
  const root = el('div', {}, 'abc', el('div', 'def'));
  assert.equal(readText(root).text, 'abc\ndef');
});
