// Surveys as the widget and the console read them (ui/lib/survey.js): any of LivePerson's
// shapes (one question as an object, scalars as strings), questions revealed by an answer
// (logicId; an empty one means none), the server's validation rules, mandatory questions left
// empty, the submission body, and finding the question that asks the visitor's name.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkAnswers, initialAnswers, isChoice, isMulti, missingAnswers, nameQuestion, readSurvey, surveySubmission, validValue, visibleQuestions } from '../../../crates/chatwire-api/web/ui/lib/survey.js';

// The demo account's exit survey, as chatwire sends it.
const EXIT = {
  id: 3,
  title: 'Thank you',
  header: 'How did we do?',
  questions: {
    question: [
      { id: 2, logicId: 10, order: 1, mandatory: false, type: 'Text Area', label: 'What was missing?' },
      { id: 1, order: 0, mandatory: true, type: 'Radio Button (side by side)', label: 'Was your question answered?', entry: [{ value: 'yes', displayValue: 'Yes', checked: false }, { value: 'no', displayValue: 'No', checked: false, logic: { showLogicId: 10 } }] },
      { id: 3, order: 2, mandatory: false, type: 'Radio Button', label: 'Rating', entry: [{ value: '1', displayValue: '1' }, { value: '5', displayValue: '5' }] },
    ],
  },
};

test('questions are read in display order with their entries', () => {
  const s = readSurvey(EXIT);
  assert.deepEqual(s.questions.map((q) => q.id), [1, 2, 3]);
  assert.deepEqual(s.questions[0].entries[1], { value: 'no', label: 'No', checked: false, shows: [10] });
  assert.equal(s.questions[1].logicId, 10);
});

test('the old shape (one question as an object, strings for everything) reads the same', () => {
  const s = readSurvey({ id: '7', questions: { question: { id: '4', order: '0', mandatory: 'true', type: 'Checkbox', label: 'Pick', entry: { value: 'a', displayValue: 'A', checked: 'true' } } } });
  assert.equal(s.questions.length, 1);
  assert.equal(s.questions[0].mandatory, true);
  assert.deepEqual(initialAnswers(s), { 4: ['a'] });
});

test('a question with a logicId shows only when a chosen entry reveals it', () => {
  const s = readSurvey(EXIT);
  assert.deepEqual(visibleQuestions(s, {}).map((q) => q.id), [1, 3]);
  assert.deepEqual(visibleQuestions(s, { 1: 'no' }).map((q) => q.id), [1, 2, 3]);
  // A hidden question's answer is not sent.
  assert.deepEqual(surveySubmission(s, { 1: 'yes', 2: 'stale', 3: '5' }), { id: 3, question: [{ id: 1, answer: 'yes' }, { id: 3, answer: '5' }] });
});

test('mandatory questions and validation types are checked as the server does', () => {
  const pre = readSurvey({ id: 1, questions: { question: [
    { id: 1, order: 0, mandatory: true, type: 'Text Field', validationType: 'alpha_numeric', label: 'Your name' },
    { id: 2, order: 1, mandatory: false, type: 'Text Field', validationType: 'email', label: 'E-mail' },
    { id: 3, order: 2, mandatory: false, type: 'Text Field', validationType: 'numeric', label: 'Order number' },
  ] } });
  assert.deepEqual(checkAnswers(pre, {}), { 1: 'Please answer this question.' });
  assert.deepEqual(checkAnswers(pre, { 1: 'Zoë 2', 2: 'a@b.co', 3: '-12.5' }), {});
  const bad = checkAnswers(pre, { 1: 'Ann <script>', 2: 'a@b', 3: '12a' });
  assert.deepEqual(Object.keys(bad), ['1', '2', '3']);
  assert.equal(bad[2], 'Enter an e-mail address like name@example.com.');
  assert.equal(validValue('email', 'x@.com'), false);
  assert.equal(validValue('email', 'x y@a.com'), false);
});

test('the submission trims text and leaves out unanswered questions; checkbox answers stay lists', () => {
  const s = readSurvey({ id: 9, questions: { question: [
    { id: 1, order: 0, type: 'Text Field', label: 'Name' },
    { id: 2, order: 1, type: 'Checkbox', label: 'Interests', entry: [{ value: 'a' }, { value: 'b' }] },
    { id: 3, order: 2, type: 'Text Area', label: 'Notes' },
  ] } });
  assert.deepEqual(surveySubmission(s, { 1: '  Ann ', 2: ['a', 'b'], 3: '   ' }), { id: 9, question: [{ id: 1, answer: 'Ann' }, { id: 2, answer: ['a', 'b'] }] });
});

test('the name question is the text question about a name, not the e-mail or a choice', () => {
  const s = readSurvey({ id: 1, questions: { question: [
    { id: 5, order: 0, type: 'Dropdown Box', label: 'Name of product', entry: [{ value: 'x' }] },
    { id: 6, order: 1, type: 'Text Field', validationType: 'email', label: 'E-mail (name@host)' },
    { id: 7, order: 2, type: 'Text Field', label: 'Your name' },
  ] } });
  assert.equal(nameQuestion(s).id, 7);
  assert.equal(nameQuestion(readSurvey({ id: 1, questions: { question: [{ id: 1, type: 'Text Field', label: 'Topic' }] } })), null);
  assert.equal(nameQuestion(null), null);
});

// The demo account's agent survey, as GET …/chat/{id}/survey answers it to the console.
const AGENT = {
  id: 4,
  questions: {
    question: [
      { id: 2, logicId: 20, order: 1, mandatory: true, type: 'Text Area', label: 'Why not?' },
      { id: 1, order: 0, mandatory: true, type: 'Radio Button', label: 'Resolved?', entry: [{ value: 'yes', displayValue: 'Yes' }, { value: 'no', displayValue: 'No', logic: { showLogicId: 20 } }] },
      { id: 3, order: 2, mandatory: 'false', type: 'Checkbox', label: 'Topics', entry: { value: 'billing', displayValue: 'Billing' } },
    ],
  },
};

test('the agent survey: mandatory questions left empty are named, shown questions only', () => {
  const s = readSurvey(AGENT);
  assert.deepEqual(missingAnswers(s, {}), ['Resolved?']);
  assert.deepEqual(missingAnswers(s, { 1: 'no' }), ['Why not?']);
  assert.deepEqual(missingAnswers(s, { 1: 'no', 2: '  ' }), ['Why not?']);
  assert.deepEqual(surveySubmission(s, { 1: 'yes', 2: 'hidden, not sent', 3: ['billing'] }), { id: 4, question: [{ id: 1, answer: 'yes' }, { id: 3, answer: ['billing'] }] });
  assert.deepEqual(s.questions.map((q) => [isChoice(q), isMulti(q)]), [[true, false], [false, false], [true, true]]);
});

test('an empty or null logicId means no condition (always shown); ids match across strings and numbers', () => {
  const s = readSurvey({ id: 1, questions: { question: [
    { id: '1', order: 0, type: 'Radio Button', label: 'More?', entry: [{ value: 'y', logic: { showLogicId: '7' } }, { value: 'n', logic: { showLogicId: '' } }] },
    { id: '2', order: 1, logicId: '', type: 'Text Field', label: 'Always (empty logicId)' },
    { id: '3', order: 2, logicId: null, type: 'Text Field', label: 'Always (null logicId)' },
    { id: '4', order: 3, logicId: 7, type: 'Text Field', label: 'Only after yes' },
  ] } });
  assert.deepEqual(visibleQuestions(s, {}).map((q) => q.id), [1, 2, 3]);
  assert.deepEqual(visibleQuestions(s, { 1: 'n' }).map((q) => q.id), [1, 2, 3]);
  assert.deepEqual(visibleQuestions(s, { 1: 'y' }).map((q) => q.id), [1, 2, 3, 4]);
  assert.deepEqual(readSurvey({ id: 1, questions: { question: { id: 'q-a', type: 'Text Field' } } }).questions[0].id, 'q-a');
});
