// Each event type of a chat's record in words (transcript-model.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { surveySummary, transcriptRows } from '../../../crates/chatwire-api/web/ui/console/supervisor/transcript-model.js';

test('every event type is a row with who and what, agent-only ones marked', () => {
  const rows = transcriptRows([
    { seq: 1, id: 0, type: 'state', state: 'waiting' },
    { seq: 2, id: 1, type: 'line', source: 'system', systemMessageId: 4, by: 'info', text: 'Welcome', subType: 'REGULAR' },
    { seq: 3, id: 2, type: 'line', source: 'system', systemMessageId: 0, by: 'info', text: 'Name: Ada', subType: 'REGULAR' },
    { seq: 4, id: 3, type: 'line', source: 'visitor', by: 'Ada', text: '<b>hi</b>', subType: 'REGULAR' },
    { seq: 5, id: 4, type: 'line', source: 'agent', by: 'Bob', text: 'note', subType: 'ONLY_TO_REP' },
    { seq: 6, id: 5, type: 'transfer', to: { skillId: 2, name: 'Support' }, text: 'billing question' },
    { seq: 7, id: 6, type: 'url', by: 'Bob', url: 'https://example.com/a' },
    { seq: 8, id: 7, type: 'collaboration', by: 'Sue', mode: 'listen' },
    { seq: 9, id: 8, type: 'accountTransfer', toAccount: '2000', skill: 'Sales', text: '' },
    { seq: 10, id: 9, type: 'state', state: 'ended', endedBy: 'timeout' },
    { seq: 11, id: 10, type: 'mystery' },
  ]);
  assert.deepEqual(
    rows.map((r) => [r.kind, r.who, r.text, r.internal]),
    [
      ['state', '', 'Waiting for an agent', false],
      ['system', 'System', 'Welcome', false],
      ['system', 'System', 'Name: Ada', true],
      ['line', 'Ada', '<b>hi</b>', false],
      ['line', 'Bob', 'note', true],
      ['transfer', '', 'Transferred to Support: billing question', false],
      ['url', 'Bob', 'Link: https://example.com/a', false],
      ['collaboration', 'Sue', 'Joined as supervisor (listen)', true],
      ['accountTransfer', '', 'Transferred to account 2000 (Sales)', false],
      ['state', '', 'The chat ended after a timeout', false],
      ['other', '', 'mystery', false],
    ],
  );
});

test('a survey lists each question with its answers', () => {
  const s = surveySummary({ kind: 'exit', submittedAt: '2026-12-06T12:00:00Z', answers: [{ question: '1', answers: ['5'] }, { question: '2', answers: ['a', 'b'] }] });
  assert.equal(s.title, 'Exit survey');
  assert.deepEqual(s.answers, [{ question: '1', answer: '5' }, { question: '2', answer: 'a, b' }]);
});
