// The live queue's state from a history snapshot and account-feed events (queue-state.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { agentLoads, applyFeed, emptyQueue, lastSeq, queueView, setAgents, setSkills, upsertChat } from '../../../crates/chatwire-api/web/ui/console/supervisor/queue-state.js';

const T0 = Date.parse('2026-12-06T12:00:00Z');
const at = (s) => new Date(T0 + s * 1000).toISOString();
const state = (seq, chatId, st, s = seq) => ({ seq, chatId, type: 'state', state: st, time: at(s) });
const line = (seq, chatId) => ({ seq, chatId, type: 'line', text: 'hi', source: 'visitor', time: at(seq) });

function demo() {
  const q = emptyQueue();
  setSkills(q, [{ id: 1, name: 'Sales' }, { id: 2, name: 'Support' }]);
  setAgents(q, [
    { id: 1, displayName: 'Ann', skills: [1, 2], maxChats: 4, availability: 'Online', enabled: true },
    { id: 2, displayName: 'Bob', skills: [1], maxChats: 2, availability: 'Online', enabled: true },
    { id: 3, displayName: 'Cy', skills: [2], maxChats: -1, availability: 'Offline', enabled: true },
  ]);
  return q;
}
const sales = (q, now) => queueView(q, now).find((g) => g.name === 'Sales');

test('a requested chat waits once its skill is looked up, and its wait grows with the clock', () => {
  const q = demo();
  assert.deepEqual(applyFeed(q, [state(10, 'A', 'waiting', 0), line(11, 'A')]), ['A']);
  // Until the lookup answers, the chat's skill is unknown: counted nowhere.
  assert.equal(sales(q, T0).waiting.length, 0);
  upsertChat(q, { id: 'A', state: 'waiting', skillId: 1, visitorName: 'Ada', requestedAt: at(0) }, 11);
  const g = sales(q, T0 + 42_000);
  assert.deepEqual(g.waiting, [{ id: 'A', visitorName: 'Ada', waitMs: 42_000 }]);
  assert.equal(g.longestWaitMs, 42_000);
});

test('an accept moves the chat from waiting to the agent load; the end frees the agent', () => {
  const q = demo();
  upsertChat(q, { id: 'A', state: 'waiting', skillId: 1, requestedAt: at(0) }, 10);
  assert.deepEqual(applyFeed(q, [state(12, 'A', 'chatting')]), ['A']);
  upsertChat(q, { id: 'A', state: 'chatting', skillId: 1, agentId: 2, requestedAt: at(0) }, 13);
  let g = sales(q, T0);
  assert.equal(g.waiting.length, 0);
  assert.equal(g.chatting, 1);
  assert.deepEqual(g.agents.map((a) => [a.name, a.load, a.maxChats]), [['Ann', 0, 4], ['Bob', 1, 2]]);
  assert.deepEqual(applyFeed(q, [line(14, 'A'), state(15, 'A', 'ended')]), []);
  g = sales(q, T0);
  assert.equal(g.chatting, 0);
  assert.equal(agentLoads(q).size, 0);
});

test('a late lookup answer never undoes a newer feed event', () => {
  const q = demo();
  upsertChat(q, { id: 'A', state: 'waiting', skillId: 1, requestedAt: at(0) }, 10);
  applyFeed(q, [state(20, 'A', 'ended')]);
  // The lookup started before the end and answers "chatting" as of seq 15.
  upsertChat(q, { id: 'A', state: 'chatting', skillId: 1, agentId: 2, requestedAt: at(0) }, 15);
  assert.equal(q.chats.size, 0);
  assert.equal(agentLoads(q).size, 0);
  // A newer chat state for a known chat is applied.
  upsertChat(q, { id: 'B', state: 'waiting', skillId: 1, requestedAt: at(0) }, 30);
  upsertChat(q, { id: 'B', state: 'chatting', skillId: 1, agentId: 1, requestedAt: at(0) }, 25);
  assert.equal(q.chats.get('B').state, 'waiting');
});

test('replayed events (feed resumed before the snapshot) change nothing twice', () => {
  const q = demo();
  upsertChat(q, { id: 'A', state: 'chatting', skillId: 1, agentId: 1, requestedAt: at(0) }, 0);
  const page = [state(5, 'A', 'chatting'), line(6, 'A'), state(7, 'B', 'waiting'), state(8, 'B', 'ended')];
  assert.deepEqual(applyFeed(q, page), ['A']);
  upsertChat(q, { id: 'A', state: 'chatting', skillId: 1, agentId: 1, requestedAt: at(0) }, 6);
  assert.deepEqual(applyFeed(q, page), []);
  assert.deepEqual([...q.chats.keys()], ['A']);
  // A chat ended in the replay does not come back from a stale snapshot row.
  upsertChat(q, { id: 'B', state: 'waiting', skillId: 1, requestedAt: at(0) }, 0);
  assert.equal(q.chats.has('B'), false);
});

test('a chat whose lookup failed is looked up again when its page is replayed', () => {
  const q = demo();
  const page = [state(3, 'A', 'waiting')];
  assert.deepEqual(applyFeed(q, page), ['A']);
  assert.deepEqual(applyFeed(q, page), ['A']);
});

test('agents: Offline and disabled ones are not listed, a skill without agents shows none', () => {
  const q = demo();
  setAgents(q, [
    { id: 1, displayName: 'Ann', skills: [1, 2], maxChats: 4, availability: 'Away', enabled: true },
    { id: 2, displayName: 'Bob', skills: [1], maxChats: 2, availability: 'Online', enabled: false },
  ]);
  const [s, p] = queueView(q, T0);
  assert.deepEqual(s.agents.map((a) => [a.name, a.availability]), [['Ann', 'Away']]);
  assert.deepEqual(p.agents.map((a) => a.name), ['Ann']);
});

test('chats without a skill get a "No skill" group; the longest wait comes first', () => {
  const q = demo();
  upsertChat(q, { id: 'A', state: 'waiting', skillId: null, requestedAt: at(10) }, 1);
  upsertChat(q, { id: 'B', state: 'waiting', skillId: null, requestedAt: at(0) }, 2);
  const none = queueView(q, T0 + 60_000).find((g) => g.id === null);
  assert.equal(none.name, 'No skill');
  assert.deepEqual(none.waiting.map((c) => [c.id, c.waitMs]), [['B', 60_000], ['A', 50_000]]);
  assert.equal(none.longestWaitMs, 60_000);
});

test('lastSeq is the highest seq of a record', () => {
  assert.equal(lastSeq([{ seq: 3 }, { seq: 9 }, { seq: 4 }]), 9);
  assert.equal(lastSeq([]), 0);
});
