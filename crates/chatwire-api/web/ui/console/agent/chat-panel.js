// One chat in the agent workspace: the visitor's name and typing, the lines (a log live
// region), the message box ("Message", Enter sends, Shift+Enter for a new line), typing sent
// while the agent writes, and the actions (transfer, end, agent survey, visitor details from
// chat-tools.js). Fed by the workspace's multi-chat poll through `update()`.

import { h, replace } from '../../lib/dom.js';
import { TypingSignal } from '../../lib/typing.js';
import { LineSender } from './line-sender.js';
import { chatStatus, eventView, offerOf } from './events.js';
import { surveyForm, transferForm, visitorDetails } from './chat-tools.js';

/** After this long without a key press the agent's typing indicator is cleared. */
let panels = 0;

/**
 * Creates a chat panel. `opts`: `{client, key, me: {id, name}, agents: () => Promise<[]>,
 * onGone(key): stop polling it, onClose(key): remove it}`. Returns `{el, update(u), focus(), destroy()}`.
 */
export function chatPanel({ client, key, me, agents, onGone, onClose }) {
  const n = ++panels;
  const views = [];
  let status = null;
  let ended = false;
  let gone = false;

  const title = h('h2', { id: `chat-${n}-title`, tabindex: '-1' }, 'Visitor');
  const meta = h('p', { class: 'chat-meta' }, 'Loading…');
  const typing = h('p', { class: 'typing', 'aria-live': 'polite' });
  const offer = h('div', { class: 'offer', hidden: true });
  const lines = h('ol', { class: 'lines', role: 'log', 'aria-live': 'polite', 'aria-labelledby': `chat-${n}-title`, tabindex: '0' });
  const error = h('p', { class: 'error', role: 'alert' });
  const message = h('textarea', { id: `chat-${n}-message`, rows: '2', 'aria-describedby': `chat-${n}-title` });
  const send = h('button', { type: 'submit' }, 'Send');
  const composer = h(
    'form',
    { class: 'composer', onsubmit: (ev) => (ev.preventDefault(), sendLine()) },
    h('label', { for: message.id }, 'Message'),
    h('div', { class: 'composer-row' }, message, send),
  );
  const tools = h('div', { class: 'tools' });
  const transferButton = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', onclick: () => toggleTransfer() }, 'Transfer');
  const endButton = h('button', { type: 'button', class: 'danger', onclick: () => endChat() }, 'End chat');
  const closeButton = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => close() }, 'Close chat');
  const actions = h('div', { class: 'actions' }, transferButton, endButton);
  const details = visitorDetails({ client, key, info: () => status });
  const el = h('article', { class: 'chat', 'aria-labelledby': title.id, 'data-chat': key }, h('header', {}, title, meta, typing), offer, details.el, lines, error, composer, actions, tools, h('div', { class: 'actions' }, closeButton));

  const fail = (what, e) => {
    error.textContent = `${what}: ${e.message}`;
  };

  message.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      sendLine();
    }
  });
  const typingSignal = new TypingSignal({
    send: (on) => client.setTyping(key, on),
    enabled: () => !ended && !gone,
    onError: (e) => fail('Typing not sent', e),
  });
  message.addEventListener('input', () => (message.value.trim() !== '' ? typingSignal.key() : typingSignal.stop()));

  const sender = new LineSender(
    (text) => client.sendLine(key, text),
    (text, e) => {
      fail('Not sent', e);
      // Given back to be sent again, unless the agent has started another line meanwhile.
      if (message.value.trim() === '') message.value = text;
    },
  );

  function sendLine() {
    const text = message.value.trim();
    if (!text || ended || gone) return;
    error.textContent = '';
    message.value = '';
    typingSignal.stop();
    message.focus();
    sender.send(text);
  }

  async function endChat() {
    // aria-disabled, not disabled, while ending: a disabled button drops the keyboard focus to
    // the page before showEnded can move it.
    if (endButton.getAttribute('aria-disabled') === 'true') return;
    endButton.setAttribute('aria-disabled', 'true');
    error.textContent = '';
    try {
      await client.end(key);
    } catch (e) {
      fail('Cannot end the chat', e);
      endButton.removeAttribute('aria-disabled');
    }
  }

  function toggleTransfer(force) {
    const open = force ?? transferButton.getAttribute('aria-expanded') !== 'true';
    transferButton.setAttribute('aria-expanded', String(open));
    if (!open) return replace(tools);
    replace(
      tools,
      transferForm({
        client,
        key,
        me,
        agents,
        onCancel: () => (toggleTransfer(false), transferButton.focus()),
        onDone: (target) => movedAway(`Transferred to ${target}.`),
      }),
    );
  }

  function movedAway(text) {
    gone = true;
    onGone(key);
    replace(tools);
    transferButton.setAttribute('aria-expanded', 'false');
    meta.textContent = text;
    lockComposer();
    closeButton.hidden = false;
    closeButton.focus();
  }

  function lockComposer() {
    offer.hidden = true;
    message.disabled = true;
    send.disabled = true;
    composer.hidden = true;
    transferButton.hidden = true;
    endButton.hidden = true;
    typing.textContent = '';
  }

  function showEnded() {
    ended = true;
    // The message box or End chat may hold focus and is about to be hidden: keep focus in
    // this chat (its heading, the survey follows it) rather than let it fall to the page.
    const hadFocus = el.contains(document.activeElement);
    lockComposer();
    closeButton.hidden = false;
    onGone(key);
    replace(tools, surveyForm({ client, key, onDone: () => closeButton.focus() }));
    if (hadFocus) title.focus();
  }

  function showOffer(o) {
    if (!o) return (offer.hidden = true);
    offer.hidden = false;
    const reject = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: async () => {
          reject.disabled = true;
          try {
            const back = (await agents()).find((a) => a.name === o.from);
            if (!back) throw new Error(`${o.from || 'the previous agent'} is not an agent of this account any more`);
            await client.transfer(key, { agent: back.id, text: 'Transfer declined.' });
            movedAway(`Transfer declined: sent back to ${back.name}.`);
            offer.hidden = true;
          } catch (e) {
            fail('Cannot send it back', e);
            reject.disabled = false;
          }
        },
      },
      'Reject transfer',
    );
    const keep = h('button', { type: 'button', onclick: () => ((offer.hidden = true), message.focus()) }, 'Keep chat');
    replace(
      offer,
      h('p', {}, `Transferred to you${o.from ? ` by ${o.from}` : ''}${o.note ? `: “${o.note}”` : '.'}`),
      h('div', { class: 'actions' }, keep, o.from ? reject : null),
    );
  }

  function renderView(v) {
    const cls = `line ${v.kind === 'line' ? v.role : v.kind}${v.private ? ' private' : ''}`;
    const when = v.time ? new Date(v.time) : null;
    const stamp = when && !Number.isNaN(when.getTime()) ? when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
    if (v.kind === 'line') {
      const who = v.role === 'me' ? 'You' : v.by;
      return h('li', { class: cls }, h('span', { class: 'by' }, who, v.private ? ' (agents only)' : ''), h('span', { class: 'text' }, v.text), h('time', { datetime: v.time }, stamp));
    }
    if (v.kind === 'transfer-note') return h('li', { class: cls }, h('span', { class: 'text' }, v.text));
    return h('li', { class: cls }, h('span', { class: 'text' }, v.text));
  }

  return {
    el,
    /** Applies one update of the multi-chat poll: `{events, info, error}`. */
    update(u) {
      if (u.error) {
        fail('This chat cannot be read', { message: u.error.message ?? 'unknown error' });
        movedAway('This chat is no longer available.');
        return;
      }
      const fresh = u.events.map((e) => eventView(e, { me: me.name }));
      views.push(...fresh);
      const stick = lines.scrollTop + lines.clientHeight >= lines.scrollHeight - 40;
      for (const v of fresh) lines.append(renderView(v));
      if (stick) lines.scrollTop = lines.scrollHeight;
      status = chatStatus(u.info, { meId: me.id }) ?? status;
      if (!status) return;
      title.textContent = status.visitorName;
      if (!gone && !ended) meta.textContent = status.state === 'chatting' ? `Chatting · ${key.slice(-7)}` : status.state;
      typing.textContent = status.visitorTyping && !ended ? `${status.visitorName} is typing…` : '';
      if (fresh.some((v) => v.kind === 'transfer')) showOffer(status.mine ? offerOf(views, { me: me.name }) : null);
      if (status.ended && !ended) showEnded();
      else if (!status.ended && !status.mine && !gone && status.lostTo) movedAway(`This chat is now with ${status.lostTo}.`);
    },
    /** Puts the cursor in the message box. */
    focus() {
      (message.disabled ? closeButton : message).focus();
    },
    destroy() {
      typingSignal.cancel();
    },
  };

  function close() {
    typingSignal.cancel();
    onClose(key);
  }
}
