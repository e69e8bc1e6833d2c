// The agent console's view models: each Chat Agent API event type and the chat's info.
import assert from 'node:assert/strict';
import test from 'node:test';

import { chatStatus, eventView, offerOf } from '../../../crates/chatwire-api/web/ui/console/agent/events.js';

const line = (id, source, text, extra = {}) => ({ id, type: 'line', time: '2026-12-06T17:01:46.890+00:00', textType: 'plain', text, by: 'x', source, subType: 'REGULAR', ...extra });

test('visitor, own, colleague and private agent lines get their roles', () => {
  assert.equal(eventView(line(5, 'visitor', 'hello', { by: 'Natalie' })).role, 'visitor');
  assert.equal(eventView(line(5, 'visitor', 'hello', { by: 'Natalie' })).by, 'Natalie');
  assert.equal(eventView(line(6, 'agent', 'hi', { by: 'Agent 1' }), { me: 'Agent 1' }).role, 'me');
  assert.equal(eventView(line(6, 'agent', 'hi', { by: 'Agent 2' }), { me: 'Agent 1' }).role, 'agent');
  const priv = eventView(line(7, 'agent', 'psst', { by: 'Agent 1', subType: 'ONLY_TO_REP' }), { me: 'Agent 1' });
  assert.equal(priv.private, true);
});

test('system lines: plain, pre-chat (id 0), transfers (13 and 15), with attribute-style keys', () => {
  const sys = eventView({ '@id': '4', '@type': 'line', text: 'You are now chatting with Agent 1.', source: 'system', by: 'info', systemMessageId: 3 });
  assert.deepEqual([sys.kind, sys.role, sys.id, sys.sys], ['line', 'system', 4, 3]);
  assert.equal(eventView(line(2, 'system', 'pre one', { systemMessageId: 0 })).role, 'prechat');
  assert.equal(eventView(line(2, 'system', 'pre one', { systemMessageId: '0' })).role, 'prechat');
  const toAgent = eventView(line(9, 'system', 'Please hold while the chat is transferred to Agent 2.', { systemMessageId: 13 }));
  assert.deepEqual([toAgent.kind, toAgent.toAgent], ['transfer', true]);
  assert.equal(eventView(line(9, 'system', 'to Sales', { systemMessageId: 15 })).toAgent, false);
});

test('the transfer note for the receiving agent is read as target and note', () => {
  const v = eventView(line(7, 'system', 'Transferred to Agent 2: please take', { subType: 'ONLY_TO_REP' }));
  assert.deepEqual([v.kind, v.target, v.note], ['transfer-note', 'Agent 2', 'please take']);
  const bare = eventView(line(7, 'system', 'Transferred to Sales', { subType: 'ONLY_TO_REP' }));
  assert.deepEqual([bare.target, bare.note], ['Sales', '']);
  const dot = eventView(line(7, 'system', 'Transferred to Agent 2.', { subType: 'ONLY_TO_REP' }));
  assert.deepEqual([dot.target, dot.note], ['Agent 2', '']);
});

test('state changes and other event types have words', () => {
  assert.equal(eventView({ id: 0, type: 'state', state: 'ended' }).text, 'Chat ended');
  assert.equal(eventView({ id: 0, type: 'state', state: 'waiting' }).kind, 'state');
  assert.match(eventView({ id: 1, type: 'url', url: 'https://x.test/' }).text, /x\.test/);
  assert.equal(eventView({ id: 1, type: 'a2a-transfer' }).kind, 'other');
  assert.match(eventView({ id: 1, type: 'collaboration', by: 'Boss', state: 'active', mode: 'listen' }).text, /Boss joined \(listen\)/);
});

test('chat status: mine, typing, ended, and who has it after it left this agent', () => {
  const base = { state: 'chatting', agentId: 1, agentName: 'Agent 1', visitorName: 'Natalie', visitorTyping: 'typing' };
  const s = chatStatus(base, { meId: '1' });
  assert.deepEqual([s.mine, s.visitorTyping, s.lostTo, s.visitorName], [true, true, null, 'Natalie']);
  assert.equal(chatStatus({ ...base, agentId: 2, agentName: 'Agent 2' }, { meId: '1' }).lostTo, 'Agent 2');
  assert.equal(chatStatus({ ...base, agentId: 0, state: 'waiting' }, { meId: '1' }).lostTo, 'the queue');
  assert.equal(chatStatus({ ...base, state: 'ended' }, { meId: '1' }).ended, true);
  assert.equal(chatStatus({ ...base, visitorTyping: 'not-typing' }, { meId: '1' }).visitorTyping, false);
  assert.equal(chatStatus(null, { meId: '1' }), null);
});

test('an offer to this agent names the agent who had the chat and the note', () => {
  const views = [
    line(4, 'system', 'You are now chatting with Agent 1.', { systemMessageId: 3 }),
    line(7, 'system', 'Transferred to Agent 2: please take', { subType: 'ONLY_TO_REP' }),
    line(9, 'system', 'Please hold while the chat is transferred to Agent 2.', { systemMessageId: 13 }),
    line(11, 'system', 'You are now chatting with Agent 2.', { systemMessageId: 3 }),
  ].map((e) => eventView(e, { me: 'Agent 2' }));
  assert.deepEqual(offerOf(views, { me: 'Agent 2' }), { note: 'please take', from: 'Agent 1', toAgent: true });
  // Without a note, and to a skill.
  const bare = [views[0], eventView(line(8, 'system', 'Please hold while the chat is transferred to Sales.', { systemMessageId: 15 })), views[3]];
  assert.deepEqual(offerOf(bare, { me: 'Agent 2' }), { note: '', from: 'Agent 1', toAgent: false });
  // A chat never transferred, or one this agent transferred away.
  assert.equal(offerOf([views[0]], { me: 'Agent 1' }), null);
  assert.equal(offerOf(views.slice(0, 3), { me: 'Agent 1' }), null);
});
