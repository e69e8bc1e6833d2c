// Reconnection delays: exponential backoff with full jitter, capped, so a thousand widgets
// whose network came back at the same moment do not all call at once. Pure (the random source
// is a parameter), unit-tested in tests/browser/unit.

/**
 * The delay in milliseconds before attempt number `attempt` (0 = the first retry).
 * @param {number} attempt
 * @param {{base?: number, cap?: number, random?: () => number}} [opts]
 */
export function backoff(attempt, { base = 500, cap = 15000, random = Math.random } = {}) {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt));
  // Full jitter, but never less than a quarter of the base: no busy loop on a dead network.
  return Math.max(base / 4, Math.floor(random() * ceiling));
}

/**
 * A promise that resolves after `ms`, or rejects when `signal` aborts. The abort listener is
 * removed when the time is up, so one signal can serve any number of sleeps.
 */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason ?? new Error('aborted'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A signal that aborts when either does: a pause or a long-poll that both a stop and a nudge
 * may cut short. `AbortSignal.any` where the browser has it (not before Safari 17.4).
 */
export function either(a, b) {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const c = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}
