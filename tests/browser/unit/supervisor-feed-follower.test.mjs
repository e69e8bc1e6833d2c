// Following the account feed (feed-follower.js): cursor handling, retries, stop.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { followFeed } from '../../../crates/chatwire-api/web/ui/console/supervisor/feed-follower.js';

/** A fake feed answering from a script of answers (objects or errors), then parking. */
function fakeFeed(script) {
  const calls = [];
  return {
    calls,
    feed: ({ after, signal }) => {
      calls.push(after);
      const next = script.shift();
      if (next instanceof Error) return Promise.reject(next);
      if (next) return Promise.resolve(next);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    },
  };
}
const httpError = (status) => Object.assign(new Error(`HTTP ${status}`), { status, transient: status === 0 || status >= 500 });
const settle = () => new Promise((r) => setTimeout(r, 5));
/** Waits (up to 2 s, for a busy machine) until `check()` holds. */
async function until(check) {
  for (let i = 0; i < 400 && !check(); i++) await settle();
}

test('the cursor follows next, and only after the page was handled', async () => {
  const api = fakeFeed([{ events: [{ seq: 5 }, { seq: 6 }], next: 6 }, { events: [], next: 6 }, { events: [{ seq: 7 }], next: 7 }]);
  const seen = [];
  const f = followFeed({ api, after: 4, onEvents: (e) => seen.push(...e.map((x) => x.seq)) });
  await until(() => api.calls.length === 4);
  assert.deepEqual(api.calls, [4, 6, 6, 7]);
  assert.deepEqual(seen, [5, 6, 7]);
  assert.equal(f.cursor(), 7);
  f.stop();
});

test('a failed handler re-reads the same page; transient errors retry with backoff', async () => {
  const api = fakeFeed([{ events: [{ seq: 5 }], next: 5 }, httpError(0), httpError(503), { events: [{ seq: 5 }], next: 5 }]);
  let fail = true;
  const delays = [];
  const states = [];
  const f = followFeed({
    api,
    after: 4,
    onEvents: () => {
      if (fail) {
        fail = false;
        throw httpError(502);
      }
    },
    onState: (s) => states.push(s.connected ? 'up' : `down${s.attempt}`),
    backoff: (attempt) => (delays.push(attempt), 1),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
  await until(() => api.calls.length === 5);
  assert.deepEqual(api.calls, [4, 4, 4, 4, 5]);
  assert.deepEqual(delays, [0, 1, 2]);
  assert.deepEqual(states, ['up', 'down1', 'down2', 'down3', 'up']);
  f.stop();
});

test('a refusal (403: no longer an admin) stops following and says why', async () => {
  const api = fakeFeed([httpError(403)]);
  let last;
  followFeed({ api, after: 0, onEvents: () => {}, onState: (s) => (last = s) });
  await until(() => last);
  assert.equal(last.stopped, true);
  assert.equal(last.error.status, 403);
  assert.deepEqual(api.calls, [0]);
});

test('stop ends a parked long-poll without reporting an error', async () => {
  const api = fakeFeed([]);
  const states = [];
  const f = followFeed({ api, after: 0, onEvents: () => {}, onState: (s) => states.push(s) });
  await until(() => api.calls.length === 1);
  f.stop();
  await settle();
  assert.deepEqual(states, []);
  assert.deepEqual(api.calls, [0]);
});

test('nudge drops a parked long-poll or a backoff and asks again at once, same cursor', async () => {
  const api = fakeFeed([{ events: [{ seq: 2 }], next: 2 }]);
  const f = followFeed({ api, after: 1, onEvents: () => {}, backoff: () => 60_000 });
  await until(() => api.calls.length === 2);
  assert.deepEqual(api.calls, [1, 2]);
  f.nudge();
  await until(() => api.calls.length === 3);
  assert.deepEqual(api.calls, [1, 2, 2]);
  f.stop();

  // In a long backoff after a network error, a nudge retries now.
  const api2 = fakeFeed([httpError(0), { events: [], next: 0 }]);
  let down = false;
  const f2 = followFeed({ api: api2, after: 0, onEvents: () => {}, backoff: () => 60_000, onState: (st) => (down ||= !st.connected) });
  await until(() => down);
  assert.deepEqual(api2.calls, [0]);
  f2.nudge();
  await until(() => api2.calls.length === 3);
  assert.deepEqual(api2.calls, [0, 0, 0]);
  f2.stop();
});
