// Keeps one chat current and delivers the visitor's lines: a long-poll loop on the chat
// resource from the log's cursor (the agent's typing comes with it: chatwire ends a parked read
// when a typing indicator changes), an outbox sender and the visitor's typing signal. It does the I/O around `ChatLog` (which decides what is shown) and reports
// every change through `onChange`; it touches no DOM, so the unit tests run it against a fake
// API and fake timers.
//
// Reconnecting: a failed read waits `backoff(attempt)` (ui/lib/retry.js) and reads again from
// the same cursor, without waiting (`wait=0`), so the first answer after the network is back
// brings everything missed. The browser's `online` event (or a failed POST) cuts the wait short.
//
// Resending: a POST that failed transiently (network, 5xx, 429) is settled by a read and then
// sent again, but only after a pause: the server's `Retry-After` when it sent one, else
// `backoff(n)` for the n-th failure in a row. Without it a server that refuses writes while
// reads work is hit in a tight loop (read, resend, fail, read…). A sent line resets the count.

import { LONG_POLL_SECONDS } from '../lib/lp-visitor.js';
import { backoff as defaultBackoff, sleep as defaultSleep } from '../lib/retry.js';
import { TypingSignal } from '../lib/typing.js';

export class ChatController {
  /**
   * @param {{api: import('../lib/lp-visitor.js').VisitorApi, log: import('./chat-log.js').ChatLog,
   *   onChange?: () => void, backoff?: (attempt: number) => number,
   *   sleep?: (ms: number, signal?: AbortSignal) => Promise<void>}} opts
   */
  constructor({ api, log, onChange = () => {}, backoff = defaultBackoff, sleep = defaultSleep }) {
    Object.assign(this, { api, log, onChange, backoff, sleep });
    /** `online`, `reconnecting` (with `message`), or `error` (fatal, with `message`). */
    this.connection = { state: 'connecting', message: '' };
    this.stopped = false;
    this.failures = 0; // POSTs whose outcome became unknown, ever: orders them against reads.
    this.sending = false;
    /** Transient POST failures in a row; the pause before the next send grows with it. */
    this.sendFailures = 0;
    /** Null, or `{message, delayMs}` while a failed line waits to be sent again. */
    this.sendRetry = null;
    this.typing = new TypingSignal({ send: (on) => api.setVisitorTyping(log.chatUrl, on), enabled: () => !log.ended });
    this.wake = new AbortController();
  }

  /** Starts reading and sending; resolves when the chat has ended or `stop()` was called. */
  start() {
    this.done = this.pollLoop();
    return this.done;
  }

  /** Stops every loop (the page is leaving, or the visitor starts over). */
  stop() {
    this.stopped = true;
    this.wake.abort();
    this.typing.cancel();
  }

  /** Cuts a long-poll or a backoff pause short: read now (network back, or a line to check). */
  kick() {
    const old = this.wake;
    this.wake = new AbortController();
    old.abort(new Error('kick'));
  }

  async pollLoop() {
    let attempt = 0;
    while (!this.stopped && !this.log.ended) {
      const failuresAtIssue = this.failures;
      // After a failure, or with lines whose fate a read decides, read without waiting.
      const wait = attempt > 0 || this.log.hasUnknown ? 0 : LONG_POLL_SECONDS;
      const signal = this.wake.signal;
      try {
        const read = await this.api.readChat(this.log.chatUrl, this.log.cursor, { wait, signal });
        attempt = 0;
        this.connection = { state: 'online', message: '' };
        this.log.applyRead(read);
        // Every unknown line was unknown before this read was sent: the read settles them.
        if (this.failures === failuresAtIssue) this.log.resolveUnknown();
        if (this.log.ended) this.failQueued('the chat has ended');
        this.onChange();
        this.pumpOutbox();
      } catch (e) {
        if (this.stopped) return;
        if (signal.aborted) continue; // Kicked: read again at once.
        if (!e.transient) {
          this.connection = { state: 'error', message: e.message };
          this.onChange();
          return;
        }
        this.connection = { state: 'reconnecting', message: e.message };
        this.onChange();
        try {
          await this.sleep(this.backoff(attempt++), this.wake.signal);
        } catch {
          /* Kicked during the pause: read now. */
        }
      }
    }
  }

  /** Queues a line and sends it when it can; shown as "sending…" until read back. */
  send(text) {
    this.stopTyping();
    this.log.queueLine(text);
    this.onChange();
    this.pumpOutbox();
  }

  /** POSTs queued lines one at a time, in order. */
  async pumpOutbox() {
    if (this.sending || this.stopped) return;
    this.sending = true;
    try {
      for (let o = this.log.nextToSend(); o && !this.stopped; o = this.log.nextToSend()) {
        if (this.sendRetry) {
          await this.pauseBeforeResend();
          continue; // The outbox may have changed during the pause (a read, the chat's end).
        }
        this.log.markSending(o.localId);
        this.onChange();
        try {
          this.log.markSent(o.localId, await this.api.postLine(this.log.chatUrl, o.text));
          this.sendFailures = 0;
        } catch (e) {
          if (e.transient) {
            // Maybe created, maybe not: a read decides (never a blind second POST), and the
            // resend waits (see the header).
            this.log.markUnknown(o.localId);
            this.failures++;
            const delayMs = e.retryAfterMs ?? this.backoff(this.sendFailures++);
            this.sendRetry = { message: e.message, delayMs };
            this.onChange();
            this.kick();
            return;
          }
          this.sendFailures = 0;
          this.log.markFailed(o.localId, e.message);
        }
        this.onChange();
      }
    } finally {
      this.sending = false;
    }
  }

  /** Waits the pause `sendRetry` asks for (cut short by `kick()`, e.g. the network is back). */
  async pauseBeforeResend() {
    try {
      await this.sleep(this.sendRetry.delayMs, this.wake.signal);
    } catch {
      /* Kicked or stopped: the loop checks `stopped`. */
    }
    this.sendRetry = null;
    this.onChange();
  }

  /** Lines still waiting when the chat ended will never go out: say so. */
  failQueued(reason) {
    for (const o of this.log.outbox) if (o.status === 'queued') this.log.markFailed(o.localId, reason);
  }

  /** The visitor pressed a key in the message box: tell the agent, and stop after a pause. */
  visitorTyping() {
    this.typing.key();
  }

  /** The visitor stopped typing (sent the line, or paused). */
  stopTyping() {
    this.typing.stop();
  }

  /** The visitor ends the chat; the read loop then sees the `ended` state. */
  async end() {
    this.stopTyping();
    await this.api.endChat(this.log.chatUrl);
    this.kick();
  }
}
