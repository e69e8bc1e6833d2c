// Where the widget keeps its chat across reloads (SessionStore), and how it explains a start
// that failed (a refused origin and a dead network look alike to a page: a probe tells them apart).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { explainStartError } from '../../../crates/chatwire-api/web/ui/widget/start-error.js';
import { SessionStore, storeKey } from '../../../crates/chatwire-api/web/ui/widget/store.js';

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k), m };
}

test('the store keeps one entry per server and account, and reads back what it wrote', () => {
  const storage = memoryStorage();
  const a = new SessionStore(storage, storeKey('https://chat.example', '1000'));
  const b = new SessionStore(storage, storeKey('https://chat.example', '2000'));
  a.save({ log: { chatUrl: 'x', cursor: 7 } });
  assert.deepEqual(a.load(), { log: { chatUrl: 'x', cursor: 7 }, v: 1 });
  assert.equal(b.load(), null);
  a.clear();
  assert.equal(a.load(), null);
});

test('unreadable, foreign-version or unavailable storage is "nothing stored", never an error', (t) => {
  const storage = memoryStorage();
  const s = new SessionStore(storage, 'k');
  storage.setItem('k', '{not json');
  assert.equal(s.load(), null);
  storage.setItem('k', JSON.stringify({ v: 99, log: {} }));
  assert.equal(s.load(), null);
  const none = new SessionStore(undefined, 'k');
  assert.equal(none.load(), null);
  none.save({ a: 1 });
  const warn = t.mock.method(console, 'warn', () => {});
  const full = new SessionStore({ ...storage, setItem: () => { throw new Error('QuotaExceededError'); } }, 'k');
  full.save({ a: 1 });
  assert.equal(warn.mock.callCount(), 1);
});

test('a start failure is explained: server error, refused origin, or no network', async () => {
  const up = async () => ({ ok: true });
  const down = async () => {
    throw new TypeError('Failed to fetch');
  };
  assert.match(await explainStartError({ status: 401, message: 'unknown app key' }, 'http://c', up), /unknown app key \(HTTP 401\)/);
  assert.match(await explainStartError({ status: 0, message: 'network' }, 'http://c', up), /does not accept requests from this site/);
  assert.match(await explainStartError({ status: 0, message: 'network' }, 'http://c', down), /cannot be reached/);
});
