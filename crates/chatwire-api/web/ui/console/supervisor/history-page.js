// The history page: search chats (time range, skill, agent, visitor, state, words) with
// keyset paging (paging.js keeps the cursors), and open one chat's transcript
// (transcript-view.js). The search form's values stay while the transcript is open.

import { h, replace } from '../../lib/dom.js';
import { apiOf, busy, errorLine, field, pageHead, when } from './common.js';
import { currentCursor, firstPage, hasNext, hasPrevious, pageNumber, toNext, toPrevious, withAnswer } from './paging.js';
import { showTranscript } from './transcript-view.js';

const PAGE_SIZE = 25;

/** A `datetime-local` value as an RFC 3339 instant (the browser's time zone), or ''. */
function instant(v) {
  if (!v) return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

/** Mounts the history page. */
export function mount(container, ctx) {
  const api = apiOf(ctx);
  const select = (name, options) => h('select', { name }, h('option', { value: '' }, 'Any'), options.map(([v, t]) => h('option', { value: String(v) }, t)));
  const inputs = {
    from: h('input', { type: 'datetime-local', name: 'from' }),
    to: h('input', { type: 'datetime-local', name: 'to' }),
    skill: select('skill', []),
    agent: select('agent', []),
    visitor: h('input', { name: 'visitor', inputmode: 'numeric', autocomplete: 'off' }),
    state: select('state', [['waiting', 'Waiting'], ['chatting', 'Chatting'], ['ended', 'Ended']]),
    q: h('input', { type: 'search', name: 'q', autocomplete: 'off' }),
  };
  const submit = h('button', { type: 'submit' }, 'Search');
  const form = h('form', { class: 'search-form', role: 'search', 'aria-label': 'Search chats' });
  const errors = errorLine(form);
  replace(
    form,
    h(
      'div',
      { class: 'search-grid' },
      field('Words', inputs.q, 'Every word must be in one line.'),
      field('From', inputs.from),
      field('To', inputs.to),
      field('Skill', inputs.skill),
      field('Agent', inputs.agent),
      field('State', inputs.state),
      field('Visitor id', inputs.visitor),
    ),
    h('div', { class: 'buttons' }, submit),
    errors.el,
  );
  const results = h('section', { 'aria-labelledby': 'history-results-title', class: 'results' });
  const searchView = h('div', {}, form, results);
  const detail = h('div', { hidden: true });
  replace(container, ...pageHead('History', 'Find past and open chats and read their transcripts.'), searchView, detail);

  let pager = firstPage();
  let query = {};
  let agentNames = new Map();
  let skillNames = new Map();

  const openChat = (chat, opener) => {
    searchView.hidden = true;
    detail.hidden = false;
    showTranscript(detail, api, chat.id, { skillNames, agentNames }, () => {
      detail.hidden = true;
      searchView.hidden = false;
      opener?.focus();
    });
  };

  const renderPage = (page) => {
    const prev = h('button', { type: 'button', class: 'secondary', disabled: !hasPrevious(pager), onclick: () => go(toPrevious(pager)) }, 'Previous page');
    const next = h('button', { type: 'button', class: 'secondary', disabled: !hasNext(pager), onclick: () => go(toNext(pager)) }, 'Next page');
    replace(
      results,
      h('h2', { id: 'history-results-title' }, `Results, page ${pageNumber(pager)}`),
      page.items.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'grid' },
              h('caption', { class: 'visually-hidden' }, 'Chats found, newest first'),
              h('thead', {}, h('tr', {}, ['Requested', 'Visitor', 'Skill', 'Agent', 'State', 'Transcript'].map((c) => h('th', { scope: 'col' }, c)))),
              h(
                'tbody',
                {},
                page.items.map((c) => {
                  const open = h('button', { type: 'button', class: 'secondary', 'aria-label': `Open transcript of chat ${c.num} (${c.visitorName || 'visitor'})` }, 'Open');
                  open.addEventListener('click', () => openChat(c, open));
                  return h(
                    'tr',
                    {},
                    h('td', {}, when(c.requestedAt)),
                    h('td', {}, c.visitorName || `#${c.visitorId}`),
                    h('td', {}, c.skillId == null ? '–' : skillNames.get(c.skillId) || `#${c.skillId}`),
                    h('td', {}, c.agentName || '–'),
                    h('td', {}, c.state),
                    h('td', {}, open),
                  );
                }),
              ),
            ),
          )
        : h('p', {}, 'No chat matches.'),
      h('nav', { class: 'buttons pager', 'aria-label': 'Result pages' }, prev, next),
    );
  };

  // `focus`: after Previous/Next the buttons are rebuilt, so keyboard users land on the new
  // page's heading instead of at the top of the document.
  const go = (p, { focus = true } = {}) =>
    busy(submit, errors, async () => {
      pager = p;
      const page = await api.searchChats({ ...query, limit: PAGE_SIZE, cursor: currentCursor(pager) });
      pager = withAnswer(pager, page.next);
      renderPage(page);
      const heading = results.querySelector('h2');
      heading?.setAttribute('tabindex', '-1');
      if (focus) heading?.focus();
    });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    query = {
      from: instant(inputs.from.value),
      to: instant(inputs.to.value),
      skill: inputs.skill.value,
      agent: inputs.agent.value,
      visitor: inputs.visitor.value.trim(),
      state: inputs.state.value,
      q: inputs.q.value.trim(),
    };
    go(firstPage());
  });

  (async () => {
    try {
      const [skills, agents] = await Promise.all([api.skills.all(), api.agents.all()]);
      skillNames = new Map(skills.map((s) => [s.id, s.name]));
      agentNames = new Map(agents.map((a) => [a.id, a.displayName || a.loginName]));
      for (const s of skills) inputs.skill.append(h('option', { value: String(s.id) }, s.name));
      for (const a of agents) inputs.agent.append(h('option', { value: String(a.id) }, a.displayName || a.loginName));
    } catch (e) {
      errors.show(e);
    }
    go(firstPage(), { focus: false });
  })();
  return () => {};
}
