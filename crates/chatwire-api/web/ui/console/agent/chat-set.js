// The open chats of the agent workspace and their cursors, for the multi-chat retrieve (one
// request for every chat: `chatSessionKeys=k1,k2&fromEventIds=n1,n2`). Owns the rule that no
// line is lost or shown twice: a chat's cursor moves only past events that were handed out,
// and events below it are dropped. DOM-free; unit-tested in tests/browser/unit.

import { chatKeyOf } from '../../lib/lp-agent.js';
import { asList, linkHref } from '../../lib/lp-json.js';

/** An event's id, whichever key style the answer used (`id` number or `@id` string). */
export function eventId(e) {
  return Number(e.id ?? e['@id']);
}

/** The open chats with one cursor each (the id of the first event not seen yet). */
export class ChatSet {
  constructor() {
    /** @type {Map<string, number>} key → cursor */
    this.cursors = new Map();
    /** Bumped on every add/remove; a poll sent under another version is stale. */
    this.version = 0;
    this.waiters = [];
  }

  get size() {
    return this.cursors.size;
  }

  has(key) {
    return this.cursors.has(key);
  }

  /** The keys, in the order they were opened. */
  keys() {
    return [...this.cursors.keys()];
  }

  /** Opens a chat from event `from` (0: its whole history). False when it was open already. */
  add(key, from = 0) {
    if (this.cursors.has(key)) return false;
    this.cursors.set(key, from);
    this.changed();
    return true;
  }

  /** Stops following a chat. */
  remove(key) {
    if (!this.cursors.delete(key)) return false;
    this.changed();
    return true;
  }

  changed() {
    this.version += 1;
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Resolves at the next add or remove (or when `signal` aborts). The abort listener goes when
   * the promise resolves, so the poll's one stop signal does not collect one per change.
   */
  nextChange(signal) {
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** The query of the multi-chat retrieve for the chats open now (null when none). */
  query() {
    const keys = this.keys();
    if (!keys.length) return null;
    return { chatSessionKeys: keys.join(','), fromEventIds: keys.map((k) => this.cursors.get(k)).join(',') };
  }

  /**
   * Merges one answer of the multi-chat retrieve. `sentKeys` are the keys of the request (an
   * entry that names no key is matched by its position). Returns one update per chat still
   * open: `{key, events (new only, by id), info, error}`; cursors move past the events returned.
   */
  merge(answer, sentKeys = []) {
    const updates = [];
    asList(answer).forEach((item, i) => {
      const key = item.chatSessionKey ?? item.info?.chatSessionKey ?? keyOfLinks(item.link) ?? sentKeys[i];
      if (!key || !this.cursors.has(key)) return; // closed while the poll was out
      const from = this.cursors.get(key);
      const events = asList(item.events?.event)
        .filter((e) => eventId(e) >= from)
        .sort((a, b) => eventId(a) - eventId(b));
      let next = from;
      for (const e of events) next = Math.max(next, eventId(e) + 1);
      this.cursors.set(key, next);
      updates.push({ key, events, info: item.info ?? null, error: item.error ?? null });
    });
    return updates;
  }
}

function keyOfLinks(links) {
  const self = linkHref(links, 'self');
  return self ? chatKeyOf(self) : null;
}
