// The agent survey (wrap-up form) as data, DOM-free: questions in display order, which are
// shown (a chosen entry reveals the questions of its `showLogicId`), and the answers to submit.
// Unit-tested in tests/browser/unit/console-survey.test.mjs.

import { asList } from '../../lib/lp-json.js';

const truthy = (v) => v === true || v === 'true';

/** Questions of a `survey` object: `[{id, label, type, mandatory, logicId, entries:[{value, label, reveals:[]}]}]`. */
export function questionsOf(survey) {
  return asList(survey?.questions?.question)
    .map((q) => ({
      id: String(q.id),
      label: q.label ?? '',
      type: q.type ?? 'Text Field',
      mandatory: truthy(q.mandatory),
      order: Number(q.order ?? 0),
      logicId: q.logicId === undefined || q.logicId === null ? null : String(q.logicId),
      validation: q.validationType ?? null,
      entries: asList(q.entry).map((e) => ({
        value: String(e.value),
        label: e.displayValue ?? String(e.value),
        reveals: asList(e.logic?.showLogicId).map(String),
      })),
    }))
    .sort((a, b) => a.order - b.order);
}

/** Whether a question takes several answers (checkboxes). */
export function isMulti(q) {
  return q.type === 'Checkbox';
}

/** Whether a question is chosen from entries (else free text). */
export function isChoice(q) {
  return q.entries.length > 0 && !/^Text/.test(q.type);
}

/**
 * The ids of the questions shown for `answers` (`{questionId: string | string[]}`): those
 * without a `logicId`, and those whose `logicId` a chosen entry reveals.
 */
export function visibleQuestions(questions, answers) {
  const revealed = new Set();
  for (const q of questions) {
    const chosen = asList(answers[q.id]);
    for (const e of q.entries) if (chosen.includes(e.value)) e.reveals.forEach((r) => revealed.add(r));
  }
  return questions.filter((q) => q.logicId === null || revealed.has(q.logicId)).map((q) => q.id);
}

/**
 * The submission for `answers`: `{answers: [{id, answer}], missing: [labels]}` (only shown
 * questions; `missing` names mandatory ones left empty, to say so before the server does).
 */
export function surveyAnswers(questions, answers) {
  const shown = new Set(visibleQuestions(questions, answers));
  const out = [];
  const missing = [];
  for (const q of questions) {
    if (!shown.has(q.id)) continue;
    const a = answers[q.id];
    const empty = a === undefined || a === null || (Array.isArray(a) ? a.length === 0 : String(a).trim() === '');
    if (empty) {
      if (q.mandatory) missing.push(q.label || q.id);
      continue;
    }
    out.push({ id: Number.isNaN(Number(q.id)) ? q.id : Number(q.id), answer: Array.isArray(a) ? a : String(a).trim() });
  }
  return { answers: out, missing };
}
