// One JSON-over-HTTP call with a timeout, shared by the widget and the console. Errors are
// thrown as `HttpError` with the status and the server's message, whichever dialect wrote it
// (LivePerson `{"error":{"message"}}` or `{"Message"}`, chatwire's `{"error":{"message"}}`), so
// a page can show the reason. A network failure or timeout is an `HttpError` with status 0.

/**
 * A failed call: `status` 0 for the network (offline, timeout), else the HTTP status.
 * `retryAfterMs` is the server's `Retry-After` (a 429 or 503 may send one), else null.
 */
export class HttpError extends Error {
  constructor(status, message, body, retryAfterMs = null) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }

  /** Whether retrying the same call later may succeed (network, 5xx, 429). */
  get transient() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/**
 * Calls `url`. `opts`: method, headers, json (a body to send as JSON), timeoutMs (default
 * 30 s; a long-poll passes its wait plus a margin), signal (abort from outside), fetch (for
 * tests). Returns `{status, headers, body}` where body is parsed JSON, or null when empty.
 */
export async function request(url, opts = {}) {
  const { method = 'GET', headers = {}, json, timeoutMs = 30000, signal, fetch: f = globalThis.fetch } = opts;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new Error('timeout')), timeoutMs);
  const onAbort = () => ctl.abort(signal.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let res;
  try {
    res = await f(url, {
      method,
      headers: { Accept: 'application/json', ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: json !== undefined ? JSON.stringify(json) : undefined,
      signal: ctl.signal,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new HttpError(0, `network: ${e?.message ?? e}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  let text;
  try {
    text = await res.text();
  } catch (e) {
    throw new HttpError(0, `network: ${e?.message ?? e}`);
  }
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!res.ok) throw new HttpError(res.status, messageOf(body) ?? `HTTP ${res.status}`, body, retryAfterMs(res.headers?.get?.('Retry-After')));
  return { status: res.status, headers: res.headers, body };
}

/** The human message in an error body of any of the server's formats. */
export function messageOf(body) {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body ? body : null;
  const e = body.error ?? body.Error;
  if (e && typeof e === 'object') return e.message ?? e.Message ?? e.internalCode ?? null;
  if (typeof e === 'string') return e;
  return body.Message ?? body.message ?? null;
}

/**
 * A `Retry-After` header in milliseconds from now (delay-seconds or an HTTP date), or null
 * when absent or unreadable. `now` is a parameter for tests.
 */
export function retryAfterMs(value, now = Date.now()) {
  if (value == null || value === '') return null;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}
