// The agent console's cursor bookkeeping for the multi-chat retrieve: the query built from the
// open chats, merging an answer (no line lost or shown twice), restarting when the set changes.
import assert from 'node:assert/strict';
import test from 'node:test';

import { ChatSet } from '../../../crates/chatwire-api/web/ui/console/agent/chat-set.js';

const ev = (id, extra = {}) => ({ id, type: 'line', text: `line ${id}`, source: 'visitor', ...extra });
const chat = (key, events, extra = {}) => ({ info: { chatSessionKey: key, state: 'chatting' }, events: { event: events }, ...extra });

test('query names every open chat with its own cursor, in the order they were opened', () => {
  const set = new ChatSet();
  assert.equal(set.query(), null);
  set.add('A');
  set.add('B', 7);
  assert.deepEqual(set.query(), { chatSessionKeys: 'A,B', fromEventIds: '0,7' });
});

test('merge hands out new events in order and moves each cursor past them', () => {
  const set = new ChatSet();
  set.add('A');
  set.add('B');
  const updates = set.merge([chat('A', [ev(1), ev(0)]), chat('B', [ev(0)])]);
  assert.deepEqual(updates.map((u) => [u.key, u.events.map((e) => e.id)]), [['A', [0, 1]], ['B', [0]]]);
  assert.deepEqual(set.query(), { chatSessionKeys: 'A,B', fromEventIds: '2,1' });
});

test('merge drops events below the cursor, so a repeated answer shows nothing twice', () => {
  const set = new ChatSet();
  set.add('A');
  set.merge([chat('A', [ev(0), ev(1)])]);
  const again = set.merge([chat('A', [ev(1), ev(2)])]);
  assert.deepEqual(again[0].events.map((e) => e.id), [2]);
  assert.equal(set.query().fromEventIds, '3');
});

test('merge reads attribute-style ids, a single event object and an empty chat', () => {
  const set = new ChatSet();
  set.add('A');
  set.add('B', 4);
  const u = set.merge([{ info: { chatSessionKey: 'A' }, events: { event: { '@id': '0', '@type': 'state', state: 'chatting' } } }, { info: { chatSessionKey: 'B' }, events: {} }]);
  assert.deepEqual(u.map((x) => x.events.length), [1, 0]);
  assert.equal(set.query().fromEventIds, '1,4');
});

test('an error entry (another agent’s chat) is an update with its error and no events', () => {
  const set = new ChatSet();
  set.add('A');
  const [u] = set.merge([{ chatSessionKey: 'A', error: { message: 'forbidden', internalCode: 13 } }]);
  assert.equal(u.error.internalCode, 13);
  assert.deepEqual(u.events, []);
});

test('entries without a key are matched by their position in the request', () => {
  const set = new ChatSet();
  set.add('A');
  set.add('B');
  const u = set.merge([{ events: { event: ev(0) } }, { events: { event: ev(0) } }], ['A', 'B']);
  assert.deepEqual(u.map((x) => x.key), ['A', 'B']);
});

test('an answer for a chat closed meanwhile is ignored; reopening starts from the given cursor', () => {
  const set = new ChatSet();
  set.add('A');
  set.remove('A');
  assert.deepEqual(set.merge([chat('A', [ev(0)])]), []);
  set.add('A', 0);
  assert.deepEqual(set.merge([chat('A', [ev(0)])])[0].events.map((e) => e.id), [0]);
});

test('every add and remove bumps the version and wakes whoever waits for a change', async () => {
  const set = new ChatSet();
  const v = set.version;
  const woke = set.nextChange();
  assert.equal(set.add('A'), true);
  assert.equal(set.add('A'), false);
  await woke;
  assert.equal(set.version, v + 1);
  set.remove('A');
  assert.equal(set.version, v + 2);
});

test('waits for a change that end with the change leave no listener on the stop signal', async () => {
  const set = new ChatSet();
  const stop = new AbortController();
  let listeners = 0;
  const add = stop.signal.addEventListener.bind(stop.signal);
  const remove = stop.signal.removeEventListener.bind(stop.signal);
  stop.signal.addEventListener = (...a) => {
    listeners++;
    add(...a);
  };
  stop.signal.removeEventListener = (...a) => {
    listeners--;
    remove(...a);
  };
  for (let i = 0; i < 20; i++) {
    const change = set.nextChange(stop.signal);
    set.add(`k${i}`, 0);
    await change;
  }
  assert.equal(listeners, 0);
  // A wait the stop signal ends is not left among the waiters either.
  const stopped = set.nextChange(stop.signal);
  stop.abort();
  await stopped;
  assert.equal(set.waiters.length, 0);
});
