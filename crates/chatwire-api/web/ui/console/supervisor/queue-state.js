// The live queue's state, DOM-free: which chats wait or are handled, in which skill, by which
// agent, built from a history snapshot and kept current by account-feed events. The feed's
// events do not name a chat's skill or agent, so a state change marks the chat for a lookup
// (its history record); `upsertChat` applies that answer. Every change carries the feed's
// global `seq`, so a late lookup answer never undoes a newer event, and replayed events (the
// feed is resumed from a cursor at or before the snapshot) change nothing twice.

/** How many ended chats are remembered, so a late lookup of one does not bring it back. */
const ENDED_MEMORY = 2000;

/**
 * An empty queue state.
 * @returns {{chats: Map<string, object>, ended: Map<string, number>, agents: Map<number, object>, skills: Map<number, object>}}
 */
export function emptyQueue() {
  return { chats: new Map(), ended: new Map(), agents: new Map(), skills: new Map() };
}

/** Replaces the known skills (`[{id, name}]` of the admin API). */
export function setSkills(q, skills) {
  q.skills = new Map(skills.map((s) => [s.id, { id: s.id, name: s.name }]));
}

/** Replaces the known agents (`AgentView`s of the admin API). */
export function setAgents(q, agents) {
  q.agents = new Map(
    agents.map((a) => [a.id, { id: a.id, name: a.displayName || a.nickname || a.loginName, skills: a.skills || [], maxChats: a.maxChats, availability: a.availability || 'Offline', enabled: a.enabled !== false }]),
  );
}

function forget(q, id, seq) {
  q.chats.delete(id);
  q.ended.set(id, seq);
  if (q.ended.size > ENDED_MEMORY) q.ended.delete(q.ended.keys().next().value);
}

/**
 * Applies a chat summary (history search item, or a record's `chat`) as of feed sequence
 * `seq` (the record's last event; 0 for a snapshot). Ignored when an event newer than `seq`
 * was already applied to the chat. Ended chats leave the queue.
 */
export function upsertChat(q, summary, seq = 0) {
  const id = summary.id;
  const known = q.chats.get(id);
  if ((known && known.seq > seq) || (q.ended.has(id) && q.ended.get(id) >= seq)) return;
  if (summary.state === 'ended') {
    forget(q, id, seq);
    return;
  }
  q.chats.set(id, {
    id,
    state: summary.state,
    skillId: summary.skillId ?? null,
    agentId: summary.agentId ?? null,
    visitorName: summary.visitorName || '',
    requestedAt: summary.requestedAt,
    seq,
  });
}

/** The highest `seq` of a record's events (0 for none). */
export function lastSeq(events = []) {
  return events.reduce((m, e) => Math.max(m, e.seq || 0), 0);
}

/**
 * Applies a page of feed events. Returns the ids of chats whose skill or agent must be
 * looked up (new chats, accepts, transfers), in the order first seen.
 * @returns {string[]}
 */
export function applyFeed(q, events) {
  const lookups = new Set();
  for (const e of events) {
    const id = e.chatId;
    if (!id) continue;
    const known = q.chats.get(id);
    if (known && e.seq <= known.seq) {
      // A replayed page (after a failed lookup): look up again what is still unknown.
      if (known.skillId === undefined) lookups.add(id);
      continue;
    }
    if (e.type === 'state') {
      if (e.state === 'ended') {
        if (known || !q.ended.has(id)) forget(q, id, e.seq);
        lookups.delete(id);
      } else if (known) {
        known.state = e.state;
        known.seq = e.seq;
        lookups.add(id);
      } else if (!q.ended.has(id) || q.ended.get(id) < e.seq) {
        // A new chat: it waits from now, in a skill the lookup will tell.
        q.chats.set(id, { id, state: e.state, skillId: undefined, agentId: null, visitorName: '', requestedAt: e.time, seq: e.seq });
        lookups.add(id);
      }
    } else if (e.type === 'transfer' && known) {
      known.seq = e.seq;
      lookups.add(id);
    }
  }
  return [...lookups];
}

/** Milliseconds since `iso` at `now` (never negative). */
function since(iso, now) {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.max(0, now - t) : 0;
}

/**
 * What the queue page shows: one group per skill (plus "No skill" when a chat has none),
 * each `{id, name, waiting: [{id, visitorName, waitMs}] (longest first), longestWaitMs,
 * chatting, agents: [{id, name, availability, load, maxChats}]}`; agents of the skill who
 * are not Offline. `load` counts the agent's chats in every skill.
 */
export function queueView(q, now = Date.now()) {
  const load = agentLoads(q);
  const groups = new Map();
  const group = (id) => {
    if (!groups.has(id)) {
      const name = id == null ? 'No skill' : q.skills.get(id)?.name || `Skill ${id}`;
      groups.set(id, { id, name, waiting: [], longestWaitMs: 0, chatting: 0, agents: [] });
    }
    return groups.get(id);
  };
  for (const s of q.skills.values()) group(s.id);
  for (const c of q.chats.values()) {
    // A chat whose skill is still being looked up is counted once it is known.
    if (c.skillId === undefined) continue;
    const g = group(c.skillId);
    if (c.state === 'waiting') g.waiting.push({ id: c.id, visitorName: c.visitorName, waitMs: since(c.requestedAt, now) });
    else if (c.state === 'chatting') g.chatting += 1;
  }
  for (const g of groups.values()) {
    g.waiting.sort((a, b) => b.waitMs - a.waitMs);
    g.longestWaitMs = g.waiting[0]?.waitMs || 0;
    for (const a of q.agents.values()) {
      if (!a.enabled || a.availability === 'Offline' || g.id == null || !a.skills.includes(g.id)) continue;
      g.agents.push({ id: a.id, name: a.name, availability: a.availability, load: load.get(a.id) || 0, maxChats: a.maxChats });
    }
  }
  return [...groups.values()].filter((g) => g.id != null || g.waiting.length || g.chatting);
}

/** Load of every agent (chats they handle now), for the agents table: Map id → count. */
export function agentLoads(q) {
  const load = new Map();
  for (const c of q.chats.values()) {
    if (c.state === 'chatting' && c.agentId != null) load.set(c.agentId, (load.get(c.agentId) || 0) + 1);
  }
  return load;
}
