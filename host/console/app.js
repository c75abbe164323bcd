// The Discreet settings console: one page, no framework.
//
//   sign in (slug + admin token, kept in sessionStorage only)
//     -> load draft, versions, codes, counts, audit from /v1/institutions/{slug}/...
//   settings form <-> policy JSON editor (the JSON is the truth; the form edits its common fields)
//   policy change or sample change -> in-page scanner (vendor/scanner.js + /console/scanner.wasm)
//     configure(policy) for validation messages, scan(sample) for the live preview
//   save -> PUT draft (server 400s show the failing field); publish; rollback
//
// All text from the server or the scanner is written with textContent, never as HTML.

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const SESSION_KEY = 'discreet.console';

/** @type {{slug: string, token: string} | null} */
let session = null;
/** @type {any} the in-page scanner, once loaded */
let scanner = null;
let scannerProblem = '';

// --- API -------------------------------------------------------------------

/**
 * @param {string} method @param {string} path @param {any} [body]
 * @returns {Promise<{status: number, data: any}>}
 */
async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Authorization: `Bearer ${session?.token ?? ''}` };
  /** @type {RequestInit} */
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    return { status: 0, data: { error: `cannot reach the server: ${e}` } };
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = { error: `unexpected answer (HTTP ${res.status})` };
  }
  return { status: res.status, data };
}

const inst = (rest = '') => `/v1/institutions/${encodeURIComponent(session?.slug ?? '')}${rest}`;

// --- sign in ---------------------------------------------------------------

async function signIn(slug, token) {
  session = { slug, token };
  const r = await api('GET', inst());
  if (r.status !== 200) {
    session = null;
    sessionStorage.removeItem(SESSION_KEY);
    $('signin-error').textContent = r.status === 401 || r.status === 403
      ? 'That token is not the admin token of this institution.'
      : `Sign-in failed: ${r.data?.error ?? r.status}`;
    return false;
  }
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  $('signin-error').textContent = '';
  showInstitution(r.data);
  // Show the editor only once the draft is in, so nothing typed is overwritten.
  await Promise.all([loadDraft(), loadVersions(), loadCodes(), loadCounts(), loadAudit()]);
  $('signin').hidden = true;
  $('app').hidden = false;
  $('who').hidden = false;
  return true;
}

function signOut() {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  $('app').hidden = true;
  $('who').hidden = true;
  $('signin').hidden = false;
  /** @type {HTMLInputElement} */ ($('signin-token')).value = '';
}

function showInstitution(i) {
  $('who-name').textContent = `${i.name} (${i.slug})`;
  $('who-version').textContent = i.published_version ? String(i.published_version) : 'none';
}

async function refreshInstitution() {
  const r = await api('GET', inst());
  if (r.status === 200) showInstitution(r.data);
}

// --- policy editor and form ------------------------------------------------

const editor = () => /** @type {HTMLTextAreaElement} */ ($('policy-json'));

/** Parses the editor; returns the object or an error message. */
function parseEditor() {
  const text = editor().value.trim() || '{}';
  try {
    const v = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { error: 'The policy must be a JSON object.' };
    return { policy: v };
  } catch (e) {
    return { error: `Not valid JSON: ${e instanceof Error ? e.message : e}` };
  }
}

function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

function setPath(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (!o[k] || typeof o[k] !== 'object') o[k] = {};
    o = o[k];
  }
  const last = keys[keys.length - 1];
  const empty = value === '' || (Array.isArray(value) && value.length === 0);
  if (empty) delete o[last];
  else o[last] = value;
  if (keys.length > 1 && Object.keys(o).length === 0) delete obj[keys[0]];
}

const formFields = () => /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('#settings-form [data-path]'));

/** Fills the form from a policy object. */
function policyToForm(policy) {
  for (const el of formFields()) {
    const v = getPath(policy, el.dataset.path ?? '');
    if (el.hasAttribute('data-list')) el.value = Array.isArray(v) ? v.join('\n') : '';
    else el.value = typeof v === 'string' ? v : '';
  }
}

/** Writes the form's fields into the editor's policy. */
function formToPolicy() {
  const p = parseEditor();
  if (p.error) {
    showValidation(`Fix the JSON before using the form: ${p.error}`, false);
    return;
  }
  const policy = p.policy;
  for (const el of formFields()) {
    const path = el.dataset.path ?? '';
    if (el.hasAttribute('data-list')) {
      setPath(policy, path, el.value.split('\n').map((s) => s.trim()).filter(Boolean));
    } else {
      setPath(policy, path, el.value.trim());
    }
  }
  editor().value = JSON.stringify(policy, null, 2);
  policyChanged();
}

function showValidation(msg, ok) {
  const v = $('validation');
  v.textContent = msg;
  v.className = ok ? 'ok' : 'invalid';
}

let previewTimer = 0;
function policyChanged() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(runPreview, 150);
}

/** Validates the editor in the page and scans the sample. */
function runPreview() {
  const p = parseEditor();
  if (p.error) {
    showValidation(p.error, false);
    return;
  }
  const status = $('preview-status');
  const list = $('preview-results');
  if (!scanner) {
    showValidation('JSON is well formed; the server checks the rest when you save.', true);
    status.textContent = scannerProblem || 'Loading the scanner…';
    return;
  }
  let info;
  try {
    info = scanner.configure(JSON.stringify(p.policy));
  } catch (e) {
    showValidation(`Policy error (checked in this page): ${e instanceof Error ? e.message : e}`, false);
    list.replaceChildren();
    status.textContent = 'Fix the policy to see the preview.';
    return;
  }
  showValidation(`Policy is valid: ${info.rules} rules on.`, true);
  const text = /** @type {HTMLTextAreaElement} */ ($('sample')).value;
  let result;
  try {
    result = scanner.scan(text);
  } catch (e) {
    status.textContent = `The scanner failed: ${e instanceof Error ? e.message : e}`;
    if (scanner.broken) loadModule();
    return;
  }
  const items = result.findings.map((f) => {
    const li = document.createElement('li');
    li.dataset.rule = f.rule;
    const sev = document.createElement('span');
    sev.className = `sev-${f.severity}`;
    sev.textContent = f.severity;
    const what = document.createElement('code');
    // UTF-16 offsets are what JavaScript strings use.
    what.textContent = text.slice(f.start16, f.end16);
    li.append(sev, ' ', f.rule, ' · ', what, ` · ${f.message}`);
    return li;
  });
  list.replaceChildren(...items);
  status.textContent = result.findings.length === 0
    ? 'No findings.'
    : `${result.findings.length} finding(s); highest ${result.summary.risk}${result.summary.intercept ? ', publishing would be stopped for review' : ''}.`;
}

async function loadDraft() {
  const r = await api('GET', inst('/policy/draft'));
  if (r.status !== 200) {
    showValidation(`Could not load the draft: ${r.data?.error ?? r.status}`, false);
    return;
  }
  const policy = r.data.policy ?? {};
  editor().value = JSON.stringify(policy, null, 2);
  policyToForm(policy);
  policyChanged();
}

function actionStatus(msg, ok) {
  const s = $('action-status');
  s.textContent = msg;
  s.className = ok ? 'ok' : 'error';
}

/** Saves the editor as the draft; returns whether the server accepted it. */
async function saveDraft() {
  const p = parseEditor();
  if (p.error) {
    showValidation(p.error, false);
    actionStatus('Not saved.', false);
    return false;
  }
  const r = await api('PUT', inst('/policy/draft'), JSON.stringify(p.policy));
  if (r.status !== 200) {
    const field = r.data?.field ? ` (field ${r.data.field})` : '';
    showValidation(`The server refused the policy${field}: ${r.data?.error ?? r.status}`, false);
    actionStatus('Not saved.', false);
    return false;
  }
  editor().value = JSON.stringify(r.data.policy, null, 2);
  policyToForm(r.data.policy);
  actionStatus('Draft saved.', true);
  loadAudit();
  return true;
}

async function publish() {
  if (!(await saveDraft())) return;
  const r = await api('POST', inst('/policy/publish'));
  if (r.status !== 200) {
    actionStatus(`Not published: ${r.data?.error ?? r.status}`, false);
    return;
  }
  // The status comes last, so that when it shows, the page shows the new version.
  await Promise.all([refreshInstitution(), loadVersions(), loadAudit()]);
  actionStatus(`Published version ${r.data.version}.`, true);
}

async function rollback(version) {
  const r = await api('POST', inst('/policy/rollback'), { version });
  if (r.status !== 200) {
    actionStatus(`Rollback failed: ${r.data?.error ?? r.status}`, false);
    return;
  }
  await Promise.all([refreshInstitution(), loadVersions(), loadDraft(), loadAudit()]);
  actionStatus(`Version ${version} republished as version ${r.data.version}.`, true);
}

// --- tables ----------------------------------------------------------------

function row(cells, extra) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    tr.append(td);
  }
  if (extra) {
    const td = document.createElement('td');
    td.append(extra);
    tr.append(td);
  }
  return tr;
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

/**
 * Fills the table body #id with rows(data), data from a GET of the
 * institution's path; when the request fails, one row says that what could
 * not be loaded.
 * @param {string} id @param {string} path @param {string} what @param {(data: any) => HTMLElement[]} rows
 */
async function loadTable(id, path, what, rows) {
  const r = await api('GET', inst(path));
  const body = $(id);
  if (r.status !== 200) {
    body.replaceChildren(row([`Could not load ${what}: ${r.data?.error ?? r.status}`]));
    return;
  }
  body.replaceChildren(...rows(r.data));
}

function loadVersions() {
  return loadTable('versions', '/policy/versions', 'versions', (data) => {
    const latest = data.versions[0]?.version;
    return data.versions.map((v) => {
      const note = v.source_version ? `rollback to ${v.source_version}` : '';
      const tr = row([String(v.version), v.issued_at, v.actor, v.version === latest ? `${note ? `${note}; ` : ''}live` : note],
        v.version === latest ? undefined : button(`Roll back to ${v.version}`, () => rollback(v.version)));
      tr.dataset.version = String(v.version);
      return tr;
    });
  });
}

function loadCodes() {
  return loadTable('codes', '/enrollment-codes', 'codes', (data) => data.codes.map((c) => row(
    [c.id, c.created_at, c.revoked_at ? `revoked ${c.revoked_at}` : c.expires_at, String(c.uses)],
    c.revoked_at ? undefined : button('Revoke', async () => {
      await api('DELETE', inst(`/enrollment-codes/${encodeURIComponent(c.id)}`));
      loadCodes();
      loadAudit();
    }))));
}

async function newCode() {
  const r = await api('POST', inst('/enrollment-codes'));
  const out = $('new-code-value');
  out.hidden = false;
  out.textContent = r.status === 201
    ? `${r.data.code} (shown once; expires ${r.data.expires_at})`
    : `Could not create a code: ${r.data?.error ?? r.status}`;
  loadCodes();
  loadAudit();
}

function loadCounts() {
  return loadTable('counts', '/counts', 'counts', (data) => {
    $('counts-note').textContent = `A count is shown once at least ${data.threshold} reports back it`
      + (data.withheld ? `; ${data.withheld} smaller count(s) are withheld.` : '.');
    return data.counts.map((c) => row([c.day, c.rule, String(c.count), String(c.reports)]));
  });
}

function loadAudit() {
  return loadTable('audit', '/audit', 'the audit log', (data) => data.entries.map((e) => row([e.at, e.actor, e.action, e.detail])));
}

// --- the in-page scanner ---------------------------------------------------

async function loadModule() {
  scanner = null;
  let mod;
  try {
    mod = await import('./vendor/scanner.js');
  } catch {
    scannerProblem = 'Live preview unavailable: this server was built without the scanner client (run make console-vendor).';
    $('preview-status').textContent = scannerProblem;
    return;
  }
  let res;
  try {
    res = await fetch('scanner.wasm', { cache: 'no-cache' });
  } catch (e) {
    res = null;
  }
  if (!res || !res.ok) {
    let why = res ? `HTTP ${res.status}` : 'network error';
    try { why = (await res?.json())?.error ?? why; } catch { /* keep */ }
    scannerProblem = `Live preview unavailable: ${why}.`;
    $('preview-status').textContent = scannerProblem;
    return;
  }
  try {
    scanner = await mod.loadScanner(await res.arrayBuffer());
    scannerProblem = '';
  } catch (e) {
    scannerProblem = `Live preview unavailable: ${e instanceof Error ? e.message : e}`;
    $('preview-status').textContent = scannerProblem;
    return;
  }
  showDefaults(scanner.configure(null));
  policyChanged();
}

/**
 * Names the engine's own defaults in the "default" choice of each select,
 * with the words of the select's option for that value (the engine is the
 * one definition of the defaults; without it the choice says "default").
 * @param {{min_severity: string, intercept_at: string, enforce: string}} info the default policy's info
 */
function showDefaults(info) {
  for (const [id, value] of [['f-min', info.min_severity], ['f-intercept', info.intercept_at], ['f-enforce', info.enforce]]) {
    const select = /** @type {HTMLSelectElement} */ ($(id));
    const def = [...select.options].find((o) => o.value === '');
    const same = [...select.options].find((o) => o.value !== '' && o.value === value);
    if (def && value) def.textContent = `default (${same?.textContent ?? value})`;
  }
}

// --- wiring ----------------------------------------------------------------

function init() {
  $('signin-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const slug = /** @type {HTMLInputElement} */ ($('signin-slug')).value.trim();
    const token = /** @type {HTMLInputElement} */ ($('signin-token')).value.trim();
    signIn(slug, token);
  });
  $('signout').addEventListener('click', signOut);
  $('settings-form').addEventListener('input', formToPolicy);
  $('settings-form').addEventListener('submit', (ev) => ev.preventDefault());
  editor().addEventListener('input', () => {
    const p = parseEditor();
    if (!p.error) policyToForm(p.policy);
    policyChanged();
  });
  $('sample').addEventListener('input', policyChanged);
  $('save').addEventListener('click', saveDraft);
  $('publish').addEventListener('click', publish);
  $('new-code').addEventListener('click', newCode);
  loadModule();
  const saved = sessionStorage.getItem(SESSION_KEY);
  if (saved) {
    try {
      const s = JSON.parse(saved);
      if (s && typeof s.slug === 'string' && typeof s.token === 'string') signIn(s.slug, s.token);
    } catch { sessionStorage.removeItem(SESSION_KEY); }
  }
}

init();
