// LivePerson Chat Agent API client for the console: the agent session (kept in sessionStorage so
// a reload reuses it), availability, ringing and accepting, the multi-chat retrieve, lines,
// typing, end, transfer, agent survey and visitor details. JSON only, `Authorization: Bearer`.
// DOM-free (storage and fetch are parameters), so tests can drive it with fakes.
// The wire shapes are in shared/spec/liveperson.md §2.2 and docs/liveperson.md.

import { HttpError, request } from './http.js';
import { asList, linkHref } from './lp-json.js';

/** The chat key (last path segment) of a chat URL. */
export function chatKeyOf(url) {
  return String(url).split('?')[0].split('/').pop();
}

/** The visit id (`H…K…`) of a chat key (`H…-…K…`): the key without its middle part. */
export function visitIdOf(key) {
  return String(key).replace(/-[^K]*K/, 'K');
}

/** The agent session of one login, with every Chat Agent API call the console makes. */
export class LpAgent {
  /**
   * @param {{account: string, bearer: string, storage?: Storage, fetch?: Function, base?: string}} opts
   * `base` is the server's origin ('' = same origin).
   */
  constructor({ account, bearer, storage = globalThis.sessionStorage, fetch, base = '' }) {
    this.account = account;
    this.bearer = bearer;
    this.storage = storage;
    this.fetch = fetch;
    this.base = base;
    this.session = null;
    // The session address is stored per bearer: another login in this tab never reuses it.
    this.storageKey = `chatwire.console.agentSession.${bearer.slice(0, 16)}`;
  }

  /** One call with the bearer; throws HttpError. */
  async call(url, { method = 'GET', json, timeoutMs, signal } = {}) {
    const r = await request(url, {
      method,
      json,
      timeoutMs,
      signal,
      fetch: this.fetch,
      headers: { Authorization: `Bearer ${this.bearer}` },
    });
    return r;
  }

  /**
   * The agent session's address: the stored one when it still answers, else a new one
   * (`POST /agentSession` → `Location`). A 401 from the create means the login is gone.
   */
  async open() {
    const stored = this.storage?.getItem(this.storageKey);
    if (stored) {
      try {
        await this.call(stored);
        this.session = stored;
        return stored;
      } catch (e) {
        // 401 (expired) or 404 (unknown): make a new one; anything else is the caller's.
        if (e.status !== 401 && e.status !== 404) throw e;
      }
    }
    return this.create();
  }

  /** Creates a new agent session and stores its address. */
  async create() {
    const acc = encodeURIComponent(this.account);
    const r = await this.call(`${this.base}/api/account/${acc}/agentSession`, { method: 'POST', json: { loginData: '' } });
    const url = r.headers.get('Location') || linkHref(r.body?.agentSessionLocation?.link, 'location');
    if (!url) throw new HttpError(r.status, 'the agent session answer has no address');
    this.session = url;
    this.storage?.setItem(this.storageKey, url);
    return url;
  }

  /** Forgets the stored session (after logout). */
  forget() {
    this.storage?.removeItem(this.storageKey);
    this.session = null;
  }

  /** URL of a chat of this session. */
  chatUrl(key) {
    return `${this.session}/chat/${encodeURIComponent(key)}`;
  }

  /** The agent's own record: `{id, name, loginName, maxChats, availability, skills:[{id,name}]}`. */
  async me() {
    const info = (await this.call(`${this.session}/info`)).body?.info ?? {};
    return {
      id: String(info.id),
      name: info.agentName ?? '',
      loginName: info.loginName ?? '',
      maxChats: Number(info.maxChats),
      availability: info.availability?.chat ?? 'Offline',
      skills: asList(info.skillsInfo?.skillInfo).map((s) => ({ id: String(s.id), name: s.name })),
    };
  }

  /** Sets availability (`Online`, `Occupied`, `Away`); resolves the value the server kept. */
  async setAvailability(chat) {
    const r = await this.call(`${this.session}/availability`, { method: 'PUT', json: { availability: { chat } } });
    return r.body?.availability?.chat ?? chat;
  }

  /** The ring count; with `wait` it long-polls until something rings (or `wait` s pass). */
  async ringing({ wait, signal } = {}) {
    const q = wait ? `?wait=${wait}` : '';
    const r = await this.call(`${this.session}/incomingRequests${q}`, { signal, timeoutMs: ((wait || 0) + 15) * 1000 });
    return Number(r.body?.incomingRequests?.ringingCount ?? 0);
  }

  /** Accepts the next ringing chat (transfers to this agent first); resolves its key. */
  async acceptNext() {
    const r = await this.call(`${this.session}/incomingRequests`, { method: 'POST', json: {} });
    const url = r.headers.get('Location') || linkHref(r.body?.chatLocation?.link, 'location');
    return chatKeyOf(url);
  }

  /**
   * The multi-chat retrieve: one request for every open chat, each from its own cursor.
   * `query` is `{chatSessionKeys, fromEventIds}` (strings). Resolves the raw `chats.chat` list.
   */
  async chats(query, { wait, signal } = {}) {
    const p = new URLSearchParams(query);
    if (wait) p.set('wait', String(wait));
    const r = await this.call(`${this.session}/chat?${p}`, { signal, timeoutMs: ((wait || 0) + 15) * 1000 });
    return asList(r.body?.chats?.chat);
  }

  /** The chats this agent handled, newest first: `[{key, startTime (epoch ms)}]`. */
  async chatSessions() {
    const r = await this.call(`${this.session}/chatSessions`);
    return asList(r.body?.chatSessions?.chatSession)
      .map((c) => ({ key: c.chatSessionKey, startTime: Number(c.startTime) }))
      .sort((a, b) => b.startTime - a.startTime);
  }

  /** Posts a line. */
  async sendLine(key, text) {
    await this.call(`${this.chatUrl(key)}/events`, { method: 'POST', json: { event: { '@type': 'line', text, textType: 'plain' } } });
  }

  /** Sets this agent's typing indicator. */
  async setTyping(key, typing) {
    await this.call(`${this.chatUrl(key)}/info/agentTyping`, { method: 'PUT', json: { agentTyping: typing ? 'typing' : 'not-typing' } });
  }

  /** Ends the chat. */
  async end(key) {
    await this.call(`${this.chatUrl(key)}/events`, { method: 'POST', json: { event: { '@type': 'state', state: 'ended' } } });
  }

  /** Skills the chat can go to: `[{id, name, onlineAgents}]`. */
  async transferSkills(key) {
    const r = await this.call(`${this.chatUrl(key)}/transfer`);
    return asList(r.body?.transfer?.skill).map((s) => ({ id: String(s.id), name: s.name, onlineAgents: Number(s.onlineAgents) }));
  }

  /** Every enabled agent: `[{id, name, login, state, chats, maxChats, skills}]` (state: Online…). */
  async agents() {
    const r = await this.call(`${this.session}/availableAgents`);
    const states = { 1: 'Offline', 2: 'Online', 3: 'Occupied', 4: 'Away' };
    return asList(r.body?.availableAgents?.agents?.agent).map((a) => ({
      id: String(a['@id']),
      name: a.nickname ?? a.userName,
      login: a.userName,
      state: states[a['@chatState']] ?? 'Offline',
      chats: Number(a.chats ?? 0),
      maxChats: Number(a['@maxChats']),
      skills: asList(a.skillsInfo?.skillInfo).map((s) => s.name),
    }));
  }

  /**
   * Transfers to `{skill: id}` or `{agent: id}` with an optional note for the receiving agent.
   * A refused transfer (`{"transfer":{"errormsg"}}`, 400) throws with that message.
   */
  async transfer(key, { skill, agent, text = '' }) {
    const transfer = agent ? { agent: { id: Number(agent) } } : { skill: { id: Number(skill) } };
    if (text) transfer.text = text;
    try {
      await this.call(`${this.chatUrl(key)}/transfer`, { method: 'POST', json: { transfer } });
    } catch (e) {
      const msg = e.body?.transfer?.errormsg;
      if (msg) throw new HttpError(e.status, msg, e.body);
      throw e;
    }
  }

  /** The agent survey of a chat (`survey` object or null). */
  async survey(key) {
    const r = await this.call(`${this.chatUrl(key)}/survey`);
    return r.body?.survey ?? null;
  }

  /** Submits the agent survey: `answers` is `[{id, answer}]`. */
  async submitSurvey(key, surveyId, answers) {
    await this.call(`${this.chatUrl(key)}/survey`, { method: 'PUT', json: { survey: { id: surveyId, question: answers } } });
  }

  /** Visit details of a chat: `[{group, name, value}]` from the visit's info and custom variables. */
  async visit(key) {
    const url = `${this.session}/visits/visit/${encodeURIComponent(visitIdOf(key))}`;
    const info = (await this.call(`${url}/info`)).body?.visitInfo ?? {};
    const rows = [];
    for (const [group, label] of [['visitorInfo', 'Visitor'], ['sessionInfo', 'Session'], ['time', 'Time']]) {
      for (const i of asList(info[group]?.info)) rows.push({ group: label, name: i['@name'], value: i.$ ?? '' });
    }
    try {
      const vars = (await this.call(`${url}/customVariables`)).body?.customVariables ?? {};
      for (const v of asList(vars.customVariable)) rows.push({ group: 'Custom', name: v.displayName || v.name, value: v.value ?? '' });
    } catch (e) {
      // Optional extras: the visit info above is still worth showing, with the reason beside it.
      rows.push({ group: 'Custom', name: 'variables', value: `not available: ${e.message}` });
    }
    return rows;
  }
}
