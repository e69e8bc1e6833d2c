// The shared UI helpers: backoff delays, the JSON call's errors (status, message from each
// of the server's error formats, network failures and timeouts as status 0, Retry-After), and
// reading LivePerson JSON (lists that may be one object, links).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { HttpError, messageOf, request } from '../../../crates/chatwire-api/web/ui/lib/http.js';
import { asList, linkHref } from '../../../crates/chatwire-api/web/ui/lib/lp-json.js';
import { backoff, sleep } from '../../../crates/chatwire-api/web/ui/lib/retry.js';

test('backoff grows exponentially, is capped and never drops to a busy loop', () => {
  const top = () => 0.999999;
  assert.equal(backoff(0, { random: top }), 499);
  assert.equal(backoff(3, { random: top }), 3999);
  assert.equal(backoff(30, { random: top }), 14999);
  assert.equal(backoff(5, { random: () => 0 }), 125);
  for (let i = 0; i < 100; i++) {
    const d = backoff(4);
    assert.ok(d >= 125 && d < 8000, `${d}`);
  }
});

test('sleep ends early with the abort reason', async () => {
  const ctl = new AbortController();
  const p = sleep(60_000, ctl.signal);
  ctl.abort(new Error('stop'));
  await assert.rejects(p, /stop/);
});

test('sleeps that end on time leave no listener on their signal', async () => {
  const ctl = new AbortController();
  let listeners = 0;
  const add = ctl.signal.addEventListener.bind(ctl.signal);
  const remove = ctl.signal.removeEventListener.bind(ctl.signal);
  ctl.signal.addEventListener = (...a) => {
    listeners++;
    add(...a);
  };
  ctl.signal.removeEventListener = (...a) => {
    listeners--;
    remove(...a);
  };
  for (let i = 0; i < 20; i++) await sleep(1, ctl.signal);
  assert.equal(listeners, 0);
});

/** A fetch answering `status` with `body` (a string), recording the call. */
function fakeFetch(status, body, calls = []) {
  return async (url, init) => {
    calls.push({ url, init });
    return new Response(body, { status });
  };
}

test('request sends JSON and parses the answer', async () => {
  const calls = [];
  const r = await request('http://x/a', { method: 'POST', json: { a: 1 }, fetch: fakeFetch(201, '{"ok":true}', calls) });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body, { ok: true });
  assert.equal(calls[0].init.headers['Content-Type'], 'application/json');
  assert.equal(calls[0].init.body, '{"a":1}');
});

test('errors carry the status and the message of every server format', async () => {
  const lp = '{"error":{"time":"t","message":"missing app key","internalCode":13}}';
  await assert.rejects(request('http://x', { fetch: fakeFetch(401, lp) }), (e) => e instanceof HttpError && e.status === 401 && e.message === 'missing app key' && !e.transient);
  assert.equal(messageOf({ Error: true, ErrorType: 'x', Message: 'bad topic' }), 'bad topic');
  assert.equal(messageOf({ error: { status: 400, code: 'invalid_field', message: 'name: too long', field: 'name' } }), 'name: too long');
  await assert.rejects(request('http://x', { fetch: fakeFetch(503, '') }), (e) => e.status === 503 && e.transient);
});

test('a network failure and a timeout are status 0 and transient; an abort from outside is not wrapped', async () => {
  const failing = async () => {
    throw new TypeError('Failed to fetch');
  };
  await assert.rejects(request('http://x', { fetch: failing }), (e) => e.status === 0 && e.transient);
  const hanging = (url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
  await assert.rejects(request('http://x', { fetch: hanging, timeoutMs: 20 }), (e) => e.status === 0 && /timeout/.test(e.message));
  const ctl = new AbortController();
  const p = request('http://x', { fetch: hanging, signal: ctl.signal });
  ctl.abort(new Error('page closed'));
  await assert.rejects(p, (e) => !(e instanceof HttpError) && /page closed/.test(e.message));
});

test('Retry-After is read as seconds or as a date, else null', async () => {
  const { retryAfterMs, request } = await import('../../../crates/chatwire-api/web/ui/lib/http.js');
  assert.equal(retryAfterMs('5'), 5000);
  assert.equal(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10000);
  assert.equal(retryAfterMs(null), null);
  assert.equal(retryAfterMs('soon'), null);
  const fetch = async () => new Response('{"error":{"message":"busy"}}', { status: 429, headers: { 'Retry-After': '3' } });
  await assert.rejects(request('http://x/', { fetch }), (e) => e.status === 429 && e.retryAfterMs === 3000 && e.message === 'busy');
});

test('LivePerson JSON: one item or none as a list, links by rel in both key styles', () => {
  assert.deepEqual(asList(undefined), []);
  assert.deepEqual(asList(null), []);
  assert.deepEqual(asList({ a: 1 }), [{ a: 1 }]);
  assert.deepEqual(asList([1, 2]), [1, 2]);
  assert.equal(linkHref([{ href: 'x', rel: 'self' }, { '@href': 'y', '@rel': 'next' }], 'next'), 'y');
  assert.equal(linkHref({ '@href': 'z', '@rel': 'location' }, 'location'), 'z');
  assert.equal(linkHref(undefined, 'next'), null);
});
