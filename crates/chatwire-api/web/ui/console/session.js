// The console's login: LivePerson's Login API (`POST /api/account/{a}/login`) gives a bearer
// that every other call of the console sends. Kept in sessionStorage, so a reload of the tab
// stays logged in and closing the tab logs out; never in localStorage or a cookie.

import { request } from '../lib/http.js';

const KEY = 'chatwire.console.login';

/**
 * A logged-in agent: `{account, login, bearer, csrf, isAdmin}` (`csrf`: the login's CSRF
 * token, which LivePerson's logout requires in its body).
 * @typedef {{account: string, login: string, bearer: string, csrf: string, isAdmin: boolean}} Login
 */

/** The stored login of this tab, or null. */
export function stored() {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return v && v.bearer && v.account ? v : null;
  } catch {
    return null;
  }
}

/** Logs in; throws `HttpError` (401 for a wrong password) on failure. */
export async function logIn(account, login, password) {
  const acc = encodeURIComponent(account);
  const r = await request(`/api/account/${acc}/login`, { method: 'POST', json: { username: login, password } });
  const bearer = r.body?.bearer;
  if (!bearer) throw new Error('the login answer has no bearer');
  // The login answer says whether the agent is an admin (`config.isAdmin`); this only picks
  // the pages, the server decides on every call anyway.
  const session = { account, login, bearer, csrf: r.body?.csrf ?? '', isAdmin: r.body?.config?.isAdmin === true };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

/**
 * Calls without cookies: LivePerson's `Session_id` cookie names the browser's latest login,
 * which is another tab's when the agent logged in twice, and the server then refuses this
 * tab's CSRF token (401). Without the cookie the CSRF token names this tab's login.
 */
const withoutCookies = (url, init) => fetch(url, { ...init, credentials: 'omit' });

/**
 * Extends the login (`POST /refresh` with the CSRF token; LivePerson's sample app does it every
 * 5 minutes, the login otherwise ends after its `sessionTTl`). Throws HttpError (401: gone).
 */
export async function refresh(session) {
  await request(`/api/account/${encodeURIComponent(session.account)}/refresh`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${session.bearer}` },
    json: { csrf: session.csrf ?? '' },
    fetch: withoutCookies,
  });
}

/** Forgets this tab's login without calling the server (it already ended). */
export function forget() {
  sessionStorage.removeItem(KEY);
}

/** Logs out at the server (best effort) and forgets the login. */
export async function logOut(session) {
  forget();
  try {
    await request(`/api/account/${encodeURIComponent(session.account)}/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.bearer}` },
      // Without the login's CSRF token LivePerson's logout is 401 and the bearer stays valid.
      json: { csrf: session.csrf ?? '' },
      fetch: withoutCookies,
    });
  } catch {
    /* the login is forgotten here either way */
  }
}
