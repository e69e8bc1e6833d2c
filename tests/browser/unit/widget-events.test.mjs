// The widget's rendering of each event type to what the visitor is shown (a view model):
// lines from the visitor, an agent and the system, state changes, pushed URLs, account
// transfers, hidden events (agent-only lines, pre-chat lines, supervisor channels), typing.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { eventToItem, eventsToItems, htmlToText, safeUrl, statusText, typingText } from '../../../crates/chatwire-api/web/ui/widget/events.js';

const line = (over) => ({ '@id': '4', '@type': 'line', time: '2026-12-06T17:01:54.556+00:00', textType: 'plain', text: 'hi', by: 'Agent 2', source: 'agent', subType: 'REGULAR', ...over });

test('an agent line is shown with the agent name and its text', () => {
  assert.deepEqual(eventToItem(line()), { key: 'e4', id: 4, time: '2026-12-06T17:01:54.556+00:00', kind: 'line', from: 'agent', by: 'Agent 2', text: 'hi' });
});

test('a visitor line is the visitor\'s, its text kept as typed', () => {
  const item = eventToItem(line({ '@id': '6', source: 'visitor', by: 'Ann Lee', text: '  two\nlines ' }));
  assert.equal(item.from, 'visitor');
  assert.equal(item.text, '  two\nlines ');
});

test('a system line has no author and keeps its text', () => {
  const item = eventToItem(line({ '@id': '1', source: 'system', by: 'info', systemMessageId: 4, text: 'Thank you for choosing to chat with us.' }));
  assert.equal(item.from, 'system');
  assert.equal(item.by, '');
  assert.equal(item.text, 'Thank you for choosing to chat with us.');
});

test('agent-only lines and pre-chat lines are not shown to the visitor', () => {
  assert.equal(eventToItem(line({ subType: 'ONLY_TO_REP' })), null);
  assert.equal(eventToItem(line({ source: 'system', by: 'info', systemMessageId: 0 })), null);
});

test('an HTML agent line becomes plain text: tags dropped, breaks kept, entities decoded', () => {
  const item = eventToItem(line({ textType: 'html', text: '<div dir="ltr">Hello <b>there</b><br>see &lt;this&gt; &amp; &#39;that&#39; &#x1F600;</div><script>alert(1)</script>' }));
  assert.equal(item.text, "Hello there\nsee <this> & 'that' 😀\nalert(1)");
  assert.equal(htmlToText('<p>a</p><p>b</p>'), 'a\nb');
  assert.equal(htmlToText('&bogus; &#0;'), '&bogus; &#0;');
});

test('state changes become a state item in words', () => {
  for (const [state, text] of [['waiting', 'Waiting for an agent…'], ['chatting', 'An agent joined the chat.'], ['ended', 'The chat has ended.']]) {
    assert.deepEqual(eventToItem({ '@id': '7', '@type': 'state', time: 't', state }), { key: 'e7', id: 7, time: 't', kind: 'state', state, text });
  }
  assert.equal(eventToItem({ '@id': '8', '@type': 'state', state: 'odd' }).text, 'Chat state: odd');
});

test('a pushed URL is a link only when it is http or https', () => {
  const item = eventToItem({ '@id': '9', '@type': 'url', url: 'https://shop.example/tea?id=3', by: 'Agent 2', source: 'agent' });
  assert.equal(item.kind, 'url');
  assert.equal(item.url, 'https://shop.example/tea?id=3');
  assert.equal(item.text, 'Agent 2 shared a link');
  assert.equal(eventToItem({ '@id': '10', '@type': 'url', url: 'javascript:alert(1)' }), null);
  assert.equal(safeUrl('not a url'), null);
});

test('an account transfer tells the visitor the chat moves on; unknown and agent-only types are skipped', () => {
  assert.equal(eventToItem({ '@id': '11', '@type': 'a2a-transfer', domain: 'x' }).kind, 'notice');
  assert.equal(eventToItem({ '@id': '12', '@type': 'collaboration', channelID: '3' }), null);
  assert.equal(eventToItem({ '@id': '13', '@type': 'something-new' }), null);
});

test('plain keys (id, type) are read like the attribute style', () => {
  assert.equal(eventToItem({ id: 5, type: 'line', text: 'x', source: 'agent', by: 'A' }).key, 'e5');
});

test('a list of events keeps order and drops the hidden ones', () => {
  const items = eventsToItems([line({ '@id': '1' }), line({ '@id': '2', subType: 'ONLY_TO_REP' }), line({ '@id': '3', source: 'visitor' })]);
  assert.deepEqual(items.map((i) => i.key), ['e1', 'e3']);
});

test('typing is shown only while the agent types in a chat that has not ended', () => {
  assert.equal(typingText({ agentTyping: 'typing', agentName: 'Natalie', state: 'chatting' }), 'Natalie is typing…');
  assert.equal(typingText({ agentTyping: 'typing', state: 'chatting' }), 'The agent is typing…');
  assert.equal(typingText({ agentTyping: 'not-typing', state: 'chatting' }), null);
  assert.equal(typingText({ agentTyping: 'typing', state: 'ended' }), null);
});

test('the header status names the state and the agent', () => {
  assert.equal(statusText({ state: 'waiting' }), 'Waiting for an agent');
  assert.equal(statusText({ state: 'chatting', agentName: 'Natalie' }), 'Chatting with Natalie');
  assert.equal(statusText({ state: 'ended' }), 'Chat ended');
  assert.equal(statusText({}), 'Connecting…');
});
