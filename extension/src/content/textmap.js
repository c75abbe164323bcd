// @ts-check
// The text of an editor and a map from its UTF-16 offsets to DOM positions.
//
// The text is what the clinician sees, built from the editor's DOM the way
// each editor lays it out: block elements (p, div, li...) are separated by
// one "\n"; a <br> is "\n" unless it is the placeholder at the end of its
// block (Lexical, Draft.js and Quill all keep an empty line as <p><br></p>);
// an <img> with alt text (Facebook's emoji) counts as its alt text; every
// other character, zero-width ones included, counts as itself. The map is
// exact: offset o of the text is a DOM point inside the segment that holds it.
//
// Only standard DOM properties are read (nodeType, nodeName, childNodes,
// data, getAttribute, parentNode, nextSibling), so Node tests can drive it
// with plain objects.

export const BLOCK_TAGS = new Set(['P', 'DIV', 'LI', 'UL', 'OL', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6',
  'BLOCKQUOTE', 'PRE', 'SECTION', 'ARTICLE', 'HEADER', 'FOOTER', 'TABLE', 'TR', 'TD', 'TH', 'FIGURE']);

/**
 * @typedef {{kind: 'text', node: Node, start: number, end: number}
 *   | {kind: 'atom', node: Node, start: number, end: number}
 *   | {kind: 'sep', node: Node, start: number, end: number}} Segment
 *   text: a Text node whose data is text[start:end]; atom: a <br> or <img>
 *   standing for text[start:end]; sep: the "\n" between two blocks, `node`
 *   being the block that ended.
 * @typedef {{text: string, segments: Segment[], root: Node}} TextMap
 */

/** @param {Node} n */
const isBlock = (n) => n.nodeType === 1 && BLOCK_TAGS.has(n.nodeName.toUpperCase());

/**
 * A <br> is a placeholder when nothing follows it inside its block.
 * @param {Node} br @param {Node} root
 */
function isTrailingBr(br, root) {
  /** @type {Node | null} */
  let n = br;
  while (n && n !== root) {
    for (let s = n.nextSibling; s; s = s.nextSibling) {
      if (s.nodeType === 3 && /** @type {Text} */ (s).data === '') continue;
      if (s.nodeType === 8) continue;
      return false;
    }
    n = n.parentNode;
    if (n && isBlock(n)) return true;
  }
  return true;
}

/**
 * Reads an editor's text and its offset map.
 * @param {Node} root the contenteditable element
 * @returns {TextMap}
 */
export function readText(root) {
  /** @type {Segment[]} */
  const segments = [];
  let text = '';
  // A block ended (this one): the next content starts a new line.
  let pending = /** @type {Node | null} */ (null);
  // Nothing since the last line break: a block starting here adds no "\n".
  let lineStart = true;

  const flush = () => {
    if (pending) {
      segments.push({ kind: 'sep', node: pending, start: text.length, end: text.length + 1 });
      text += '\n';
      lineStart = true;
    }
    pending = null;
  };

  /** @param {Node} node */
  const walk = (node) => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) {
        const data = /** @type {Text} */ (c).data;
        if (data.length === 0) continue;
        flush();
        segments.push({ kind: 'text', node: c, start: text.length, end: text.length + data.length });
        text += data;
        lineStart = false;
      } else if (c.nodeType === 1) {
        const el = /** @type {Element} */ (c);
        const tag = el.nodeName.toUpperCase();
        if (tag === 'BR') {
          if (isTrailingBr(c, root)) continue;
          flush();
          segments.push({ kind: 'atom', node: c, start: text.length, end: text.length + 1 });
          text += '\n';
          lineStart = true;
        } else if (tag === 'IMG') {
          const alt = el.getAttribute('alt') || '';
          if (!alt) continue;
          flush();
          segments.push({ kind: 'atom', node: c, start: text.length, end: text.length + alt.length });
          text += alt;
          lineStart = false;
        } else if (tag === 'STYLE' || tag === 'SCRIPT' || tag === 'TEMPLATE') {
          continue;
        } else if (isBlock(c)) {
          if (!pending && !lineStart && c.previousSibling) pending = c.previousSibling;
          flush();
          walk(c);
          pending = c;
        } else {
          walk(c);
        }
      }
    }
  };
  walk(root);
  return { text, segments, root };
}

/**
 * @param {Node} node
 * @returns {{node: Node, offset: number}} the DOM point just before node
 */
function before(node) {
  const parent = /** @type {Node} */ (node.parentNode);
  let i = 0;
  for (let s = parent.firstChild; s && s !== node; s = s.nextSibling) i++;
  return { node: parent, offset: i };
}

/** @param {Node} node */
function after(node) {
  const p = before(node);
  return { node: p.node, offset: p.offset + 1 };
}

/** The DOM point at the end of a node's content. @param {Node} node */
function endOf(node) {
  if (node.nodeType === 3) return { node, offset: /** @type {Text} */ (node).data.length };
  return { node, offset: node.childNodes.length };
}

/**
 * The DOM point for a text offset. `bias` says which side wins at a boundary
 * between two segments: 'start' takes the later one (a range's start),
 * 'end' the earlier one (a range's end).
 * @param {TextMap} map @param {number} offset @param {'start' | 'end'} bias
 * @returns {{node: Node, offset: number} | null}
 */
export function pointAt(map, offset, bias) {
  const segs = map.segments;
  if (offset < 0 || offset > map.text.length) return null;
  if (segs.length === 0) return { node: map.root, offset: 0 };
  // Binary search for the first segment with end >= offset.
  let lo = 0, hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid].end < offset) lo = mid + 1; else hi = mid;
  }
  let i = lo;
  if (bias === 'start' && segs[i].end === offset && i + 1 < segs.length) i++;
  const s = segs[i];
  if (s.kind === 'text') return { node: s.node, offset: Math.max(0, Math.min(offset - s.start, s.end - s.start)) };
  if (s.kind === 'atom') return offset <= s.start ? before(s.node) : after(s.node);
  // sep: before it is the end of the block that ended; after it, the next segment's start.
  if (offset <= s.start) return endOf(s.node);
  const next = segs[i + 1];
  if (next) return pointAt(map, next.start, 'start');
  return endOf(map.root);
}

/**
 * A Range over [start16, end16) of the map's text, or null when out of bounds.
 * @param {TextMap} map @param {number} start @param {number} end @param {Document} doc
 */
export function rangeFor(map, start, end, doc) {
  const a = pointAt(map, start, 'start');
  const b = pointAt(map, end, end === start ? 'start' : 'end');
  if (!a || !b) return null;
  const r = doc.createRange();
  try {
    r.setStart(a.node, a.offset);
    r.setEnd(b.node, b.offset);
  } catch {
    return null;
  }
  return r;
}

/**
 * The text offset of a DOM point inside the map (the caret), or -1.
 * @param {TextMap} map @param {Node} node @param {number} offset
 */
export function offsetOf(map, node, offset) {
  for (const s of map.segments) {
    if (s.node === node && s.kind === 'text') return s.start + offset;
  }
  if (node.nodeType === 1) {
    // A point between children: the text offset of the child at `offset`.
    const child = node.childNodes[offset];
    if (!child) {
      let last = -1;
      for (const s of map.segments) if (contains(node, s.node)) last = s.end;
      return last >= 0 ? last : -1;
    }
    for (const s of map.segments) if (s.kind !== 'sep' && contains(child, s.node)) return s.start;
  }
  return -1;
}

/** @param {Node} a @param {Node} b */
function contains(a, b) {
  for (let n = /** @type {Node | null} */ (b); n; n = n.parentNode) if (n === a) return true;
  return false;
}
