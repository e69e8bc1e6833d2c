// The visitor widget on a customer's page: a launcher button and a chat panel inside a Shadow
// DOM root (the page's CSS does not reach in; widget.css is linked from chatwire), and the
// flow between the panel's screens: availability → pre-chat survey (or the offline survey when
// nobody can take a chat) → the chat → exit survey and transcript. The chat survives a reload:
// its address, cursor, transcript and unsent lines are in sessionStorage (store.js).
// Keyboard: the launcher opens the panel and focus moves into it; Escape closes it and focus
// returns to the launcher.

import { h, replace } from '../lib/dom.js';
import { VisitorApi } from '../lib/lp-visitor.js';
import { ChatController } from './chat-controller.js';
import { ChatLog } from './chat-log.js';
import { createChatView } from './chat-view.js';
import { createEndView } from './end-view.js';
import { statusText } from './events.js';
import { SessionStore, storeKey } from './store.js';
import { nameQuestion, readSurvey } from '../lib/survey.js';
import { surveyForm } from './survey-view.js';
import { explainStartError } from './start-error.js';

/**
 * Puts the widget on the page. `cfg`: base (chatwire's root URL), account, appKey, skill
 * (optional). Returns a handle `{open(), close()}`.
 * @param {{base: string, account: string, appKey: string, skill?: string}} cfg
 */
export function mount(cfg) {
  const api = new VisitorApi(cfg);
  const store = new SessionStore(globalThis.sessionStorage, storeKey(cfg.base, cfg.account));
  const host = h('div', { 'data-chatwire': 'widget' });
  // The page's rules for `div` reach the host element itself (it is in the page): reset it.
  host.style.setProperty('all', 'initial', 'important');
  const showHost = (display) => host.style.setProperty('display', display, 'important');
  showHost('none'); // Until widget.css is in: no unstyled flash.
  const root = host.attachShadow({ mode: 'open' });
  const css = h('link', { rel: 'stylesheet', href: `${cfg.base}/ui/widget/widget.css` });
  css.addEventListener('load', () => showHost('block'));
  css.addEventListener('error', () => showHost('block'));

  const launcher = h('button', { type: 'button', class: 'cw-launcher', 'aria-expanded': 'false', 'aria-controls': 'cw-panel' }, 'Chat with us');
  const subtitle = h('p', { class: 'cw-subtitle' });
  const body = h('div', { class: 'cw-body' });
  const closeButton = h('button', { type: 'button', class: 'cw-close', 'aria-label': 'Close the chat window' }, '×');
  const panel = h(
    'section',
    { id: 'cw-panel', class: 'cw-panel', role: 'dialog', 'aria-labelledby': 'cw-title', hidden: true },
    h('header', { class: 'cw-head' }, h('div', {}, h('h2', { id: 'cw-title' }, 'Chat with us'), subtitle), closeButton),
    body,
  );
  const container = h('div', { class: 'cw-root' }, panel, launcher);
  root.append(css, container);
  document.body.append(host);

  let saved = store.load();
  let screen = null; // what the body shows: {name, focus()}
  let controller = null;

  const persist = (patch) => {
    saved = { ...(saved || {}), ...patch };
    store.save(saved);
  };

  function open() {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    launcher.textContent = 'Chat with us';
    persist({ open: true });
    if (!screen) start();
    screen?.focus?.();
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    persist({ open: false });
    launcher.focus();
  }
  launcher.addEventListener('click', () => (panel.hidden ? open() : close()));
  closeButton.addEventListener('click', close);
  // Escape anywhere in the widget (the panel or the launcher) closes an open panel.
  container.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !panel.hidden) {
      ev.stopPropagation();
      close();
    }
  });

  function show(name, el, focus) {
    replace(body, el);
    screen = { name, focus };
    if (!panel.hidden) focus?.();
  }

  function showMessage(text, retry) {
    show(
      'message',
      h('div', { class: 'cw-message' }, h('p', { role: 'alert' }, text), retry ? h('button', { type: 'button', class: 'cw-primary', onclick: retry }, 'Try again') : null),
      () => body.querySelector('button')?.focus(),
    );
  }

  /** First screen: a stored chat continues, else availability decides chat or offline survey. */
  async function start() {
    if (saved?.log?.chatUrl) return resume(new ChatLog(saved.log));
    subtitle.textContent = '';
    show('loading', h('p', { class: 'cw-message', role: 'status' }, 'Checking who is available…'));
    try {
      if (await api.availability(cfg.skill)) await showPreChat(readOptional(await api.preSurvey(cfg.skill)));
      else await showOffline(readOptional(await api.offlineSurvey(cfg.skill)));
    } catch (e) {
      showMessage(await explainStartError(e, cfg.base), start);
    }
  }

  function showPreChat(survey) {
    subtitle.textContent = 'We usually answer within minutes.';
    const askedName = nameQuestion(survey);
    const nameInput = h('input', { id: 'cw-name', type: 'text', autocomplete: 'name' });
    const before = askedName ? [] : [h('div', { class: 'cw-field' }, h('label', { for: 'cw-name' }, 'Your name', h('span', { class: 'cw-opt' }, ' (optional)')), nameInput)];
    const empty = { id: null, questions: [], header: '' };
    const { el } = surveyForm({
      survey: survey ?? empty,
      prefix: 'cw-pre',
      submitLabel: 'Start chat',
      before,
      onSubmit: async (submission, answers) => {
        const name = String((askedName ? answers[askedName.id] : nameInput.value) ?? '').trim();
        const request = { interactionTimeout: 120, chatReferrer: location.href, userAgent: navigator.userAgent };
        if (cfg.skill) request.skill = cfg.skill;
        if (survey) request.survey = submission;
        const chatUrl = await api.requestChat(request);
        const log = new ChatLog({ chatUrl, info: { state: 'waiting' } });
        persist({ log: log.toJSON(), done: {} });
        const ctl = resume(log);
        if (name) {
          // The name is a courtesy to the agent: a failure is said, the chat goes on.
          api.setVisitorName(chatUrl, name).catch((e) => {
            log.items.push({ key: 'name-error', kind: 'notice', text: `Your name could not be given to the agent: ${e.message}` });
            ctl.onChange();
          });
        }
      },
    });
    show('prechat', el, () => el.querySelector('input, select, textarea')?.focus());
  }

  function showOffline(survey) {
    subtitle.textContent = 'Nobody is available right now.';
    if (!survey) return showMessage('Nobody is available to chat right now. Please try again later.', start);
    const { el } = surveyForm({
      survey,
      prefix: 'cw-off',
      submitLabel: 'Send message',
      onSubmit: async (submission) => {
        await api.submitOfflineSurvey(submission, cfg.skill);
        show('offline-sent', h('p', { class: 'cw-message cw-ok', role: 'status' }, 'Thank you: your message was sent. We will get back to you.'), null);
      },
    });
    show('offline', h('div', {}, h('h3', {}, survey.title || 'Leave a message'), el), () => el.querySelector('input, select, textarea')?.focus());
  }

  /** Shows and keeps current the chat in `log`, until it ends; then the end screen. */
  function resume(log) {
    controller?.stop();
    const ctl = new ChatController({ api, log, onChange: () => draw() });
    controller = ctl;
    const view = createChatView({
      actions: {
        send: (text) => ctl.send(text),
        typing: () => ctl.visitorTyping(),
        end: () => ctl.end(),
        dismiss: (id) => {
          log.dismiss(id);
          draw();
        },
      },
    });
    let endView = null;
    const draw = () => {
      if (controller !== ctl) return;
      persist({ log: log.toJSON() });
      subtitle.textContent = statusText(log.info);
      // Ending hides the End chat button and the message box; focus on them would fall to the
      // page (and Escape would no longer close the panel), so it moves to the end view.
      const hadFocus = view.el.contains(root.activeElement);
      view.update({ items: log.visibleItems(), info: log.info, connection: ctl.connection, sendRetry: ctl.sendRetry });
      if (ctl.connection.state === 'error' && !endView) {
        const again = h('button', { type: 'button', class: 'cw-primary', onclick: restart }, 'Start a new chat');
        endView = { el: h('div', { class: 'cw-actions' }, again), focus: () => again.focus() };
        view.footer.after(endView.el);
        if (hadFocus) endView.focus();
      }
      if (log.ended && !endView) {
        endView = createEndView({ api, chatUrl: log.chatUrl, done: saved.done || {}, remember: (done) => persist({ done }), restart });
        view.footer.after(endView.el);
        if (hadFocus) endView.focus();
      }
      // A closed panel says on its launcher that something new came (the newest item's key
      // differs from the one last shown: counts would stall once old items fall off).
      const newest = log.items.at(-1)?.key;
      if (!panel.hidden) seenKey = newest;
      else if (newest !== seenKey) launcher.textContent = 'Chat with us (new message)';
    };
    let seenKey = log.items.at(-1)?.key;
    show('chat', view.el, () => view.focus());
    draw();
    ctl.start();
    return ctl;
  }

  function restart() {
    controller?.stop();
    controller = null;
    saved = { open: true };
    store.save(saved);
    start();
  }

  // The browser says the network is back: read now rather than at the end of a backoff pause.
  addEventListener('online', () => controller?.kick());

  if (saved?.log?.chatUrl) {
    start();
    if (saved.open) open();
  }
  return { open, close };
}

function readOptional(raw) {
  return raw ? readSurvey(raw) : null;
}
