// One admin resource as a page: a table of the items with per-row actions, and one form to
// create an item or edit the chosen one. Used by the agents, skills and app keys pages, which
// only say what their columns, fields and actions are. Server errors show next to the form
// and mark the field they name; every control has a label.

import { h, replace } from '../../lib/dom.js';
import { busy, checkField, errorLine, field, pageHead } from './common.js';

/** A control for one field definition (see `crudPage`). */
function control(f) {
  const name = f.name;
  switch (f.type) {
    case 'checkbox':
      return h('input', { type: 'checkbox', name, checked: Boolean(f.value) });
    case 'textarea':
    case 'lines':
      return h('textarea', { name, rows: f.rows || 3, value: f.type === 'lines' ? (f.value || []).join('\n') : f.value ?? '' });
    case 'checkboxes':
      return h(
        'fieldset',
        { name, class: 'choices' },
        h('legend', {}, f.label),
        (f.options || []).map((o) => checkField(o.label, h('input', { type: 'checkbox', value: String(o.value), checked: (f.value || []).includes(o.value) }))),
      );
    default:
      return h('input', {
        name,
        type: f.type || 'text',
        value: f.value ?? '',
        required: f.required,
        autocomplete: f.autocomplete || 'off',
        ...(f.type === 'number' ? { step: '1' } : {}),
      });
  }
}

/** The value of a field's control for the request body. */
function valueOf(f, el) {
  switch (f.type) {
    case 'checkbox':
      return el.checked;
    case 'number':
      return el.value.trim() === '' ? undefined : Number(el.value);
    case 'lines':
      return el.value.split('\n').map((s) => s.trim()).filter(Boolean);
    case 'checkboxes':
      return [...el.querySelectorAll('input:checked')].map((i) => Number(i.value));
    default:
      return f.optional && el.value.trim() === '' ? undefined : el.value;
  }
}

/**
 * Mounts a resource page. `spec`: `{title, intro, noun, load() → items, key(item), rowName(item),
 * columns: [{label, value(item) → text|Node}], fields(item|null) → [{name, label, type, value,
 * hint, required, optional, options}], create(body), update(item, body), actions(item) →
 * [{label, run() → message?, danger, confirm}], created(answer) → Node|null}`.
 */
export function crudPage(container, ctx, spec) {
  const table = h('div', { class: 'table-wrap' });
  const formTitleId = `${spec.noun.replace(/\W+/g, '-')}-form-title`;
  const formBox = h('section', { class: 'card form-card', 'aria-labelledby': formTitleId });
  const notice = h('div', { class: 'notice', role: 'status' });
  replace(container, ...pageHead(spec.title, spec.intro), notice, h('div', { class: 'crud' }, h('section', { 'aria-label': `${spec.title} list` }, table), formBox));

  let items = [];

  const showForm = (item) => {
    const defs = spec.fields(item);
    const controls = defs.map((f) => [f, control(f)]);
    const submit = h('button', { type: 'submit' }, item ? `Save ${spec.noun}` : `Create ${spec.noun}`);
    const cancel = item ? h('button', { type: 'button', class: 'secondary', onclick: () => showForm(null) }, 'Cancel') : null;
    const form = h('form', { class: 'stack', novalidate: true });
    const errors = errorLine(form);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const body = {};
      for (const [f, el] of controls) {
        const v = valueOf(f, el);
        if (v !== undefined) body[f.name] = v;
      }
      busy(submit, errors, async () => {
        const answer = item ? await spec.update(item, body) : await spec.create(body);
        const extra = item ? null : spec.created?.(answer);
        replace(notice, h('p', {}, item ? `Saved ${spec.noun} ${spec.rowName(answer || item)}.` : `Created ${spec.noun} ${spec.rowName(answer)}.`), extra);
        await reload();
        showForm(null);
      });
    });
    replace(
      form,
      controls.map(([f, el]) => (f.type === 'checkbox' ? checkField(f.label, el) : f.type === 'checkboxes' ? el : field(f.label, el, f.hint))),
      h('div', { class: 'buttons' }, submit, cancel),
      errors.el,
    );
    replace(formBox, h('h2', { id: formTitleId }, item ? `Edit ${spec.noun} ${spec.rowName(item)}` : `New ${spec.noun}`), form);
    if (item) form.querySelector('input, textarea')?.focus();
  };

  const row = (item) => {
    const name = spec.rowName(item);
    const buttons = [
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Edit ${name}`, onclick: () => showForm(item) }, 'Edit'),
      ...(spec.actions?.(item) || []).map((a) => {
        const b = h('button', { type: 'button', class: a.danger ? 'danger' : 'secondary', 'aria-label': `${a.label} ${name}` }, a.label);
        b.addEventListener('click', async () => {
          if (a.confirm && !window.confirm(a.confirm)) return;
          b.disabled = true;
          try {
            const message = await a.run();
            replace(notice, message instanceof Node ? message : h('p', {}, message || `${a.label}: done for ${name}.`));
            await reload();
          } catch (e) {
            replace(notice, h('p', { class: 'error', role: 'alert' }, `${a.label} ${name}: ${e.message}`));
            b.disabled = false;
          }
        });
        return b;
      }),
    ];
    return h('tr', {}, spec.columns.map((c, i) => h(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : {}, c.value(item))), h('td', {}, h('div', { class: 'actions' }, buttons)));
  };

  const reload = async () => {
    try {
      items = await spec.load();
      replace(
        table,
        h(
          'table',
          { class: 'grid' },
          h('caption', {}, `${spec.title} (${items.length})`),
          h('thead', {}, h('tr', {}, spec.columns.map((c) => h('th', { scope: 'col' }, c.label)), h('th', { scope: 'col' }, 'Actions'))),
          h('tbody', {}, items.map(row)),
        ),
      );
    } catch (e) {
      replace(table, h('p', { class: 'error', role: 'alert' }, `Cannot read the ${spec.title.toLowerCase()}: ${e.message}`));
    }
  };

  // The form's choices (an agent's skills) come with the first load.
  reload().then(() => showForm(null));
  return () => {};
}
