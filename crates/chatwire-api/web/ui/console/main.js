// The console shell: the login form, the navigation between pages and the page registry.
// Every agent gets the chat workspace (`agent/`); admin agents also get the supervisor pages
// (`supervisor/`). A page is `{id, title, mount(container, ctx)}` where `mount` returns a
// function that unmounts it (stops its polls). `ctx`: `{account, login, bearer, isAdmin,
// status(text), logOut()}`. Pages are chosen by the URL's hash (`#/chats`, `#/queue`, …).
// A page may also have `dispose()`, called at logout: the agent workspace keeps its polls
// while another page is shown (the agent stays reachable) and stops them only then.

import { h, replace } from '../lib/dom.js';
import { forget, logIn, logOut, refresh, stored } from './session.js';
import * as agent from './agent/index.js';
import * as supervisor from './supervisor/index.js';

const app = document.getElementById('app');
/** How often the login is extended while the console is open. */
const REFRESH_MS = 5 * 60 * 1000;
let unmount = null;
let refresher = null;

/** The pages this login may open, in navigation order. */
function pagesFor(session) {
  return session.isAdmin ? [...agent.pages, ...supervisor.pages] : agent.pages;
}

function showLogin(message) {
  unmount?.();
  unmount = null;
  clearInterval(refresher);
  const params = new URLSearchParams(location.search);
  const account = h('input', { id: 'login-account', name: 'account', autocomplete: 'organization', required: true, value: params.get('account') || localStorage.getItem('chatwire.console.account') || '' });
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' }, message || '');
  const button = h('button', { type: 'submit' }, 'Log in');
  const form = h(
    'form',
    {
      class: 'login card',
      'aria-labelledby': 'login-title',
      onsubmit: async (ev) => {
        ev.preventDefault();
        button.disabled = true;
        error.textContent = '';
        try {
          localStorage.setItem('chatwire.console.account', account.value.trim());
          const session = await logIn(account.value.trim(), user.value.trim(), password.value);
          start(session);
        } catch (e) {
          error.textContent = e.status === 401 ? 'Wrong user name or password.' : `Cannot log in: ${e.message}`;
          button.disabled = false;
        }
      },
    },
    h('h1', { id: 'login-title' }, 'chatwire console'),
    h('label', { for: 'login-account' }, 'Account'),
    account,
    h('label', { for: 'login-user' }, 'User name'),
    user,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    button,
    error,
  );
  replace(app, h('main', { class: 'login-page' }, form));
  (account.value ? user : account).focus();
}

function start(session) {
  const pages = pagesFor(session);
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const content = h('main', { id: 'page', tabindex: '-1' });
  const nav = h(
    'nav',
    { 'aria-label': 'Console' },
    h('ul', {}, pages.map((p) => h('li', {}, h('a', { href: `#/${p.id}`, 'data-page': p.id }, p.title)))),
  );
  const ctx = {
    ...session,
    status: (text) => {
      status.textContent = text;
    },
    logOut: async () => {
      unmount?.();
      unmount = null;
      for (const p of pages) p.dispose?.();
      await logOut(session);
      showLogin('You are logged out.');
    },
  };
  const header = h(
    'header',
    { class: 'topbar' },
    h('span', { class: 'brand' }, 'chatwire'),
    nav,
    h('span', { class: 'who' }, `${session.login} · account ${session.account}`),
    h('button', { type: 'button', class: 'secondary', onclick: () => ctx.logOut() }, 'Log out'),
  );
  replace(app, header, status, content);
  const route = () => {
    const id = location.hash.replace(/^#\/?/, '') || pages[0].id;
    const page = pages.find((p) => p.id === id) || pages[0];
    for (const a of nav.querySelectorAll('a')) {
      if (a.dataset.page === page.id) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    unmount?.();
    replace(content);
    document.title = `${page.title} · chatwire console`;
    unmount = page.mount(content, ctx) || null;
  };
  window.onhashchange = route;
  route();
  clearInterval(refresher);
  refresher = setInterval(() => {
    refresh(session).catch((e) => {
      if (e.status !== 401) return ctx.status(`The login was not extended: ${e.message}`);
      for (const p of pages) p.dispose?.();
      forget();
      showLogin('Your login has expired. Please log in again.');
    });
  }, REFRESH_MS);
}

const session = stored();
if (session) start(session);
else showLogin();
