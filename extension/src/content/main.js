// @ts-check
// Discreet's content script: warnings under risky text in post composers.
//
//   page DOM ──focusin / MutationObserver──▶ discover() ──▶ Composer (one per editor, WeakMap)
//                                                            │
//     Composer: read text + UTF-16→DOM map (textmap.js) on every DOM change
//               shift findings across the edit (spans.js), redraw at once
//               pause 200 ms + idle ──{kind:'scan', text}──▶ background ──▶ wasm scanner
//               ◀── findings (UTF-16 spans), rebased onto the text typed since
//                                                            │
//   Overlay <discreet-overlay> (outside every editor, open shadow root):
//     one element per visible finding (data-rule / data-category / data-severity),
//     boxes over the text, the card (ARIA dialog), the "not checking" badge,
//     the pre-publish dialog. Underlines: CSS Custom Highlight API (boxes when absent).
//   Interceptor: capture-phase click on Post / Tweet / Share and Ctrl/Cmd+Enter.
//   Photos: a file input's change, paste or drop of an image ──{kind:'image.check', data}──▶
//     the scanner's host reads its metadata and its text (OCR) on the device; findings
//     with data-source="image", a card per photo, a copy without metadata to download.
//
// tools/build.mjs bundles this module and its imports with esbuild into one
// classic script (content.js), guarded so that it runs once per page.
//
// Never: DOM changes inside an editor (fixes go through the editor's own
// input path), storing or logging the text, blocking typing.

import { readText, rangeFor, offsetOf } from './textmap.js';
import { diffEdit, shiftSpans, rebase } from './spans.js';
import { api, send, sendOnce, NO_ANSWER } from '../ext.js';
import { expand } from '../answer.js';
import { stripMetadata } from '../strip.js';
import { SEVERITY_LABEL } from '../severity.js';

const g = /** @type {any} */ (globalThis);

/** Pause in typing before a scan. */
const DEBOUNCE_MS = 200;
/** Longest time typing without a pause goes unscanned. */
const MAX_WAIT_MS = 1000;
const SEVERITIES = ['block', 'warn', 'info'];
const CATEGORY_LABEL = /** @type {Record<string, string>} */ ({
  privacy: 'Patient privacy', boundaries: 'Professional boundaries', conduct: 'Professional conduct',
  misinformation: 'Health misinformation', disclosure: 'Disclosure',
});

/**
 * @typedef {import('../scanner.js').Finding} Finding
 * @typedef {import('../scanner.js').Summary} Summary
 * @typedef {import('../scanner.js').Catalog} Catalog
 */

/** Page-wide state. */
const page = {
  enabled: true,
  reason: '',
  showInfo: true,
  /** the institution's word-list setting: 'all', 'non_identifiers' or 'off' */
  personalWords: 'all',
  /** @type {Catalog | null} */
  catalog: null,
  policyKey: '',
  /** @type {Set<Composer>} */
  composers: new Set(),
  /** @type {Composer | null} */
  active: null,
  /** round-trip times of recent scans, ms (for the popup and the benchmark) */
  rtts: /** @type {number[]} */ ([]),
  /** main-thread time spent by this script per handler call: count, total and max ms */
  work: { count: 0, total: 0, max: 0 },
};

/** @param {number} ms */
function work(ms) {
  page.work.count++;
  page.work.total += ms;
  if (ms > page.work.max) page.work.max = ms;
}

// ───────────────────────────── overlay ─────────────────────────────

const overlay = document.createElement('discreet-overlay');
const shadow = overlay.attachShadow({ mode: 'open' });
// Styles through a constructed stylesheet: a <style> element in the shadow root is
// blocked by a page CSP without 'unsafe-inline' styles in Firefox; adoptedStyleSheets are not.
const OVERLAY_CSS = `
  :host { all: initial; position: fixed; inset: 0; pointer-events: none; z-index: 2147483647; }
  .finding { position: fixed; inset: 0 auto auto 0; }
  .box { position: fixed; pointer-events: none; box-sizing: border-box; }
  :host([data-fallback]) .finding[data-severity=block] .box { border-bottom: 2px solid #d4002a; }
  :host([data-fallback]) .finding[data-severity=warn] .box { border-bottom: 2px solid #c77700; }
  :host([data-fallback]) .finding[data-severity=info] .box { border-bottom: 2px dotted #2a62c9; }
  .card, .dialog, .badge { pointer-events: auto; font: 14px/1.4 system-ui, sans-serif; color: #1c1e21; }
  .card { position: fixed; max-width: 360px; background: #fff; border: 1px solid #ccd0d5; border-radius: 8px;
    box-shadow: 0 4px 16px rgba(0,0,0,.2); padding: 12px 14px; }
  .card[hidden], .dialog[hidden], .badge[hidden] { display: none; }
  .card h2 { font-size: 13px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .03em; }
  .card h2.block { color: #b00020; } .card h2.warn { color: #9a5b00; } .card h2.info { color: #2a62c9; }
  .card p { margin: 0 0 8px; }
  .card .why { color: #444; font-size: 13px; }
  .card .cite { color: #666; font-size: 12px; }
  .card .actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
  button { font: inherit; padding: 4px 10px; border-radius: 6px; border: 1px solid #aaa; background: #f5f6f7; cursor: pointer; }
  button.primary { background: #1b74e4; color: #fff; border-color: #1b74e4; }
  button:focus-visible, a:focus-visible { outline: 2px solid #1b74e4; outline-offset: 2px; }
  .badge { position: fixed; background: #fff4e5; border: 1px solid #c77700; color: #6b3f00; border-radius: 6px;
    padding: 2px 8px; font-size: 12px; }
  .backdrop { position: fixed; inset: 0; background: rgba(0,0,0,.35); pointer-events: auto; }
  .dialog { position: fixed; top: 20%; left: 50%; transform: translateX(-50%); width: min(440px, 90vw); background: #fff;
    border-radius: 10px; padding: 18px; box-shadow: 0 8px 32px rgba(0,0,0,.3); }
  .dialog h2 { margin: 0 0 8px; font-size: 18px; }
  .dialog ul { padding-left: 18px; }
  .photo { position: fixed; pointer-events: auto; font: 12px/1.4 system-ui, sans-serif; background: #fff; color: #1c1e21;
    border: 1px solid #ccd0d5; border-left: 4px solid #2a62c9; border-radius: 6px; padding: 2px 8px; cursor: pointer; max-width: 320px; }
  .photo[data-severity=block] { border-left-color: #d4002a; } .photo[data-severity=warn] { border-left-color: #c77700; }
  .card .found { font-family: ui-monospace, monospace; font-size: 12px; color: #444; }
  .card ul.photo-findings { margin: 0 0 8px; padding-left: 18px; }
`;
const sheet = new CSSStyleSheet();
sheet.replaceSync(OVERLAY_CSS);
shadow.adoptedStyleSheets = [sheet];
shadow.innerHTML = `<div class="findings" role="list" aria-label="Discreet warnings"></div>
<div class="badges"></div>
<div class="photos" role="list" aria-label="Discreet photo checks"></div>
<section class="card" role="dialog" aria-modal="false" aria-labelledby="card-title" hidden>
  <h2 id="card-title"></h2><p class="msg"></p><p class="why"></p><p class="cite"></p>
  <div class="actions"></div>
</section>
<div class="intercept" hidden><div class="backdrop"></div>
  <section class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="ic-title" aria-describedby="ic-body">
    <h2 id="ic-title">Check this post before it goes out</h2><div id="ic-body"></div>
    <div class="actions"><button class="primary review">Review the post</button> <button class="anyway">Post anyway</button></div>
  </section></div>`;
const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (shadow.querySelector(sel));
const findingsEl = $('.findings');
const badgesEl = $('.badges');
const photosEl = $('.photos');
const card = $('.card');
const intercept = $('.intercept');
const hasHighlights = typeof CSS !== 'undefined' && 'highlights' in CSS && typeof g.Highlight === 'function';
if (!hasHighlights) overlay.setAttribute('data-fallback', '');
overlay.setAttribute('data-status', 'starting');
document.documentElement.append(overlay);

// ───────────────────────────── composers ─────────────────────────────

const EDITABLE = 'textarea, [contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"]';

/** @param {Element} el */
function kindOf(el) {
  if (el instanceof HTMLTextAreaElement) return 'textarea';
  if (el.getAttribute('data-lexical-editor') === 'true') return 'lexical';
  if (el.classList.contains('public-DraftEditor-content') || el.closest('.DraftEditor-root')) return 'draft';
  if (el.classList.contains('ql-editor')) return 'quill';
  if (el.classList.contains('ProseMirror')) return 'prosemirror';
  return 'contenteditable';
}

class Composer {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    this.kind = kindOf(el);
    this.isTextarea = el instanceof HTMLTextAreaElement;
    /** @type {import('./textmap.js').TextMap} */
    this.map = { text: '', segments: [], root: el };
    this.text = '';
    /** Findings on this.text, shifted with every edit. @type {Finding[]} */
    this.findings = [];
    /** @type {Summary | null} */
    this.summary = null;
    this.scannedText = null;
    this.error = '';
    this.seq = 0;
    /** @type {Set<string>} */
    this.ignored = new Set();
    /** @type {string | null} postKey() of what the clinician chose to post anyway (text and photos) */
    this.allowed = null;
    /** Publish attempts held until the photos being checked are done. @type {(() => void)[]} */
    this.photoWaiters = [];
    this.timer = 0;
    /** when the first change not yet scanned happened (performance.now()), 0 when none */
    this.dirtySince = 0;
    /** @type {HTMLDivElement | null} */
    this.mirror = null;
    /** Photos attached to this composer and what was found in them. @type {Photo[]} */
    this.photos = [];
    this.refresh();
    if (this.isTextarea) {
      el.addEventListener('input', () => this.changed());
      el.addEventListener('scroll', () => scheduleRender(), { passive: true });
    } else {
      this.mo = new MutationObserver(() => this.changed());
      this.mo.observe(el, { childList: true, characterData: true, subtree: true, attributes: false });
    }
    el.addEventListener('focus', () => { page.active = this; });
    el.addEventListener('click', () => setTimeout(() => this.openAtCaret(false), 0));
    if (this.text) this.schedule(0);
  }

  refresh() {
    if (this.isTextarea) {
      const v = /** @type {HTMLTextAreaElement} */ (this.el).value;
      this.map = { text: v, segments: [], root: this.el };
    } else {
      this.map = readText(this.el);
    }
    this.text = this.map.text;
  }

  changed() {
    const t0 = performance.now();
    try { this.changedNow(); } finally { work(performance.now() - t0); }
  }

  changedNow() {
    const old = this.text;
    this.refresh();
    if (old === this.text) { scheduleRender(); return; }
    this.findings = shiftSpans(this.findings, diffEdit(old, this.text));
    if (cardComposer === this && cardFinding && !this.findings.includes(cardFinding)) closeCard(false);
    scheduleRender();
    this.schedule(DEBOUNCE_MS);
  }

  /**
   * Scans after a pause of `ms`, or at the latest MAX_WAIT_MS after the
   * first unscanned change while typing goes on without a pause.
   * @param {number} ms
   */
  schedule(ms) {
    clearTimeout(this.timer);
    const now = performance.now();
    if (!this.dirtySince) this.dirtySince = now;
    const wait = Math.max(0, Math.min(ms, this.dirtySince + MAX_WAIT_MS - now));
    this.timer = setTimeout(() => {
      this.dirtySince = 0;
      const run = () => this.scan();
      if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 300 }); else run();
    }, wait);
  }

  async scan() {
    if (!page.enabled) return null;
    const text = this.text;
    const seq = ++this.seq;
    if (!text.trim()) {
      this.findings = []; this.summary = null; this.scannedText = text; this.error = '';
      scheduleRender();
      return this.summary;
    }
    const t0 = performance.now();
    // Answered by the scanner's host directly when it can; otherwise, or on any
    // failure, through the background (which re-creates what is missing).
    let res = await sendOnce({ kind: 'scan', text });
    if (!res || res.error) {
      overlay.setAttribute('data-retries', String(Number(overlay.getAttribute('data-retries') || 0) + 1));
      overlay.setAttribute('data-last-error', String(res?.error ?? 'no answer').slice(0, 200));
      res = await send({ kind: 'scan', text, via: 'sw' });
    }
    if (res?.result) expand(res.result);
    page.rtts.push(performance.now() - t0);
    if (page.rtts.length > 200) page.rtts.shift();
    overlay.setAttribute('data-scans', String(Number(overlay.getAttribute('data-scans') || 0) + 1));
    if (seq !== this.seq) return this.summary; // a newer scan is on its way
    if (res?.disabled) { page.enabled = false; page.reason = res.reason; clearAll(); return null; }
    if (!res || res.error) {
      this.error = res?.error || 'no answer';
      this.findings = []; this.summary = null; this.scannedText = null;
      overlay.setAttribute('data-status', 'error');
      scheduleRender();
      return null;
    }
    this.error = '';
    overlay.setAttribute('data-status', 'checking');
    if (res.policyKey !== page.policyKey) {
      page.policyKey = res.policyKey;
      const c = await send({ kind: 'rules' });
      page.catalog = c?.catalog ?? null;
    }
    const tw = performance.now();
    const visible = res.result.findings.filter((/** @type {Finding} */ f) =>
      (page.showInfo || f.severity !== 'info') && !this.ignored.has(ignoreKey(f, text)));
    this.findings = rebase(visible, text, this.text);
    this.summary = res.result.summary;
    this.scannedText = text;
    work(performance.now() - tw);
    scheduleRender();
    return this.summary;
  }

  /** Client rects of a finding's span, in viewport coordinates. @param {Finding} f */
  rects(f) {
    if (this.isTextarea) return this.textareaRects(f);
    const r = rangeFor(this.map, f.start16, f.end16, document);
    return r ? [...r.getClientRects()].filter((x) => x.width > 0 || x.height > 0) : [];
  }

  /** @param {Finding} f */
  range(f) {
    return this.isTextarea ? null : rangeFor(this.map, f.start16, f.end16, document);
  }

  /** A mirror of the textarea's text laid out the same way, to measure spans. @param {Finding} f */
  textareaRects(f) {
    const ta = /** @type {HTMLTextAreaElement} */ (this.el);
    if (!this.mirror) { this.mirror = document.createElement('div'); shadow.append(this.mirror); }
    const m = this.mirror;
    const cs = getComputedStyle(ta);
    const box = ta.getBoundingClientRect();
    for (const p of ['font', 'letterSpacing', 'wordSpacing', 'textTransform', 'textIndent', 'lineHeight',
      'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft', 'borderTopWidth', 'borderRightWidth',
      'borderBottomWidth', 'borderLeftWidth', 'boxSizing', 'direction', 'tabSize']) {
      /** @type {any} */ (m.style)[p] = /** @type {any} */ (cs)[p];
    }
    Object.assign(m.style, {
      position: 'fixed', visibility: 'hidden', whiteSpace: 'pre-wrap', overflowWrap: 'break-word',
      borderStyle: 'solid', borderColor: 'transparent', overflow: 'hidden',
      left: `${box.left}px`, top: `${box.top - ta.scrollTop}px`, width: `${box.width}px`, height: 'auto',
    });
    if (m.textContent !== this.text + '\u200b') m.textContent = this.text + '\u200b';
    const r = document.createRange();
    const tn = /** @type {Text} */ (m.firstChild);
    r.setStart(tn, f.start16);
    r.setEnd(tn, f.end16);
    return [...r.getClientRects()].filter((x) => x.bottom > box.top && x.top < box.bottom);
  }

  /** The finding under the caret, if any; opens its card. @param {boolean} focus */
  openAtCaret(focus) {
    const at = this.caret();
    if (at < 0) return false;
    // The most specific finding under the caret (a story can span the whole post).
    let f = null;
    for (const x of this.findings) {
      if (at >= x.start16 && at <= x.end16 && (!f || x.end16 - x.start16 < f.end16 - f.start16)) f = x;
    }
    if (f) { openCard(this, f, focus); return true; }
    return false;
  }

  caret() {
    if (this.isTextarea) return /** @type {HTMLTextAreaElement} */ (this.el).selectionStart ?? -1;
    const sel = getSelection();
    if (!sel || !sel.rangeCount || !this.el.contains(sel.anchorNode)) return -1;
    return offsetOf(this.map, /** @type {Node} */ (sel.focusNode), sel.focusOffset);
  }

  /**
   * Replaces a finding's text through the editor's own input path: select
   * the span, then insertText (which each editor turns into its own edit).
   * @param {Finding} f @param {string} replacement @returns {Promise<boolean>}
   */
  async applyFix(f, replacement) {
    const el = this.el;
    el.focus({ preventScroll: true });
    if (this.isTextarea) {
      /** @type {HTMLTextAreaElement} */ (el).setSelectionRange(f.start16, f.end16);
    } else {
      const r = this.range(f);
      const sel = getSelection();
      if (!r || !sel) return false;
      sel.removeAllRanges();
      sel.addRange(r);
      // Editors (Draft.js, Lexical) copy the DOM selection into their model on
      // 'selectionchange', which fires asynchronously: let it land first.
      await new Promise((resolve) => {
        const t = setTimeout(resolve, 50);
        document.addEventListener('selectionchange', () => { clearTimeout(t); setTimeout(resolve, 0); }, { once: true });
      });
    }
    let ok = false;
    try {
      ok = document.execCommand('insertText', false, replacement);
    } catch { ok = false; }
    if (!ok) {
      // Editors that listen to beforeinput only.
      const ev = new InputEvent('beforeinput', { inputType: 'insertReplacementText', data: replacement, bubbles: true, cancelable: true });
      el.dispatchEvent(ev);
    }
    this.changed();
    this.schedule(0);
    return true;
  }

  detach() {
    this.mo?.disconnect();
    clearTimeout(this.timer);
    this.mirror?.remove();
    page.composers.delete(this);
    listComposers();
  }
}

/** @param {Finding} f @param {string} text */
const ignoreKey = (f, text) => `${f.rule}\u0000${text.slice(f.start16, f.end16)}`;

/** @type {WeakMap<Element, Composer>} */
const attached = new WeakMap();

/** @param {Element} el */
function attach(el) {
  if (!(el instanceof HTMLElement) || attached.has(el)) return attached.get(el) ?? null;
  // Only the outermost editable element of an editor.
  if (!(el instanceof HTMLTextAreaElement)) {
    const outer = el.parentElement?.closest('[contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"]');
    if (outer) return attach(outer);
  }
  if (el instanceof HTMLTextAreaElement && (el.readOnly || el.disabled)) return null;
  const c = new Composer(el);
  attached.set(el, c);
  page.composers.add(c);
  listComposers();
  return c;
}

/** The overlay lists the kinds of composer attached (for tests and the popup); the editors carry no mark. */
function listComposers() {
  overlay.setAttribute('data-composers', [...page.composers].map((c) => c.kind).join(' '));
}

/** Whether a node lies inside an attached contenteditable editor. @param {Node | null} n */
function insideEditor(n) {
  for (let e = n && (n.nodeType === 1 ? /** @type {Element} */ (n) : n.parentElement)?.closest('[contenteditable]'); e;
    e = e.parentElement?.closest('[contenteditable]')) {
    if (attached.has(e)) return true;
  }
  return false;
}

function discover() {
  if (!page.enabled) return;
  const n = page.composers.size;
  let changed = false;
  for (const el of document.querySelectorAll(EDITABLE)) if (!attached.has(el) && attach(el)) changed = true;
  for (const c of [...page.composers]) if (!c.el.isConnected) { c.detach(); changed = true; }
  if (changed || n !== page.composers.size) scheduleRender();
}

let discoverQueued = false;
const pageObserver = new MutationObserver((records) => {
  if (discoverQueued) return;
  for (const r of records) {
    // Changes inside an attached editor (every keystroke) are the composer's business.
    if (insideEditor(r.target)) continue;
    if (r.addedNodes.length || r.removedNodes.length || r.type === 'attributes') {
      discoverQueued = true;
      requestAnimationFrame(() => { discoverQueued = false; discover(); });
      return;
    }
  }
});

document.addEventListener('focusin', (e) => {
  const t = /** @type {Element} */ (e.target);
  if (!page.enabled || !(t instanceof Element) || !t.matches?.(EDITABLE)) return;
  const c = attach(t);
  if (c) page.active = c;
}, true);

// ───────────────────────────── drawing ─────────────────────────────

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(); });
}

/** @type {Map<Composer, {f: Finding, el: HTMLElement, rects: DOMRect[]}[]>} */
let drawn = new Map();

function render() {
  const t0 = performance.now();
  try { renderNow(); } finally { work(performance.now() - t0); }
}

function renderNow() {
  /** @type {Record<string, Range[]>} */
  const ranges = { block: [], warn: [], info: [] };
  const frag = document.createDocumentFragment();
  drawn = new Map();
  badgesEl.textContent = '';
  for (const c of page.composers) {
    if (!c.el.isConnected) continue;
    if (c.error) {
      const b = document.createElement('div');
      b.className = 'badge';
      b.setAttribute('role', 'status');
      b.textContent = 'Discreet is not checking';
      b.title = c.error;
      const box = c.el.getBoundingClientRect();
      b.style.left = `${Math.max(0, box.right - 170)}px`;
      b.style.top = `${Math.max(0, box.top - 22)}px`;
      badgesEl.append(b);
    }
    const list = [];
    for (const f of c.findings) {
      const range = c.range(f);
      const rects = range ? [...range.getClientRects()].filter((x) => x.width > 0 || x.height > 0) : c.isTextarea ? c.rects(f) : [];
      const el = document.createElement('div');
      el.className = 'finding';
      el.setAttribute('role', 'listitem');
      el.dataset.rule = f.rule;
      el.dataset.category = f.category;
      el.dataset.severity = f.severity;
      el.dataset.start16 = String(f.start16);
      el.dataset.end16 = String(f.end16);
      el.setAttribute('aria-label', `${SEVERITY_LABEL[f.severity] ?? f.severity}: ${f.message}`);
      for (const r of rects) {
        const b = document.createElement('span');
        b.className = 'box';
        Object.assign(b.style, { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` });
        el.append(b);
      }
      frag.append(el);
      list.push({ f, el, rects });
      if (hasHighlights && range) (ranges[f.severity] ?? ranges.info).push(range);
    }
    drawn.set(c, list);
  }
  photosEl.textContent = '';
  for (const c of page.composers) {
    if (!c.el.isConnected) continue;
    const box = c.el.getBoundingClientRect();
    let y = box.bottom + 4;
    for (const ph of c.photos) {
      for (const f of ph.findings) {
        const el = document.createElement('div');
        el.className = 'finding';
        el.setAttribute('role', 'listitem');
        el.dataset.source = 'image';
        el.dataset.image = ph.name;
        el.dataset.rule = f.rule;
        el.dataset.category = f.category;
        el.dataset.severity = f.severity;
        el.setAttribute('aria-label', `${SEVERITY_LABEL[f.severity] ?? f.severity}: in the photo ${ph.name}: ${f.message}`);
        frag.append(el);
      }
      const b = document.createElement('div');
      b.className = 'photo';
      b.setAttribute('role', 'status');
      b.dataset.image = ph.name;
      b.dataset.status = ph.status;
      if (ph.ocrMs) b.dataset.ocrMs = String(ph.ocrMs);
      const worst = SEVERITIES.find((sv) => ph.findings.some((f) => f.severity === sv));
      if (worst) b.dataset.severity = worst;
      b.textContent = photoLine(ph);
      b.addEventListener('click', () => openPhotoCard(c, ph, true));
      b.style.left = `${Math.max(0, box.left)}px`;
      b.style.top = `${Math.min(innerHeight - 24, y)}px`;
      y += 24;
      photosEl.append(b);
    }
  }
  findingsEl.replaceChildren(frag);
  if (hasHighlights) {
    for (const s of SEVERITIES) {
      if (ranges[s].length) CSS.highlights.set(`discreet-${s}`, new g.Highlight(...ranges[s]));
      else CSS.highlights.delete(`discreet-${s}`);
    }
  }
  if (card.dataset.owner && cardComposer && cardFinding) placeCard(cardComposer, cardFinding);
}

function clearAll() {
  for (const c of [...page.composers]) c.detach();
  findingsEl.textContent = '';
  badgesEl.textContent = '';
  if (hasHighlights) for (const s of SEVERITIES) CSS.highlights.delete(`discreet-${s}`);
  closeCard(false);
  overlay.setAttribute('data-status', 'off');
}

addEventListener('scroll', scheduleRender, { capture: true, passive: true });
addEventListener('resize', scheduleRender, { passive: true });

// ───────────────────────────── the card ─────────────────────────────

/** @type {Composer | null} */
let cardComposer = null;
/** @type {Finding | null} */
let cardFinding = null;

/** @param {Composer} c @param {Finding} f @param {boolean} focus */
function openCard(c, f, focus) {
  cardComposer = c;
  cardFinding = f;
  const rule = page.catalog?.rules.find((r) => r.id === f.rule);
  const h = $('#card-title');
  h.className = f.severity;
  h.textContent = `${SEVERITY_LABEL[f.severity] ?? f.severity} · ${CATEGORY_LABEL[f.category] ?? f.category}`;
  $('.msg').textContent = f.message;
  const why = $('.why');
  why.textContent = rule?.why ?? '';
  why.hidden = !rule?.why;
  const cite = $('.cite');
  cite.textContent = f.citation ? `Source: ${f.citation}` : '';
  cite.hidden = !f.citation;
  const actions = $('.actions');
  actions.textContent = '';
  for (const fix of f.fixes ?? []) {
    const b = document.createElement('button');
    b.className = 'primary fix';
    b.textContent = fix.label;
    b.title = fix.replacement ? `Replace with “${fix.replacement}”` : 'Remove';
    b.addEventListener('click', () => { closeCard(false); c.applyFix(f, fix.replacement); });
    actions.append(b);
  }
  const ign = document.createElement('button');
  ign.className = 'ignore';
  ign.textContent = 'Ignore here';
  ign.addEventListener('click', () => {
    c.ignored.add(ignoreKey(f, c.text));
    c.findings = c.findings.filter((x) => x !== f);
    closeCard(true);
    scheduleRender();
  });
  actions.append(ign);
  // "Don't flag this for me": the words go to the personal list on this device
  // (the scanner then leaves them alone); offered unless the institution keeps
  // this rule flagging them.
  // Not for findings about the whole story (they are not about particular words).
  const wordsOf = c.text.slice(f.start16, f.end16).trim();
  const aboutWords = !/^privacy\.(story|patient_context|encounter|announcement|permission)$/.test(f.rule) && wordsOf.length > 0 && wordsOf.length <= 60;
  if (aboutWords && (page.personalWords === 'all' || (page.personalWords === 'non_identifiers' && !f.identifier))) {
    const mine = document.createElement('button');
    mine.className = 'allow';
    mine.textContent = "Don't flag this for me";
    mine.title = 'Adds these words to your personal list, kept on this device (edit it in the options)';
    mine.addEventListener('click', async () => {
      const words = c.text.slice(f.start16, f.end16);
      c.findings = c.findings.filter((x) => x !== f);
      closeCard(true);
      scheduleRender();
      const r = await send({ kind: 'words.add', text: words, rule: f.rule });
      if (r?.ok) for (const x of page.composers) if (x.text.trim()) x.schedule(0);
    });
    actions.append(mine);
  }
  const url = page.catalog?.policy.institution.guidance_url;
  if (url && /^https?:\/\//.test(url)) {
    const a = document.createElement('a');
    a.className = 'guidance';
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.textContent = `${page.catalog?.policy.institution.name || 'Your institution'}'s guidance`;
    actions.append(a);
  }
  card.dataset.owner = '1';
  card.dataset.rule = f.rule;
  delete card.dataset.source;
  card.hidden = false;
  placeCard(c, f);
  if (focus) /** @type {HTMLElement} */ (actions.querySelector('button'))?.focus();
}

/** @param {Composer} c @param {Finding} f */
function placeCard(c, f) {
  const r = c.rects(f)[0] ?? c.el.getBoundingClientRect();
  const top = r.bottom + 6 + 200 > innerHeight ? Math.max(0, r.top - 6 - card.offsetHeight) : r.bottom + 6;
  card.style.left = `${Math.max(4, Math.min(r.left, innerWidth - 370))}px`;
  card.style.top = `${top}px`;
}

/** @param {boolean} refocus */
function closeCard(refocus) {
  if (card.hidden) return;
  card.hidden = true;
  delete card.dataset.owner;
  delete card.dataset.source;
  const c = cardComposer;
  cardComposer = null;
  cardFinding = null;
  if (refocus && c) c.el.focus({ preventScroll: true });
}

card.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); closeCard(true); }
});

// Hover: open the card when the pointer rests on flagged text.
let hoverTimer = 0;
document.addEventListener('mousemove', (e) => {
  clearTimeout(hoverTimer);
  hoverTimer = setTimeout(() => {
    for (const [c, list] of drawn) {
      for (const d of list) {
        if (d.rects.some((r) => e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom)) {
          if (cardFinding !== d.f) openCard(c, d.f, false);
          return;
        }
      }
    }
  }, 350);
}, { passive: true });

document.addEventListener('mousedown', (e) => {
  if (!card.hidden && !e.composedPath().includes(overlay)) closeCard(false);
}, true);

/** Alt+Shift+N: the next finding after the caret in the focused composer, with its card focused. */
document.addEventListener('keydown', (e) => {
  if (e.altKey && e.shiftKey && (e.code === 'KeyN' || e.key === 'N' || e.key === 'n')) {
    const c = page.active && page.active.el.isConnected ? page.active : [...page.composers].find((x) => x.findings.length);
    if (!c || !c.findings.length) return;
    e.preventDefault();
    e.stopPropagation();
    const at = Math.max(0, c.caret());
    const cur = cardComposer === c && cardFinding ? cardFinding.start16 : at - 1;
    const f = c.findings.find((x) => x.start16 > cur) ?? c.findings[0];
    openCard(c, f, true);
  }
}, true);

// ───────────────────────────── photos ─────────────────────────────

/**
 * @typedef {object} Photo
 * @property {number} id this page's count of photos attached
 * @property {string} name the file name (or "pasted image")
 * @property {'checking' | 'done' | 'not-checked' | 'error'} status
 * @property {string} note what could not be checked, and why
 * @property {{rule: string, category: string, severity: string, message: string, citation: string, text: string, identifier?: string}[]} findings
 * @property {string} stripped a blob: URL of a copy without metadata ('' when none is needed or possible)
 * @property {number} ocrMs
 */

/** Above this a photo is not sent for checking at all (the note says so). */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Longest a photo's check may take (the host's OCR gives up after 30 s); then it is "not checked". */
const PHOTO_CHECK_MS = 45000;
let photoCount = 0;

/** @param {Photo} ph */
function photoLine(ph) {
  if (ph.status === 'checking') return `Discreet is checking the photo ${ph.name}…`;
  if (ph.status === 'not-checked' || ph.status === 'error') return `Photo ${ph.name}: ${ph.note}`;
  const n = ph.findings.length;
  return n ? `Photo ${ph.name}: ${n} finding${n === 1 ? '' : 's'}. Click for details.` + (ph.note ? ` ${ph.note}` : '')
    : `Photo ${ph.name}: nothing found.` + (ph.note ? ` ${ph.note}` : '');
}

/** @param {File} file @returns {Promise<string>} */
function dataUrl(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/**
 * Checks a photo attached to a composer, on the device: never uploaded, nothing stored.
 * @param {Composer} c @param {File} file
 */
async function checkPhoto(c, file) {
  /** @type {Photo} */
  const ph = { id: ++photoCount, name: file.name || 'pasted image', status: 'checking', note: '', findings: [], stripped: '', ocrMs: 0 };
  c.photos.push(ph);
  scheduleRender();
  try {
    if (file.size > MAX_PHOTO_BYTES) {
      ph.status = 'not-checked';
      ph.note = `not checked: the file is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB. Check it yourself for names, numbers and location before posting.`;
      return;
    }
    // Read through a FileReader of this script: awaiting the page's own File.arrayBuffer()
    // promise is refused across Firefox's content-script boundary.
    const data = await dataUrl(file);
    // One try more when nothing answered at once (a service worker starting), none after a timeout.
    const timedOut = (/** @type {any} */ x) => String(x?.error ?? '').startsWith(`${NO_ANSWER} in `);
    let r = await sendOnce({ kind: 'image.check', data }, PHOTO_CHECK_MS);
    if (r?.error && String(r.error).startsWith(NO_ANSWER) && !timedOut(r)) r = await sendOnce({ kind: 'image.check', data }, PHOTO_CHECK_MS);
    if (!r || r.disabled) { ph.status = 'error'; ph.note = 'not checked (Discreet is off here).'; return; }
    if (timedOut(r)) {
      ph.status = 'error';
      ph.note = `not checked: reading it took longer than ${PHOTO_CHECK_MS / 1000} s. Check it yourself for names, numbers and location before posting.`;
      return;
    }
    /** @type {Photo['findings']} */
    const fs = [...(r.meta ?? [])];
    if (r.result) {
      expand(r.result);
      for (const f of r.result.findings) {
        if (!page.showInfo && f.severity === 'info') continue;
        fs.push({ rule: f.rule, category: f.category, severity: f.severity, message: f.message, citation: f.citation,
          identifier: f.identifier, text: String(r.text ?? '').slice(f.start16, f.end16).replace(/\s+/g, ' ').trim() });
      }
    }
    ph.findings = fs;
    ph.ocrMs = r.ocrMs ?? 0;
    if (r.notChecked) { ph.status = fs.length ? 'done' : 'not-checked'; ph.note = r.notChecked; }
    else if (r.error || r.scanError) { ph.status = fs.length ? 'done' : 'error'; ph.note = r.error || `its text could not be checked: ${r.scanError}`; }
    else ph.status = 'done';
    if (fs.some((f) => f.rule.startsWith('privacy.image.'))) {
      const bin = atob(data.slice(data.indexOf(',') + 1));
      const buf = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
      const clean = stripMetadata(buf);
      if (clean) ph.stripped = URL.createObjectURL(new Blob([/** @type {BlobPart} */ (clean)], { type: file.type }));
    }
  } catch (e) {
    ph.status = 'error';
    ph.note = `could not be checked: ${e instanceof Error ? e.message : e}`;
  } finally {
    overlay.setAttribute('data-photos', String(Number(overlay.getAttribute('data-photos') || 0) + 1));
    scheduleRender();
    // A publish attempt held for the photos is decided now.
    if (!c.photos.some((x) => x.status === 'checking')) for (const w of c.photoWaiters.splice(0)) w();
  }
}

/** @param {Composer} c @param {Photo} ph @param {boolean} focus */
function openPhotoCard(c, ph, focus) {
  cardComposer = c;
  cardFinding = null;
  const worst = SEVERITIES.find((sv) => ph.findings.some((f) => f.severity === sv)) ?? 'info';
  const h = $('#card-title');
  h.className = worst;
  const first = ph.findings.find((f) => f.severity === worst);
  h.textContent = `${SEVERITY_LABEL[worst] ?? worst} · Photo`;
  $('.msg').textContent = ph.findings.length ? `In the photo ${ph.name}:` : photoLine(ph);
  const why = $('.why');
  why.textContent = '';
  why.hidden = false;
  const ul = document.createElement('ul');
  ul.className = 'photo-findings';
  for (const f of ph.findings) {
    const li = document.createElement('li');
    li.dataset.rule = f.rule;
    li.dataset.severity = f.severity;
    li.append(f.message);
    if (f.text) { const t = document.createElement('span'); t.className = 'found'; t.textContent = ` (found: ${f.text})`; li.append(t); }
    ul.append(li);
  }
  const hasText = ph.findings.some((f) => !f.rule.startsWith('privacy.image.'));
  const advice = document.createElement('p');
  advice.textContent = [hasText ? 'Crop or blur what is readable in the photo before posting, or leave the photo out.' : '',
    ph.stripped ? 'The file also carries metadata: post the copy without it instead.' : '', ph.note].filter(Boolean).join(' ');
  why.append(ul, advice);
  const cite = $('.cite');
  const cites = [...new Set(ph.findings.map((f) => f.citation).filter(Boolean))];
  cite.textContent = cites.length ? `Source: ${cites.join('; ')}` : '';
  cite.hidden = !cites.length;
  const actions = $('.actions');
  actions.textContent = '';
  if (ph.stripped) {
    const a = document.createElement('a');
    a.className = 'strip';
    a.href = ph.stripped;
    a.download = ph.name.replace(/(\.[a-z0-9]+)?$/i, '-no-metadata$1');
    a.textContent = 'Download a copy without location and time';
    actions.append(a);
  }
  const close = document.createElement('button');
  close.className = 'close';
  close.textContent = 'Close';
  close.addEventListener('click', () => closeCard(true));
  actions.append(close);
  card.dataset.owner = '1';
  card.dataset.rule = first?.rule ?? '';
  card.dataset.source = 'image';
  card.hidden = false;
  const r = c.el.getBoundingClientRect();
  card.style.left = `${Math.max(4, Math.min(r.left, innerWidth - 370))}px`;
  card.style.top = `${Math.max(0, Math.min(r.bottom + 28, innerHeight - 220))}px`;
  if (focus) /** @type {HTMLElement} */ (actions.querySelector('a, button'))?.focus();
}

/** The composer a photo was attached for. @param {Element | null} t */
function composerOf(t) {
  const el = t?.closest?.(EDITABLE);
  const own = el ? attached.get(el) ?? attach(el) : null;
  if (own) return own;
  if (t) { const c = composerFor(t, true); if (c) return c; }
  return page.active && page.active.el.isConnected ? page.active : [...page.composers][0] ?? null;
}

/** @param {Element | null} t @param {FileList | File[] | null | undefined} files */
function photosAdded(t, files) {
  if (!page.enabled || !files) return;
  const imgs = [...files].filter((f) => /^image\//.test(f.type));
  if (!imgs.length) return;
  const c = composerOf(t);
  if (c) for (const f of imgs) checkPhoto(c, f);
}

document.addEventListener('change', (e) => {
  const t = /** @type {any} */ (e.target);
  if (t instanceof HTMLInputElement && t.type === 'file') photosAdded(t, t.files);
}, true);
document.addEventListener('paste', (e) => photosAdded(/** @type {Element} */ (e.target), e.clipboardData?.files), true);
document.addEventListener('drop', (e) => photosAdded(/** @type {Element} */ (e.target), e.dataTransfer?.files), true);

/** @param {Composer} c */
const photoFindings = (c) => c.photos.flatMap((ph) => ph.findings);

// ───────────────────────────── before publishing ─────────────────────────────

const PUBLISH_LABEL = /^(post|tweet|share|reply|publish|publish post|post all|send|comment)$/i;
const PUBLISH_TESTID = new Set(['tweetButton', 'tweetButtonInline']);

/** @param {Element} t */
function publishButton(t) {
  const b = t.closest('button, [role="button"], input[type="submit"]');
  if (!b) return null;
  const label = (b.getAttribute('aria-label') || b.textContent || /** @type {any} */ (b).value || '').trim();
  if (PUBLISH_TESTID.has(b.getAttribute('data-testid') || '') || PUBLISH_LABEL.test(label) ||
      b.classList.contains('share-actions__primary-action')) return /** @type {HTMLElement} */ (b);
  return null;
}

/** The composer a publish button belongs to: the one sharing the deepest ancestor. @param {Element} b @param {boolean} [evenEmpty] */
function composerFor(b, evenEmpty = false) {
  let best = null, bestDepth = -1;
  for (const c of page.composers) {
    if (!c.el.isConnected || (!evenEmpty && !c.text.trim() && !c.photos.length)) continue;
    let depth = 0;
    for (let n = /** @type {Node | null} */ (c.el); n; n = n.parentNode) {
      if (n.contains(b)) {
        for (let m = /** @type {Node | null} */ (n); m; m = m.parentNode) depth++;
        break;
      }
    }
    if (depth > bestDepth || (depth === bestDepth && c === page.active)) { best = c; bestDepth = depth; }
  }
  return best;
}

/** What a "Post anyway" covers: the text and the photos attached. @param {Composer} c */
const postKey = (c) => `${c.text}\u0000${c.photos.map((ph) => ph.id).join(',')}`;

/**
 * Decides whether a publish attempt may go on. Returns true to let it pass.
 * @param {Composer} c @param {() => void} resume re-issues the publish action
 */
function guardPublish(c, resume) {
  if (c.allowed === postKey(c)) return true;
  // A photo still being checked holds the post until its findings are in.
  if (c.photos.some((ph) => ph.status === 'checking')) { holdForPhotos(c, resume); return false; }
  // A photo with a blocking finding stops publishing like blocking text does.
  const photoStop = photoFindings(c).some((f) => f.severity === 'block');
  if (photoStop && (!c.text.trim() || c.error)) { showIntercept(c, resume); return false; }
  if (c.scannedText === c.text && !c.error) {
    if (!c.summary?.intercept && !photoStop) return true;
    showIntercept(c, resume);
    return false;
  }
  if (c.error) return true; // fail open: the badge already says Discreet is not checking
  // A scan is due: run it now, then decide.
  clearTimeout(c.timer);
  c.scan().then((s) => {
    if (c.scannedText === c.text && (s?.intercept || photoStop)) showIntercept(c, resume);
    else { c.allowed = postKey(c); resume(); }
  });
  return false;
}

/** Sets the pre-publish dialog's title and buttons for one of its states. @param {'findings' | 'photo-checking' | 'photo-unchecked'} st */
function interceptState(st) {
  intercept.dataset.state = st;
  $('#ic-title').textContent = st === 'photo-checking' ? 'Discreet is still checking a photo'
    : st === 'photo-unchecked' ? 'A photo could not be checked' : 'Check this post before it goes out';
  /** @type {HTMLButtonElement} */ (shadow.querySelector('.intercept .review')).textContent = st === 'findings' ? 'Review the post' : 'Keep editing';
  /** @type {HTMLButtonElement} */ (shadow.querySelector('.intercept .anyway')).textContent = st === 'photo-checking' ? 'Post without waiting' : 'Post anyway';
}

/**
 * Fills the pre-publish dialog for photos in state st: a paragraph of text and
 * a line a photo (with its status), "Post anyway" shown. Returns the dialog's
 * two buttons.
 * @param {'photo-checking' | 'photo-unchecked'} st @param {Photo[]} phs @param {string} text
 */
function photoDialog(st, phs, text) {
  const body = $('#ic-body');
  body.textContent = '';
  const p = document.createElement('p');
  p.textContent = text;
  const ul = document.createElement('ul');
  for (const ph of phs) {
    const li = document.createElement('li');
    li.dataset.source = 'image';
    li.dataset.status = ph.status;
    li.textContent = photoLine(ph);
    ul.append(li);
  }
  body.append(p, ul);
  interceptState(st);
  const anyway = /** @type {HTMLButtonElement} */ (shadow.querySelector('.intercept .anyway'));
  const review = /** @type {HTMLButtonElement} */ (shadow.querySelector('.intercept .review'));
  anyway.hidden = false;
  return { anyway, review };
}

/**
 * A publish attempt while a photo is being checked: a dialog says so, and the
 * attempt is decided again as soon as every photo is done (the check itself is
 * bounded: OCR gives up after OCR_TIMEOUT_MS and the message after PHOTO_CHECK_MS,
 * so this never waits for ever). "Post without waiting" is always offered: a
 * check that cannot finish never blocks posting.
 * @param {Composer} c @param {() => void} resume
 */
function holdForPhotos(c, resume) {
  const waiting = c.photos.filter((ph) => ph.status === 'checking');
  const { anyway, review } = photoDialog('photo-checking', waiting,
    `Posting waits until Discreet has read ${waiting.length === 1 ? `the photo ${waiting[0].name}` : `${waiting.length} photos`} ` +
    'on this device (usually a few seconds).');
  let active = true;
  const done = () => {
    if (!active) return;
    active = false;
    intercept.hidden = true;
    // Unchecked photos are said so before posting; posting stays possible (fail open).
    const unchecked = waiting.filter((ph) => ph.status !== 'done' && c.photos.includes(ph));
    if (unchecked.length) { showUnchecked(c, unchecked, resume); return; }
    if (guardPublish(c, resume)) { c.allowed = postKey(c); resume(); }
  };
  // One held attempt at a time (a second Post or Ctrl+Enter replaces the first: one post, not two).
  c.photoWaiters = [done];
  const cancel = () => { active = false; intercept.hidden = true; };
  review.onclick = () => { cancel(); c.el.focus(); };
  anyway.onclick = () => { cancel(); c.allowed = postKey(c); resume(); };
  intercept.onkeydown = (e) => { if (e.key === 'Escape') cancel(); };
  intercept.hidden = false;
  review.focus();
}

/** Photos whose check failed or was refused, before posting. @param {Composer} c @param {Photo[]} phs @param {() => void} resume */
function showUnchecked(c, phs, resume) {
  const { anyway, review } = photoDialog('photo-unchecked', phs, 'Discreet could not check everything in the photos below. ' +
    'Look at them yourself for names, numbers, faces and location before posting.');
  review.onclick = () => { intercept.hidden = true; c.el.focus(); };
  anyway.onclick = () => {
    intercept.hidden = true;
    // What is left to decide (text findings, other photos) still gets its say.
    if (guardPublish(c, resume)) { c.allowed = postKey(c); resume(); }
  };
  intercept.onkeydown = null;
  intercept.hidden = false;
  review.focus();
}

/** @param {Composer} c @param {() => void} resume */
function showIntercept(c, resume) {
  const photoBlocks = c.photos.flatMap((ph) => ph.findings.filter((f) => f.severity === 'block').map((f) => ({ ...f, photo: ph.name })));
  const blocks = [...c.findings.filter((f) => f.severity === 'block'), ...photoBlocks];
  const body = $('#ic-body');
  body.textContent = '';
  const p = document.createElement('p');
  const enforce = c.summary?.enforce === 'block';
  p.textContent = enforce
    ? `Your institution's policy does not allow posting this as it is. Please remove what is flagged:`
    : `This post has ${blocks.length || 'some'} finding${blocks.length === 1 ? '' : 's'} that could breach patient privacy or your professional duties:`;
  const ul = document.createElement('ul');
  for (const f of /** @type {any[]} */ (blocks.length ? blocks : c.findings).slice(0, 8)) {
    const li = document.createElement('li');
    li.dataset.rule = f.rule;
    if (f.photo) li.dataset.source = 'image';
    li.textContent = f.photo ? `Photo ${f.photo}: ${f.message}` : f.message;
    ul.append(li);
  }
  body.append(p, ul);
  interceptState('findings');
  const anyway = /** @type {HTMLButtonElement} */ (shadow.querySelector('.intercept .anyway'));
  anyway.hidden = enforce;
  intercept.dataset.enforce = enforce ? 'block' : 'warn';
  intercept.hidden = false;
  const review = /** @type {HTMLButtonElement} */ (shadow.querySelector('.intercept .review'));
  review.onclick = () => {
    intercept.hidden = true;
    c.el.focus();
    const f = c.findings.find((x) => x.severity === 'block') ?? c.findings[0];
    const ph = c.photos.find((p) => p.findings.some((x) => x.severity === 'block'));
    if (f && (f.severity === 'block' || !ph)) openCard(c, f, true);
    else if (ph) openPhotoCard(c, ph, true);
  };
  anyway.onclick = () => {
    intercept.hidden = true;
    c.allowed = postKey(c);
    resume();
  };
  intercept.onkeydown = null;
  review.focus();
}

intercept.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') { e.preventDefault(); intercept.hidden = true; }
});

/** @param {Composer} c */
function reportPublished(c) {
  send({ kind: 'published', rules: [...new Set([...c.findings, ...photoFindings(c)].map((f) => f.rule))] });
}

document.addEventListener('click', (e) => {
  if (!page.enabled) return;
  const t = /** @type {Element} */ (e.target);
  if (!(t instanceof Element)) return;
  const b = publishButton(t);
  if (!b) return;
  const c = composerFor(b);
  if (!c) return;
  const ok = guardPublish(c, () => { c.allowed = postKey(c); b.click(); });
  if (!ok) {
    e.preventDefault();
    e.stopImmediatePropagation();
  } else {
    reportPublished(c);
  }
}, true);

document.addEventListener('keydown', (e) => {
  if (!page.enabled || e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
  const t = /** @type {Element} */ (e.target);
  const el = t instanceof Element ? t.closest(EDITABLE) : null;
  const c = el ? attached.get(el) ?? attach(el) : null;
  if (!c || !c.text.trim()) return;
  const ok = guardPublish(c, () => {
    c.allowed = postKey(c);
    c.el.focus();
    c.el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', ctrlKey: e.ctrlKey, metaKey: e.metaKey, bubbles: true, cancelable: true }));
  });
  if (!ok) { e.preventDefault(); e.stopImmediatePropagation(); } else reportPublished(c);
}, true);

// ───────────────────────────── popup queries ─────────────────────────────

api.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
  if (msg?.kind !== 'page.state') return false;
  const c = page.active && page.active.el.isConnected ? page.active : [...page.composers].find((x) => x.text) ?? null;
  const sorted = [...page.rtts].sort((a, b) => a - b);
  sendResponse({
    enabled: page.enabled, reason: page.reason, composers: page.composers.size,
    checking: page.enabled && ![...page.composers].some((x) => x.error),
    error: [...page.composers].map((x) => x.error).find(Boolean) ?? '',
    findings: c ? [...c.findings.map((f) => ({ rule: f.rule, severity: f.severity, category: f.category, message: f.message })),
      ...c.photos.flatMap((ph) => ph.findings.map((f) => ({ rule: f.rule, severity: f.severity, category: f.category, message: `Photo ${ph.name}: ${f.message}`, source: 'image' })))] : [],
    rttMedianMs: sorted.length ? sorted[sorted.length >> 1] : null,
  });
  return false;
});

// ───────────────────────────── start ─────────────────────────────

(async () => {
  const hello = await send({ kind: 'hello' });
  if (hello?.error) {
    overlay.setAttribute('data-status', 'error');
  }
  page.enabled = hello?.enabled !== false;
  page.reason = hello?.reason ?? '';
  page.showInfo = hello?.show_info !== false;
  page.personalWords = hello?.personal_words ?? 'all';
  if (!page.enabled) { overlay.setAttribute('data-status', 'off'); return; }
  overlay.setAttribute('data-status', 'checking');
  discover();
  pageObserver.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['contenteditable'] });
})();

// Timing hooks for `make bench-extension`, compiled only into the benchmark
// build: the product build drops this labelled block (esbuild's dropLabels in
// tools/build.mjs). They report figures, never text.
BENCH_ONLY: {
  // For the benchmark: 50 back-to-back scans of the active composer's text,
  // timed from this script, with the page otherwise idle. Figures only, no text.
  overlay.addEventListener('discreet-bench', async () => {
    const c = page.active ?? [...page.composers].find((x) => x.text);
    if (!c) return;
    const times = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      const r = await sendOnce({ kind: 'scan', text: c.text });
      if (r?.result) expand(r.result);
      times.push(performance.now() - t0);
      if (!r?.result) break;
    }
    times.sort((a, b) => a - b);
    overlay.setAttribute('data-bench-rtt', JSON.stringify({ median: times[times.length >> 1], p90: times[Math.floor(times.length * 0.9)], runs: times.length }));
  });

  // For the benchmark page and tests: round-trip figures, no text.
  overlay.addEventListener('discreet-rtt', () => {
    const s = [...page.rtts].sort((a, b) => a - b);
    overlay.setAttribute('data-rtt-median', s.length ? String(s[s.length >> 1]) : '');
    overlay.setAttribute('data-rtt-count', String(s.length));
    overlay.setAttribute('data-work', JSON.stringify(page.work));
  });
}
