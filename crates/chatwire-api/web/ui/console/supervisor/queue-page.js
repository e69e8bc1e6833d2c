// The live queue page: per skill, the chats waiting and for how long, the longest wait, and
// the skill's agents who are not Offline with their load (chats / max). The state is
// queue-state.js; this page loads the snapshot (history search of open chats, agents,
// skills), follows the account feed from a cursor taken before the snapshot, looks up the
// chats the feed names, and redraws. Agent availability is not in the feed, so the agents
// are re-read every few seconds and after each accept or end.

import { h, replace } from '../../lib/dom.js';
import { backoff } from '../../lib/retry.js';
import { apiOf, pageHead, waitText } from './common.js';
import { followFeed } from './feed-follower.js';
import { applyFeed, emptyQueue, lastSeq, queueView, setAgents, setSkills, upsertChat } from './queue-state.js';

const AGENTS_EVERY_MS = 10_000;

/** Every chat in `state`, following the history search's pages (bounded). */
async function openChats(api, state) {
  const out = [];
  let cursor;
  for (let i = 0; i < 25; i++) {
    const page = await api.searchChats({ state, limit: 200, cursor });
    out.push(...page.items);
    if (!page.next) break;
    cursor = page.next;
  }
  return out;
}

/**
 * The feed cursor to start from: the last event of the newest chat. Read before the snapshot,
 * so every event after the snapshot is replayed (the API has no "current end of the feed").
 */
async function startCursor(api) {
  const newest = await api.searchChats({ limit: 1 });
  const chat = newest.items[0];
  if (!chat) return 0;
  return lastSeq((await api.chatRecord(chat.id)).events);
}

function skillCard(g) {
  const headingId = `queue-skill-${g.id ?? 'none'}`;
  const agentsOnline = g.agents.filter((a) => a.availability === 'Online').length;
  return h(
    'section',
    { class: 'card queue-skill', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, g.name),
    h(
      'dl',
      { class: 'figures' },
      h('div', {}, h('dt', {}, 'Waiting'), h('dd', { 'data-figure': 'waiting' }, String(g.waiting.length))),
      h('div', {}, h('dt', {}, 'Longest wait'), h('dd', { 'data-figure': 'longest' }, g.waiting.length ? waitText(g.longestWaitMs) : '–')),
      h('div', {}, h('dt', {}, 'Chatting'), h('dd', { 'data-figure': 'chatting' }, String(g.chatting))),
      h('div', {}, h('dt', {}, 'Agents online'), h('dd', { 'data-figure': 'online' }, String(agentsOnline))),
    ),
    g.waiting.length
      ? h(
          'table',
          { class: 'grid' },
          h('caption', {}, `Waiting in ${g.name}`),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Visitor'), h('th', { scope: 'col' }, 'Waiting for'))),
          h('tbody', {}, g.waiting.map((c) => h('tr', {}, h('td', {}, c.visitorName || 'Visitor'), h('td', { 'data-wait': c.id }, waitText(c.waitMs))))),
        )
      : h('p', { class: 'muted' }, 'Nobody is waiting.'),
    g.id == null
      ? null
      : g.agents.length
        ? h(
            'table',
            { class: 'grid' },
            h('caption', {}, `Agents of ${g.name}`),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Agent'), h('th', { scope: 'col' }, 'Availability'), h('th', { scope: 'col' }, 'Load'))),
            h(
              'tbody',
              {},
              g.agents.map((a) =>
                h(
                  'tr',
                  { 'data-agent': a.id },
                  h('td', {}, a.name),
                  h('td', {}, a.availability),
                  h('td', { 'data-figure': 'load' }, `${a.load} / ${a.maxChats < 0 ? '∞' : a.maxChats}`),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No agent of this skill is logged in.'),
  );
}

/** Mounts the queue page; returns its unmount function. */
export function mount(container, ctx) {
  const api = apiOf(ctx);
  const q = emptyQueue();
  const connection = h('p', { class: 'connection', role: 'status' }, 'Loading the queue…');
  const announcer = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  const board = h('div', { class: 'queue-board' });
  replace(container, ...pageHead('Queue', 'Waiting chats and agents per skill, updated live.'), connection, announcer, board);

  let stopped = false;
  let follower = null;
  const timers = [];
  let lastWaiting = new Map();

  let lastShape = '';
  const render = () => {
    if (stopped) return;
    const groups = queueView(q);
    // Redraw only when something but the clock changed; otherwise update the wait times in
    // place, so the page a keyboard or screen reader user is reading is not rebuilt each second.
    const shape = JSON.stringify(groups, (k, v) => (k === 'waitMs' || k === 'longestWaitMs' ? undefined : v));
    if (shape === lastShape) {
      for (const g of groups) {
        for (const c of g.waiting) {
          const cell = board.querySelector(`[data-wait="${CSS.escape(c.id)}"]`);
          if (cell) cell.textContent = waitText(c.waitMs);
        }
        const longest = board.querySelector(`#queue-skill-${g.id ?? 'none'}`)?.closest('section')?.querySelector('[data-figure="longest"]');
        if (longest && g.waiting.length) longest.textContent = waitText(g.longestWaitMs);
      }
      return;
    }
    lastShape = shape;
    replace(board, groups.map(skillCard));
    // Tell screen readers when a skill's queue grows or shrinks, not every second.
    const changes = [];
    for (const g of groups) {
      const before = lastWaiting.get(g.id);
      if (before !== undefined && before !== g.waiting.length) changes.push(`${g.name}: ${g.waiting.length} waiting`);
    }
    lastWaiting = new Map(groups.map((g) => [g.id, g.waiting.length]));
    if (changes.length) announcer.textContent = changes.join('; ');
  };

  const refreshAgents = async () => {
    try {
      setAgents(q, await api.agents.all());
      render();
    } catch (e) {
      connection.textContent = `Cannot read the agents: ${e.message}`;
    }
  };

  const lookUp = async (ids) => {
    for (const id of ids) {
      try {
        const rec = await api.chatRecord(id);
        upsertChat(q, rec.chat, lastSeq(rec.events));
      } catch (e) {
        if (e.status === 404) upsertChat(q, { id, state: 'ended' }, Number.MAX_SAFE_INTEGER);
        else throw e;
      }
    }
  };

  // The browser knows when the network comes back (or goes): ask the feed again at once.
  const nudge = () => follower?.nudge();

  (async () => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        await start();
        return;
      } catch (e) {
        if (stopped) return;
        if (e.transient === false) {
          connection.textContent = `Cannot load the queue: ${e.message}`;
          return;
        }
        connection.textContent = `Cannot load the queue (${e.message}); trying again…`;
        await new Promise((r) => setTimeout(r, backoff(attempt)));
      }
    }
  })();

  /** Loads the snapshot, then follows the feed. */
  async function start() {
    const after = await startCursor(api);
    const [skills, agents, waiting, chatting] = await Promise.all([api.skills.all(), api.agents.all(), openChats(api, 'waiting'), openChats(api, 'chatting')]);
    if (stopped) return;
    setSkills(q, skills);
    setAgents(q, agents);
    for (const c of [...waiting, ...chatting]) upsertChat(q, c, 0);
    render();
    connection.textContent = 'Live: following the account feed.';
    follower = followFeed({
      api,
      after,
      onEvents: async (events) => {
        const ids = applyFeed(q, events);
        render();
        await lookUp(ids);
        render();
        if (events.some((e) => e.type === 'state' || e.type === 'transfer')) await refreshAgents();
      },
      onState: (s) => {
        if (s.connected) connection.textContent = 'Live: following the account feed.';
        else if (s.stopped) connection.textContent = `Stopped following the feed: ${s.error.message}`;
        else connection.textContent = `Connection lost (${s.error.message}); reconnecting, attempt ${s.attempt}…`;
      },
    });
    timers.push(setInterval(render, 1000), setInterval(refreshAgents, AGENTS_EVERY_MS));
    window.addEventListener('online', nudge);
    window.addEventListener('offline', nudge);
  }

  return () => {
    window.removeEventListener('online', nudge);
    window.removeEventListener('offline', nudge);
    stopped = true;
    follower?.stop();
    for (const t of timers) clearInterval(t);
  };
}
