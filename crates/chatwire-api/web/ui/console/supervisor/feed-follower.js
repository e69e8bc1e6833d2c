// Follows the account feed from a cursor with long-polls (`GET …/feed?after=&wait=`), DOM-free.
// `fetch` cannot be told to keep an EventSource's Authorization header, so this long-polls
// instead of using the SSE stream. The cursor moves only after a page was handled, so a
// failure in between re-reads that page instead of losing it; transient errors (network,
// 5xx, 429) retry with backoff, others (401, 403: the login ended or lost the admin right)
// stop the loop and are reported. `nudge()` drops the current wait and asks again at once:
// the page calls it when the browser says the network is back (or gone), because a
// long-poll on a dead network would otherwise only notice at its timeout.

import { backoff as defaultBackoff, either, sleep as defaultSleep } from '../../lib/retry.js';

/**
 * Starts following. `api.feed({after, wait, limit, signal})` answers `{events, next}`.
 * `onEvents(events)` may be async; `onState({connected, error, attempt, stopped})` reports
 * the connection for the page's status line. Returns `{stop(), nudge(), cursor()}`.
 * @param {{api: {feed: Function}, after: number, onEvents: Function, onState?: Function,
 *   wait?: number, limit?: number, backoff?: Function, sleep?: Function}} opts
 */
export function followFeed({ api, after, onEvents, onState = () => {}, wait = 25, limit = 500, backoff = defaultBackoff, sleep = defaultSleep }) {
  const ctl = new AbortController();
  let wake = new AbortController();
  let cursor = after;
  (async () => {
    let attempt = 0;
    let connected = false;
    while (!ctl.signal.aborted) {
      try {
        const page = await api.feed({ after: cursor, wait, limit, signal: either(ctl.signal, wake.signal) });
        if (ctl.signal.aborted) return;
        if (!connected) onState({ connected: true, attempt: 0 });
        connected = true;
        attempt = 0;
        const events = page?.events || [];
        if (events.length) await onEvents(events);
        cursor = typeof page?.next === 'number' ? Math.max(cursor, page.next) : cursor;
      } catch (e) {
        if (ctl.signal.aborted) return;
        if (wake.signal.aborted) {
          // Nudged: ask again at once, whatever the backoff said.
          wake = new AbortController();
          continue;
        }
        if (e && e.transient === false) {
          onState({ connected: false, error: e, stopped: true });
          return;
        }
        connected = false;
        onState({ connected: false, error: e, attempt: attempt + 1 });
        try {
          await sleep(backoff(attempt), either(ctl.signal, wake.signal));
        } catch {
          if (ctl.signal.aborted) return;
          wake = new AbortController();
        }
        attempt += 1;
      }
    }
  })();
  return {
    stop: () => ctl.abort(new Error('stopped')),
    /** Drops the current wait or backoff and asks the feed again now. */
    nudge: () => wake.abort(new Error('nudged')),
    /** The cursor: the last sequence number handled. */
    cursor: () => cursor,
  };
}
