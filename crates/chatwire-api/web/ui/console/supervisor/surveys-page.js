// The surveys page: the account's surveys (pre-chat, offline, exit, agent) from the admin API.
// A survey is a JSON document (docs/api.md, "Surveys"): created or replaced from a textarea,
// with the server's error and the field it names shown beside it; activated or retired (the
// server keeps at most one active per kind and skill); deleted (refused once it has answers:
// retire it instead).

import { h, replace } from '../../lib/dom.js';
import { fieldOf } from '../../lib/chatwire-api.js';
import { apiOf, busy, field, pageHead } from './common.js';

const EXAMPLE = {
  kind: 'exit',
  name: 'Exit (short)',
  title: 'Thank you',
  header: 'How did we do?',
  skillId: null,
  active: false,
  questions: [{ id: 1, type: 'radio', label: 'Rate this chat', mandatory: true, entries: [{ value: '1' }, { value: '2' }, { value: '3' }, { value: '4' }, { value: '5' }] }],
};

const KIND_NAMES = { preChat: 'Pre-chat', offline: 'Offline', exit: 'Exit', agent: 'Agent' };

/** The document to send back (the server assigns `id`). */
function documentOf(s) {
  const { id: _id, ...doc } = s;
  return doc;
}

/** Mounts the surveys page. */
export function mount(container, ctx) {
  const api = apiOf(ctx);
  const list = h('div', { class: 'table-wrap' });
  const notice = h('div', { class: 'notice', role: 'status' });
  const editor = h('section', { class: 'card form-card', 'aria-labelledby': 'survey-form-title' });
  replace(container, ...pageHead('Surveys', 'Pre-chat, offline, exit and agent surveys, per account or per skill.'), notice, h('div', { class: 'crud' }, h('section', { 'aria-label': 'Surveys list' }, list), editor));
  let skills = [];

  const showEditor = (survey) => {
    const text = h('textarea', { name: 'definition', rows: 18, spellcheck: 'false', class: 'code', value: JSON.stringify(survey ? documentOf(survey) : EXAMPLE, null, 2) });
    const error = h('p', { class: 'error', role: 'alert' });
    const submit = h('button', { type: 'submit' }, survey ? 'Save survey' : 'Create survey');
    const form = h('form', { class: 'stack' });
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      let doc;
      try {
        doc = JSON.parse(text.value);
      } catch (e) {
        error.textContent = `The definition is not JSON: ${e.message}`;
        text.setAttribute('aria-invalid', 'true');
        return;
      }
      text.removeAttribute('aria-invalid');
      error.textContent = '';
      busy(submit, null, async () => {
        try {
          const saved = survey ? await api.surveys.put(survey.id, doc) : await api.surveys.create(doc);
          replace(notice, h('p', {}, `${survey ? 'Saved' : 'Created'} survey ${saved.name} (id ${saved.id}).`));
          await reload();
          showEditor(null);
        } catch (e) {
          const f = fieldOf(e);
          error.textContent = f ? `${e.message} (field: ${f})` : e.message;
          text.setAttribute('aria-invalid', 'true');
        }
      });
    });
    replace(
      form,
      field('Survey definition (JSON)', text, 'kind: preChat, offline, exit or agent; questions of types dropdown, checkbox, radio, radioSideBySide, textField, textArea.'),
      h('div', { class: 'buttons' }, submit, survey ? h('button', { type: 'button', class: 'secondary', onclick: () => showEditor(null) }, 'Cancel') : null),
      error,
    );
    text.setAttribute('aria-errormessage', (error.id = 'survey-error'));
    replace(editor, h('h2', { id: 'survey-form-title' }, survey ? `Edit survey ${survey.name}` : 'New survey'), form);
    if (survey) text.focus();
  };

  const act = async (button, label, work) => {
    button.disabled = true;
    try {
      replace(notice, h('p', {}, await work()));
      await reload();
    } catch (e) {
      replace(notice, h('p', { class: 'error', role: 'alert' }, `${label}: ${e.message}`));
      button.disabled = false;
    }
  };

  const row = (s) => {
    const skill = s.skillId == null ? 'whole account' : skills.find((k) => k.id === s.skillId)?.name || `#${s.skillId}`;
    const toggle = h('button', { type: 'button', class: 'secondary', 'aria-label': `${s.active ? 'Retire' : 'Activate'} ${s.name}` }, s.active ? 'Retire' : 'Activate');
    toggle.addEventListener('click', () =>
      act(toggle, `${s.active ? 'Retire' : 'Activate'} ${s.name}`, async () => {
        await api.surveys.put(s.id, { ...documentOf(s), active: !s.active });
        return `${s.active ? 'Retired' : 'Activated'} survey ${s.name}.`;
      }),
    );
    const del = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${s.name}` }, 'Delete');
    del.addEventListener('click', () => {
      if (!window.confirm(`Delete survey ${s.name}?`)) return;
      act(del, `Delete ${s.name}`, async () => {
        await api.surveys.remove(s.id);
        return `Deleted survey ${s.name}.`;
      });
    });
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, s.name),
      h('td', {}, KIND_NAMES[s.kind] || s.kind),
      h('td', {}, skill),
      h('td', {}, s.active ? 'active' : 'retired'),
      h('td', {}, String(s.questions.length)),
      h('td', {}, h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', 'aria-label': `Edit ${s.name}`, onclick: () => showEditor(s) }, 'Edit'), toggle, del)),
    );
  };

  const reload = async () => {
    try {
      const [items, ks] = await Promise.all([api.surveys.all(), api.skills.all()]);
      skills = ks;
      replace(
        list,
        h(
          'table',
          { class: 'grid' },
          h('caption', {}, `Surveys (${items.length})`),
          h('thead', {}, h('tr', {}, ['Name', 'Kind', 'For', 'State', 'Questions', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, items.map(row)),
        ),
      );
    } catch (e) {
      replace(list, h('p', { class: 'error', role: 'alert' }, `Cannot read the surveys: ${e.message}`));
    }
  };

  showEditor(null);
  reload();
  return () => {};
}
