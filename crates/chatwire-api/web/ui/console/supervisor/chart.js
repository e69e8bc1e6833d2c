// SVG charts drawn with DOM calls (no HTML strings, no library): grouped bars and lines over
// one hour axis. Geometry comes from stats-model.js. Each chart is a <figure> whose SVG has a
// text summary as its accessible name, with the figures as a table a person can open.

import { h } from '../../lib/dom.js';
import { bars, labelEvery, linePoints, niceMax } from './stats-model.js';

const W = 720;
const H = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

function axes(labels, max, valueText, integer) {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const every = labelEvery(labels.length);
  const slot = labels.length ? plotW / labels.length : plotW;
  // Counts get whole-number ticks only (no "0.5 chats").
  const ticks = [0, max / 2, max].filter((t) => !integer || Number.isInteger(t));
  return [
    ...ticks.map((t) => {
      const y = PAD.top + plotH - (t / max) * plotH;
      return h(
        'svg:g',
        { class: 'tick' },
        h('svg:line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid-line' }),
        h('svg:text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end' }, valueText(t)),
      );
    }),
    ...labels.map((l, i) =>
      i % every === 0 ? h('svg:text', { x: PAD.left + i * slot + slot / 2, y: H - 8, 'text-anchor': 'middle', class: 'x-label' }, l) : null,
    ),
  ];
}

function table(title, labels, series, valueText) {
  return h(
    'details',
    { class: 'chart-table' },
    h('summary', {}, `${title}: the figures as a table`),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'grid' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Hour (UTC)'), series.map((s) => h('th', { scope: 'col' }, s.name)))),
        h('tbody', {}, labels.map((l, i) => h('tr', {}, h('th', { scope: 'row' }, l), series.map((s) => h('td', {}, s.values[i] == null ? '–' : valueText(s.values[i])))))),
      ),
    ),
  );
}

/**
 * A chart figure. `kind`: `bars` (grouped) or `lines`. `series`: `[{name, values, cls}]`;
 * `summary`: the sentence that names the SVG for screen readers; `valueText(v)` formats an
 * axis or table value; `floor` is the least axis maximum, `roundMax` rounds it up, `integer`
 * keeps whole-number ticks only.
 */
export function chart({ title, kind = 'bars', labels, series, summary, valueText = String, floor = 1, integer = false, roundMax = niceMax }) {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const max = roundMax(Math.max(floor, ...series.flatMap((s) => s.values.map((v) => v || 0))));
  const marks = series.map((s, group) => {
    if (kind === 'bars') {
      const { bars: rects } = bars(s.values, { width: plotW, height: plotH, max, groups: series.length, group });
      return h(
        'svg:g',
        { class: `series ${s.cls}`, transform: `translate(${PAD.left} ${PAD.top})` },
        rects.filter((r) => r.h > 0).map((r) => h('svg:rect', { x: r.x, y: r.y, width: Math.max(1, r.w), height: r.h, 'data-value': r.value }, h('svg:title', {}, `${labels[r.index]}: ${s.name} ${valueText(r.value)}`))),
      );
    }
    const { segments } = linePoints(s.values, { width: plotW, height: plotH, max });
    return h(
      'svg:g',
      { class: `series line ${s.cls}`, transform: `translate(${PAD.left} ${PAD.top})` },
      segments.map((seg) => h('svg:polyline', { points: seg.map((p) => `${p.x},${p.y}`).join(' ') })),
      segments.flat().map((p) => h('svg:circle', { cx: p.x, cy: p.y, r: 3.5 }, h('svg:title', {}, `${labels[p.index]}: ${s.name} ${valueText(p.value)}`))),
    );
  });
  const svg = h('svg:svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, class: 'chart', preserveAspectRatio: 'xMidYMid meet' }, axes(labels, max, valueText, integer), marks);
  return h(
    'figure',
    { class: 'card chart-card' },
    h('figcaption', {}, h('h2', {}, title)),
    h('ul', { class: 'legend' }, series.map((s) => h('li', {}, h('span', { class: `swatch ${s.cls}`, 'aria-hidden': 'true' }), s.name))),
    svg,
    table(title, labels, series, valueText),
  );
}
