// The widget's copy of a chat (ChatLog): the cursor (from the server's `next`, resumed after a
// reload), events taken once by id, and the outbox that shows each line the visitor sends
// exactly once whatever order the POST's answer and the read arrive in, including a POST
// whose answer was lost (the line is looked for in the stream before it is sent again).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ChatLog, MAX_ITEMS } from '../../../crates/chatwire-api/web/ui/widget/chat-log.js';

const URL_ = 'http://chat.example/api/account/1000/chat/H1K2';
const agent = (id, text) => ({ '@id': String(id), '@type': 'line', text, source: 'agent', by: 'Agent 1', subType: 'REGULAR' });
const visitor = (id, text) => ({ '@id': String(id), '@type': 'line', text, source: 'visitor', by: 'Ann', subType: 'REGULAR' });
const state = (id, s) => ({ '@id': String(id), '@type': 'state', state: s });
const texts = (log) => log.visibleItems().filter((i) => i.kind === 'line').map((i) => (i.pending ? `${i.text} [${i.pending}]` : i.text));

test('the cursor is the server\'s next, even past events the visitor does not see', () => {
  const log = new ChatLog({ chatUrl: URL_ });
  // Event 2 is agent-only: the server skips it but its `next` moves past it.
  log.applyRead({ events: [state(0, 'waiting'), agent(1, 'a')], next: 3, info: { state: 'waiting' } });
  assert.equal(log.cursor, 3);
  log.applyRead({ events: [], next: 3, info: {} });
  assert.equal(log.cursor, 3);
  // A stale read (a smaller next) never moves the cursor back.
  log.applyRead({ events: [], next: 1, info: {} });
  assert.equal(log.cursor, 3);
});

test('overlapping reads add each event once', () => {
  const log = new ChatLog({ chatUrl: URL_ });
  log.applyRead({ events: [agent(0, 'a'), agent(1, 'b')], next: 2, info: {} });
  const added = log.applyRead({ events: [agent(1, 'b'), agent(2, 'c')], next: 3, info: {} });
  assert.deepEqual(added.map((i) => i.text), ['c']);
  assert.deepEqual(texts(log), ['a', 'b', 'c']);
});

test('state events and the read\'s info keep the chat state; ended is known', () => {
  const log = new ChatLog({ chatUrl: URL_ });
  log.applyRead({ events: [state(0, 'waiting')], next: 1, info: { state: 'waiting', agentTyping: 'not-typing' } });
  assert.equal(log.info.state, 'waiting');
  log.applyRead({ events: [state(1, 'chatting')], next: 2, info: { state: 'chatting', agentName: 'Agent 1', chatSessionKey: 'x' } });
  assert.deepEqual(log.info, { state: 'chatting', agentTyping: 'not-typing', agentName: 'Agent 1' });
  assert.equal(log.ended, false);
  log.applyRead({ events: [state(2, 'ended')], next: 3, info: {} });
  assert.equal(log.ended, true);
});

test('a sent line shows as sending, then once as the event when its answer comes first', () => {
  const log = new ChatLog({ chatUrl: URL_, cursor: 5 });
  const id = log.queueLine('hello');
  assert.equal(log.nextToSend().localId, id);
  log.markSending(id);
  assert.deepEqual(texts(log), ['hello [sending]']);
  log.markSent(id, 5);
  assert.deepEqual(texts(log), ['hello [sending]']);
  log.applyRead({ events: [visitor(5, 'hello')], next: 6, info: {} });
  assert.deepEqual(texts(log), ['hello']);
  assert.equal(log.outbox.length, 0);
});

test('a sent line read back before its POST answers is shown once', () => {
  const log = new ChatLog({ chatUrl: URL_, cursor: 5 });
  const id = log.queueLine('hello');
  log.markSending(id);
  log.applyRead({ events: [visitor(5, 'hello')], next: 6, info: {} });
  log.markSent(id, 5); // The late answer changes nothing.
  assert.deepEqual(texts(log), ['hello']);
});

test('a POST whose answer was lost is not sent again when the read shows it was created', () => {
  const log = new ChatLog({ chatUrl: URL_, cursor: 5 });
  const id = log.queueLine('hello');
  log.markSending(id);
  log.markUnknown(id);
  assert.equal(log.nextToSend(), null, 'nothing is sent while its fate is unknown');
  assert.equal(log.hasUnknown, true);
  log.applyRead({ events: [agent(5, 'hi'), visitor(6, 'hello')], next: 7, info: {} });
  assert.equal(log.resolveUnknown(), 0);
  assert.deepEqual(texts(log), ['hi', 'hello']);
});

test('a POST that never arrived is queued again after a read without it, and keeps its order', () => {
  const log = new ChatLog({ chatUrl: URL_, cursor: 5 });
  const first = log.queueLine('one');
  log.queueLine('two');
  log.markSending(first);
  log.markUnknown(first);
  log.applyRead({ events: [agent(5, 'meanwhile')], next: 6, info: {} });
  assert.equal(log.resolveUnknown(), 1);
  assert.equal(log.nextToSend().text, 'one');
  assert.deepEqual(texts(log), ['meanwhile', 'one [sending]', 'two [sending]']);
});

test('the same text sent twice is matched one event each', () => {
  const log = new ChatLog({ chatUrl: URL_, cursor: 0 });
  const a = log.queueLine('ok');
  log.markSending(a);
  log.markSent(a, 0);
  const b = log.queueLine('ok');
  log.markSending(b);
  log.applyRead({ events: [visitor(0, 'ok')], next: 1, info: {} });
  assert.deepEqual(texts(log), ['ok', 'ok [sending]']);
  log.applyRead({ events: [visitor(1, 'ok')], next: 2, info: {} });
  assert.deepEqual(texts(log), ['ok', 'ok']);
});

test('a visitor line from before the POST is not taken for it', () => {
  const log = new ChatLog({ chatUrl: URL_, cursor: 4 });
  const id = log.queueLine('same');
  log.markSending(id);
  log.markUnknown(id);
  // Event 3 (say, from another tab, read late) is older than the POST's cursor.
  log.applyRead({ events: [visitor(3, 'same')], next: 4, info: {} });
  assert.equal(log.resolveUnknown(), 1);
});

test('a refused line says why and can be removed', () => {
  const log = new ChatLog({ chatUrl: URL_ });
  const id = log.queueLine('late');
  log.markSending(id);
  log.markFailed(id, 'the chat has ended');
  const [item] = log.visibleItems();
  assert.equal(item.pending, 'failed');
  assert.equal(item.error, 'the chat has ended');
  assert.equal(log.nextToSend(), null);
  log.dismiss(id);
  assert.equal(log.visibleItems().length, 0);
});

test('after a reload the log resumes from its cursor; a POST in flight is unknown, not resent blindly', () => {
  const log = new ChatLog({ chatUrl: URL_ });
  log.applyRead({ events: [agent(0, 'a')], next: 1, info: { state: 'chatting' } });
  const id = log.queueLine('in flight');
  log.markSending(id);
  const again = new ChatLog(JSON.parse(JSON.stringify(log.toJSON())));
  assert.equal(again.cursor, 1);
  assert.equal(again.outbox[0].status, 'unknown');
  assert.equal(again.nextToSend(), null);
  // Reading event 0 again (an overlap) adds nothing; the line read back settles the outbox.
  again.applyRead({ events: [agent(0, 'a'), visitor(1, 'in flight')], next: 2, info: {} });
  assert.deepEqual(texts(again), ['a', 'in flight']);
});

test('the transcript keeps the newest items only', () => {
  const log = new ChatLog({ chatUrl: URL_ });
  log.applyRead({ events: Array.from({ length: MAX_ITEMS + 5 }, (_, i) => agent(i, `l${i}`)), next: MAX_ITEMS + 5, info: {} });
  assert.equal(log.items.length, MAX_ITEMS);
  assert.equal(log.items[0].text, 'l5');
});
