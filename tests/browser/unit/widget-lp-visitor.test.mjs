// The Server Chat API client against a fake fetch: the app key in the header and the query
// (for CORS preflights), the chat address from Location, the cursor from the `next` link,
// one event as an object or none at all, the event id of a posted line, surveys that are absent.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { VisitorApi, fromOfLink } from '../../../crates/chatwire-api/web/ui/lib/lp-visitor.js';

const BASE = 'http://chat.example:8080';
const CHAT = `${BASE}/api/account/1000/chat/H1-2K3`;

function fakeFetch(answers) {
  const calls = [];
  const f = async (url, init) => {
    calls.push({ url, init });
    const a = answers.shift() ?? { status: 200, body: {} };
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status, headers: a.headers ?? {} });
  };
  return { f, calls };
}

test('every request carries the app key in the Authorization header and in the query string', async () => {
  const { f, calls } = fakeFetch([{ status: 200, body: { availability: true } }]);
  const api = new VisitorApi({ base: BASE, account: '1000', appKey: 'k&1', fetch: f });
  assert.equal(await api.availability('Sales'), true);
  const u = new URL(calls[0].url);
  assert.equal(u.pathname, '/api/account/1000/chat/availability');
  assert.equal(u.searchParams.get('skill'), 'Sales');
  assert.equal(u.searchParams.get('appKey'), 'k&1');
  assert.equal(calls[0].init.headers.Authorization, 'LivePerson appKey=k&1');
});

test('a chat request answers the chat address from Location; without one it is an error', async () => {
  const { f, calls } = fakeFetch([{ status: 201, headers: { Location: CHAT } }, { status: 201 }]);
  const api = new VisitorApi({ base: BASE, account: '1000', appKey: 'k', fetch: f });
  assert.equal(await api.requestChat({ skill: 'Sales' }), CHAT);
  assert.deepEqual(JSON.parse(calls[0].init.body), { request: { skill: 'Sales' } });
  await assert.rejects(api.requestChat({}), /no Location/);
});

test('a read gives the events as a list, the next cursor from the next link, and the info', async () => {
  const next = { '@href': `${CHAT}/events?from=9`, '@rel': 'next' };
  const { f, calls } = fakeFetch([
    { status: 200, body: { chat: { link: [], events: { link: [{ '@href': `${CHAT}/events`, '@rel': 'self' }, next], event: { '@id': '8', '@type': 'line', text: 'one' } }, info: { state: 'chatting' } } } },
    { status: 200, body: { chat: { events: { link: [{ '@href': `${CHAT}/events?from=9`, '@rel': 'next' }] }, info: {} } } },
  ]);
  const api = new VisitorApi({ base: BASE, account: '1000', appKey: 'k', fetch: f });
  const r = await api.readChat(CHAT, 8, { wait: 25 });
  assert.deepEqual(r.events.map((e) => e['@id']), ['8']);
  assert.equal(r.next, 9);
  assert.equal(r.info.state, 'chatting');
  const u = new URL(calls[0].url);
  assert.equal(u.searchParams.get('from'), '8');
  assert.equal(u.searchParams.get('wait'), '25');
  const empty = await api.readChat(CHAT, 9);
  assert.deepEqual(empty.events, []);
  assert.equal(new URL(calls[1].url).searchParams.has('wait'), false, 'no wait= when not waiting');
});

test('a posted line answers its event id from Location', async () => {
  const { f, calls } = fakeFetch([{ status: 201, headers: { Location: `${CHAT}/events/12` }, body: {} }]);
  const api = new VisitorApi({ base: BASE, account: '1000', appKey: 'k', fetch: f });
  assert.equal(await api.postLine(CHAT, 'hi'), 12);
  assert.equal(new URL(calls[0].url).pathname, '/api/account/1000/chat/H1-2K3/events');
  assert.deepEqual(JSON.parse(calls[0].init.body), { event: { '@type': 'line', text: 'hi', textType: 'plain' } });
});

test('a survey the account does not have is null; other errors carry the server\'s message', async () => {
  const { f } = fakeFetch([
    { status: 404, body: { error: { message: 'no survey', internalCode: 28 } } },
    { status: 200, body: {} },
    { status: 400, body: { error: { message: 'invalid email: an e-mail address has exactly one @', internalCode: 20 } } },
  ]);
  const api = new VisitorApi({ base: BASE, account: '1000', appKey: 'k', fetch: f });
  assert.equal(await api.preSurvey('Sales'), null);
  assert.equal(await api.offlineSurvey('Sales'), null);
  await assert.rejects(api.requestTranscript(CHAT, 'bad'), (e) => e.status === 400 && /exactly one @/.test(e.message));
});

test('helpers: the cursor of a next link', () => {
  assert.equal(fromOfLink(`${CHAT}?from=4`), 4);
  assert.equal(fromOfLink(`${CHAT}/events`), null);
});
