// The statistics page: for a chosen range, chats per hour (requested and missed, bars), the
// wait to the first accept per hour (p50 and p90, lines), and the range's totals. Charts are
// chart.js SVG; the series come from stats-model.js.

import { h, replace } from '../../lib/dom.js';
import { apiOf, busy, errorLine, field, pageHead } from './common.js';
import { chart } from './chart.js';
import { hourlySeries, niceDurationMax, shortDuration, totals } from './stats-model.js';

const RANGES = [
  ['24', 'Last 24 hours'],
  ['72', 'Last 3 days'],
  ['168', 'Last 7 days'],
];

/** Mounts the statistics page. */
export function mount(container, ctx) {
  const api = apiOf(ctx);
  const range = h('select', { name: 'range' }, RANGES.map(([v, t]) => h('option', { value: v }, t)));
  const skill = h('select', { name: 'skill' }, h('option', { value: '' }, 'All skills'));
  const submit = h('button', { type: 'submit' }, 'Show');
  const form = h('form', { class: 'search-form', 'aria-label': 'Statistics range' });
  const errors = errorLine(form);
  replace(form, h('div', { class: 'search-grid' }, field('Range', range), field('Skill', skill)), h('div', { class: 'buttons' }, submit), errors.el);
  const out = h('div', { class: 'charts', 'aria-live': 'polite' });
  replace(container, ...pageHead('Statistics', 'Chats per hour, waits and missed chats (hours in UTC).'), form, out);

  const show = () =>
    busy(submit, errors, async () => {
      const to = new Date();
      const from = new Date(to.getTime() - Number(range.value) * 3600_000);
      const q = { from: from.toISOString(), to: to.toISOString(), skill: skill.value };
      const [hourly, total] = await Promise.all([api.stats({ ...q, by: 'hour' }), api.stats({ ...q, by: 'total' })]);
      const series = hourlySeries(hourly);
      const t = totals(series);
      const all = total.rows[0] || {};
      const labels = series.map((s) => s.label);
      const figure = (k, v) => h('div', {}, h('dt', {}, k), h('dd', {}, v));
      replace(
        out,
        h(
          'dl',
          { class: 'figures card', 'aria-label': 'Totals of the range' },
          figure('Requested', String(t.requested)),
          figure('Accepted', String(t.accepted)),
          figure('Missed', String(t.missed)),
          figure('Wait p50', shortDuration(all.waitP50Ms ?? null)),
          figure('Wait p90', shortDuration(all.waitP90Ms ?? null)),
        ),
        chart({
          title: 'Chats per hour',
          labels,
          series: [
            { name: 'Requested', values: series.map((s) => s.requested), cls: 's-requested' },
            { name: 'Missed', values: series.map((s) => s.missed), cls: 's-missed' },
          ],
          integer: true,
          summary: `Chats per hour: ${t.requested} requested, ${t.missed} missed${t.busiest ? `; busiest hour ${t.busiest.label} UTC with ${t.busiest.requested}` : ''}.`,
        }),
        chart({
          title: 'Wait to the first accept',
          kind: 'lines',
          labels,
          series: [
            { name: 'Median (p50)', values: series.map((s) => s.waitP50Ms), cls: 's-p50' },
            { name: '90th percentile (p90)', values: series.map((s) => s.waitP90Ms), cls: 's-p90' },
          ],
          valueText: shortDuration,
          floor: 60_000,
          roundMax: niceDurationMax,
          summary: `Wait to the first accept: median ${shortDuration(all.waitP50Ms ?? null)}, 90th percentile ${shortDuration(all.waitP90Ms ?? null)} over the range.`,
        }),
      );
    });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    show();
  });
  (async () => {
    try {
      for (const s of await api.skills.all()) skill.append(h('option', { value: String(s.id) }, s.name));
    } catch (e) {
      errors.show(e);
    }
    show();
  })();
  return () => {};
}
