// The agent's lines are posted one at a time in the order typed, a failed one is handed back,
// and a line typed while another is on its way is sent too (the journey once lost it).
import assert from 'node:assert/strict';
import test from 'node:test';

import { LineSender } from '../../../crates/chatwire-api/web/ui/console/agent/line-sender.js';

test('a line typed while the one before is on its way goes out after it', async () => {
  const posted = [];
  const pending = [];
  const sender = new LineSender(
    (text) =>
      new Promise((resolve) => {
        posted.push(text);
        pending.push(resolve);
      }),
    () => assert.fail('nothing fails here'),
  );
  const first = sender.send('The sencha is organic.');
  const second = sender.send('So is the matcha.');
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(posted, ['The sencha is organic.'], 'the second waits for the first');
  pending.shift()();
  await first;
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(posted, ['The sencha is organic.', 'So is the matcha.']);
  pending.shift()();
  await second;
});

test('a failed line is handed back and the lines after it still go out', async () => {
  const posted = [];
  const failed = [];
  const sender = new LineSender(
    async (text) => {
      posted.push(text);
      if (text === 'one') throw new Error('offline');
    },
    (text, e) => failed.push([text, e.message]),
  );
  sender.send('one');
  await sender.send('two');
  assert.deepEqual(posted, ['one', 'two']);
  assert.deepEqual(failed, [['one', 'offline']]);
});
