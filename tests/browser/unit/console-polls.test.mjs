// The agent console's long-polls with a fake client: one request for every open chat, a
// restart when the set changes, reconnecting with backoff after errors and resuming from the
// cursors, and the ring poll's pause while something rings.
import assert from 'node:assert/strict';
import test from 'node:test';

import { ChatSet } from '../../../crates/chatwire-api/web/ui/console/agent/chat-set.js';
import { drawEach, startChatPoll, startRingPoll } from '../../../crates/chatwire-api/web/ui/console/agent/polls.js';
import { HttpError } from '../../../crates/chatwire-api/web/ui/lib/http.js';

/** A fake `client.chats` whose calls the test answers one by one. */
function fakeChats() {
  const calls = [];
  let notify = null;
  const client = {
    chats(query, { signal }) {
      return new Promise((resolve, reject) => {
        const call = { query, resolve, reject, signal };
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        calls.push(call);
        notify?.();
      });
    },
  };
  const next = async (n) => {
    while (calls.length < n) await new Promise((r) => (notify = r));
    return calls[n - 1];
  };
  return { client, calls, next };
}
const chat = (key, ids) => ({ info: { chatSessionKey: key }, events: { event: ids.map((id) => ({ id, type: 'line', text: `${key}${id}` })) } });
const noSleep = () => Promise.resolve();

test('one poll asks for every open chat, and merges per chat', async () => {
  const { client, next } = fakeChats();
  const set = new ChatSet();
  set.add('A');
  set.add('B');
  const got = [];
  const poll = startChatPoll({ client, set, onUpdates: (u) => got.push(...u), sleep: noSleep });
  const c1 = await next(1);
  assert.deepEqual(c1.query, { chatSessionKeys: 'A,B', fromEventIds: '0,0' });
  c1.resolve([chat('A', [0, 1]), chat('B', [0])]);
  const c2 = await next(2);
  assert.deepEqual(c2.query, { chatSessionKeys: 'A,B', fromEventIds: '2,1' });
  assert.deepEqual(got.map((u) => `${u.key}:${u.events.length}`), ['A:2', 'B:1']);
  poll.stop();
});

test('adding a chat aborts the poll that is out and asks again with the new set', async () => {
  const { client, next } = fakeChats();
  const set = new ChatSet();
  set.add('A');
  const poll = startChatPoll({ client, set, onUpdates: () => {}, sleep: noSleep });
  const c1 = await next(1);
  set.add('B');
  const c2 = await next(2);
  assert.equal(c1.signal.aborted, true);
  assert.deepEqual(c2.query, { chatSessionKeys: 'A,B', fromEventIds: '0,0' });
  poll.stop();
});

test('with no chat open nothing is polled until one opens', async () => {
  const { client, calls, next } = fakeChats();
  const set = new ChatSet();
  const poll = startChatPoll({ client, set, onUpdates: () => {}, sleep: noSleep });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(calls.length, 0);
  set.add('A');
  assert.equal((await next(1)).query.chatSessionKeys, 'A');
  poll.stop();
});

test('a network error is reported with the backoff delay, and the next poll resumes from the cursor', async () => {
  const { client, next } = fakeChats();
  const set = new ChatSet();
  set.add('A');
  const errors = [];
  const delays = [];
  let recovered = 0;
  const poll = startChatPoll({
    client,
    set,
    onUpdates: () => {},
    onError: (e, d) => errors.push([e.status, d]),
    onOk: () => recovered++,
    backoff: (attempt) => (delays.push(attempt), 100 * (attempt + 1)),
    sleep: noSleep,
  });
  (await next(1)).resolve([chat('A', [0, 1, 2])]);
  (await next(2)).reject(new HttpError(0, 'network: down'));
  (await next(3)).reject(new HttpError(503, 'unavailable'));
  const c4 = await next(4);
  assert.equal(c4.query.fromEventIds, '3');
  c4.resolve([chat('A', [2, 3])]); // 2 again (a retried answer): not handed out twice
  await next(5);
  assert.deepEqual(errors, [[0, 100], [503, 200]]);
  assert.deepEqual(delays, [0, 1]);
  assert.equal(recovered, 1);
  assert.equal(set.query().fromEventIds, '4');
  poll.stop();
});

test('the ring poll reports counts, pauses while something rings and retries errors', async () => {
  const answers = [0, 1, new HttpError(0, 'network: down'), 0];
  const waits = [];
  const counts = [];
  const errors = [];
  const sleeps = [];
  let done;
  const finished = new Promise((r) => (done = r));
  const client = {
    async ringing({ wait }) {
      waits.push(wait);
      const a = answers.shift();
      if (a === undefined) {
        done();
        return new Promise(() => {});
      }
      if (a instanceof Error) throw a;
      return a;
    },
  };
  const poll = startRingPoll({ client, onCount: (n) => counts.push(n), onError: (e) => errors.push(e.status), sleep: async (ms) => sleeps.push(ms), backoff: () => 50 });
  await finished;
  assert.deepEqual(counts, [0, 1, 0]);
  // First and while ringing: no wait (the count may drop); else the long-poll.
  assert.deepEqual(waits, [0, 25, 0, 0, 25]);
  assert.deepEqual(errors, [0]);
  assert.deepEqual(sleeps, [2000, 50]);
  poll.stop();
});

test('a nudge drops the parked poll and cuts a backoff pause short, resuming from the cursors', async () => {
  const { client, next } = fakeChats();
  const set = new ChatSet();
  set.add('A');
  const errors = [];
  // The real sleep with a long backoff: only the nudge can end the pause.
  const poll = startChatPoll({ client, set, onUpdates: () => {}, onError: (e) => errors.push(e.message), backoff: () => 60_000 });
  const c1 = await next(1);
  c1.resolve([chat('A', [0, 1])]);
  const c2 = await next(2);
  poll.nudge(); // offline: the parked poll is dropped and asked again at once
  assert.equal(c2.signal.aborted, true);
  const c3 = await next(3);
  c3.reject(new HttpError(0, 'network: offline'));
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(errors, ['network: offline']);
  poll.nudge(); // online again: no minute-long pause
  const c4 = await next(4);
  assert.deepEqual(c4.query, { chatSessionKeys: 'A', fromEventIds: '2' });
  poll.stop();
});

test('one update that fails to draw is reported and the others of the answer are still drawn', () => {
  const drawn = [];
  const errors = [];
  drawEach(
    [{ key: 'a' }, { key: 'b' }, { key: 'c' }],
    (u) => {
      if (u.key === 'b') throw new Error('bad event');
      drawn.push(u.key);
    },
    (e, u) => errors.push(`${u.key}: ${e.message}`),
  );
  assert.deepEqual(drawn, ['a', 'c']);
  assert.deepEqual(errors, ['b: bad event']);
});
