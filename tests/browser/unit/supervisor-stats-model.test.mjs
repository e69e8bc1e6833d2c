// Statistics turned into chart series and geometry (stats-model.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { bars, hourlySeries, labelEvery, linePoints, niceDurationMax, niceMax, shortDuration, totals } from '../../../crates/chatwire-api/web/ui/console/supervisor/stats-model.js';

const stats = {
  from: '2026-12-06T09:30:00.000+00:00',
  to: '2026-12-06T13:10:00.000+00:00',
  by: 'hour',
  rows: [
    { period: '2026-12-06T10:00:00.000+00:00', requested: 4, accepted: 3, missed: 1, waitP50Ms: 2000, waitP90Ms: 9000 },
    { period: '2026-12-06T12:00:00.000+00:00', requested: 1, accepted: 1, missed: 0, waitP50Ms: 500, waitP90Ms: 500 },
  ],
};

test('every hour of the range is a point; hours without chats are zeros with no wait', () => {
  const s = hourlySeries(stats);
  assert.deepEqual(s.map((x) => x.label), ['09:00', '10:00', '11:00', '12:00', '13:00']);
  assert.deepEqual(s.map((x) => x.requested), [0, 4, 0, 1, 0]);
  assert.deepEqual(s.map((x) => x.missed), [0, 1, 0, 0, 0]);
  assert.deepEqual(s.map((x) => x.waitP90Ms), [null, 9000, null, 500, null]);
  const t = totals(s);
  assert.deepEqual([t.requested, t.accepted, t.missed, t.busiest.label], [5, 4, 1, '10:00']);
  assert.equal(totals(hourlySeries({ ...stats, rows: [] })).busiest, null);
});

test('bars: heights scale to a round maximum, zero values have no height, null no bar', () => {
  assert.deepEqual([niceMax(0), niceMax(1), niceMax(3), niceMax(7), niceMax(11), niceMax(4500)], [1, 1, 5, 10, 20, 5000]);
  const { bars: b, max } = bars([0, 4, null, 1], { width: 400, height: 100 });
  assert.equal(max, 5);
  assert.deepEqual(b.map((r) => r.index), [0, 1, 3]);
  assert.deepEqual(b.map((r) => r.h), [0, 80, 20]);
  assert.deepEqual(b.map((r) => r.y), [100, 20, 80]);
  // Two series side by side share each slot.
  const left = bars([1, 1], { width: 200, height: 10, max: 1, groups: 2, group: 0 }).bars[0];
  const right = bars([1, 1], { width: 200, height: 10, max: 1, groups: 2, group: 1 }).bars[0];
  assert.equal(left.w, 40);
  assert.equal(right.x, left.x + left.w);
});

test('lines break where an hour has no figure', () => {
  const { segments } = linePoints([1000, 2000, null, 500], { width: 400, height: 100, max: 2000 });
  assert.equal(segments.length, 2);
  assert.deepEqual(segments[0].map((p) => [p.x, p.y]), [[50, 50], [150, 0]]);
  assert.deepEqual(segments[1].map((p) => [p.index, p.y]), [[3, 75]]);
});

test('labels and durations', () => {
  assert.equal(labelEvery(24), 2);
  assert.equal(labelEvery(5), 1);
  assert.equal(labelEvery(168), 14);
  assert.deepEqual([shortDuration(null), shortDuration(420), shortDuration(45_000), shortDuration(180_000), shortDuration(5_400_000)], ['–', '0.4 s', '45 s', '3 min', '1.5 h']);
});

test('duration axes end at a round time', () => {
  assert.deepEqual([niceDurationMax(0), niceDurationMax(60_000), niceDurationMax(61_000), niceDurationMax(4_000_000), niceDurationMax(100_000_000)], [10_000, 60_000, 120_000, 7_200_000, 172_800_000]);
});
