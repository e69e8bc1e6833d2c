// The visitor widget in headless Chromium, on a shop page served from ANOTHER origin than
// chatwire (so CORS is exercised), against a real `chatwire serve --demo`. The agent's side is
// driven over HTTP from Node with the LivePerson agent API. Covers: the offline survey when
// nobody is available, a refused origin, a chat both ways with typing, a network cut and a
// reload without a lost or repeated line, the exit survey and the transcript by mail, the
// 360 px layout, and the same-origin demo page.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { appKeyFor, bearer, call, expect } from '../lib/api.mjs';
import { launch, screenshot, skipUnlessBrowser, watchErrors } from '../lib/browser.mjs';
import { startChatwire, startShop } from '../lib/server.mjs';

const ACCOUNT = '1000';
const opts = skipUnlessBrowser();
let server;
let browser;
const closers = [];

before(async () => {
  if (opts.skip) return;
  server = await startChatwire();
  browser = await launch();
});

after(async () => {
  for (const c of closers.reverse()) await c();
  await browser?.close();
  await server?.stop();
});

/** A shop on another origin whose app key allows it (or not, with `allowed: false`). */
async function shopWithKey({ allowed = true, skill } = {}) {
  const key = await appKeyFor(server.base, ['http://placeholder.invalid']);
  const attrs = { 'data-account': ACCOUNT, 'data-app-key': key };
  if (skill) attrs['data-skill'] = skill;
  const shop = await startShop(server.base, attrs);
  closers.push(shop.close);
  if (allowed) {
    const token = await bearer(server.base, 'agent1');
    await expect(200, server.base, 'PATCH', `/chatwire/v1/accounts/${ACCOUNT}/appKeys/${key}`, {
      headers: { Authorization: `Bearer ${token}` },
      body: { allowedOrigins: [shop.origin] },
    });
  }
  return { ...shop, key };
}

/** A demo agent logged in with an agent session, Online. */
async function onlineAgent(login) {
  const token = await bearer(server.base, login);
  const headers = { Authorization: `Bearer ${token}` };
  const s = await expect(201, server.base, 'POST', `/api/account/${ACCOUNT}/agentSession`, { headers, body: { loginData: '' } });
  const session = new URL(s.headers.get('location')).pathname;
  await expect(200, server.base, 'PUT', `${session}/availability`, { headers, body: { availability: { chat: 'Online' } } });
  return { token, headers, session };
}

/** The agent takes the chat ringing for them (waiting for it to ring); resolves its path. */
async function acceptChat(agent) {
  for (let i = 0; i < 20; i++) {
    const ring = await expect(200, server.base, 'GET', `${agent.session}/incomingRequests?wait=5`, { headers: agent.headers });
    if (Number(ring.json.incomingRequests.ringingCount) > 0) break;
  }
  const r = await expect(201, server.base, 'POST', `${agent.session}/incomingRequests`, { headers: agent.headers, body: {} });
  return new URL(r.headers.get('location')).pathname;
}

const agentLine = (agent, chat, text) =>
  expect(201, server.base, 'POST', `${chat}/events`, { headers: agent.headers, body: { event: { '@type': 'line', text } } });

/** Waits until `fn()` is truthy (polling), failing with `what` after `ms`. */
async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The texts of the chat lines (visitor and agent) as shown, in order. */
const lineTexts = (page) => page.getByRole('log', { name: 'Conversation' }).locator('.cw-line .cw-text').allTextContents();

/** Waits until the shown lines are exactly `want` and none is still "sending". */
async function expectLines(page, want) {
  await until(`lines ${JSON.stringify(want)}`, async () => {
    const got = await lineTexts(page);
    const pending = await page.locator('.cw-pending').count();
    return pending === 0 && JSON.stringify(got) === JSON.stringify(want);
  }).catch(async (e) => {
    throw new Error(`${e.message}; shown: ${JSON.stringify(await lineTexts(page))}`);
  });
}

test('with nobody available the visitor gets the offline survey and can send it', opts, async () => {
  const shop = await shopWithKey({ skill: 'Sales' });
  const page = await browser.newPage();
  const errors = watchErrors(page, 'shop');
  await page.goto(shop.url);
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await page.getByRole('heading', { name: 'Leave a message' }).waitFor();
  await screenshot(page, 'widget-offline-survey');

  // Nothing filled in: the widget says what is missing instead of sending.
  await page.getByRole('button', { name: 'Send message' }).click();
  assert.equal(await page.getByText('Please answer this question.').count(), 3);
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('E-mail').fill('not-an-address');
  await page.getByLabel('Message').fill('Do you ship to Norway?');
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.getByText('Enter an e-mail address like name@example.com.').waitFor();
  await page.getByLabel('E-mail').fill('grace@example.com');
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.getByText('Thank you: your message was sent.').waitFor();
  // The account's agents find the message, with what the visitor wrote.
  const token = await bearer(server.base, 'agent1');
  const r = await expect(200, server.base, 'GET', `/chatwire/v1/accounts/${ACCOUNT}/offline-messages`, { headers: { Authorization: `Bearer ${token}` } });
  const stored = r.json.items.find((m) => m.message.answers.some((a) => a.answers.includes('grace@example.com')));
  assert.ok(stored, `offline message stored: ${JSON.stringify(r.json)}`);
  assert.deepEqual(stored.message.answers.map((a) => a.answers[0]), ['Grace Hopper', 'grace@example.com', 'Do you ship to Norway?']);
  assert.equal(stored.message.context.skill, 'Sales');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a shop whose origin the app key does not allow gets an explanation, not a broken widget', opts, async () => {
  const shop = await shopWithKey({ allowed: false });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(shop.url);
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await page.getByRole('alert').filter({ hasText: 'does not accept requests from this site' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Try again' }).isVisible());
  // The browser logs the refused CORS calls itself; the widget threw nothing.
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('a visitor on another origin chats with an agent, survives a network cut and a reload, then ends with the exit survey and transcript', opts, async () => {
  const shop = await shopWithKey({ skill: 'Sales' });
  const agent = await onlineAgent('agent1');
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page, 'shop');
  await page.goto(shop.url);
  await page.getByRole('button', { name: 'Chat with us' }).waitFor();
  await screenshot(page, 'widget-closed');

  // Pre-chat survey: the name question of the survey names the visitor.
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await page.getByRole('button', { name: 'Start chat' }).waitFor();
  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('Topic').selectOption('sales');
  await screenshot(page, 'widget-prechat');
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.getByLabel('Message').waitFor();

  const chat = await acceptChat(agent);
  await page.getByText('Chatting with Agent 1', { exact: true }).waitFor();
  const info = await expect(200, server.base, 'GET', chat, { headers: agent.headers });
  assert.equal(info.json.chat.info.visitorName, 'Ada Lovelace');

  // Both ways, with typing shown on each side.
  await agentLine(agent, chat, 'Hello Ada, how can I help?');
  await expectLines(page, ['Hello Ada, how can I help?']);
  await page.getByLabel('Message').pressSequentially('Do you have');
  await until('the agent to see the visitor typing', async () => {
    const r = await expect(200, server.base, 'GET', `${chat}/info`, { headers: agent.headers });
    return r.json.info.visitorTyping === 'typing';
  });
  await page.getByLabel('Message').pressSequentially(' green tea?');
  await page.getByLabel('Message').press('Shift+Enter');
  await page.getByLabel('Message').pressSequentially('Loose leaf.');
  await page.getByLabel('Message').press('Enter');
  await expectLines(page, ['Hello Ada, how can I help?', 'Do you have green tea?\nLoose leaf.']);
  await expect(201, server.base, 'PUT', `${chat}/info/agentTyping`, { headers: agent.headers, body: { agentTyping: 'typing' } });
  await page.getByText('Agent 1 is typing…').waitFor();
  await screenshot(page, 'widget-chat');
  await expect(201, server.base, 'PUT', `${chat}/info/agentTyping`, { headers: agent.headers, body: { agentTyping: 'not-typing' } });
  // The hint goes with the agent's not-typing (a typing change ends the widget's long-poll).
  await page.getByText('Agent 1 is typing…').waitFor({ state: 'hidden' });
  await agentLine(agent, chat, 'Yes: Sencha and Gyokuro.');
  await expectLines(page, ['Hello Ada, how can I help?', 'Do you have green tea?\nLoose leaf.', 'Yes: Sencha and Gyokuro.']);
  assert.equal(await page.getByText('Agent 1 is typing…').isVisible(), false);

  // The network goes: the agent writes twice, the visitor once; then it comes back.
  await context.setOffline(true);
  await agentLine(agent, chat, 'Anything else?');
  await agentLine(agent, chat, 'We ship tomorrow.');
  await page.getByLabel('Message').fill('Great, I will order now.');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByText('Sending…').waitFor();
  await page.getByText('Connection lost').waitFor();
  await context.setOffline(false);
  const all = ['Hello Ada, how can I help?', 'Do you have green tea?\nLoose leaf.', 'Yes: Sencha and Gyokuro.', 'Anything else?', 'We ship tomorrow.', 'Great, I will order now.'];
  await expectLines(page, all);
  await until('the connection notice to go', async () => !(await page.getByText('Connection lost').isVisible()));

  // The server has each line once, too.
  const events = await expect(200, server.base, 'GET', `${chat}/events?from=0`, { headers: agent.headers });
  const visitorLines = [events.json.events.event].flat().filter((e) => e.source === 'visitor').map((e) => e.text);
  assert.deepEqual(visitorLines, ['Do you have green tea?\nLoose leaf.', 'Great, I will order now.']);

  // A reload continues the same chat, each line shown once.
  await page.reload();
  await page.getByLabel('Message').waitFor();
  await expectLines(page, all);
  await agentLine(agent, chat, 'Thanks for your order!');
  await expectLines(page, [...all, 'Thanks for your order!']);

  // A POST whose answer is lost: the server made the line, the browser never heard. The
  // widget's next read is held back until then (else it could see the line first and never
  // need to wonder); the widget must find the line in the stream instead of posting it again.
  const isRead = (u) => /\/chat\/[^/]+$/.test(u.pathname) && u.searchParams.has('from');
  const held = [];
  let holdReads = true;
  await page.route(isRead, (route) => (holdReads && route.request().method() === 'GET' ? held.push(route) : route.fallback()));
  await agentLine(agent, chat, 'Let me check.');
  await expectLines(page, [...all, 'Thanks for your order!', 'Let me check.']);
  await until('the next read to be held', () => held.length > 0);
  let lost = 0;
  await page.route('**/chat/*/events?*', async (route) => {
    if (route.request().method() !== 'POST' || lost++ > 0) return route.fallback();
    await route.fetch();
    await route.abort('failed');
    holdReads = false;
    for (const r of held) r.continue().catch(() => {}); // The widget may have given up on it.
  });
  await page.getByLabel('Message').fill('Is it organic?');
  await page.getByLabel('Message').press('Enter');
  await expectLines(page, [...all, 'Thanks for your order!', 'Let me check.', 'Is it organic?']);
  await page.unroute('**/chat/*/events?*');
  await page.unroute(isRead);
  assert.equal(lost, 1, 'the answer of exactly one POST was dropped');
  const again = await expect(200, server.base, 'GET', `${chat}/events?from=0`, { headers: agent.headers });
  assert.equal([again.json.events.event].flat().filter((e) => e.text === 'Is it organic?').length, 1);

  // The visitor ends the chat: exit survey, then the transcript by mail.
  // By keyboard: the focused button goes away with the chat; focus must stay in the panel
  // (on the end view's heading), so Escape still closes it.
  await page.getByRole('button', { name: 'End chat' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Send feedback' }).waitFor();
  const focusedText = () => page.evaluate(() => document.querySelector('[data-chatwire]').shadowRoot.activeElement?.textContent ?? null);
  assert.equal(await focusedText(), 'The chat has ended');
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('dialog').isVisible(), false, 'Escape closes the panel after the end');
  assert.equal(await focusedText(), 'Chat with us');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.getByLabel('Message', { exact: true }).isVisible(), false, 'no message box after the end');
  await page.getByRole('radio', { name: 'No' }).check();
  await page.getByLabel('What was missing?').fill('Nothing really');
  await page.getByRole('radio', { name: '5' }).check();
  await page.getByRole('heading', { name: 'Thank you' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'widget-exit-survey');
  await page.getByRole('button', { name: 'Send feedback' }).click();
  await page.getByText('Thank you for your feedback.').waitFor();
  await page.getByLabel('Your e-mail address').fill('ada@example.com');
  await page.getByRole('button', { name: 'Email transcript' }).click();
  await page.getByText('The transcript is on its way to ada@example.com.').waitFor();
  const mail = await until('the transcript in the demo mailbox', async () => {
    const r = await call(server.base, 'GET', `/chatwire/v1/accounts/${ACCOUNT}/mailbox`, { headers: agent.headers });
    return (r.json?.mail ?? []).find((m) => m.to === 'ada@example.com');
  });
  assert.match(mail.text, /Great, I will order now\./);

  // Escape closes the panel and gives focus back to the launcher.
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('dialog').isVisible(), false);
  assert.equal(await page.evaluate(() => document.querySelector('[data-chatwire]').shadowRoot.activeElement?.textContent), 'Chat with us');
  // Chromium itself logs each request that failed while offline, and the one whose answer the
  // test dropped (ERR_FAILED); nothing else may be logged.
  const unexpected = errors.filter((e) => !e.includes('net::ERR_INTERNET_DISCONNECTED'));
  const dropped = unexpected.findIndex((e) => e.includes('net::ERR_FAILED'));
  if (dropped >= 0) unexpected.splice(dropped, 1);
  assert.deepEqual(unexpected, []);
  await context.close();
});

test('at 360 px the open widget fills the screen and stays usable; the agent ends the chat', opts, async () => {
  const shop = await shopWithKey({ skill: 'Sales' });
  const agent = await onlineAgent('agent2');
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const errors = watchErrors(page, 'mobile');
  await page.goto(shop.url);
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await page.getByRole('button', { name: 'Start chat' }).waitFor();
  const box = await page.getByRole('dialog').boundingBox();
  assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 360, 740]);
  await page.getByLabel('Your name').fill('Mo');
  await page.getByLabel('Topic').selectOption('support');
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.getByLabel('Message').fill('Hi from my phone');
  await page.getByLabel('Message').press('Enter');
  await expectLines(page, ['Hi from my phone']);
  const send = await page.getByRole('button', { name: 'Send' }).boundingBox();
  assert.ok(send.x + send.width <= 360, 'the Send button is on screen');
  await screenshot(page, 'widget-mobile');

  // The agent takes the chat, answers and ends it: the visitor sees the end and the exit survey.
  const chat = await acceptChat(agent);
  await agentLine(agent, chat, 'Hello Mo, all sorted. Bye!');
  await expectLines(page, ['Hi from my phone', 'Hello Mo, all sorted. Bye!']);
  await expect(201, server.base, 'POST', `${chat}/events`, { headers: agent.headers, body: { event: { '@type': 'state', state: 'ended' } } });
  await page.getByText('The chat has ended.').waitFor();
  await page.getByRole('button', { name: 'Send feedback' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'End chat' }).isVisible(), false);
  await page.getByRole('heading', { name: 'Thank you' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'widget-mobile-ended');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the demo shop page embeds the widget from chatwire itself, unstyled by the shop, usable with the keyboard only', opts, async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page, 'demo');
  await page.goto(`${server.base}/demo/`);
  await page.getByRole('heading', { name: 'Loose-leaf tea, shipped fresh' }).waitFor();
  const launcher = page.getByRole('button', { name: 'Chat with us' });
  // The shop paints every button green; the widget's stays its own blue.
  assert.equal(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(29, 78, 216)');
  const focused = () => page.evaluate(() => {
    const el = document.querySelector('[data-chatwire]').shadowRoot.activeElement;
    return el ? el.id || el.textContent : null;
  });

  // Keyboard only: open, fill the pre-chat survey, start, send a line, close with Escape.
  await launcher.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Start chat' }).waitFor();
  assert.equal(await focused(), 'cw-pre-q1', 'focus moves to the first question');
  await page.keyboard.type('Keyboard User');
  await page.keyboard.press('Tab'); // E-mail
  await page.keyboard.press('Tab'); // Topic
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab'); // Start chat
  assert.equal(await focused(), 'Start chat');
  await page.keyboard.press('Enter');
  await page.getByLabel('Message', { exact: true }).waitFor();
  assert.equal(await focused(), 'cw-message', 'focus moves to the message box');
  await page.keyboard.type('Typed without a mouse');
  await page.keyboard.press('Enter');
  await expectLines(page, ['Typed without a mouse']);
  await screenshot(page, 'widget-demo');
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('dialog').isVisible(), false);
  assert.equal(await focused(), 'Chat with us', 'focus returns to the launcher');

  // With the panel closed, a new agent line shows on the launcher.
  const agent = await onlineAgent('agent2');
  const chat = await acceptChat(agent);
  await agentLine(agent, chat, 'Hello keyboard user');
  await page.getByRole('button', { name: 'Chat with us (new message)' }).waitFor();
  await page.keyboard.press('Enter');
  await expectLines(page, ['Typed without a mouse', 'Hello keyboard user']);
  assert.equal(await page.getByRole('button', { name: 'Chat with us (new message)' }).count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
