// The supervisor pages in headless Chromium against a real server: agent1 (admin) watches the
// live queue while a visitor and agent2 are driven over HTTP from here; then history search
// and the transcript, the statistics chart, an app key and a skill made in the pages, the
// mailbox with a transcript mail; agent2 (no admin right) does not get these pages.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { call, expect as expectStatus, bearer } from '../lib/api.mjs';
import { launch, screenshot, skipUnlessBrowser, watchErrors } from '../lib/browser.mjs';
import { startChatwire } from '../lib/server.mjs';

const ACCOUNT = '1000';
const VISITOR = { Authorization: 'LivePerson appKey=demo-app-key' };
const WORD = 'zebra42';

/** Polls `check` (async → truthy) until it holds or `ms` pass; fails naming `what`. */
async function eventually(what, check, ms = 15_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** agent2's LivePerson side: login, agent session, Online. */
async function agentOnline(base, login) {
  const token = await bearer(base, login);
  const auth = { Authorization: `Bearer ${token}` };
  const s = await expectStatus(201, base, 'POST', `/api/account/${ACCOUNT}/agentSession?v=1&NC=true`, { headers: auth, body: { loginData: {} } });
  const session = s.headers.get('location');
  await expectStatus(200, base, 'PUT', `${session}/availability`, { headers: auth, body: { availability: { chat: 'Online' } } });
  return { token, auth, session };
}

let server;
let browser;

before(async () => {
  if (skipUnlessBrowser().skip) return;
  // The harness finds the address in the INFO line "chatwire listening on …", which its
  // default log filter (warn) hides from the current binary.
  server = await startChatwire({ env: { CHATWIRE__LOG__FILTER: 'info' } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function logIn(page, login) {
  // The console has no icon; Chromium's automatic /favicon.ico 404 is not the page's error.
  await page.route('**/favicon.ico', (route) => route.fulfill({ status: 204, body: '' }));
  await page.goto(`${server.base}/console/?account=${ACCOUNT}`);
  await page.getByLabel('User name').fill(login);
  await page.getByLabel('Password').fill('demo-pass');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

test('a supervisor sees the queue change live, finds the chat in history and manages the account', skipUnlessBrowser(), async () => {
  const { base } = server;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page, 'supervisor');
  await logIn(page, 'agent1');
  const nav = page.getByRole('navigation', { name: 'Console' });

  // Queue: live, Sales empty.
  await nav.getByRole('link', { name: 'Queue' }).click();
  await page.getByText('Live: following the account feed.').waitFor();
  const sales = page.getByRole('region', { name: 'Sales', exact: true });
  const waiting = sales.locator('[data-figure="waiting"]');
  assert.equal(await waiting.textContent(), '0');

  // A visitor asks for Sales: the page shows it waiting without a reload.
  const req = await expectStatus(201, base, 'POST', `/api/account/${ACCOUNT}/chat/request?v=1&NC=true`, {
    headers: VISITOR,
    body: { request: { skill: 'Sales', interactionTimeout: 3600 } },
  });
  const visitorChat = req.headers.get('location');
  await expectStatus(200, base, 'PUT', `${visitorChat}/info/visitorName?v=1&NC=true`, { headers: VISITOR, body: { visitorName: 'Ada Visitor' } });
  const chatId = visitorChat.split('/').pop();
  await eventually('Sales waiting 1', async () => (await waiting.textContent()) === '1');
  await sales.getByRole('table', { name: 'Waiting in Sales' }).waitFor();
  assert.notEqual(await sales.locator('[data-figure="longest"]').textContent(), '–');
  await screenshot(page, 'supervisor-queue-waiting');
  // The wait keeps counting while the chat waits.
  const firstWait = await sales.locator('[data-wait]').textContent();
  await eventually('the wait to grow', async () => (await sales.locator('[data-wait]').textContent()) !== firstWait, 5000);

  // agent2 goes Online and takes it: waiting 0, agent2's load 1 of 2.
  const a2 = await agentOnline(base, 'agent2');
  const taken = await expectStatus(201, base, 'POST', `${a2.session}/incomingRequests?v=1&NC=true`, { headers: a2.auth, body: {} });
  const agentChat = taken.headers.get('location');
  await eventually('Sales waiting 0', async () => (await waiting.textContent()) === '0');
  const agent2Row = sales.getByRole('row', { name: /Demo Agent 2/ });
  await eventually('agent2 load 1 / 2', async () => (await agent2Row.locator('[data-figure="load"]').textContent()) === '1 / 2');
  assert.equal(await sales.locator('[data-figure="chatting"]').textContent(), '1');
  await screenshot(page, 'supervisor-queue');

  // Lines both ways, a transcript by mail, the agent ends the chat.
  await expectStatus(201, base, 'POST', `${visitorChat}/events?v=1&NC=true`, { headers: VISITOR, body: { event: { '@type': 'line', text: `My parcel code is ${WORD}`, textType: 'plain' } } });
  await expectStatus(201, base, 'POST', `${agentChat}/events?v=1&NC=true`, { headers: a2.auth, body: { event: { '@type': 'line', text: 'It ships tomorrow.', textType: 'plain' } } });
  await expectStatus(200, base, 'PUT', `/api/account/${ACCOUNT}/chat/${chatId}/transcriptRequest?v=1&NC=true`, { headers: VISITOR, body: { email: 'ada@example.com' } });
  await expectStatus(201, base, 'POST', `${agentChat}/events?v=1&NC=true`, { headers: a2.auth, body: { event: { '@type': 'state', state: 'ended' } } });
  await eventually('Sales chatting 0', async () => (await sales.locator('[data-figure="chatting"]').textContent()) === '0');
  await eventually('agent2 load 0 / 2', async () => (await agent2Row.locator('[data-figure="load"]').textContent()) === '0 / 2');

  // The network drops: the page says so, retries, and resumes from its cursor, so a chat
  // requested meanwhile shows up once it is back.
  const support = page.getByRole('region', { name: 'Support', exact: true });
  await context.setOffline(true);
  await page.getByText(/Connection lost .*reconnecting/).waitFor({ timeout: 40_000 });
  await expectStatus(201, base, 'POST', `/api/account/${ACCOUNT}/chat/request?v=1&NC=true`, { headers: VISITOR, body: { request: { skill: 'Support', interactionTimeout: 3600 } } });
  assert.equal(await support.locator('[data-figure="waiting"]').textContent(), '0');
  await context.setOffline(false);
  await eventually('Support waiting 1 after the network is back', async () => (await support.locator('[data-figure="waiting"]').textContent()) === '1', 30_000);
  await page.getByText('Live: following the account feed.').waitFor();
  // Chromium logs the failed calls while offline; they were wanted.
  const offline = errors.splice(0).filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e));
  errors.push(...offline);

  // History: find the chat by a word of a line, open its transcript.
  await nav.getByRole('link', { name: 'History' }).click();
  const search = page.getByRole('search', { name: 'Search chats' });
  await search.getByLabel('Words').fill(WORD);
  await search.getByRole('button', { name: 'Search' }).click();
  const open = page.getByRole('button', { name: /Open transcript of chat \d+ \(Ada Visitor\)/ });
  // The page first lists the newest chats (both); the search leaves only Ada's.
  await eventually('one chat found', async () => (await page.getByRole('button', { name: /Open transcript/ }).count()) === 1);
  await open.waitFor();
  await screenshot(page, 'supervisor-history');
  await open.click();
  const events = page.getByRole('list', { name: 'Events' });
  await events.getByText(`My parcel code is ${WORD}`).waitFor();
  await events.getByText('It ships tomorrow.').waitFor();
  await page.getByRole('heading', { name: /Transcript of chat \d+/ }).waitFor();
  await screenshot(page, 'supervisor-transcript');
  // Keyboard: Back to results with Enter returns the focus to the chat's Open button.
  await page.getByRole('button', { name: 'Back to results' }).focus();
  await page.keyboard.press('Enter');
  await open.waitFor();
  assert.equal(await open.evaluate((b) => b === document.activeElement), true);

  // Statistics: an SVG bar chart with a non-empty bar for the chat requested.
  await nav.getByRole('link', { name: 'Statistics' }).click();
  const perHour = page.getByRole('img', { name: /Chats per hour: 2 requested, 0 missed/ });
  await perHour.waitFor();
  // Two chats: one bar of 2, or two of 1 if the test crossed the hour.
  const bars = await perHour.locator('.s-requested rect').evaluateAll((rs) => rs.map((r) => [Number(r.getAttribute('data-value')), Number(r.getAttribute('height'))]));
  assert.equal(bars.reduce((n, [v]) => n + v, 0), 2, JSON.stringify(bars));
  assert.ok(bars.every(([, height]) => height > 10), JSON.stringify(bars));
  const waits = page.getByRole('img', { name: /Wait to the first accept: median/ });
  await waits.waitFor();
  assert.equal(await waits.locator('.s-p50 circle').count(), bars.length, 'a p50 point per hour with accepted chats');
  await screenshot(page, 'supervisor-stats');
  await waits.scrollIntoViewIfNeeded();
  await screenshot(page, 'supervisor-stats-wait');

  // App keys: a key for a shop origin, made in the page, exists in the API with that origin.
  await nav.getByRole('link', { name: 'App keys' }).click();
  await page.getByLabel('Key name').fill('Shop of Ada');
  await page.getByLabel('Allowed origins').fill('https://Shop.Example.com:443\n');
  await page.getByRole('button', { name: 'Create app key' }).click();
  await page.getByText('Created app key Shop of Ada.').waitFor();
  const shownKey = await page.locator('.once code.secret').textContent();
  const token = await bearer(base, 'agent1');
  const keys = (await expectStatus(200, base, 'GET', `/chatwire/v1/accounts/${ACCOUNT}/appKeys`, { headers: { Authorization: `Bearer ${token}` } })).json.items;
  const made = keys.find((k) => k.name === 'Shop of Ada');
  assert.ok(made, JSON.stringify(keys));
  assert.equal(made.key, shownKey);
  assert.deepEqual(made.allowedOrigins, ['https://shop.example.com']);
  // A bad origin: the server's refusal is shown beside the form, naming the field.
  await page.getByLabel('Key name').fill('Broken');
  await page.getByLabel('Allowed origins').fill('https://shop.example.com/path');
  const before400 = errors.length;
  await page.getByRole('button', { name: 'Create app key' }).click();
  await page.getByRole('alert').filter({ hasText: 'allowedOrigins' }).waitFor();
  // That refusal was wanted: Chromium logs the 400 as a failed resource.
  if (/status of 400/.test(errors[before400] || '')) errors.splice(before400, 1);
  assert.equal(await page.getByLabel('Allowed origins').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'supervisor-keys');

  // Skills: create one.
  await nav.getByRole('link', { name: 'Skills' }).click();
  await page.getByLabel('Skill name').fill('Billing');
  await page.getByLabel('Description').fill('Invoices and refunds');
  await page.getByRole('button', { name: 'Create skill' }).click();
  await page.getByRole('rowheader', { name: 'Billing' }).waitFor();
  const skills = (await expectStatus(200, base, 'GET', `/chatwire/v1/accounts/${ACCOUNT}/skills`, { headers: { Authorization: `Bearer ${token}` } })).json.items;
  assert.ok(skills.some((s) => s.name === 'Billing' && s.description === 'Invoices and refunds'), JSON.stringify(skills));

  // Agents: a new agent with the new skill; a too short password is refused naming the field.
  await nav.getByRole('link', { name: 'Agents' }).click();
  const newAgent = page.getByRole('region', { name: 'New agent' });
  await newAgent.getByRole('group', { name: 'Skills' }).getByLabel('Billing').check();
  await newAgent.getByLabel('Login name').fill('agent4');
  await newAgent.getByLabel('Password').fill('short');
  await newAgent.getByLabel('Max chats').fill('3');
  const beforeBad = errors.length;
  await newAgent.getByRole('button', { name: 'Create agent' }).click();
  await newAgent.getByRole('alert').filter({ hasText: '(field: password)' }).waitFor();
  assert.equal(await newAgent.getByLabel('Password').getAttribute('aria-invalid'), 'true');
  if (/status of 400/.test(errors[beforeBad] || '')) errors.splice(beforeBad, 1);
  await newAgent.getByLabel('Password').fill('long-enough-pass');
  await newAgent.getByRole('button', { name: 'Create agent' }).click();
  await page.getByRole('rowheader', { name: 'agent4' }).waitFor();
  const agents = (await expectStatus(200, base, 'GET', `/chatwire/v1/accounts/${ACCOUNT}/agents`, { headers: { Authorization: `Bearer ${token}` } })).json.items;
  const billing = skills.find((k) => k.name === 'Billing');
  const a4 = agents.find((a) => a.loginName === 'agent4');
  assert.deepEqual([a4.maxChats, a4.skills, a4.enabled], [3, [billing.id], true]);
  // Edit: agent4 gets Sales too; disable and enable.
  await page.getByRole('button', { name: 'Edit agent4' }).click();
  const edit = page.getByRole('region', { name: 'Edit agent agent4' });
  await edit.getByRole('group', { name: 'Skills' }).getByLabel('Sales').check();
  await edit.getByRole('button', { name: 'Save agent' }).click();
  await page.getByText('Saved agent agent4.').waitFor();
  await page.getByRole('button', { name: 'Disable agent4' }).click();
  await page.getByText('Disabled agent4: their sessions ended.').waitFor();
  await page.getByRole('button', { name: 'Enable agent4' }).waitFor();
  const a4now = (await expectStatus(200, base, 'GET', `/chatwire/v1/accounts/${ACCOUNT}/agents/${a4.id}`, { headers: { Authorization: `Bearer ${token}` } })).json;
  assert.deepEqual([a4now.skills.sort(), a4now.enabled], [[1, billing.id].sort(), false]);
  await page.getByRole('rowheader', { name: 'agent2' }).waitFor();
  await screenshot(page, 'supervisor-agents');

  // Surveys: a broken definition is refused naming the field; a good one is created, then
  // activated (the demo's exit survey is active for the account, so a second is refused: 409).
  await nav.getByRole('link', { name: 'Surveys' }).click();
  const definition = page.getByLabel('Survey definition (JSON)');
  const survey = { kind: 'exit', name: 'Rating', title: 'Rate us', active: false, questions: [{ id: 1, type: 'radio', label: 'Stars', entries: [{ value: '1' }, { value: '1' }] }] };
  await definition.fill(JSON.stringify(survey));
  const before400s = errors.length;
  await page.getByRole('button', { name: 'Create survey' }).click();
  await page.getByRole('alert').filter({ hasText: '(field: questions' }).waitFor();
  assert.equal(await definition.getAttribute('aria-invalid'), 'true');
  survey.questions[0].entries[1].value = '2';
  await definition.fill(JSON.stringify(survey));
  await page.getByRole('button', { name: 'Create survey' }).click();
  await page.getByText(/Created survey Rating \(id \d+\)\./).waitFor();
  await page.getByRole('button', { name: 'Activate Rating' }).click();
  await page.getByRole('alert').filter({ hasText: 'Activate Rating:' }).waitFor();
  await page.getByRole('button', { name: 'Retire Exit' }).click();
  await page.getByText('Retired survey Exit.').waitFor();
  await page.getByRole('button', { name: 'Activate Rating' }).click();
  await page.getByText('Activated survey Rating.').waitFor();
  await page.getByRole('button', { name: 'Retire Rating' }).waitFor();
  // The 400 and the 409 above were wanted; Chromium logs them as failed resources.
  const wanted = errors.splice(before400s).filter((e) => !/status of (400|409)/.test(e));
  errors.push(...wanted);
  await screenshot(page, 'supervisor-surveys');

  // Mailbox: the transcript mail, opened.
  await eventually('the transcript in the mailbox', async () => {
    const r = await call(base, 'GET', `/chatwire/v1/accounts/${ACCOUNT}/mailbox`, { headers: { Authorization: `Bearer ${token}` } });
    return r.json?.mail?.length > 0;
  });
  await nav.getByRole('link', { name: 'Mailbox' }).click();
  const mail = page.getByRole('button', { name: /To ada@example\.com/ });
  await mail.first().waitFor();
  await mail.first().click();
  await page.locator('.mail-reader pre').filter({ hasText: WORD }).waitFor();
  await screenshot(page, 'supervisor-mailbox');

  // 360 px wide: the pages reflow instead of scrolling sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  for (const [link, shot, ready] of [
    ['Queue', 'supervisor-queue-360', page.getByText('Live: following the account feed.')],
    ['History', 'supervisor-history-360', page.getByRole('heading', { name: 'Results, page 1' })],
  ]) {
    await nav.getByRole('link', { name: link }).click();
    await ready.waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), `${link} fits 360 px`);
    await screenshot(page, shot);
  }

  assert.deepEqual(errors, []);
  await context.close();
});

test('an agent without the admin right gets no supervisor pages', skipUnlessBrowser(), async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const errors = watchErrors(page, 'agent2');
  await logIn(page, 'agent2');
  const nav = page.getByRole('navigation', { name: 'Console' });
  await nav.getByRole('link', { name: 'Chats' }).waitFor();
  for (const title of ['Queue', 'Agents', 'App keys', 'History', 'Statistics', 'Mailbox']) {
    assert.equal(await nav.getByRole('link', { name: title, exact: true }).count(), 0, title);
  }
  // Asking for a supervisor page by its address shows the agent's page instead.
  await page.goto(`${server.base}/console/#/queue`);
  await nav.getByRole('link', { name: 'Chats' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Queue' }).count(), 0);
  // The shell learns that agent2 is no admin from a 403 of the admin API, which Chromium
  // logs as a failed resource; anything else is an error.
  assert.deepEqual(errors.filter((e) => !/Failed to load resource: .*403/.test(e)), []);
  await context.close();
});

test('history pages through many chats with the server cursor, forward and back', skipUnlessBrowser(), async () => {
  const { base } = server;
  // Arrange: 27 chats waiting in Support (visitors named so each page can be told apart).
  for (let i = 0; i < 27; i++) {
    const r = await expectStatus(201, base, 'POST', `/api/account/${ACCOUNT}/chat/request?v=1&NC=true`, { headers: VISITOR, body: { request: { skill: 'Support', interactionTimeout: 3600 } } });
    await expectStatus(200, base, 'PUT', `${r.headers.get('location')}/info/visitorName?v=1&NC=true`, { headers: VISITOR, body: { visitorName: `Pager ${String(i).padStart(2, '0')}` } });
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page, 'pager');
  await logIn(page, 'agent1');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'History' }).click();
  const search = page.getByRole('search', { name: 'Search chats' });
  await search.getByLabel('Skill').selectOption({ label: 'Support' });
  await search.getByLabel('State').selectOption({ label: 'Waiting' });
  await search.getByRole('button', { name: 'Search' }).click();
  const rows = page.getByRole('button', { name: /Open transcript of chat \d+ \(Pager \d+\)/ });
  const names = async () => (await rows.evaluateAll((bs) => bs.map((b) => /Pager \d+/.exec(b.getAttribute('aria-label'))[0])));

  // Page 1: the 25 newest, newest first; no previous page.
  await eventually('page 1 of Pager chats', async () => (await rows.count()) === 25);
  const first = await names();
  assert.equal(first[0], 'Pager 26');
  assert.equal(first[24], 'Pager 02');
  assert.equal(await page.getByRole('button', { name: 'Previous page' }).isDisabled(), true);

  // Page 2: the rest, no next page; focus on the new page's heading.
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByRole('heading', { name: 'Results, page 2' }).waitFor();
  assert.deepEqual(await names(), ['Pager 01', 'Pager 00']);
  assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
  assert.equal(await page.getByRole('heading', { name: 'Results, page 2' }).evaluate((h) => h === document.activeElement), true);

  // Back: page 1 again, the same chats.
  await page.getByRole('button', { name: 'Previous page' }).click();
  await page.getByRole('heading', { name: 'Results, page 1' }).waitFor();
  assert.deepEqual(await names(), first);
  assert.deepEqual(errors, []);
  await context.close();
});
