// The forms of a chat panel that open on demand: transfer (to a skill or an agent, with a note
// for the next agent), the agent survey after the end, and the visitor's details.

import { h, replace } from '../../lib/dom.js';
import { isChoice, isMulti, missingAnswers, readSurvey, surveySubmission, visibleQuestions } from '../../lib/survey.js';

let forms = 0;

/**
 * The transfer form. Skills come from the chat's `transfer` resource (skills with someone
 * Online), agents from `availableAgents` (personal transfers reach an agent whatever their
 * presence). `onDone(targetName)` after the server took it.
 */
export function transferForm({ client, key, me, agents, onCancel, onDone }) {
  const n = ++forms;
  const target = h('select', { id: `transfer-${n}-target`, required: true }, h('option', { value: '' }, 'Loading…'));
  const note = h('input', { id: `transfer-${n}-note`, maxlength: '500' });
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', disabled: true }, 'Transfer chat');
  const form = h(
    'form',
    { class: 'transfer card', 'aria-label': 'Transfer this chat', onsubmit: (ev) => (ev.preventDefault(), go()) },
    h('label', { for: target.id }, 'Transfer to'),
    target,
    h('label', { for: note.id }, 'Note for the next agent (optional)'),
    note,
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'secondary', onclick: onCancel }, 'Cancel')),
    error,
  );
  Promise.all([client.transferSkills(key), agents()])
    .then(([skills, people]) => {
      const others = people.filter((a) => a.id !== String(me.id));
      replace(
        target,
        h('option', { value: '' }, 'Choose a skill or an agent'),
        h('optgroup', { label: 'Skills (someone Online)' }, skills.length ? skills.map((s) => h('option', { value: `skill:${s.id}` }, `${s.name} (${s.onlineAgents} online)`)) : h('option', { value: '', disabled: true }, 'No skill has an agent Online')),
        h('optgroup', { label: 'Agents' }, others.map((a) => h('option', { value: `agent:${a.id}` }, `${a.name} (${a.state}, ${a.chats} chats)`))),
      );
      submit.disabled = false;
      target.focus();
    })
    .catch((e) => (error.textContent = `Cannot list the transfer targets: ${e.message}`));

  async function go() {
    const [kind, id] = target.value.split(':');
    if (!id) return (error.textContent = 'Choose a skill or an agent.');
    const name = target.selectedOptions[0]?.textContent.replace(/ \(.*$/, '') ?? id;
    submit.disabled = true;
    error.textContent = '';
    try {
      await client.transfer(key, { [kind]: id, text: note.value.trim() });
      onDone(name);
    } catch (e) {
      error.textContent = `Not transferred: ${e.message}`;
      submit.disabled = false;
    }
  }
  return form;
}

/** The agent survey (wrap-up) of an ended chat; `onDone()` after it was submitted. */
export function surveyForm({ client, key, onDone }) {
  const n = ++forms;
  const section = h('section', { class: 'survey card', 'aria-labelledby': `survey-${n}-title` }, h('h3', { id: `survey-${n}-title` }, 'Agent survey'), h('p', {}, 'Loading…'));
  const answers = {};
  client
    .survey(key)
    .then((survey) => {
      if (!survey) return replace(section, h('p', {}, 'This chat has no agent survey.'));
      const model = readSurvey(survey);
      const error = h('p', { class: 'error', role: 'alert' });
      const fields = h('div', { class: 'questions' });
      const submit = h('button', { type: 'submit' }, 'Submit survey');
      const draw = () => {
        replace(fields, visibleQuestions(model, answers).map((q) => questionField(n, q, answers, draw)));
      };
      const form = h(
        'form',
        {
          onsubmit: async (ev) => {
            ev.preventDefault();
            const missing = missingAnswers(model, answers);
            if (missing.length) return (error.textContent = `Please answer: ${missing.join(', ')}.`);
            submit.disabled = true;
            error.textContent = '';
            try {
              await client.submitSurvey(key, survey.id, surveySubmission(model, answers).question);
              replace(section, h('h3', { id: `survey-${n}-title` }, 'Agent survey'), h('p', { role: 'status' }, 'Survey submitted. Thank you.'));
              onDone();
            } catch (e) {
              error.textContent = `Survey not submitted: ${e.message}`;
              submit.disabled = false;
            }
          },
        },
        fields,
        submit,
        error,
      );
      replace(section, h('h3', { id: `survey-${n}-title` }, survey.title || 'Agent survey'), survey.header ? h('p', {}, survey.header) : null, form);
      draw();
    })
    .catch((e) => replace(section, h('p', { class: 'error', role: 'alert' }, `Cannot load the agent survey: ${e.message}`)));
  return section;
}

/** One survey question as form controls; `redraw()` when a choice may reveal questions. */
function questionField(n, q, answers, redraw) {
  const id = `survey-${n}-q${q.id}`;
  const label = `${q.label}${q.mandatory ? ' (required)' : ''}`;
  if (isChoice(q) && (isMulti(q) || /Radio/.test(q.type))) {
    const type = isMulti(q) ? 'checkbox' : 'radio';
    const chosen = new Set([].concat(answers[q.id] ?? []));
    return h(
      'fieldset',
      { class: 'question' },
      h('legend', {}, label),
      q.entries.map((e, i) =>
        h(
          'label',
          { class: 'choice', for: `${id}-${i}` },
          h('input', {
            id: `${id}-${i}`,
            type,
            name: id,
            value: e.value,
            checked: chosen.has(e.value),
            onchange: (ev) => {
              if (type === 'radio') answers[q.id] = e.value;
              else {
                ev.target.checked ? chosen.add(e.value) : chosen.delete(e.value);
                answers[q.id] = [...chosen];
              }
              redrawKeepingFocus(redraw, ev.target.id);
            },
          }),
          ` ${e.label}`,
        ),
      ),
    );
  }
  if (isChoice(q)) {
    const select = h('select', { id, onchange: () => ((answers[q.id] = select.value), redrawKeepingFocus(redraw, id)) }, h('option', { value: '' }, 'Choose…'), q.entries.map((e) => h('option', { value: e.value, selected: answers[q.id] === e.value }, e.label)));
    return h('div', { class: 'question' }, h('label', { for: id }, label), select);
  }
  const input = h(q.type === 'Text Area' ? 'textarea' : 'input', { id, rows: '2', value: answers[q.id] ?? '', oninput: () => (answers[q.id] = input.value) });
  return h('div', { class: 'question' }, h('label', { for: id }, label), input);
}

function redrawKeepingFocus(redraw, id) {
  redraw();
  document.getElementById(id)?.focus();
}

/** "Visitor details": the chat's info and the visit's details, read when first opened. */
export function visitorDetails({ client, key, info }) {
  const body = h('div', { class: 'details-body' }, h('p', {}, 'Loading…'));
  let loaded = false;
  const el = h('details', { class: 'visitor' }, h('summary', {}, 'Visitor details'), body);
  el.addEventListener('toggle', async () => {
    if (!el.open || loaded) return;
    loaded = true;
    const s = info();
    const rows = [
      { group: 'Chat', name: 'Visitor name', value: s?.visitorName ?? '' },
      { group: 'Chat', name: 'Chat', value: key },
    ];
    try {
      rows.push(...(await client.visit(key)));
      replace(body, h('dl', {}, rows.map((r) => [h('dt', {}, `${r.group}: ${r.name}`), h('dd', {}, r.value)])));
    } catch (e) {
      loaded = false;
      replace(body, h('dl', {}, rows.map((r) => [h('dt', {}, r.name), h('dd', {}, r.value)])), h('p', { class: 'error', role: 'alert' }, `Visit details not available: ${e.message}`));
    }
  });
  return { el };
}
