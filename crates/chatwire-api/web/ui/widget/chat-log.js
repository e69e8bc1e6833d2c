// The visitor's copy of one chat: the cursor into its events, the transcript read so far, and
// the outbox of lines typed but not yet confirmed. It decides what is shown exactly once:
// events are taken at most once by id (a read that overlaps an earlier one adds nothing), and
// each line the visitor sent appears once, as "sending…" until the server's event for it is
// read, then as that event. Pure and DOM-free (the controller does the I/O); it serializes to
// JSON so a page reload resumes from the same cursor with the same transcript.
//
// Why an outbox entry can be "unknown": a POST whose answer was lost (network cut) may or may
// not have created the line. Sending it again blindly could post it twice, so the entry waits
// for a read of the chat issued after the failure; a visitor line with the same text at or
// after the cursor the POST was sent at is that line. Only when such a read has none is the
// line sent again (`resolveUnknown`).

import { eventToItem } from './events.js';

/** At most this many transcript items are kept (and stored): older ones fall off the top. */
export const MAX_ITEMS = 400;

/** @typedef {{localId: number, text: string, status: 'queued'|'sending'|'unknown'|'sent'|'failed', eventId: number|null, cursorAtSend: number|null, error?: string}} OutboxEntry */

export class ChatLog {
  /** @param {{chatUrl: string, cursor?: number, items?: any[], outbox?: OutboxEntry[], info?: object, nextLocalId?: number}} s */
  constructor({ chatUrl, cursor = 0, items = [], outbox = [], info = {}, nextLocalId = 1 }) {
    this.chatUrl = chatUrl;
    /** The `from` of the next read: events before it have been taken. */
    this.cursor = cursor;
    this.items = items;
    this.outbox = outbox.map((e) => (e.status === 'sending' ? { ...e, status: 'unknown' } : e));
    this.info = info;
    this.nextLocalId = nextLocalId;
    this.seen = new Set(items.map((i) => i.id));
  }

  /** A copy for storage (a POST in flight when the page goes away is stored as unknown). */
  toJSON() {
    const { chatUrl, cursor, items, outbox, info, nextLocalId } = this;
    return { chatUrl, cursor, items, outbox, info, nextLocalId };
  }

  /** Whether the chat has ended (an `ended` state was read). */
  get ended() {
    return this.info.state === 'ended';
  }

  /**
   * Takes one read of the chat (`{events, next, info}`). Returns the new items, in order.
   * Events already taken (by id) are skipped, so overlapping reads add nothing.
   */
  applyRead({ events, next, info }) {
    const added = [];
    for (const e of events) {
      const id = Number(e['@id'] ?? e.id);
      if (!Number.isFinite(id) || this.seen.has(id)) continue;
      this.seen.add(id);
      const item = eventToItem(e);
      if (item?.kind === 'line' && item.from === 'visitor') this.claim(item);
      if (item?.kind === 'state') this.info = { ...this.info, state: item.state };
      if (item) added.push(item);
    }
    this.items.push(...added);
    if (this.items.length > MAX_ITEMS) this.items.splice(0, this.items.length - MAX_ITEMS);
    if (Number.isFinite(next) && next > this.cursor) this.cursor = next;
    // The info of a read is the chat as of that read; a state event read with it agrees.
    if (info && Object.keys(info).length) this.info = { ...this.info, ...pickInfo(info) };
    return added;
  }

  /** Removes the outbox entry a visitor line from the server is the confirmation of. */
  claim(item) {
    let i = this.outbox.findIndex((o) => o.eventId === item.id);
    if (i < 0) {
      i = this.outbox.findIndex(
        (o) => ['sending', 'unknown', 'sent'].includes(o.status) && o.eventId === null && o.cursorAtSend !== null && item.id >= o.cursorAtSend && sameText(o.text, item.text),
      );
    }
    if (i >= 0) this.outbox.splice(i, 1);
  }

  /** Queues a line the visitor typed; returns its local id. */
  queueLine(text) {
    const localId = this.nextLocalId++;
    this.outbox.push({ localId, text, status: 'queued', eventId: null, cursorAtSend: null });
    return localId;
  }

  /**
   * The next line to POST, or null: the first queued line, and only when no line before it is
   * in flight or unknown (lines go out in the order typed, one at a time).
   */
  nextToSend() {
    for (const o of this.outbox) {
      if (o.status === 'queued') return o;
      if (o.status === 'sending' || o.status === 'unknown') return null;
    }
    return null;
  }

  /** The POST of `localId` starts now: events from it have ids at or past the cursor. */
  markSending(localId) {
    this.update(localId, { status: 'sending', cursorAtSend: this.cursor });
  }

  /** The server created the line as event `eventId` (null when it did not say). */
  markSent(localId, eventId) {
    const o = this.outbox.find((x) => x.localId === localId);
    if (!o) return; // The read was faster: the line is already in the transcript.
    if (eventId !== null && this.seen.has(eventId)) {
      this.outbox.splice(this.outbox.indexOf(o), 1);
      return;
    }
    Object.assign(o, { status: 'sent', eventId });
  }

  /** The POST's outcome is unknown (network): wait for a read before sending again. */
  markUnknown(localId) {
    this.update(localId, { status: 'unknown' });
  }

  /** The server refused the line (`message` says why); it is shown as not sent. */
  markFailed(localId, message) {
    this.update(localId, { status: 'failed', error: message });
  }

  /**
   * After a complete read issued once the POSTs failed: lines still unknown were not created,
   * so they go back to the queue. Returns how many.
   */
  resolveUnknown() {
    let n = 0;
    for (const o of this.outbox) {
      if (o.status === 'unknown') {
        Object.assign(o, { status: 'queued', cursorAtSend: null });
        n++;
      }
    }
    return n;
  }

  /** Whether some line's outcome waits for a read. */
  get hasUnknown() {
    return this.outbox.some((o) => o.status === 'unknown');
  }

  /** Removes a failed line the visitor dismissed. */
  dismiss(localId) {
    this.outbox = this.outbox.filter((o) => o.localId !== localId || o.status !== 'failed');
  }

  /** The transcript as shown: items read, then the visitor's pending lines. */
  visibleItems() {
    const pending = this.outbox.map((o) => ({
      key: `p${o.localId}`,
      kind: 'line',
      from: 'visitor',
      by: '',
      text: o.text,
      pending: o.status === 'failed' ? 'failed' : 'sending',
      error: o.error,
      localId: o.localId,
    }));
    return [...this.items, ...pending];
  }

  update(localId, patch) {
    const o = this.outbox.find((x) => x.localId === localId);
    if (o) Object.assign(o, patch);
  }
}

/** The info fields the widget uses (the rest is not stored). */
function pickInfo(info) {
  const { state, agentName, agentTyping, visitorName, chatTimeout } = info;
  return Object.fromEntries(Object.entries({ state, agentName, agentTyping, visitorName, chatTimeout }).filter(([, v]) => v !== undefined));
}

/** Line texts as the server may have normalized them (line ends, outer blanks). */
function sameText(a, b) {
  const norm = (s) => String(s).replace(/\r\n?/g, '\n').trim();
  return norm(a) === norm(b);
}
