// The agent workspace page (`#/chats`): the toolbar (availability, ringing, accept) and the
// open chats side by side. Owns the agent session's life here: it is opened (or reused after a
// reload) at the first mount, and a session the server no longer knows is replaced. Both
// long-polls keep running while an admin looks at a supervisor page: an agent who stops
// polling goes Offline after a minute and their chats are requeued (docs/liveperson.md), so
// leaving the page only detaches it; logging out (`dispose`) stops it. Everything goes
// through LivePerson's Chat Agent API (lp-agent.js).

import { h, replace } from '../../lib/dom.js';
import { LpAgent } from '../../lib/lp-agent.js';
import { ChatSet } from './chat-set.js';
import { chatPanel } from './chat-panel.js';
import { drawEach, startChatPoll, startRingPoll } from './polls.js';
import { toolbar } from './toolbar.js';
import * as alerts from './alerts.js';

/** Chats started longer ago than this are not looked for when resuming. */
const RESUME_WITHIN_MS = 12 * 3600 * 1000;
/** A cursor after any chat's last event: the multi-chat answer then carries info only. */
const PAST_THE_END = 999999999;

/** The running workspace: `{bearer, root, stop()}`, kept while other pages are shown. */
let live = null;

/** The agent's pages. */
export const pages = [
  {
    id: 'chats',
    title: 'Chats',
    mount(container, ctx) {
      if (live && live.bearer !== ctx.bearer) dispose();
      live ??= { bearer: ctx.bearer, ...start(ctx) };
      container.append(live.root);
      return () => live?.root.remove();
    },
    dispose,
  },
];

/** Stops the workspace (logout). */
function dispose() {
  live?.stop();
  live?.root.remove();
  live = null;
}

/** Starts the workspace; returns `{root, stop}`. */
function start(ctx) {
  const container = h('div', { class: 'workspace' });
  const client = new LpAgent({ account: ctx.account, bearer: ctx.bearer });
  const openKey = `chatwire.console.openChats.${ctx.bearer.slice(0, 16)}`;
  const set = new ChatSet();
  const panels = new Map();
  let me = null;
  let ringPoll = null;
  let chatPoll = null;
  let stopped = false;
  let agentsCache = null;

  const bar = toolbar({
    onAvailability: async (v) => {
      const kept = await client.setAvailability(v);
      ctx.status(`Availability: ${kept}.`);
      return kept;
    },
    onAccept: async () => {
      const key = await client.acceptNext();
      openChat(key);
      ringPoll?.poke();
    },
  });
  const empty = h('p', { class: 'empty muted' }, 'No open chats. Set Availability to Online and accepted chats appear here, side by side.');
  const grid = h('div', { class: 'chats' });
  const chatsSection = h('section', { class: 'chats-section', 'aria-labelledby': 'chats-title' }, h('h2', { id: 'chats-title', class: 'visually-hidden' }, 'Open chats'), empty, grid);
  replace(container, bar.el, chatsSection);

  const agents = () => {
    // Refreshed at most every 10 s: states and loads change, the list itself rarely.
    if (!agentsCache || Date.now() - agentsCache.at > 10000) agentsCache = { at: Date.now(), list: client.agents() };
    agentsCache.list.catch(() => (agentsCache = null));
    return agentsCache.list;
  };

  function saveOpen() {
    sessionStorage.setItem(openKey, JSON.stringify([...panels.keys()]));
  }

  function openChat(key) {
    panels.get(key)?.el.remove();
    const panel = chatPanel({
      client,
      key,
      me,
      agents,
      onGone: (k) => set.remove(k),
      onClose: (k) => closeChat(k),
    });
    panels.set(key, panel);
    set.remove(key); // a chat seen before (sent back to us) is read again from its start
    set.add(key, 0);
    grid.append(panel.el);
    empty.hidden = true;
    saveOpen();
    panel.focus();
  }

  function closeChat(key) {
    const panel = panels.get(key);
    set.remove(key);
    panels.delete(key);
    panel?.destroy();
    panel?.el.remove();
    empty.hidden = panels.size > 0;
    saveOpen();
    const next = [...panels.values()].pop();
    if (next) next.focus();
    else bar.el.querySelector('#availability')?.focus();
  }

  /**
   * Opens the chats this agent still handles that this tab does not show (a new tab, another
   * device: LivePerson's "continuity" through `chatSessions`). Asked once, at the start, with
   * cursors past the end so the answer carries the chats' info and no events.
   */
  async function resumeChats() {
    try {
      const recent = (await client.chatSessions()).filter((c) => !panels.has(c.key) && Date.now() - c.startTime < RESUME_WITHIN_MS).slice(0, 20);
      if (!recent.length) return;
      const keys = recent.map((c) => c.key);
      const answer = await client.chats({ chatSessionKeys: keys.join(','), fromEventIds: keys.map(() => PAST_THE_END).join(',') });
      for (const item of answer) {
        const info = item.info;
        if (info?.state === 'chatting' && String(info.agentId) === me.id && !panels.has(info.chatSessionKey)) openChat(info.chatSessionKey);
      }
    } catch (e) {
      ctx.status(`Your open chats could not be listed: ${e.message}`);
    }
  }

  // One recovery at a time: both polls may notice a lost session at once.
  let recovering = null;
  function recover(e) {
    if (e.status !== 401 && e.status !== 404) return;
    recovering ??= client
      .create()
      .then(() => ctx.status('The agent session was renewed.'))
      .catch((err) => {
        if (err.status === 401) return ctx.logOut();
        ctx.status(`Cannot renew the agent session: ${err.message}`);
      })
      .finally(() => (recovering = null));
  }
  const onPollError = (what) => (e, delay) => {
    ctx.status(`${what}: ${e.message}. Trying again in ${Math.ceil(delay / 1000)} s.`);
    recover(e);
  };

  function onKey(ev) {
    alerts.unlock();
    if (!container.isConnected) return; // another page is shown: its keys are its own
    if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
    // ev.code names the key, not the character: Alt+A types "å" on a Mac, Alt+1 "¡".
    if (ev.code === 'KeyA') {
      if (!me) return; // not ready: Accept is disabled until the agent's record has loaded
      ev.preventDefault();
      bar.accept();
    } else if (/^Digit[1-9]$/.test(ev.code)) {
      const panel = [...panels.values()][Number(ev.code.slice(5)) - 1];
      if (panel) (ev.preventDefault(), panel.focus());
    }
  }
  document.addEventListener('keydown', onKey);
  document.addEventListener('pointerdown', alerts.unlock);

  (async () => {
    ctx.status('Opening the agent session…');
    try {
      await client.open();
      me = await client.me();
    } catch (e) {
      if (e.status === 401) return ctx.logOut();
      return ctx.status(`Cannot open the agent session: ${e.message}`);
    }
    if (stopped) return;
    bar.setAvailability(me.availability);
    ctx.status(`Signed in as ${me.name}. Availability: ${me.availability}.`);
    for (const key of JSON.parse(sessionStorage.getItem(openKey) || '[]')) openChat(key);
    await resumeChats();
    ringPoll = startRingPoll({ client, onCount: (n) => bar.setRinging(n), onError: onPollError('Ringing not updated') });
    chatPoll = startChatPoll({
      client,
      set,
      onUpdates: (updates) =>
        drawEach(
          updates,
          (u) => panels.get(u.key)?.update(u),
          (e, u) => ctx.status(`Chat ${u.key.slice(-7)} could not be shown: ${e.message}`),
        ),
      onError: onPollError('Chats not updated'),
      onOk: () => ctx.status('Connected again.'),
    });
  })();
  // A parked long-poll notices a dropped network only when it ends: going offline or back
  // online asks again at once (failing fast while offline, resuming from the cursors after).
  const onNetwork = () => {
    chatPoll?.nudge();
    ringPoll?.poke();
  };
  window.addEventListener('offline', onNetwork);
  window.addEventListener('online', onNetwork);

  const stop = () => {
    stopped = true;
    ringPoll?.stop();
    chatPoll?.stop();
    for (const p of panels.values()) p.destroy();
    document.removeEventListener('keydown', onKey);
    document.removeEventListener('pointerdown', alerts.unlock);
    window.removeEventListener('offline', onNetwork);
    window.removeEventListener('online', onNetwork);
  };
  return { root: container, stop };
}
