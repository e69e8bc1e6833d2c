// What the visitor sees once the chat has ended: the exit survey (when the chat has one), the
// transcript by e-mail, and a way to start over. Each part says in words whether it worked;
// what was already done is remembered (the caller stores it) so a reload does not ask again.

import { h } from '../lib/dom.js';
import { readSurvey, validValue } from '../lib/survey.js';
import { surveyForm } from './survey-view.js';

/**
 * @param {{api: import('../lib/lp-visitor.js').VisitorApi, chatUrl: string,
 *   done: {survey?: boolean, transcriptTo?: string}, remember: (done: object) => void,
 *   restart: () => void}} opts
 */
export function createEndView({ api, chatUrl, done, remember, restart }) {
  const surveyPart = h('section', { class: 'cw-part', 'aria-labelledby': 'cw-exit-title' });
  const transcriptPart = h('section', { class: 'cw-part', 'aria-labelledby': 'cw-mail-title' });
  // Where focus goes when the chat ends under it (the End chat button or the message box it was
  // on is hidden): kept inside the panel, Escape still closes it.
  const heading = h('h3', { class: 'cw-end-title', tabindex: '-1' }, 'The chat has ended');
  const el = h(
    'div',
    { class: 'cw-end-view' },
    heading,
    surveyPart,
    transcriptPart,
    h('div', { class: 'cw-actions' }, h('button', { type: 'button', class: 'cw-secondary', onclick: restart }, 'Start a new chat')),
  );

  // The form the visitor just used goes away: focus moves to what replaced it, so it stays
  // in the panel (Escape still closes it, Tab goes on from there).
  const thanks = (part, title, text, focus = false) => {
    const note = h('p', { class: 'cw-ok', role: 'status', tabindex: '-1' }, text);
    part.replaceChildren(h('h3', { id: part === surveyPart ? 'cw-exit-title' : 'cw-mail-title' }, title), note);
    if (focus) note.focus();
  };

  async function loadSurvey() {
    if (done.survey) return thanks(surveyPart, 'Feedback', 'Thank you for your feedback.');
    surveyPart.replaceChildren(h('p', {}, 'Loading the survey…'));
    let raw;
    try {
      raw = await api.exitSurvey(chatUrl);
    } catch (e) {
      surveyPart.replaceChildren(
        h('p', { class: 'cw-error', role: 'alert' }, `The survey could not be loaded: ${e.message}`),
        h('button', { type: 'button', class: 'cw-secondary', onclick: loadSurvey }, 'Try again'),
      );
      return;
    }
    if (!raw) return surveyPart.replaceChildren();
    const survey = readSurvey(raw);
    const { el: form } = surveyForm({
      survey,
      prefix: 'cw-exit',
      submitLabel: 'Send feedback',
      onSubmit: async (submission) => {
        await api.submitExitSurvey(chatUrl, submission);
        done.survey = true;
        remember(done);
        thanks(surveyPart, 'Feedback', 'Thank you for your feedback.', true);
      },
    });
    surveyPart.replaceChildren(h('h3', { id: 'cw-exit-title' }, survey.title || 'How did we do?'), form);
  }

  function transcriptForm() {
    if (done.transcriptTo) return thanks(transcriptPart, 'Transcript', `The transcript is on its way to ${done.transcriptTo}.`);
    const input = h('input', { id: 'cw-mail', type: 'email', autocomplete: 'email', 'aria-describedby': 'cw-mail-err' });
    const error = h('p', { class: 'cw-error', id: 'cw-mail-err', role: 'alert', hidden: true });
    const button = h('button', { type: 'submit', class: 'cw-primary' }, 'Email transcript');
    const form = h(
      'form',
      {
        class: 'cw-form',
        novalidate: true,
        onsubmit: async (ev) => {
          ev.preventDefault();
          const email = input.value.trim();
          const problem = !validValue('email', email) ? 'Enter an e-mail address like name@example.com.' : null;
          error.hidden = !problem;
          error.textContent = problem ?? '';
          input.setAttribute('aria-invalid', problem ? 'true' : 'false');
          if (problem) return input.focus();
          button.disabled = true;
          try {
            await api.requestTranscript(chatUrl, email);
            done.transcriptTo = email;
            remember(done);
            thanks(transcriptPart, 'Transcript', `The transcript is on its way to ${email}.`, true);
          } catch (e) {
            error.textContent = `The transcript could not be sent: ${e.message}`;
            error.hidden = false;
            button.disabled = false;
          }
        },
      },
      h('div', { class: 'cw-field' }, h('label', { for: 'cw-mail' }, 'Your e-mail address'), input, error),
      h('div', { class: 'cw-actions' }, button),
    );
    transcriptPart.replaceChildren(h('h3', { id: 'cw-mail-title' }, 'Get the transcript by e-mail'), form);
  }

  loadSurvey();
  transcriptForm();
  return { el, focus: () => heading.focus() };
}
