// Keyset paging with the server's cursors (paging.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { currentCursor, firstPage, hasNext, hasPrevious, pageNumber, toNext, toPrevious, withAnswer } from '../../../crates/chatwire-api/web/ui/console/supervisor/paging.js';

test('next follows the server cursor, previous goes back to the cursor that page was read with', () => {
  let p = firstPage();
  assert.equal(currentCursor(p), null);
  assert.equal(hasPrevious(p), false);
  p = withAnswer(p, 'c1');
  assert.equal(hasNext(p), true);
  p = toNext(p);
  assert.equal(currentCursor(p), 'c1');
  assert.equal(pageNumber(p), 2);
  assert.equal(hasNext(p), false, 'unknown until the page answers');
  p = toNext(withAnswer(p, 'c2'));
  assert.equal(currentCursor(p), 'c2');
  p = withAnswer(p, null);
  assert.equal(hasNext(p), false);
  assert.equal(toNext(p), p, 'no page after the last');
  p = toPrevious(p);
  assert.equal(currentCursor(p), 'c1');
  assert.equal(hasNext(p), true);
  p = toPrevious(toPrevious(p));
  assert.equal(currentCursor(p), null);
  assert.equal(pageNumber(p), 1);
});

test('going forward again after going back drops the cursors beyond', () => {
  let p = toNext(withAnswer(toNext(withAnswer(firstPage(), 'a')), 'b'));
  p = toPrevious(p);
  p = toNext(withAnswer(p, 'b2'));
  assert.deepEqual(p.cursors, [null, 'a', 'b2']);
});
