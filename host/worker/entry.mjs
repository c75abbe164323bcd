// The worker's entry: the hot routes in JavaScript (hot.mjs), everything
// else through syumai/workers' generated shim to the Go handler, and the
// RateLimiter Durable Object that keeps the Go handler's rate limits.
import goWorker from './build/worker.mjs';
import { hotPath } from './hot.mjs';

export default {
  /** @param {Request} req @param {Record<string, any>} env @param {any} ctx */
  async fetch(req, env, ctx) {
    return (await hotPath(req, env)) ?? goWorker.fetch(req, env, ctx);
  },
};

/**
 * One token bucket (server.Limiter's algorithm; the rate comes with each
 * request from server.DefaultRates) per class and key: the Go side names
 * the object "class:key". take 0 only looks.
 */
export class RateLimiter {
  constructor() {
    /** @type {number | null} */
    this.tokens = null;
    this.last = 0;
  }

  /** @param {Request} req */
  async fetch(req) {
    const { per_second: rate, burst, take } = await req.json();
    const now = Date.now() / 1000;
    if (this.tokens === null) { this.tokens = burst; this.last = now; }
    this.tokens = Math.min(burst, this.tokens + (now - this.last) * rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= take;
      return Response.json({ ok: true, wait_ms: 0 });
    }
    return Response.json({ ok: false, wait_ms: Math.ceil((1 - this.tokens) / rate * 1000) });
  }
}
