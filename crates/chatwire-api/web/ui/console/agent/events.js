// Turning Chat Agent API events and chat info into what the workspace shows, DOM-free:
// lines by the visitor, this agent, another agent or the system; private notes; state
// changes; transfers (to a skill or an agent, and offers made to this agent); typing.
// Unit-tested in tests/browser/unit/console-events.test.mjs.

import { eventId } from './chat-set.js';

/** LivePerson's system message ids the console treats specially (spec §3.2). */
export const SYSTEM = { PRE_CHAT: 0, ACCEPTED: 3, ROUTING: 4, ENDED_BY_AGENT: 5, DISCONNECTED: 6, TO_AGENT: 13, TO_SKILL: 15, REQUEUED: 23 };

const STATE_TEXT = { waiting: 'Waiting for an agent', chatting: 'Chatting', ended: 'Chat ended' };

/**
 * One event as a view model:
 * - `{kind: 'line', id, role: 'visitor'|'agent'|'me'|'system'|'prechat'|'note', by, text, time, private}`
 * - `{kind: 'state', id, state, text, time}`
 * - `{kind: 'transfer', id, text, toAgent: boolean, time}` (system messages 13 and 15)
 * - `{kind: 'transfer-note', id, target, note, text, time}` (the note for the receiving agent)
 * - `{kind: 'other', id, text, time}` (URL pushes, account transfers, collaboration)
 * `me` is this agent's nickname (`agentName`), to tell their own lines from a colleague's.
 */
export function eventView(e, { me = '' } = {}) {
  const id = eventId(e);
  const type = e.type ?? e['@type'];
  const time = e.time ?? '';
  if (type === 'state') return { kind: 'state', id, state: e.state, text: STATE_TEXT[e.state] ?? `State: ${e.state}`, time };
  if (type === 'line') {
    const text = String(e.text ?? '');
    const priv = e.subType === 'ONLY_TO_REP';
    if (e.source === 'visitor') return { kind: 'line', id, role: 'visitor', by: e.by || 'Visitor', text, time, private: false };
    if (e.source === 'agent') return { kind: 'line', id, role: e.by === me ? 'me' : 'agent', by: e.by || 'Agent', text, time, private: priv };
    // System lines.
    const sys = e.systemMessageId === undefined || e.systemMessageId === null ? null : Number(e.systemMessageId);
    if (priv) {
      // chatwire writes the transfer note as "Transferred to {target}: {note}" (docs/liveperson.md).
      const m = /^Transferred to (.+?)(?:: ([\s\S]*)|\.)?$/.exec(text);
      if (m) return { kind: 'transfer-note', id, target: m[1], note: m[2] ?? '', text, time };
      return { kind: 'line', id, role: 'note', by: 'Note', text, time, private: true };
    }
    if (sys === SYSTEM.PRE_CHAT) return { kind: 'line', id, role: 'prechat', by: 'Pre-chat', text, time, private: true };
    if (sys === SYSTEM.TO_AGENT || sys === SYSTEM.TO_SKILL) return { kind: 'transfer', id, text, toAgent: sys === SYSTEM.TO_AGENT, time };
    return { kind: 'line', id, role: 'system', by: 'System', text, time, private: false, sys };
  }
  if (type === 'url') return { kind: 'other', id, text: `Page pushed: ${e.url ?? ''}`, time };
  if (type === 'a2a-transfer') return { kind: 'other', id, text: 'Transferred to another account.', time };
  if (type === 'collaboration') return { kind: 'other', id, text: `Supervisor ${e.by ?? e.agentId ?? ''} ${e.state === 'ended' ? 'left' : `joined (${e.mode ?? 'listen'})`}.`, time };
  return { kind: 'other', id, text: `${type ?? 'event'}`, time };
}

/**
 * Where a chat stands for this agent, from its info: `{state, mine, visitorName, visitorTyping,
 * agentName, ended, lostTo}`. `lostTo` names who has it now when it left this agent.
 */
export function chatStatus(info, { meId }) {
  if (!info) return null;
  const agentId = info.agentId === undefined || info.agentId === null ? '' : String(info.agentId);
  const mine = agentId === String(meId);
  const state = info.state ?? 'waiting';
  let lostTo = null;
  if (!mine && state === 'chatting') lostTo = info.agentName || 'another agent';
  if (!mine && state === 'waiting') lostTo = 'the queue';
  return {
    state,
    mine,
    ended: state === 'ended',
    visitorName: info.visitorName || 'Visitor',
    visitorTyping: info.visitorTyping === 'typing',
    agentName: info.agentName ?? '',
    lostTo,
  };
}

/**
 * The transfer this agent took, if the chat came to them by a transfer: `{note, from,
 * toAgent}` (from: the nickname of the agent who had it before, or null; note: the transfer
 * note, or ''). Read from the chat's view models: the last transfer (system message 13 or 15),
 * the note written just before it, and the accept (system message 3) before that.
 */
export function offerOf(views, { me }) {
  let offer = null;
  let lastAcceptedBy = null;
  let note = '';
  for (const v of views) {
    // System message 3 names the agent who accepted ("You are now chatting with {agent}.").
    if (v.kind === 'line' && v.sys === SYSTEM.ACCEPTED) lastAcceptedBy = /with (.+?)\.?$/.exec(v.text)?.[1] ?? null;
    if (v.kind === 'transfer-note') note = v.note;
    if (v.kind === 'transfer') {
      offer = lastAcceptedBy === me ? null : { note, from: lastAcceptedBy, toAgent: v.toAgent };
      note = '';
    }
  }
  return offer;
}
