// @ts-check
// The toolbar popup: is checking active on this page (and why not), the
// scanner's state, the policy in force, the findings in the current composer.
import { api, send } from '../ext.js';
import { siteList } from '../sites.js';
import { SEVERITY_LABEL } from '../severity.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

async function main() {
  const state = await send({ kind: 'state' });
  /** @type {any} */
  let tabState = null;
  /** @type {any} */
  let tab = null;
  try {
    // ?tab=ID names the tab (the popup opened as a page, e.g. by tests); otherwise the active tab.
    const named = Number(new URLSearchParams(location.search).get('tab'));
    [tab] = Number.isInteger(named) && named > 0 ? [await api.tabs.get(named)] : await api.tabs.query({ active: true, currentWindow: true });
    if (tab?.id !== undefined && !tab.url?.startsWith(location.origin)) {
      tabState = await api.tabs.sendMessage(tab.id, { kind: 'page.state' }).catch(() => null);
    }
  } catch { tabState = null; }

  const pageEl = $('page');
  if (!tabState) {
    pageEl.textContent = `Not checking on this page: Discreet only checks ${siteList()}.`;
    pageEl.dataset.state = 'off';
    offerSite(state, tab);
  } else if (!tabState.enabled) {
    pageEl.textContent = `Not checking on this page: ${tabState.reason}`;
    pageEl.dataset.state = 'off';
  } else {
    pageEl.textContent = `Checking posts on this page (${tabState.composers} composer${tabState.composers === 1 ? '' : 's'}).`;
    pageEl.dataset.state = 'on';
  }

  const sc = $('scanner');
  const scanErr = tabState?.error || state?.status?.scannerError || state?.status?.scanner?.error || '';
  if (state?.error) {
    sc.textContent = `Discreet is not checking: ${state.error}`;
    sc.dataset.state = 'error';
  } else if (scanErr) {
    sc.textContent = `Discreet is not checking: ${scanErr}`;
    sc.dataset.state = 'error';
  } else {
    sc.textContent = 'The checker is ready. Your text is checked on this device and never sent.';
    sc.dataset.state = 'ok';
  }

  const pol = $('policy');
  if (state?.policy) {
    pol.textContent = `${state.policy.name || 'Institution policy'} — version ${state.policy.version}, ${state.enrollment?.institution ?? state.policy.slug}`;
  } else {
    pol.textContent = state?.enrollment ? `Enrolled with ${state.enrollment.institution}; using the default rules until the policy arrives.` : 'Default rules (not enrolled with an institution).';
  }
  if (state?.status?.policyError) pol.textContent += ` (the institution's policy could not be used: ${state.status.policyError})`;

  const ul = $('findings');
  ul.textContent = '';
  const fs = tabState?.findings ?? [];
  if (!fs.length) {
    const li = document.createElement('li');
    li.textContent = tabState ? 'Nothing flagged.' : '—';
    ul.append(li);
  }
  for (const f of fs) {
    const li = document.createElement('li');
    li.dataset.rule = f.rule;
    li.dataset.severity = f.severity;
    if (f.source) li.dataset.source = f.source;
    li.textContent = `${SEVERITY_LABEL[f.severity] ?? f.severity}: ${f.message}`;
    ul.append(li);
  }
}
/**
 * "Check this site": asks the browser for this origin (its own prompt), then
 * has the background register the content script there and start in this tab.
 * @param {any} state @param {any} tab
 */
function offerSite(state, tab) {
  let origin = '';
  try {
    const u = new URL(tab?.url ?? '');
    if (u.protocol === 'https:' || (u.protocol === 'http:' && /^(localhost|127\.0\.0\.1)$/.test(u.hostname))) origin = u.origin;
  } catch { origin = ''; }
  if (!origin || !state?.settings?.check_other_sites) return;
  $('add').hidden = false;
  const btn = /** @type {HTMLButtonElement} */ ($('check-site'));
  btn.textContent = `Check ${new URL(origin).hostname}`;
  btn.addEventListener('click', async () => {
    const ok = await api.permissions.request({ origins: [`${origin}/*`] }).catch(() => false);
    if (!ok) { $('add-msg').textContent = 'Not added: the browser did not grant access to this site.'; return; }
    const r = await send({ kind: 'site.add', url: tab.url, tabId: tab.id });
    $('add-msg').textContent = r.error ? `Not added: ${r.error}` : `Discreet now checks posts on ${new URL(origin).hostname}. Remove it in the options.`;
    if (!r.error) { btn.disabled = true; $('page').dataset.state = 'on'; }
  });
}

main();
