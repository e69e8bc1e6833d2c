// The chat itself: the transcript (a `log` live region, so screen readers hear new lines),
// the agent's typing, the connection's state, the message box ("Message", Enter sends,
// Shift+Enter breaks the line) with "Send", and "End chat". It draws what ChatLog and the
// controller say; updates add and remove only the lines that changed, so nothing already
// announced is announced again.

import { h } from '../lib/dom.js';
import { typingText } from './events.js';

/**
 * The chat view. `actions`: send(text), typing(), end() (may throw; shown), dismiss(localId).
 * @param {{actions: {send: Function, typing: Function, end: Function, dismiss: Function}}} opts
 */
export function createChatView({ actions }) {
  const els = new Map(); // item key → element
  const list = h('div', { class: 'cw-log', role: 'log', 'aria-label': 'Conversation', tabindex: '0' });
  const typing = h('p', { class: 'cw-typing', 'aria-live': 'polite' });
  const connection = h('p', { class: 'cw-connection', role: 'status' });
  const error = h('p', { class: 'cw-error', role: 'alert', hidden: true });
  const box = h('textarea', {
    id: 'cw-message',
    rows: 2,
    placeholder: 'Type your message…',
    autocomplete: 'off',
    oninput: () => actions.typing(),
    onkeydown: (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        form.requestSubmit();
      }
    },
  });
  const send = h('button', { type: 'submit', class: 'cw-primary cw-send' }, 'Send');
  const form = h(
    'form',
    {
      class: 'cw-composer',
      onsubmit: (ev) => {
        ev.preventDefault();
        const text = box.value.trim();
        if (!text) return box.focus();
        box.value = '';
        actions.send(text);
        box.focus();
      },
    },
    h('label', { for: 'cw-message', class: 'cw-sr' }, 'Message'),
    box,
    send,
  );
  const endButton = h(
    'button',
    {
      type: 'button',
      class: 'cw-secondary cw-end',
      // aria-disabled, not disabled, while ending: a disabled button drops the keyboard focus
      // to the page before the end view can take it.
      onclick: async () => {
        if (endButton.getAttribute('aria-disabled') === 'true') return;
        endButton.setAttribute('aria-disabled', 'true');
        error.hidden = true;
        try {
          await actions.end();
        } catch (e) {
          error.textContent = `The chat could not be ended: ${e.message}`;
          error.hidden = false;
          endButton.removeAttribute('aria-disabled');
        }
      },
    },
    'End chat',
  );
  const footer = h('div', { class: 'cw-footer' }, connection, error, form);
  const el = h('div', { class: 'cw-chat' }, h('div', { class: 'cw-toolbar' }, endButton), list, typing, footer);

  /** Draws the log's items, typing and connection; `ended` swaps the composer for `after`. */
  function update({ items, info, connection: conn, sendRetry = null }) {
    const wanted = new Set(items.map((i) => i.key));
    for (const [k, node] of els) {
      if (!wanted.has(k)) {
        node.remove();
        els.delete(k);
      }
    }
    let prev = null;
    let added = false;
    for (const item of items) {
      let node = els.get(item.key);
      if (!node) {
        node = renderItem(item, actions);
        if (!node) continue;
        els.set(item.key, node);
        if (prev) prev.after(node);
        else list.prepend(node);
        added = true;
      } else if (item.pending) {
        updatePending(node, item, actions);
      }
      prev = node;
    }
    if (added) list.scrollTop = list.scrollHeight;
    typing.textContent = typingText(info) ?? '';
    connection.textContent =
      conn.state === 'reconnecting'
        ? 'Connection lost: reconnecting… Your messages will be sent when it is back.'
        : conn.state === 'error'
          ? `The chat cannot continue: ${conn.message}`
          : sendRetry
            ? `Your message was not sent (${sendRetry.message}): retrying in ${Math.max(1, Math.round(sendRetry.delayMs / 1000))} s…`
            : '';
    connection.className = `cw-connection${(conn.state === 'online' || conn.state === 'connecting') && !sendRetry ? '' : ' cw-warn'}`;
    const ended = info.state === 'ended' || conn.state === 'error';
    el.classList.toggle('cw-over', ended);
    endButton.hidden = ended;
    form.hidden = ended;
  }

  return { el, update, focus: () => (form.hidden ? list.focus() : box.focus()), footer };
}

/** The element for one transcript item, or null for items not drawn (waiting/chatting states). */
function renderItem(item, actions) {
  switch (item.kind) {
    case 'line': {
      if (item.from === 'system') return h('p', { class: 'cw-system' }, item.text);
      const mine = item.from === 'visitor';
      const node = h(
        'div',
        { class: `cw-line ${mine ? 'cw-mine' : 'cw-theirs'}`, title: item.time ? new Date(item.time).toLocaleTimeString() : null },
        h('span', { class: 'cw-who' }, mine ? 'You' : item.by || 'Agent'),
        h('p', { class: 'cw-text' }, item.text),
      );
      if (item.pending) updatePending(node, item, actions);
      return node;
    }
    case 'state':
      // Waiting and chatting show in the header; only the end is a moment in the transcript.
      return item.state === 'ended' ? h('p', { class: 'cw-system cw-ended' }, item.text) : null;
    case 'url':
      return h(
        'p',
        { class: 'cw-system' },
        `${item.text}: `,
        h('a', { href: item.url, target: '_blank', rel: 'noopener noreferrer' }, item.url),
      );
    default:
      return h('p', { class: 'cw-system' }, item.text);
  }
}

/** A pending line's status: "sending…", or why it was not sent with a way to remove it. */
function updatePending(node, item, actions) {
  node.querySelector('.cw-status')?.remove();
  node.classList.toggle('cw-pending', item.pending === 'sending');
  node.classList.toggle('cw-failed', item.pending === 'failed');
  const status =
    item.pending === 'failed'
      ? h(
          'span',
          { class: 'cw-status' },
          `Not sent: ${item.error || 'refused'} `,
          h('button', { type: 'button', class: 'cw-link', onclick: () => actions.dismiss(item.localId) }, 'Remove'),
        )
      : h('span', { class: 'cw-status' }, 'Sending…');
  node.append(status);
}
