// The LivePerson Server Chat API (the visitor side) as the widget uses it: availability,
// surveys, the chat request, the long-poll read of a chat, lines, typing, name, end, exit
// survey and transcript. Only that API: the widget must work against any server speaking it.
// DOM-free (fetch is a parameter), so the unit tests drive it with a fake.
//
// Every request carries the app key twice: in `Authorization: LivePerson appKey=…` (the
// documented way) and as `appKey=` in the query string, because a CORS preflight carries no
// headers' values and chatwire decides the preflight by the key in the URL (docs/ui.md).

import { request } from './http.js';
import { asList, linkHref } from './lp-json.js';

/** How long the server may hold a read open (`wait=`), seconds; below its 60 s maximum. */
export const LONG_POLL_SECONDS = 25;

/** The `from` cursor in a `next` link (`…/events?from=7` → 7), or null. */
export function fromOfLink(href) {
  const m = /[?&]from=(\d+)/.exec(href || '');
  return m ? Number(m[1]) : null;
}

/** The visitor's client for one account on one chatwire server. */
export class VisitorApi {
  /**
   * @param {{base: string, account: string, appKey: string, fetch?: typeof fetch}} opts
   *   base: the server's root URL (no trailing slash).
   */
  constructor({ base, account, appKey, fetch }) {
    this.base = base;
    this.account = account;
    this.appKey = appKey;
    this.fetch = fetch;
  }

  /** `url` with `appKey` (and `params`) in its query string. */
  url(url, params = {}) {
    const u = new URL(url, this.base);
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
    }
    u.searchParams.set('appKey', this.appKey);
    return u.href;
  }

  /** The account's URL for `path` (e.g. `chat/availability`). */
  accountUrl(path, params) {
    return this.url(`${this.base}/api/account/${encodeURIComponent(this.account)}/${path}`, params);
  }

  call(url, opts = {}) {
    return request(url, {
      ...opts,
      headers: { Authorization: `LivePerson appKey=${this.appKey}`, ...(opts.headers || {}) },
      fetch: this.fetch,
    });
  }

  /** Whether someone can take a chat for `skill` now (false when nobody is, or out of hours). */
  async availability(skill) {
    const r = await this.call(this.accountUrl('chat/availability', { skill }));
    const a = r.body?.availability;
    // The multi-skill shape (lpTag) is not asked for: one skill, one boolean.
    return a === true || a === 'true';
  }

  /** The pre-chat survey for `skill`, or null when the account has none. */
  async preSurvey(skill) {
    return surveyOf(await this.optional(this.accountUrl('chat/preSurvey', { skill })));
  }

  /** The offline ("leave a message") survey for `skill`, or null. */
  async offlineSurvey(skill) {
    return surveyOf(await this.optional(this.accountUrl('chat/offlineSurvey', { skill })));
  }

  /** Submits offline survey answers (`{id, question:[{id, answer}]}`) with the context fields. */
  async submitOfflineSurvey(answers, skill) {
    const survey = { ...answers, skill, userAgent: globalThis.navigator?.userAgent };
    await this.call(this.accountUrl('chat/offlineSurvey'), { method: 'PUT', json: { survey } });
  }

  /**
   * Requests a chat; resolves the chat's URL (the `Location` of the 201). `request`: the
   * LivePerson request fields (skill, survey, interactionTimeout, chatReferrer…).
   */
  async requestChat(req) {
    const r = await this.call(this.accountUrl('chat/request'), { method: 'POST', json: { request: req } });
    const location = r.headers.get('Location');
    if (!location) throw new Error('the server started a chat but did not say where it is (no Location header)');
    return new URL(location, this.base).href;
  }

  /**
   * Reads the chat resource from event `from` on, waiting up to `wait` seconds for something
   * new. Resolves `{events, next, info}`: events as sent (an array), `next` the cursor for the
   * following read (from the `next` link: agent-only events the visitor never sees still move
   * it), `info` the chat's info (state, agentName, agentTyping…).
   */
  async readChat(chatUrl, from, { wait = 0, signal } = {}) {
    const r = await this.call(this.url(chatUrl, { from, wait: wait || undefined }), {
      signal,
      timeoutMs: (wait + 15) * 1000,
    });
    const chat = r.body?.chat ?? {};
    const events = asList(chat.events?.event);
    const next = fromOfLink(linkHref(chat.events?.link, 'next')) ?? fromOfLink(linkHref(chat.link, 'next'));
    return { events, next: next ?? from, info: chat.info ?? {} };
  }

  /** Posts a visitor line; resolves the new event's id (from `Location`), or null if unknown. */
  async postLine(chatUrl, text) {
    const r = await this.call(this.url(`${chatUrl}/events`), {
      method: 'POST',
      json: { event: { '@type': 'line', text, textType: 'plain' } },
    });
    const m = /\/events\/(\d+)/.exec(r.headers.get('Location') || linkHref(r.body?.chatEventLocation?.link, 'location') || '');
    return m ? Number(m[1]) : null;
  }

  /** Ends the chat (the visitor leaves). */
  async endChat(chatUrl) {
    await this.call(this.url(`${chatUrl}/events`), { method: 'POST', json: { event: { '@type': 'state', state: 'ended' } } });
  }

  /** Sets the name the agent sees. */
  async setVisitorName(chatUrl, visitorName) {
    await this.call(this.url(`${chatUrl}/info/visitorName`), { method: 'PUT', json: { visitorName } });
  }

  /** Tells the agent whether the visitor is typing. */
  async setVisitorTyping(chatUrl, typing) {
    await this.call(this.url(`${chatUrl}/info/visitorTyping`), {
      method: 'PUT',
      json: { visitorTyping: typing ? 'typing' : 'not-typing' },
    });
  }

  /** The chat's exit survey, or null when there is none. */
  async exitSurvey(chatUrl) {
    return surveyOf(await this.optional(this.url(`${chatUrl}/exitSurvey`)));
  }

  /** Submits exit survey answers (`{id, question:[{id, answer}]}`). */
  async submitExitSurvey(chatUrl, answers) {
    await this.call(this.url(`${chatUrl}/exitSurvey`), { method: 'PUT', json: { survey: answers } });
  }

  /** Asks the server to mail the transcript to `email`. */
  async requestTranscript(chatUrl, email) {
    await this.call(this.url(`${chatUrl}/transcriptRequest`), {
      method: 'PUT',
      json: { email, timezoneOffset: -new Date().getTimezoneOffset() * 60000 },
    });
  }

  /** A GET whose 404 means "none" (a survey the account does not have). */
  async optional(url) {
    try {
      return (await this.call(url)).body;
    } catch (e) {
      if (e.status === 404) return null;
      throw e;
    }
  }
}

/** The `survey` of a survey answer, or null when the body has none (lpTag: "no survey"). */
function surveyOf(body) {
  const s = body?.survey;
  return s && typeof s === 'object' && asList(s.questions?.question).length ? s : null;
}
