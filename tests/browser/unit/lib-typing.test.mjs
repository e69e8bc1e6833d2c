// The typing indicator shared by the widget and the console: once per burst, cleared after the
// idle pause or on stop, nothing once disabled, a failed "typing" said again at the next key.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TYPING_IDLE_MS, TypingSignal } from '../../../crates/chatwire-api/web/ui/lib/typing.js';

/** A signal with a fake timer (`fire()` runs the pending pause) and a record of what was sent. */
function setUp({ fail = false, enabled = () => true } = {}) {
  const sent = [];
  let pending = null;
  const signal = new TypingSignal({
    send: async (on) => {
      sent.push(on);
      if (fail) throw new Error('offline');
    },
    enabled,
    setTimer: (fn, ms) => (pending = { fn, ms }),
    clearTimer: () => (pending = null),
  });
  return { signal, sent, fire: () => pending?.fn(), pending: () => pending };
}

const settle = () => new Promise((r) => setImmediate(r));

test('typing is sent once per burst and cleared after the idle pause', async () => {
  const { signal, sent, fire, pending } = setUp();
  signal.key();
  signal.key();
  signal.key();
  assert.deepEqual(sent, [true]);
  assert.equal(pending().ms, TYPING_IDLE_MS);
  assert.equal(TYPING_IDLE_MS, 3000);
  fire();
  assert.deepEqual(sent, [true, false]);
  signal.key();
  assert.deepEqual(sent, [true, false, true]);
});

test('stop clears at once and only when typing was said; cancel sends nothing', () => {
  const { signal, sent, pending } = setUp();
  signal.stop();
  assert.deepEqual(sent, []);
  signal.key();
  signal.stop();
  assert.deepEqual(sent, [true, false]);
  assert.equal(pending(), null);
  signal.key();
  signal.cancel();
  assert.equal(pending(), null);
  assert.deepEqual(sent, [true, false, true]);
});

test('nothing is sent once disabled (the chat has ended)', () => {
  let on = true;
  const { signal, sent } = setUp({ enabled: () => on });
  signal.key();
  on = false;
  signal.stop();
  signal.key();
  assert.deepEqual(sent, [true]);
});

test('a failed "typing" is reported and said again at the next key', async () => {
  const { signal, sent } = setUp({ fail: true });
  const errors = [];
  signal.onError = (e) => errors.push(e.message);
  signal.key();
  await settle();
  signal.key();
  await settle();
  assert.deepEqual(sent, [true, true]);
  assert.deepEqual(errors, ['offline', 'offline']);
});
