// LivePerson surveys as data, for every kind (the widget's pre-chat, offline and exit surveys,
// the console's agent survey): reading the survey structure in any of its shapes (one question
// as an object, scalars as strings), which questions are shown (an entry's `showLogicId`
// reveals the questions with that `logicId`), checking answers the way the server will, and
// the body to submit. DOM-free; ui/widget/survey-view.js and ui/console/agent/chat-tools.js
// draw the forms. The wire shape: shared/spec/liveperson.md §4.2.
//
// A `logicId` that is absent, null or empty means the question has no condition: it is always
// shown. chatwire leaves the field out for such questions; an empty string carries no id an
// entry could name, so reading it as "conditional" would hide the question for good.

import { asList } from './lp-json.js';

/**
 * @typedef {{value: string, label: string, checked: boolean, shows: number[]}} Entry
 * @typedef {{id: number, label: string, type: string, mandatory: boolean, validation: string|null,
 *   logicId: number|null, order: number, entries: Entry[]}} Question
 * @typedef {{id: any, title: string, header: string, questions: Question[]}} Survey
 */

/** Question types answered by choosing entries. */
export const CHOICE_TYPES = ['Dropdown Box', 'Checkbox', 'Radio Button', 'Radio Button (side by side)'];

const truthy = (v) => v === true || v === 'true';
const isBlank = (v) => v === undefined || v === null || v === '';
/** An id as the server wrote it: a number when it is one (`"4"` and `4` are the same id). */
const idOf = (v) => (Number.isNaN(Number(v)) ? String(v) : Number(v));

/** The survey as the widget uses it, questions in display order. */
export function readSurvey(s) {
  const questions = asList(s?.questions?.question).map((q) => ({
    id: idOf(q.id),
    label: String(q.label ?? ''),
    type: String(q.type ?? 'Text Field'),
    mandatory: truthy(q.mandatory),
    validation: q.validationType ? String(q.validationType) : null,
    logicId: isBlank(q.logicId) ? null : idOf(q.logicId),
    order: Number(q.order ?? 0),
    entries: asList(q.entry).map((e) => ({
      value: String(e.value ?? ''),
      label: String(isBlank(e.displayValue) ? (e.value ?? '') : e.displayValue),
      checked: truthy(e.checked),
      shows: asList(e.logic?.showLogicId).filter((v) => !isBlank(v)).map(idOf),
    })),
  }));
  questions.sort((a, b) => a.order - b.order);
  return { id: s?.id, title: String(s?.title ?? ''), header: String(s?.header ?? ''), questions };
}

/** Whether a question takes several answers (checkboxes). */
export function isMulti(q) {
  return q.type === 'Checkbox';
}

/** Whether a question is answered by choosing entries (else free text). */
export function isChoice(q) {
  return CHOICE_TYPES.includes(q.type);
}

/** The answers a survey starts with (entries marked `checked`). */
export function initialAnswers(survey) {
  const answers = {};
  for (const q of survey.questions) {
    const checked = q.entries.filter((e) => e.checked).map((e) => e.value);
    if (checked.length) answers[q.id] = q.type === 'Checkbox' ? checked : checked[0];
  }
  return answers;
}

/** The questions shown for these answers: those without `logicId`, and those a chosen entry reveals. */
export function visibleQuestions(survey, answers) {
  const revealed = new Set();
  for (const q of survey.questions) {
    const chosen = asList(answers[q.id]);
    for (const e of q.entries) if (chosen.includes(e.value)) e.shows.forEach((id) => revealed.add(id));
  }
  return survey.questions.filter((q) => q.logicId === null || revealed.has(q.logicId));
}

/** Whether `v` passes a LivePerson validation type (the server's rules, docs/liveperson.md). */
export function validValue(validation, v) {
  switch (validation) {
    case 'alpha_numeric':
      return /^[\p{L}\p{N}\s]*$/u.test(v);
    case 'numeric':
      return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(v.trim());
    case 'email':
      return /^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*$/.test(v);
    default:
      return true;
  }
}

const RULE_TEXT = {
  alpha_numeric: 'Use letters, digits and spaces only.',
  numeric: 'Enter a number.',
  email: 'Enter an e-mail address like name@example.com.',
};

const isEmpty = (a) => a === undefined || a === null || (Array.isArray(a) ? a.length === 0 : String(a).trim() === '');

/** The labels of the shown mandatory questions left empty (to say so before the server does). */
export function missingAnswers(survey, answers) {
  return visibleQuestions(survey, answers)
    .filter((q) => q.mandatory && isEmpty(answers[q.id]))
    .map((q) => q.label || String(q.id));
}

/** Problems with the answers, as `{questionId: message}` (empty when they can be sent). */
export function checkAnswers(survey, answers) {
  const problems = {};
  for (const q of visibleQuestions(survey, answers)) {
    const a = answers[q.id];
    if (isEmpty(a)) {
      if (q.mandatory) problems[q.id] = 'Please answer this question.';
    } else if (!CHOICE_TYPES.includes(q.type) && q.validation && !validValue(q.validation, String(a).trim())) {
      problems[q.id] = RULE_TEXT[q.validation] ?? 'This answer is not valid.';
    }
  }
  return problems;
}

/** The body to submit: `{id, question: [{id, answer}]}` for the shown, answered questions. */
export function surveySubmission(survey, answers) {
  const question = [];
  for (const q of visibleQuestions(survey, answers)) {
    const a = answers[q.id];
    if (a === undefined || a === null) continue;
    if (Array.isArray(a)) {
      if (a.length) question.push({ id: q.id, answer: a });
    } else if (String(a).trim() !== '') {
      question.push({ id: q.id, answer: String(a).trim() });
    }
  }
  return { id: survey.id, question };
}

/** The question that asks the visitor's name (a text question labelled "name"), or null. */
export function nameQuestion(survey) {
  return survey?.questions.find((q) => !CHOICE_TYPES.includes(q.type) && q.validation !== 'email' && /\bname\b/i.test(q.label)) ?? null;
}
