// The agent survey as data: questions, the ones a choice reveals, the answers submitted.
import assert from 'node:assert/strict';
import test from 'node:test';

import { questionsOf, surveyAnswers, visibleQuestions } from '../../../crates/chatwire-api/web/ui/console/agent/survey-model.js';

// The demo account's agent survey, as GET …/chat/{id}/survey answers it.
const survey = {
  id: 4,
  questions: {
    question: [
      { id: 2, logicId: 20, order: 1, mandatory: true, type: 'Text Area', label: 'Why not?' },
      { id: 1, order: 0, mandatory: true, type: 'Radio Button', label: 'Resolved?', entry: [{ value: 'yes', displayValue: 'Yes' }, { value: 'no', displayValue: 'No', logic: { showLogicId: 20 } }] },
      { id: 3, order: 2, mandatory: 'false', type: 'Checkbox', label: 'Topics', entry: { value: 'billing', displayValue: 'Billing' } },
    ],
  },
};

test('questions come in display order with their entries', () => {
  const qs = questionsOf(survey);
  assert.deepEqual(qs.map((q) => q.id), ['1', '2', '3']);
  assert.deepEqual(qs[0].entries[1].reveals, ['20']);
  assert.equal(qs[2].mandatory, false);
  assert.equal(qs[2].entries.length, 1);
});

test('a question with a logicId shows only when a chosen entry reveals it', () => {
  const qs = questionsOf(survey);
  assert.deepEqual(visibleQuestions(qs, {}), ['1', '3']);
  assert.deepEqual(visibleQuestions(qs, { 1: 'no' }), ['1', '2', '3']);
});

test('answers list shown questions only and name the mandatory ones left empty', () => {
  const qs = questionsOf(survey);
  assert.deepEqual(surveyAnswers(qs, {}).missing, ['Resolved?']);
  assert.deepEqual(surveyAnswers(qs, { 1: 'no' }).missing, ['Why not?']);
  const ok = surveyAnswers(qs, { 1: 'yes', 2: 'hidden, not sent', 3: ['billing'] });
  assert.deepEqual(ok, { answers: [{ id: 1, answer: 'yes' }, { id: 3, answer: ['billing'] }], missing: [] });
});
