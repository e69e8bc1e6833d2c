// The console's LivePerson Chat Agent API client with a fake fetch: the agent session is reused
// from storage after a reload and replaced when the server answers 401 or 404; the wire shapes
// (single-or-array, both link key styles, transfer errors) are read as the spec describes.
import assert from 'node:assert/strict';
import test from 'node:test';

import { LpAgent, chatKeyOf, visitIdOf } from '../../../crates/chatwire-api/web/ui/lib/lp-agent.js';

const S = 'http://h/api/account/1000/agentSession/123';

/** A fake fetch answering by `METHOD url` from `routes` (status, body, headers); logs calls. */
function fakeFetch(routes) {
  const calls = [];
  const f = async (url, init) => {
    const k = `${init.method} ${url}`;
    calls.push({ k, body: init.body, auth: init.headers.Authorization });
    const [status, body, headers = {}] = routes[k] ?? [404, { error: { message: 'not found' } }];
    return new Response(body === null ? '' : JSON.stringify(body), { status, headers });
  };
  return { f, calls };
}
function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k), m };
}

test('wire helpers: chat key and visit id', () => {
  assert.equal(chatKeyOf(`${S}/chat/H1-abcK2?from=3`), 'H1-abcK2');
  assert.equal(visitIdOf('H8583540040844055672-2f5941407675364c416febafe88f36d2K5090989'), 'H8583540040844055672K5090989');
});

test('a new agent session is created with the bearer and its address stored', async () => {
  const { f, calls } = fakeFetch({ 'POST /api/account/1000/agentSession': [201, { agentSessionLocation: { link: { '@href': S, '@rel': 'location' } } }, { Location: S }] });
  const storage = memoryStorage();
  const c = new LpAgent({ account: '1000', bearer: 'b'.repeat(64), storage, fetch: f });
  assert.equal(await c.open(), S);
  assert.equal(calls[0].auth, `Bearer ${'b'.repeat(64)}`);
  assert.deepEqual(JSON.parse(calls[0].body), { loginData: '' });
  assert.deepEqual([...storage.m.values()], [S]);
});

test('after a reload the stored session is reused when it still answers', async () => {
  const { f, calls } = fakeFetch({ [`GET ${S}`]: [200, { agentSessionId: {} }] });
  const storage = memoryStorage();
  const c = new LpAgent({ account: '1000', bearer: 'b'.repeat(64), storage, fetch: f });
  storage.setItem(c.storageKey, S);
  assert.equal(await c.open(), S);
  assert.deepEqual(calls.map((x) => x.k), [`GET ${S}`]);
});

test('a stored session the server forgot (404) or expired (401) is replaced', async () => {
  for (const status of [404, 401]) {
    const fresh = `${S}9`;
    const { f, calls } = fakeFetch({ [`GET ${S}`]: [status, { error: { message: 'gone' } }], 'POST /api/account/1000/agentSession': [201, null, { Location: fresh }] });
    const storage = memoryStorage();
    const c = new LpAgent({ account: '1000', bearer: 'b'.repeat(64), storage, fetch: f });
    storage.setItem(c.storageKey, S);
    assert.equal(await c.open(), fresh);
    assert.equal(calls.length, 2);
    assert.equal(storage.getItem(c.storageKey), fresh);
  }
});

test('another error while checking the stored session is not hidden', async () => {
  const { f } = fakeFetch({ [`GET ${S}`]: [500, { error: { message: 'database down' } }] });
  const storage = memoryStorage();
  const c = new LpAgent({ account: '1000', bearer: 'b'.repeat(64), storage, fetch: f });
  storage.setItem(c.storageKey, S);
  await assert.rejects(c.open(), /database down/);
});

test('the multi-chat retrieve sends keys, cursors and wait, and reads one chat or many', async () => {
  const one = { info: { chatSessionKey: 'A' } };
  const { f, calls } = fakeFetch({ [`GET ${S}/chat?chatSessionKeys=A%2CB&fromEventIds=3%2C0&wait=3`]: [200, { chats: { chat: one } }] });
  const c = new LpAgent({ account: '1000', bearer: 'b'.repeat(64), storage: memoryStorage(), fetch: f });
  c.session = S;
  assert.deepEqual(await c.chats({ chatSessionKeys: 'A,B', fromEventIds: '3,0' }, { wait: 3 }), [one]);
  assert.equal(calls.length, 1);
});

test('ring count, accept, and a refused transfer’s errormsg as the error message', async () => {
  const chat = `${S}/chat/H1-aK2`;
  const { f } = fakeFetch({
    [`GET ${S}/incomingRequests?wait=25`]: [200, { incomingRequests: { ringingCount: '2' } }],
    [`POST ${S}/incomingRequests`]: [201, { chatLocation: { link: { '@href': chat, '@rel': 'location' } } }],
    [`POST ${chat}/transfer`]: [400, { transfer: { errormsg: 'no agent of Sales is available' } }],
  });
  const c = new LpAgent({ account: '1000', bearer: 'b'.repeat(64), storage: memoryStorage(), fetch: f });
  c.session = S;
  assert.equal(await c.ringing({ wait: 25 }), 2);
  assert.equal(await c.acceptNext(), 'H1-aK2');
  await assert.rejects(c.transfer('H1-aK2', { skill: '1' }), (e) => e.status === 400 && e.message === 'no agent of Sales is available');
});
