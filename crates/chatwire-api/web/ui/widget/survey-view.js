// Draws a LivePerson survey (pre-chat, offline, exit) as an accessible form: every question a
// labelled control (fieldsets with legends for choices), questions revealed by an answer shown
// and hidden in place (so focus stays put), problems written next to the question they are
// about. The rules themselves (what is shown, what is valid) are ui/lib/survey.js's.

import { h } from '../lib/dom.js';
import { checkAnswers, initialAnswers, surveySubmission, visibleQuestions } from '../lib/survey.js';

/**
 * A form for `survey` (as read by `readSurvey`). `onSubmit(submission, answers)` may throw an
 * error whose message is shown above the button. `before`: extra controls shown first (the
 * visitor's name when the survey does not ask it). Returns `{el, answers}`.
 * @param {{survey: any, prefix: string, submitLabel: string, onSubmit: Function, before?: Node[], skipLabel?: string, onSkip?: Function}} opts
 */
export function surveyForm({ survey, prefix, submitLabel, onSubmit, before = [], skipLabel, onSkip }) {
  const answers = initialAnswers(survey);
  const blocks = new Map(); // question id → {block, error, controls}
  const formError = h('p', { class: 'cw-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'cw-primary' }, submitLabel);

  const refresh = () => {
    const shown = new Set(visibleQuestions(survey, answers).map((q) => q.id));
    for (const [id, b] of blocks) b.block.hidden = !shown.has(id);
  };
  const set = (q, value) => {
    answers[q.id] = value;
    blocks.get(q.id).error.hidden = true;
    if (q.entries.some((e) => e.shows.length)) refresh();
  };

  const questions = survey.questions.map((q) => {
    const b = questionBlock(q, `${prefix}-q${q.id}`, answers[q.id], (v) => set(q, v));
    blocks.set(q.id, b);
    return b.block;
  });

  const form = h(
    'form',
    {
      class: 'cw-form',
      novalidate: true,
      onsubmit: async (ev) => {
        ev.preventDefault();
        formError.hidden = true;
        const problems = checkAnswers(survey, answers);
        let first = null;
        for (const [id, b] of blocks) {
          const p = problems[id];
          b.error.hidden = !p;
          b.error.textContent = p || '';
          for (const c of b.controls) c.setAttribute('aria-invalid', p ? 'true' : 'false');
          if (p && !first) first = b.controls[0];
        }
        if (first) return first.focus();
        submit.disabled = true;
        try {
          await onSubmit(surveySubmission(survey, answers), answers);
        } catch (e) {
          formError.textContent = e.message || String(e);
          formError.hidden = false;
        } finally {
          submit.disabled = false;
        }
      },
    },
    survey.header ? h('p', { class: 'cw-intro' }, survey.header) : null,
    before,
    questions,
    formError,
    h('div', { class: 'cw-actions' }, submit, skipLabel ? h('button', { type: 'button', class: 'cw-secondary', onclick: () => onSkip() }, skipLabel) : null),
  );
  refresh();
  return { el: form, answers };
}

/** One question: its label or legend, its control(s), and a place for its problem. */
function questionBlock(q, id, value, onValue) {
  const errId = `${id}-err`;
  const error = h('p', { class: 'cw-error', id: errId, hidden: true });
  const labelText = q.mandatory ? [q.label, h('span', { class: 'cw-req' }, ' (required)')] : [q.label, h('span', { class: 'cw-opt' }, ' (optional)')];
  const common = { 'aria-describedby': errId, 'aria-required': q.mandatory ? 'true' : null };
  let controls;
  let block;
  if (q.type === 'Radio Button' || q.type === 'Radio Button (side by side)' || q.type === 'Checkbox') {
    const multi = q.type === 'Checkbox';
    const chosen = new Set(Array.isArray(value) ? value : value ? [value] : []);
    controls = q.entries.map((e, i) =>
      h('input', {
        type: multi ? 'checkbox' : 'radio',
        name: id,
        id: `${id}-${i}`,
        value: e.value,
        checked: chosen.has(e.value),
        ...common,
        onchange: () => onValue(multi ? controls.filter((c) => c.checked).map((c) => c.value) : e.value),
      }),
    );
    const side = q.type === 'Radio Button (side by side)';
    block = h(
      'fieldset',
      { class: `cw-field cw-choices${side ? ' cw-side' : ''}` },
      h('legend', {}, labelText),
      q.entries.map((e, i) => h('label', { class: 'cw-choice', for: `${id}-${i}` }, controls[i], ' ', e.label)),
      error,
    );
  } else {
    let control;
    if (q.type === 'Dropdown Box') {
      control = h(
        'select',
        { id, ...common, onchange: () => onValue(control.value || undefined) },
        h('option', { value: '' }, 'Choose…'),
        q.entries.map((e) => h('option', { value: e.value, selected: e.value === value }, e.label)),
      );
    } else if (q.type === 'Text Area') {
      control = h('textarea', { id, rows: 3, ...common, oninput: () => onValue(control.value) });
    } else {
      const email = q.validation === 'email';
      control = h('input', {
        id,
        type: email ? 'email' : 'text',
        autocomplete: email ? 'email' : /\bname\b/i.test(q.label) ? 'name' : null,
        ...common,
        oninput: () => onValue(control.value),
      });
    }
    controls = [control];
    block = h('div', { class: 'cw-field' }, h('label', { for: id }, labelText), control, error);
  }
  return { block, error, controls };
}
