// The client of chatwire's own API (ui/lib/chatwire-api.js) against a fake fetch.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { chatwireApi, fieldOf, queryString } from '../../../crates/chatwire-api/web/ui/lib/chatwire-api.js';

function fakeFetch(answers) {
  const calls = [];
  const f = async (url, init) => {
    calls.push({ url, method: init.method, auth: init.headers.Authorization, body: init.body });
    const [status, body] = answers.shift();
    return { ok: status < 400, status, headers: new Map(), text: async () => (body === undefined ? '' : JSON.stringify(body)) };
  };
  return { f, calls };
}

test('lists follow next until it is null, with the bearer on every call', async () => {
  const { f, calls } = fakeFetch([
    [200, { items: [{ id: 1 }], next: 'abc' }],
    [200, { items: [{ id: 2 }], next: null }],
  ]);
  const api = chatwireApi({ account: '1000', bearer: 'tok', fetch: f });
  assert.deepEqual(await api.agents.all(), [{ id: 1 }, { id: 2 }]);
  assert.deepEqual(calls.map((c) => c.url), ['/chatwire/v1/accounts/1000/agents?limit=500', '/chatwire/v1/accounts/1000/agents?limit=500&cursor=abc']);
  assert.ok(calls.every((c) => c.auth === 'Bearer tok'));
});

test('a refused body names its field', async () => {
  const { f, calls } = fakeFetch([[400, { error: { status: 400, code: 'invalid_field', message: 'must be an origin', field: 'allowedOrigins' } }]]);
  const api = chatwireApi({ account: 'a b', bearer: 't', fetch: f });
  const err = await api.appKeys.create({ name: 'x', allowedOrigins: ['nope'] }).catch((e) => e);
  assert.equal(err.status, 400);
  assert.equal(err.message, 'must be an origin');
  assert.equal(fieldOf(err), 'allowedOrigins');
  assert.equal(calls[0].url, '/chatwire/v1/accounts/a%20b/appKeys');
  assert.equal(calls[0].method, 'POST');
  assert.equal(fieldOf(new Error('plain')), null);
});

test('empty search parameters are left out; paths are escaped', async () => {
  assert.equal(queryString({ q: 'refund now', skill: '', agent: null, state: undefined, limit: 25 }), '?q=refund+now&limit=25');
  assert.equal(queryString({}), '');
  const { f, calls } = fakeFetch([[200, { chat: {}, events: [] }], [200, { events: [], next: 3 }]]);
  const api = chatwireApi({ account: '1000', bearer: 't', fetch: f });
  await api.chatRecord('H1/K2');
  await api.feed({ after: 3, wait: 25 });
  assert.equal(calls[0].url, '/chatwire/v1/accounts/1000/history/chats/H1%2FK2');
  assert.equal(calls[1].url, '/chatwire/v1/accounts/1000/feed?after=3&wait=25');
});
