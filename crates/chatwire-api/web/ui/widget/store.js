// Where the widget keeps its chat between page loads: one sessionStorage entry per chatwire
// server and account (the tab's session: a new tab starts a new chat, a reload continues).
// Storage can be missing or full (private modes, quotas): the widget then works for the page's
// life only, which is said in the console rather than breaking the chat.

/** The storage key for a server and account. */
export function storeKey(base, account) {
  return `chatwire:${base}:${account}`;
}

/** A small JSON store over `storage` (sessionStorage in the page, a Map-like fake in tests). */
export class SessionStore {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
  }

  /** The stored value, or null (nothing, unreadable, or from another version). */
  load() {
    try {
      const v = JSON.parse(this.storage?.getItem(this.key) ?? 'null');
      return v && v.v === 1 ? v : null;
    } catch {
      return null;
    }
  }

  /** Stores `value` (with the version). */
  save(value) {
    try {
      this.storage?.setItem(this.key, JSON.stringify({ ...value, v: 1 }));
    } catch (e) {
      console.warn(`chatwire: the chat cannot be kept across reloads (${e.message})`);
    }
  }

  clear() {
    try {
      this.storage?.removeItem(this.key);
    } catch {
      /* Nothing stored then either. */
    }
  }
}
