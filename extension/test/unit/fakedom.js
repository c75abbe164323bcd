// A minimal DOM for unit tests of code that only walks nodes.
class FakeNode {
  constructor(nodeType, nodeName) {
    this.nodeType = nodeType;
    this.nodeName = nodeName;
    this.parentNode = null;
    this.childNodes = [];
  }
  get firstChild() { return this.childNodes[0] ?? null; }
  get nextSibling() {
    if (!this.parentNode) return null;
    const s = this.parentNode.childNodes;
    return s[s.indexOf(this) + 1] ?? null;
  }
  get previousSibling() {
    if (!this.parentNode) return null;
    const s = this.parentNode.childNodes;
    return s[s.indexOf(this) - 1] ?? null;
  }
  append(...kids) {
    for (const k of kids) { k.parentNode = this; this.childNodes.push(k); }
    return this;
  }
}
class FakeElement extends FakeNode {
  constructor(tag, attrs = {}) { super(1, tag.toUpperCase()); this.attrs = attrs; }
  getAttribute(n) { return n in this.attrs ? this.attrs[n] : null; }
}
class FakeText extends FakeNode {
  constructor(data) { super(3, '#text'); this.data = data; }
}

/** el('p', {attrs}, ...children); strings become text nodes. */
export function el(tag, attrs, ...kids) {
  const e = new FakeElement(tag, attrs && !(attrs instanceof FakeNode) && typeof attrs === 'object' ? attrs : {});
  if (attrs instanceof FakeNode || typeof attrs === 'string') kids.unshift(attrs);
  e.append(...kids.map((k) => (typeof k === 'string' ? new FakeText(k) : k)));
  return e;
}

/** The text between two DOM points, read the way textmap reads it (for checks). */
export const fakeDoc = {
  createRange() {
    return {
      setStart(n, o) { this.startContainer = n; this.startOffset = o; },
      setEnd(n, o) { this.endContainer = n; this.endOffset = o; },
    };
  },
};
