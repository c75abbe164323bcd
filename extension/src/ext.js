// @ts-check
// A thin wrapper over the browser's extension API (chrome.* in Chromium,
// browser.* or chrome.* in Firefox). Reads never throw: a missing area, a
// closed context or a policy-less managed area all read as undefined, so
// callers only deal with values.

/** @type {typeof chrome} */
export const api = /** @type {any} */ (globalThis).browser ?? globalThis.chrome;

/** @param {'local' | 'session' | 'managed'} area */
function areaOf(area) {
  try {
    return api?.storage?.[area];
  } catch {
    return undefined;
  }
}

/**
 * @param {'local' | 'session' | 'managed'} area
 * @param {string | string[] | null} keys
 * @returns {Promise<Record<string, any>>}
 */
export async function readArea(area, keys) {
  const a = areaOf(area);
  if (!a) return {};
  try {
    const bin = await a.get(keys);
    return bin && typeof bin === 'object' ? bin : {};
  } catch {
    return {};
  }
}

/** @param {'local' | 'session' | 'managed'} area @param {string} key */
export async function read(area, key) {
  return (await readArea(area, key))[key];
}

/** @param {string} key @param {any} value */
export async function writeLocal(key, value) {
  const a = areaOf('local');
  if (!a) throw new Error('storage is not available');
  await a.set({ [key]: value });
}

/** @param {string} key */
export async function removeLocal(key) {
  const a = areaOf('local');
  if (a) await a.remove(key);
}

/**
 * Sends a message to the extension's background; one retry when the
 * receiving end is gone (a service worker restarting). Resolves to the
 * answer or to {error} — it never rejects.
 * @param {any} msg @returns {Promise<any>}
 */
export async function send(msg) {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const res = await api.runtime.sendMessage(msg);
      if (res !== undefined) return res;
    } catch (e) {
      if (attempt === 1) return { error: `the extension did not answer: ${e instanceof Error ? e.message : e}` };
    }
  }
  return { error: 'the extension did not answer' };
}

/**
 * Sends a message once; resolves to the answer or to {error}, never rejects.
 * @param {any} msg @returns {Promise<any>}
 */
export async function sendOnce(msg) {
  try {
    const res = await api.runtime.sendMessage(msg);
    return res === undefined ? { error: 'no answer' } : res;
  } catch (e) {
    return { error: `the extension did not answer: ${e instanceof Error ? e.message : e}` };
  }
}

/** The extension's own URL for a path. @param {string} path */
export function url(path) {
  return api.runtime.getURL(path);
}
