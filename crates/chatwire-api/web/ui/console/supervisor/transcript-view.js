// The transcript view of one chat (history record): its facts, every event in order with who
// wrote it (agent-only ones marked), its surveys, and the plain-text transcript the visitor
// was mailed. "Back to results" returns to the search.

import { h, replace } from '../../lib/dom.js';
import { when, whenExact } from './common.js';
import { surveySummary, transcriptRows } from './transcript-model.js';

/** Loads chat `chatId` into `container`; `onBack` returns to the search. */
export async function showTranscript(container, api, chatId, { skillNames, agentNames }, onBack) {
  const back = h('button', { type: 'button', class: 'secondary', onclick: onBack }, 'Back to results');
  const title = h('h2', { tabindex: '-1' }, 'Transcript');
  replace(container, h('div', { class: 'buttons' }, back), title, h('p', { role: 'status' }, 'Loading…'));
  title.focus();
  let rec;
  try {
    rec = await api.chatRecord(chatId);
  } catch (e) {
    replace(container, h('div', { class: 'buttons' }, back), title, h('p', { class: 'error', role: 'alert' }, `Cannot read the chat: ${e.message}`));
    return;
  }
  const c = rec.chat;
  title.textContent = `Transcript of chat ${c.num}`;
  const fact = (k, v) => h('div', {}, h('dt', {}, k), h('dd', {}, v || '–'));
  const rows = transcriptRows(rec.events);
  replace(
    container,
    h('div', { class: 'buttons' }, back),
    title,
    h(
      'dl',
      { class: 'facts' },
      fact('Visitor', `${c.visitorName || 'Visitor'} (#${c.visitorId})${c.customerEmail ? `, ${c.customerEmail}` : ''}`),
      fact('Skill', c.skillId == null ? '' : skillNames.get(c.skillId) || `#${c.skillId}`),
      fact('Agent', c.agentName || (c.agentId != null ? agentNames.get(c.agentId) : '')),
      fact('State', c.state),
      fact('Requested', when(c.requestedAt)),
      fact('Accepted', when(c.acceptedAt)),
      fact('Ended', when(c.endedAt)),
    ),
    h(
      'ol',
      { class: 'transcript', 'aria-label': 'Events' },
      rows.map((r) =>
        h(
          'li',
          { class: `ev ev-${r.kind}${r.internal ? ' internal' : ''}` },
          h('time', { datetime: r.time }, whenExact(r.time)),
          r.who ? h('strong', { class: 'who' }, `${r.who}:`) : null,
          h('span', { class: 'text' }, r.text),
          r.internal ? h('span', { class: 'tag' }, 'agents only') : null,
        ),
      ),
    ),
    h('h3', {}, 'Surveys'),
    rec.surveys.length
      ? rec.surveys.map(surveySummary).map((s) =>
          h('section', { class: 'card survey' }, h('h4', {}, `${s.title}, ${when(s.when)}`), h('dl', { class: 'facts' }, s.answers.map((a) => fact(`Question ${a.question}`, a.answer)))),
        )
      : h('p', { class: 'muted' }, 'No survey was answered.'),
    h('details', {}, h('summary', {}, 'Plain-text transcript (as mailed to the visitor)'), h('pre', { class: 'mail-text' }, rec.transcript || '')),
  );
}
