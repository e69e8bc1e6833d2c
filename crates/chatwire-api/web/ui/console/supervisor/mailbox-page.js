// The demo mailbox page: mail chatwire delivered locally because no SMTP server is configured
// (transcripts, notifications), newest first; open one to read its text. The mailbox is paged
// by a numeric cursor (`after`), oldest first, so the page reads it to the end and reverses.

import { h, replace } from '../../lib/dom.js';
import { apiOf, pageHead, when } from './common.js';

/** Every mail (bounded), oldest first. */
async function allMail(api) {
  const out = [];
  let after = 0;
  for (let i = 0; i < 40; i++) {
    const page = await api.mailbox({ after, limit: 200 });
    out.push(...page.mail);
    if (!page.mail.length || page.next === after) break;
    after = page.next;
  }
  return out;
}

/** Mounts the mailbox page. */
export function mount(container, ctx) {
  const api = apiOf(ctx);
  const list = h('section', { 'aria-labelledby': 'mail-list-title', class: 'mail-list' });
  const reader = h('section', { 'aria-labelledby': 'mail-reader-title', class: 'card mail-reader' }, h('h2', { id: 'mail-reader-title' }, 'Message'), h('p', { class: 'muted' }, 'Choose a message to read it.'));
  const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  replace(container, ...pageHead('Mailbox', 'Mail delivered here because no SMTP server is configured (the demo).'), h('div', { class: 'buttons' }, refresh), h('div', { class: 'mailbox' }, list, reader));

  const open = (m, button) => {
    for (const b of list.querySelectorAll('button[aria-pressed]')) b.setAttribute('aria-pressed', 'false');
    button.setAttribute('aria-pressed', 'true');
    const title = h('h2', { id: 'mail-reader-title', tabindex: '-1' }, m.subject || '(no subject)');
    replace(
      reader,
      title,
      h('dl', { class: 'facts' }, h('div', {}, h('dt', {}, 'To'), h('dd', {}, m.to)), h('div', {}, h('dt', {}, 'From'), h('dd', {}, m.from)), h('div', {}, h('dt', {}, 'Delivered'), h('dd', {}, when(m.deliveredAt)))),
      h('pre', { class: 'mail-text' }, m.text || '(this message has no plain text)'),
    );
    title.focus();
  };

  const load = async () => {
    refresh.disabled = true;
    try {
      const mail = (await allMail(api)).reverse();
      replace(
        list,
        h('h2', { id: 'mail-list-title' }, `Messages (${mail.length})`),
        mail.length
          ? h(
              'ul',
              { class: 'plain mail-items' },
              mail.map((m) => {
                const b = h('button', { type: 'button', class: 'mail-item', 'aria-pressed': 'false' }, h('span', { class: 'subject' }, m.subject || '(no subject)'), h('span', { class: 'meta' }, `To ${m.to} · ${when(m.deliveredAt)}`));
                b.addEventListener('click', () => open(m, b));
                return h('li', {}, b);
              }),
            )
          : h('p', {}, 'The mailbox is empty.'),
      );
    } catch (e) {
      replace(list, h('h2', { id: 'mail-list-title' }, 'Messages'), h('p', { class: 'error', role: 'alert' }, `Cannot read the mailbox: ${e.message}`));
    } finally {
      refresh.disabled = false;
    }
  };
  refresh.addEventListener('click', load);
  load();
  return () => {};
}
