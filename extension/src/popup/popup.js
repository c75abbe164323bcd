// @ts-check
// The toolbar popup: is checking active on this page (and why not), the
// scanner's state, the policy in force, the findings in the current composer.
import { api, send } from '../ext.js';
import { siteList } from '../sites.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const SEV = /** @type {Record<string, string>} */ ({ block: 'Do not post', warn: 'Second look', info: 'Note' });

async function main() {
  const state = await send({ kind: 'state' });
  /** @type {any} */
  let tabState = null;
  try {
    // ?tab=ID names the tab (the popup opened as a page, e.g. by tests); otherwise the active tab.
    const named = Number(new URLSearchParams(location.search).get('tab'));
    const [tab] = Number.isInteger(named) && named > 0 ? [await api.tabs.get(named)] : await api.tabs.query({ active: true, currentWindow: true });
    if (tab?.id !== undefined && !tab.url?.startsWith(location.origin)) {
      tabState = await api.tabs.sendMessage(tab.id, { kind: 'page.state' }).catch(() => null);
    }
  } catch { tabState = null; }

  const pageEl = $('page');
  if (!tabState) {
    pageEl.textContent = `Not checking on this page: Discreet only checks ${siteList()}.`;
    pageEl.dataset.state = 'off';
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
    li.textContent = `${SEV[f.severity] ?? f.severity}: ${f.message}`;
    ul.append(li);
  }
}
main();
