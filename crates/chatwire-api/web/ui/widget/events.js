// Turns LivePerson chat events (as the Server Chat API sends them to a visitor) into the items
// the widget shows: lines by who wrote them, state changes in words, pushed links. Pure and
// DOM-free, so each event type's rendering is unit-tested (tests/browser/unit/widget-events).
// Nothing here produces HTML: an agent's `html` line becomes plain text, shown as a text node.

/**
 * @typedef {object} Item  One thing in the transcript.
 * @property {string} key  Stable identity (`e<event id>`, or `p<local id>` for a pending line).
 * @property {'line'|'state'|'url'|'notice'} kind
 * @property {number} [id]  The event id.
 * @property {'visitor'|'agent'|'system'} [from]  Who wrote a line.
 * @property {string} [by]  The author's name as the server gives it.
 * @property {string} text  What is shown.
 * @property {string} [url]  For `url` items: the pushed link (http/https only).
 * @property {string} [state]  For `state` items: waiting, chatting, ended.
 * @property {string} [time]  ISO time of the event.
 */

/** What the visitor reads for each chat state. */
export const STATE_TEXT = {
  waiting: 'Waiting for an agent…',
  chatting: 'An agent joined the chat.',
  ended: 'The chat has ended.',
};

/**
 * The item for one event, or null for events the visitor is not shown (agent-only lines,
 * pre-chat lines with `systemMessageId` 0, supervisor channels, types this widget does not know).
 * @param {Record<string, any>} e  An event as sent (`@id`, `@type`, …).
 * @returns {Item|null}
 */
export function eventToItem(e) {
  const id = Number(e['@id'] ?? e.id);
  const type = e['@type'] ?? e.type;
  const base = { key: `e${id}`, id, time: e.time };
  switch (type) {
    case 'line': {
      if (e.subType === 'ONLY_TO_REP') return null;
      const from = e.source === 'visitor' || e.source === 'agent' ? e.source : 'system';
      // Pre-chat lines are the agent's (LivePerson marks them systemMessageId 0).
      if (from === 'system' && e.systemMessageId != null && Number(e.systemMessageId) === 0) return null;
      const text = e.textType === 'html' ? htmlToText(e.text ?? '') : String(e.text ?? '');
      return { ...base, kind: 'line', from, by: from === 'system' ? '' : String(e.by ?? ''), text };
    }
    case 'state': {
      // A state change the system line next to it already explains stays short.
      const state = String(e.state ?? '');
      return { ...base, kind: 'state', state, text: STATE_TEXT[state] ?? `Chat state: ${state}` };
    }
    case 'url': {
      const url = safeUrl(e.url);
      if (!url) return null;
      return { ...base, kind: 'url', by: String(e.by ?? ''), url, text: `${e.by || 'The agent'} shared a link` };
    }
    case 'a2a-transfer':
      return { ...base, kind: 'notice', text: 'Your chat is being moved to another team; it ends here.' };
    default:
      return null;
  }
}

/** Items for a list of events, in order, skipping the hidden ones. */
export function eventsToItems(events) {
  return events.map(eventToItem).filter(Boolean);
}

/**
 * The typing line for the chat's info: "Natalie is typing…" when the agent of a chat in
 * progress types, else null (a requeued or ended chat has nobody typing).
 * @param {{agentTyping?: string, agentName?: string, state?: string}} info
 */
export function typingText(info) {
  if (!info || info.agentTyping !== 'typing' || info.state !== 'chatting') return null;
  return `${info.agentName || 'The agent'} is typing…`;
}

/** The chat's header status in words, from its info. */
export function statusText(info) {
  switch (info?.state) {
    case 'waiting':
      return 'Waiting for an agent';
    case 'chatting':
      return info.agentName ? `Chatting with ${info.agentName}` : 'Chatting';
    case 'ended':
      return 'Chat ended';
    default:
      return 'Connecting…';
  }
}

/** Only http(s) links are pushed to the visitor: a `javascript:` URL would run on click. */
export function safeUrl(u) {
  try {
    const url = new URL(String(u ?? ''));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The text of an agent's HTML line: breaks and paragraph ends become new lines, tags go,
 * entities are decoded. The result is shown as text, so what survives cannot be markup.
 */
export function htmlToText(html) {
  return String(html)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, name) => {
      if (name[0] === '#') {
        const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      return ENTITIES[name.toLowerCase()] ?? m;
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
