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
 * Sends a message to the extension's background; one retry when nothing
 * answered (a service worker restarting). Resolves to the answer or to
 * {error} — it never rejects and never waits more than ANSWER_TIMEOUT_MS a try.
 * @param {any} msg @param {number} [timeoutMs] @returns {Promise<any>}
 */
export async function send(msg, timeoutMs = ANSWER_TIMEOUT_MS) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await sendOnce(msg, timeoutMs);
    if (!res.error || attempt === 1 || !String(res.error).startsWith(NO_ANSWER)) return res;
  }
  return { error: NO_ANSWER };
}

/** The start of every {error} that means nothing answered. */
export const NO_ANSWER = 'the extension did not answer';

/** A message that is never answered is given up after this long. */
export const ANSWER_TIMEOUT_MS = 5000;

/**
 * Sends a message once; resolves to the answer or to {error}, never rejects.
 * @param {any} msg @param {number} [timeoutMs] @returns {Promise<any>}
 */
export async function sendOnce(msg, timeoutMs = ANSWER_TIMEOUT_MS) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  try {
    const res = await Promise.race([
      api.runtime.sendMessage(msg),
      new Promise((resolve) => { timer = setTimeout(() => resolve({ error: `${NO_ANSWER} in ${timeoutMs} ms` }), timeoutMs); }),
    ]);
    return res === undefined || res === null ? { error: NO_ANSWER } : res;
  } catch (e) {
    return { error: `${NO_ANSWER}: ${e instanceof Error ? e.message : e}` };
  } finally {
    clearTimeout(timer);
  }
}

/** The extension's own URL for a path. @param {string} path */
export function url(path) {
  return api.runtime.getURL(path);
}
