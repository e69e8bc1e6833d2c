// The agent's lines of one chat, posted one at a time in the order they were typed. The message
// box is emptied as a line is handed over (not when its POST returns), so what the agent types
// while a line is on its way is the next line, not text the returning POST wipes out.

export class LineSender {
  /** `post(text)`: sends one line (rejects when it is not sent); `onFail(text, error)`. */
  constructor(post, onFail) {
    this.post = post;
    this.onFail = onFail;
    this.last = Promise.resolve();
  }

  /** Queues `text` behind the lines before it; resolves once its POST is settled. */
  send(text) {
    this.last = this.last.then(async () => {
      try {
        await this.post(text);
      } catch (e) {
        this.onFail(text, e);
      }
    });
    return this.last;
  }
}
