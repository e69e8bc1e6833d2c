// The console's two long-polls, DOM-free: the ring count (`incomingRequests?wait=`) and the
// multi-chat retrieve for every open chat in one request. Both reconnect with backoff on
// network and server errors and resume from their cursors; the chat poll restarts at once when
// the set of chats changes. Timers are parameters, so unit tests run them without waiting.

import { backoff as defaultBackoff, either, sleep as defaultSleep } from '../../lib/retry.js';

/**
 * How long the chat poll waits. A new line or a typing indicator that changes ends the wait at
 * once (docs/realtime.md), so this only bounds how long an idle connection stays open.
 */
export const CHAT_WAIT_SECS = 25;
/** How long the ring poll waits for something to ring. */
export const RING_WAIT_SECS = 25;
/** While something rings, the ring poll answers at once; look again after this. */
export const RINGING_RECHECK_MS = 2000;

/**
 * Calls `draw(update)` for each update, each in its own try: one panel that fails to draw
 * costs neither the other chats' lines (their cursors have already moved) nor the poll.
 * `onError(error, update)` hears about each failure.
 */
export function drawEach(updates, draw, onError) {
  for (const u of updates) {
    try {
      draw(u);
    } catch (e) {
      onError(e, u);
    }
  }
}

/**
 * Polls every chat of `set` with one request at a time. `client.chats(query, {wait, signal})`;
 * `onUpdates(updates)` gets what `set.merge` returns; `onError(error, retryInMs)` on a failed
 * poll; `onOk()` after the first good answer following errors. Returns `{stop(), nudge()}`:
 * `nudge()` drops the poll that is out and any backoff pause and asks again now (the browser
 * went offline or came back: a parked long-poll would otherwise notice only at its end).
 */
export function startChatPoll({ client, set, onUpdates, onError = () => {}, onOk = () => {}, wait = CHAT_WAIT_SECS, sleep = defaultSleep, backoff = defaultBackoff }) {
  const stopper = new AbortController();
  let attempt = 0;
  let inFlight = null;
  let pause = null;
  // A change of the set aborts the poll that is out, so the next one names the new chats.
  const watchSet = async () => {
    while (!stopper.signal.aborted) {
      await set.nextChange(stopper.signal);
      inFlight?.abort(new Error('restart'));
    }
  };
  const loop = async () => {
    while (!stopper.signal.aborted) {
      const query = set.query();
      if (!query) {
        await set.nextChange(stopper.signal);
        continue;
      }
      const sentKeys = query.chatSessionKeys.split(',');
      const version = set.version;
      inFlight = new AbortController();
      try {
        const answer = await client.chats(query, { wait, signal: inFlight.signal });
        if (stopper.signal.aborted) return;
        // An answer to a request for another set is still good for the chats it names.
        const updates = set.merge(answer, version === set.version ? sentKeys : []);
        if (attempt > 0) onOk();
        attempt = 0;
        onUpdates(updates);
      } catch (e) {
        if (stopper.signal.aborted) return;
        if (inFlight.signal.aborted) continue; // the set changed: poll again at once
        const delay = backoff(attempt++);
        onError(e, delay);
        pause = new AbortController();
        try {
          await sleep(delay, either(stopper.signal, pause.signal));
        } catch {
          if (stopper.signal.aborted) return; // else nudged: ask again now
        } finally {
          pause = null;
        }
      } finally {
        inFlight = null;
      }
    }
  };
  watchSet();
  const done = loop();
  return {
    stop() {
      stopper.abort(new Error('stopped'));
      inFlight?.abort(new Error('stopped'));
    },
    nudge() {
      inFlight?.abort(new Error('nudge'));
      pause?.abort(new Error('nudge'));
    },
    done,
  };
}

/**
 * Long-polls the ring count. `onCount(n)` after every answer; `onError(e, retryInMs)` on a
 * failed one. `poke()` asks again now (after an accept). Returns `{stop(), poke()}`.
 */
export function startRingPoll({ client, onCount, onError = () => {}, wait = RING_WAIT_SECS, recheckMs = RINGING_RECHECK_MS, sleep = defaultSleep, backoff = defaultBackoff }) {
  const stopper = new AbortController();
  let attempt = 0;
  let pause = null;
  let inFlight = null;
  // Ask without waiting first, after a poke and while something rings: the long-poll only
  // answers early when something rings, so a count that dropped to 0 would show 25 s late.
  let askNow = true;
  const loop = async () => {
    while (!stopper.signal.aborted) {
      inFlight = new AbortController();
      let delay = 0;
      try {
        const count = await client.ringing({ wait: askNow ? 0 : wait, signal: inFlight.signal });
        attempt = 0;
        askNow = count > 0;
        onCount(count);
        // The long-poll answers at once while anything rings: look again a little later.
        if (count > 0) delay = recheckMs;
      } catch (e) {
        if (stopper.signal.aborted) return;
        if (!inFlight.signal.aborted) {
          delay = backoff(attempt++);
          onError(e, delay);
        }
      }
      if (stopper.signal.aborted) return;
      if (delay) {
        pause = new AbortController();
        try {
          await sleep(delay, either(stopper.signal, pause.signal));
        } catch {
          /* poked or stopped: the loop condition decides */
        }
        pause = null;
      }
    }
  };
  const done = loop();
  return {
    stop() {
      stopper.abort(new Error('stopped'));
      inFlight?.abort(new Error('stopped'));
      pause?.abort(new Error('stopped'));
    },
    poke() {
      askNow = true;
      inFlight?.abort(new Error('poke'));
      pause?.abort(new Error('poke'));
    },
    done,
  };
}
