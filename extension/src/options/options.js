// @ts-check
// The options page: enrollment, per-site switches, info findings, opt-in
// counts. Settings pushed by the organisation (managed storage) are shown
// and locked.
import { send } from '../ext.js';
import { SITE_TABLE } from '../sites.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const LOCK = 'Set by your organisation';

/** @param {HTMLInputElement} el @param {boolean} locked */
function lock(el, locked) {
  el.disabled = locked;
  el.closest('label')?.classList.toggle('locked', locked);
  if (locked) { el.title = LOCK; el.dataset.locked = 'true'; } else { el.removeAttribute('title'); delete el.dataset.locked; }
}

// One switch per site of the table.
for (const site of SITE_TABLE) {
  const label = document.createElement('label');
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.dataset.site = site.id;
  label.append(input, ` ${site.name}`);
  document.getElementById('sites')?.append(label);
}

async function load() {
  const st = await send({ kind: 'state' });
  if (st.error) { $('msg').textContent = st.error; return; }
  const s = st.settings;
  const locked = new Set(st.locked);
  $('backend_url').value = st.enrollment?.backend_url ?? s.backend_url;
  $('enrollment_code').value = s.enrollment_code;
  lock($('backend_url'), locked.has('backend_url'));
  lock($('enrollment_code'), locked.has('enrollment_code'));
  $('enrolled').textContent = st.enrollment
    ? `Enrolled with ${st.enrollment.institution}${st.policy ? `, policy version ${st.policy.version}` : ''}.`
    : 'Not enrolled: the default rules apply.';
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('[data-site]'))) {
    const site = /** @type {string} */ (el.dataset.site);
    el.checked = s.sites[site];
    lock(el, locked.has('sites.' + site));
  }
  for (const k of ['show_info', 'counts_opt_in']) {
    $(k).checked = s[k];
    lock($(k), locked.has(k));
  }
  const ul = /** @type {HTMLElement} */ (document.getElementById('extra-sites'));
  ul.textContent = '';
  const extra = st.extra_sites ?? [];
  const none = /** @type {HTMLElement} */ (document.getElementById('extra-none'));
  none.dataset.text ??= none.textContent ?? '';
  none.hidden = extra.length > 0 && s.check_other_sites;
  none.textContent = s.check_other_sites ? none.dataset.text : 'Your organisation does not allow Discreet to check other sites.';
  if (s.check_other_sites) delete none.dataset.locked; else none.dataset.locked = 'true';
  for (const origin of extra) {
    const li = document.createElement('li');
    li.dataset.origin = origin;
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = 'Remove';
    b.addEventListener('click', async () => { await send({ kind: 'site.remove', origin }); await load(); });
    li.append(`${origin}${s.check_other_sites ? '' : ' (not checked: your organisation does not allow added sites)'} `, b);
    ul.append(li);
  }
  const words = /** @type {HTMLTextAreaElement} */ (document.getElementById('personal_words'));
  words.value = (st.personal_words ?? []).join('\n');
  const off = s.personal_words === 'off';
  words.disabled = off;
  /** @type {HTMLButtonElement} */ (document.getElementById('save-words')).disabled = off;
  if (off) $('words-msg').textContent = 'Your organisation does not allow a personal word list.';
  else if (s.personal_words === 'non_identifiers') $('words-msg').textContent = 'Your organisation keeps patient identifiers (names, numbers, dates) flagged even when listed here.';
}

/** @param {Record<string, any>} patch */
async function save(patch) {
  const r = await send({ kind: 'settings.set', patch });
  $('msg').textContent = r.error ? r.error : 'Saved.';
  await load();
}

for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('[data-site]'))) {
  el.addEventListener('change', () => save({ sites: { [/** @type {string} */ (el.dataset.site)]: el.checked } }));
}
for (const k of ['show_info', 'counts_opt_in']) $(k).addEventListener('change', () => save({ [k]: $(k).checked }));

document.getElementById('save-words')?.addEventListener('click', async () => {
  const words = /** @type {HTMLTextAreaElement} */ (document.getElementById('personal_words')).value.split('\n');
  const r = await send({ kind: 'words.set', words });
  $('words-msg').textContent = r.error ? r.error : 'Saved.';
  await load();
});
document.getElementById('enroll')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  $('enroll-msg').textContent = 'Enrolling…';
  const r = await send({ kind: 'enroll', backend_url: $('backend_url').value.trim(), code: $('enrollment_code').value.trim() }, 60000);
  $('enroll-msg').textContent = r.error ? `Could not enroll: ${r.error}` : `Enrolled with ${r.institution}.`;
  await load();
});
document.getElementById('refresh')?.addEventListener('click', async () => {
  const r = await send({ kind: 'refresh' }, 60000);
  $('enroll-msg').textContent = r.error ? `Could not refresh: ${r.error}` : r.status === 'not-enrolled' ? 'Not enrolled.' : `Policy ${r.status === 'updated' ? 'updated' : 'unchanged'} (version ${r.version}).`;
  await load();
});
load();
