// The typing indicator one side sends while its person types, shared by the widget (visitor)
// and the console (agent): "typing" once per burst of keys, "not typing" after a pause without
// a key or when the line is sent. DOM-free; the timer functions are parameters for the tests.

/** Someone counts as no longer typing after this long without a key. */
export const TYPING_IDLE_MS = 3000;

export class TypingSignal {
  /**
   * @param {{send: (typing: boolean) => Promise<unknown>, onError?: (e: Error) => void,
   *   enabled?: () => boolean, idleMs?: number, setTimer?: typeof setTimeout,
   *   clearTimer?: typeof clearTimeout}} opts
   * `send` tells the server; `enabled` says whether to tell it anything (not once the chat
   * has ended); `onError` hears about a failed send.
   */
  constructor({ send, onError = () => {}, enabled = () => true, idleMs = TYPING_IDLE_MS, setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (t) => clearTimeout(t) }) {
    // The defaults are wrapped: a browser's setTimeout called as this.setTimer(…) throws
    // "Illegal invocation" (its `this` must be the window).
    Object.assign(this, { send, onError, enabled, idleMs, setTimer, clearTimer });
    this.sent = false;
    this.timer = null;
  }

  /** A key was pressed: "typing" if not said yet, and "not typing" after the idle pause. */
  key() {
    this.clearTimer(this.timer);
    this.timer = this.setTimer(() => this.stop(), this.idleMs);
    if (this.sent || !this.enabled()) return;
    this.sent = true;
    this.send(true).catch((e) => {
      this.sent = false; // Said again at the next key.
      this.onError(e);
    });
  }

  /** The person stopped typing (sent the line, emptied the box, or paused). */
  stop() {
    this.clearTimer(this.timer);
    if (!this.sent) return;
    this.sent = false;
    if (!this.enabled()) return;
    // A lost "not typing" only leaves the other side's hint on until the next change.
    this.send(false).catch((e) => this.onError(e));
  }

  /** Drops the pending pause without telling the server (the view goes away). */
  cancel() {
    this.clearTimer(this.timer);
  }
}
