// One chat's history record turned into the rows the transcript view shows, DOM-free: every
// event type in words, who wrote it, and whether the visitor saw it (agent-only lines,
// collaboration and pre-chat answers are marked internal). Surveys as question/answer lists.

const STATE_WORDS = { waiting: 'Waiting for an agent', chatting: 'An agent accepted the chat', ended: 'The chat ended' };
const ENDED_BY = { visitor: 'by the visitor', agent: 'by the agent', timeout: 'after a timeout' };

/**
 * A row per event: `{seq, id, time, kind, who, text, internal}`. `kind` is `line`, `system`,
 * `state`, `transfer`, `url`, `collaboration`, `accountTransfer` or `other`.
 */
export function transcriptRows(events = []) {
  return events.map((e) => {
    const base = { seq: e.seq, id: e.id, time: e.time, internal: false };
    switch (e.type) {
      case 'line': {
        const system = e.source === 'system';
        return {
          ...base,
          kind: system ? 'system' : 'line',
          who: system ? 'System' : e.by || (e.source === 'visitor' ? 'Visitor' : 'Agent'),
          text: e.text ?? '',
          internal: e.subType === 'ONLY_TO_REP' || (system && e.systemMessageId === 0),
        };
      }
      case 'state':
        return { ...base, kind: 'state', who: '', text: e.state === 'ended' && e.endedBy ? `${STATE_WORDS.ended} ${ENDED_BY[e.endedBy] || ''}`.trim() : STATE_WORDS[e.state] || e.state };
      case 'transfer': {
        const to = e.to?.name || (e.to?.skillId != null ? `skill ${e.to.skillId}` : `agent ${e.to?.agentId}`);
        return { ...base, kind: 'transfer', who: '', text: `Transferred to ${to}${e.text ? `: ${e.text}` : ''}` };
      }
      case 'url':
        return { ...base, kind: 'url', who: e.by || '', text: `Link: ${e.url}` };
      case 'collaboration':
        return { ...base, kind: 'collaboration', who: e.by || '', text: e.mode ? `Joined as supervisor (${e.mode})` : 'Left as supervisor', internal: true };
      case 'accountTransfer':
        return { ...base, kind: 'accountTransfer', who: '', text: `Transferred to account ${e.toAccount}${e.skill ? ` (${e.skill})` : ''}${e.text ? `: ${e.text}` : ''}` };
      default:
        return { ...base, kind: 'other', who: '', text: e.type || 'event' };
    }
  });
}

/** A survey as `{title, when, answers: [{question, answer}]}` (answers joined with ", "). */
export function surveySummary(s) {
  const kind = { exit: 'Exit survey', agent: 'Agent survey', pre_chat: 'Pre-chat survey', preChat: 'Pre-chat survey', offline: 'Offline message' }[s.kind] || `Survey (${s.kind})`;
  return { title: kind, when: s.submittedAt, answers: (s.answers || []).map((a) => ({ question: a.question, answer: (a.answers || []).join(', ') })) };
}
