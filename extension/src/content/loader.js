// Discreet's content script entry (a classic script: manifests cannot load
// content scripts as modules). It loads main.js, a plain ES module, once per
// page even if the browser injects this file twice.
(() => {
  const g = /** @type {any} */ (globalThis);
  if (g.__discreetLoader) return;
  g.__discreetLoader = true;
  const api = g.browser ?? g.chrome;
  import(api.runtime.getURL('src/content/main.js')).catch((e) => {
    // Fail open: the page works as before; say so where the user can see it.
    const el = document.createElement('discreet-overlay');
    el.setAttribute('data-status', 'error');
    el.attachShadow({ mode: 'open' }).textContent = 'Discreet is not checking: ' + String(e && e.message || e);
    document.documentElement.append(el);
  });
})();
