// A client for chatwire's own API (`/chatwire/v1`): admin resources, history, statistics,
// the account feed and the mailbox, with an admin agent's login bearer. DOM-free (the
// supervisor pages use it; unit tests give it a fake fetch). Errors are `HttpError` from
// http.js; `fieldOf(error)` names the body member or parameter the server refused.

import { request } from './http.js';

/** The member or query parameter a chatwire API error names (`{"error":{"field"}}`), or null. */
export function fieldOf(error) {
  const e = error?.body?.error;
  return e && typeof e === 'object' && typeof e.field === 'string' ? e.field : null;
}

/** A query string from an object, leaving out empty values (`''`, null, undefined). */
export function queryString(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * A client bound to one account and bearer.
 * @param {{account: string, bearer: string, base?: string, fetch?: typeof fetch}} opts
 */
export function chatwireApi({ account, bearer, base = '', fetch: f }) {
  const root = `${base}/chatwire/v1/accounts/${encodeURIComponent(account)}`;
  const call = (method, path, { json, query, timeoutMs, signal } = {}) =>
    request(`${root}${path}${queryString(query)}`, {
      method,
      json,
      timeoutMs,
      signal,
      fetch: f,
      headers: { Authorization: `Bearer ${bearer}` },
    }).then((r) => r.body);
  const id = (v) => encodeURIComponent(String(v));

  /** Every item of a paged list, following `next` (for short lists: agents, skills). */
  async function all(path, query = {}) {
    const items = [];
    let cursor;
    for (let i = 0; i < 100; i++) {
      const page = await call('GET', path, { query: { ...query, limit: 500, cursor } });
      items.push(...(page?.items || []));
      if (!page?.next) break;
      cursor = page.next;
    }
    return items;
  }

  /** CRUD for one admin resource under `path` (`/agents`, `/skills`, …). */
  const resource = (path) => ({
    page: (query) => call('GET', path, { query }),
    all: (query) => all(path, query),
    get: (key) => call('GET', `${path}/${id(key)}`),
    create: (body) => call('POST', path, { json: body }),
    patch: (key, body) => call('PATCH', `${path}/${id(key)}`, { json: body }),
    put: (key, body) => call('PUT', `${path}/${id(key)}`, { json: body }),
    remove: (key) => call('DELETE', `${path}/${id(key)}`),
  });

  return {
    account,
    call,
    agents: {
      ...resource('/agents'),
      disable: (agentId) => call('POST', `/agents/${id(agentId)}/disable`, { json: {} }),
      enable: (agentId) => call('POST', `/agents/${id(agentId)}/enable`, { json: {} }),
      /** Sets `password`, or with none generates one (answered once as `{password}`). */
      resetPassword: (agentId, password) => call('POST', `/agents/${id(agentId)}/password`, { json: password ? { password } : {} }),
    },
    skills: resource('/skills'),
    appKeys: resource('/appKeys'),
    surveys: resource('/surveys'),
    /** History search: `{from, to, skill, agent, visitor, state, q, limit, cursor}`. */
    searchChats: (query) => call('GET', '/history/chats', { query }),
    /** One chat's record: `{chat, events, surveys, transcript}`. */
    chatRecord: (chatId) => call('GET', `/history/chats/${id(chatId)}`),
    /** Statistics: `{from, to, by, skill, agent}` → `{from, to, by, rows}`. */
    stats: (query) => call('GET', '/stats', { query }),
    /** The account feed after `after`, long-polled `wait` seconds: `{events, next}`. */
    feed: ({ after = 0, wait, limit, signal } = {}) =>
      call('GET', '/feed', { query: { after, wait, limit }, signal, timeoutMs: ((wait || 0) + 15) * 1000 }),
    /** The local mailbox after mailbox id `after`: `{mail, next}`. */
    mailbox: ({ after = 0, limit } = {}) => call('GET', '/mailbox', { query: { after, limit } }),
  };
}
