// Statistics turned into chart series and chart geometry, DOM-free (the page draws the SVG).
// The server answers only the hours that had chats (`by=hour`); the charts need every hour of
// the range, so empty hours are filled in with zeros (and no wait figures).

const HOUR = 3600_000;

/**
 * One entry per hour of the range `[from, to)`: `{start (ms), label ("HH:00" UTC),
 * requested, accepted, missed, waitP50Ms, waitP90Ms}`; hours without chats are zeros with
 * null waits. `stats` is the answer of `GET …/stats?by=hour`.
 */
export function hourlySeries(stats) {
  const from = Math.floor(Date.parse(stats.from) / HOUR) * HOUR;
  const to = Date.parse(stats.to);
  const byStart = new Map();
  for (const r of stats.rows || []) {
    if (r.period) byStart.set(Date.parse(r.period), r);
  }
  const out = [];
  for (let t = from; t < to && out.length < 24 * 93; t += HOUR) {
    const r = byStart.get(t);
    out.push({
      start: t,
      label: `${String(new Date(t).getUTCHours()).padStart(2, '0')}:00`,
      requested: r?.requested || 0,
      accepted: r?.accepted || 0,
      missed: r?.missed || 0,
      waitP50Ms: r?.waitP50Ms ?? null,
      waitP90Ms: r?.waitP90Ms ?? null,
    });
  }
  return out;
}

/** The totals of a series: `{requested, accepted, missed, busiest}` (busiest: an entry or null). */
export function totals(series) {
  let busiest = null;
  const t = { requested: 0, accepted: 0, missed: 0 };
  for (const s of series) {
    t.requested += s.requested;
    t.accepted += s.accepted;
    t.missed += s.missed;
    if (s.requested > 0 && (!busiest || s.requested > busiest.requested)) busiest = s;
  }
  return { ...t, busiest };
}

/** A round axis maximum at or above `max` (1, 2, 5 × 10^n), at least 1. */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** A round axis maximum for durations in ms (10 s, 30 s, 1, 2, 5, 10, 30 min, 1, 2, 6, 12, 24 h…). */
export function niceDurationMax(ms) {
  const steps = [10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400].map((s) => s * 1000);
  for (const s of steps) if (s >= ms) return s;
  return Math.ceil(ms / 86_400_000) * 86_400_000;
}

/**
 * Bars for `values` (numbers or null) in a plot `width` × `height`: `[{index, x, y, w, h,
 * value}]`, one per non-null value, x from 0, y from the top; and the axis maximum.
 * Several series side by side: `groups` > 1 and `group` the series' position.
 */
export function bars(values, { width, height, max = niceMax(Math.max(0, ...values.map((v) => v || 0))), groups = 1, group = 0, gap = 0.2 }) {
  const slot = values.length ? width / values.length : width;
  const inner = slot * (1 - gap);
  const w = inner / groups;
  const out = [];
  values.forEach((v, index) => {
    if (v === null || v === undefined) return;
    const h = max > 0 ? (Math.max(0, v) / max) * height : 0;
    out.push({ index, value: v, x: index * slot + (slot - inner) / 2 + group * w, y: height - h, w, h });
  });
  return { bars: out, max };
}

/** A duration in ms as words for labels: "45 s", "3 min", "1.5 h". */
export function shortDuration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < HOUR) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round((ms / HOUR) * 10) / 10} h`;
}

/** Which labels to print under `n` bars so at most `most` show: every k-th index. */
export function labelEvery(n, most = 12) {
  return Math.max(1, Math.ceil(n / most));
}

/**
 * A line through `values` (numbers or null) in a plot `width` × `height`: `{segments:
 * [[{x, y, value, index}]], max}`; a null value breaks the line (no figure that hour).
 */
export function linePoints(values, { width, height, max = niceMax(Math.max(0, ...values.map((v) => v || 0))) }) {
  const slot = values.length ? width / values.length : width;
  const segments = [];
  let current = null;
  values.forEach((v, index) => {
    if (v === null || v === undefined) {
      current = null;
      return;
    }
    if (!current) segments.push((current = []));
    current.push({ index, value: v, x: index * slot + slot / 2, y: height - (Math.max(0, v) / max) * height });
  });
  return { segments, max };
}
