// The agent console in headless Chromium against a real chatwire: agent1 logs in, goes Online,
// chats ring and are accepted, lines go both ways with typing shown, two chats side by side are
// kept current by the multi-chat retrieve alone, a chat is transferred to agent2 (in a second
// browser context) who accepts it, an offer is rejected back, and an ended chat gets its agent
// survey. The visitor side is driven over HTTP from Node (LivePerson Server Chat API).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { call, expect } from '../lib/api.mjs';
import { launch, screenshot, skipUnlessBrowser, watchErrors } from '../lib/browser.mjs';
import { startChatwire } from '../lib/server.mjs';

const VISITOR = { Authorization: 'LivePerson appKey=demo-app-key' };
const T = 15_000;
let server;
let browser;

before(async () => {
  server = await startChatwire();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A visitor chat over the Server Chat API; resolves helpers bound to its address. */
async function visitorChat(base, { skill = 'Sales', name } = {}) {
  const r = await expect(201, base, 'POST', '/api/account/1000/chat/request', { headers: VISITOR, body: { request: { skill } } });
  const url = r.headers.get('location');
  if (name) await expect(200, base, 'PUT', `${url}/info/visitorName`, { headers: VISITOR, body: { visitorName: name } });
  return {
    url,
    say: (text) => expect(201, base, 'POST', `${url}/events`, { headers: VISITOR, body: { event: { '@type': 'line', text } } }),
    typing: (on) => expect(200, base, 'PUT', `${url}/info/visitorTyping`, { headers: VISITOR, body: { visitorTyping: on ? 'typing' : 'not-typing' } }),
    /** The lines the visitor sees (texts), read once. */
    lines: async () => {
      const j = (await expect(200, base, 'GET', `${url}/events`, { headers: VISITOR })).json;
      return [].concat(j.events?.event ?? []).filter((e) => e['@type'] === 'line').map((e) => e.text);
    },
  };
}

/** Waits until the visitor sees a line with `text`. */
async function visitorSees(v, text) {
  const until = Date.now() + T;
  while (Date.now() < until) {
    if ((await v.lines()).includes(text)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`the visitor never saw “${text}”: ${JSON.stringify(await v.lines())}`);
}

/** Waits until the visitor's chat info satisfies `ok`. */
async function visitorInfo(v, ok, what) {
  const until = Date.now() + T;
  let info;
  while (Date.now() < until) {
    info = (await expect(200, server.base, 'GET', `${v.url}/info`, { headers: VISITOR })).json.info;
    if (ok(info)) return info;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`${what}: ${JSON.stringify(info)}`);
}

/** Logs `login` in at /console/ in a new context; resolves `{page, errors, context}`. */
async function logIn(base, login, viewport = { width: 1400, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = watchErrors(page, login);
  await page.goto(`${base}/console/`);
  await page.getByLabel('Account').fill('1000');
  await page.getByLabel('User name').fill(login);
  await page.getByLabel('Password').fill('demo-pass');
  if (login === 'agent1') await screenshot(page, 'console-login');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByLabel('Availability').waitFor();
  await page.getByRole('status').filter({ hasText: 'Signed in as' }).waitFor();
  return { page, errors, context };
}

/** The panel of the chat with visitor `name`. */
const panel = (page, name) => page.getByRole('article', { name });

test('an agent chats, handles two chats at once, transfers, rejects an offer and files the survey', skipUnlessBrowser(), async () => {
  browser = await launch();
  const { base } = server;

  // Arrange: agent1 logs in and goes Online.
  const a1 = await logIn(base, 'agent1');
  const multiPolls = [];
  const sessionsCreated = [];
  const otherChatReads = [];
  a1.page.on('request', (r) => {
    const u = r.url();
    if (r.method() === 'POST' && /\/agentSession$/.test(u)) sessionsCreated.push(u);
    if (/\/agentSession\/\d+\/chat\?chatSessionKeys=/.test(u)) multiPolls.push(u);
    else if (r.method() === 'GET' && /\/agentSession\/\d+\/chat\/[^/?]+(\/events|\/info)?(\?|$)/.test(u)) otherChatReads.push(u);
  });
  await a1.page.getByLabel('Availability').selectOption('Online');
  await expect(200, base, 'GET', '/api/account/1000/chat/availability?skill=Sales', { headers: VISITOR });

  // A chat rings: the ringing item and Accept.
  const natalie = await visitorChat(base, { name: 'Natalie' });
  await a1.page.getByRole('listitem').filter({ hasText: 'Chat request waiting' }).waitFor({ timeout: T });
  const accept = a1.page.getByRole('button', { name: 'Accept', exact: true });
  assert.equal(await accept.isEnabled(), true);
  await screenshot(a1.page, 'console-ringing');
  await accept.click();

  // Lines both ways, visitor typing shown.
  const n1 = panel(a1.page, 'Natalie');
  await n1.waitFor({ timeout: T });
  await natalie.say('Hello, is my order shipped?');
  await n1.getByText('Hello, is my order shipped?').waitFor({ timeout: T });
  // The agent's typing reaches the visitor while they write.
  await n1.getByLabel('Message').pressSequentially('Let me check');
  await visitorInfo(natalie, (i) => i.agentTyping === 'typing', 'the visitor sees the agent typing');
  await n1.getByLabel('Message').fill('Let me check that for you.');
  await n1.getByLabel('Message').press('Enter');
  await visitorSees(natalie, 'Let me check that for you.');
  await visitorInfo(natalie, (i) => i.agentTyping === 'not-typing', 'sending clears the agent typing');
  await natalie.typing(true);
  await n1.getByText('Natalie is typing…').waitFor({ timeout: T });
  await natalie.typing(false);
  // The hint goes with the visitor's not-typing (a typing change ends the console's long-poll).
  await n1.getByText('Natalie is typing…').waitFor({ state: 'hidden', timeout: T });

  // A reload reuses the agent session and shows the open chat again, each line once.
  await a1.page.reload();
  await n1.getByText('Let me check that for you.').waitFor({ timeout: T });
  assert.equal(await n1.getByText('Hello, is my order shipped?').count(), 1);
  assert.deepEqual(sessionsCreated, [], 'the reload reused the agent session (no new one)');

  // A new tab of the same agent (no stored state) finds the chat still handled (chatSessions).
  const tab = await a1.context.newPage();
  const tabErrors = watchErrors(tab, 'agent1 second tab');
  await tab.goto(`${base}/console/`);
  await tab.getByRole('button', { name: 'Log in' }).waitFor();
  await tab.getByLabel('User name').fill('agent1');
  await tab.getByLabel('Password').fill('demo-pass');
  await tab.getByRole('button', { name: 'Log in' }).click();
  await panel(tab, 'Natalie').getByText('Let me check that for you.').waitFor({ timeout: T });
  await tab.close();
  assert.deepEqual(tabErrors, []);

  // The network drops and comes back: the line sent meanwhile shows once.
  await a1.context.setOffline(true);
  await a1.page.getByRole('status').filter({ hasText: 'Trying again' }).waitFor({ timeout: T });
  await natalie.say('Sent while the agent was offline.');
  await a1.context.setOffline(false);
  await n1.getByText('Sent while the agent was offline.').waitFor({ timeout: 30_000 });
  await a1.page.getByRole('status').filter({ hasText: 'Connected again.' }).waitFor({ timeout: T });
  assert.equal(await n1.getByText('Sent while the agent was offline.').count(), 1);

  // Visitor details: the chat's and the visit's.
  await n1.getByText('Visitor details').click();
  await n1.getByText('Visitor: name').waitFor({ timeout: T });
  await n1.getByText('Session: ip').waitFor();

  // A second chat, accepted; both side by side and both updated.
  const omar = await visitorChat(base, { name: 'Omar' });
  await accept.waitFor({ state: 'visible' });
  await a1.page.waitForFunction(() => !document.querySelector('button.accept').disabled, null, { timeout: T });
  await accept.click();
  const o1 = panel(a1.page, 'Omar');
  await o1.waitFor({ timeout: T });
  await natalie.say('Order 1234.');
  await omar.say('Do you ship to Norway?');
  await n1.getByText('Order 1234.').waitFor({ timeout: T });
  await o1.getByText('Do you ship to Norway?').waitFor({ timeout: T });
  await o1.getByRole('button', { name: 'Send' }).waitFor();
  await o1.getByLabel('Message').fill('Yes, we do.');
  await o1.getByRole('button', { name: 'Send' }).click();
  await visitorSees(omar, 'Yes, we do.');
  await a1.page.getByText('Nothing is ringing.').waitFor({ timeout: T });
  const [b1, b2] = [await n1.boundingBox(), await o1.boundingBox()];
  assert.ok(Math.abs(b1.y - b2.y) < 5 && b2.x > b1.x + b1.width - 5, `side by side: ${JSON.stringify([b1, b2])}`);
  assert.ok(multiPolls.some((u) => /chatSessionKeys=[^&]+%2C|chatSessionKeys=[^&]+,/.test(u)), 'one multi-chat request names both chats');
  assert.deepEqual(otherChatReads, [], 'no per-chat polling next to the multi-chat retrieve');
  await screenshot(a1.page, 'console-two-chats');

  // Transfer Omar's chat to agent2, who logs in in another context and accepts the offer.
  const a2 = await logIn(base, 'agent2');
  await a2.page.getByLabel('Availability').selectOption('Online');
  await o1.getByRole('button', { name: 'Transfer' }).click();
  const target = o1.getByLabel('Transfer to');
  await target.locator('option', { hasText: 'Agent 2' }).waitFor({ state: 'attached', timeout: T });
  await target.selectOption({ label: (await target.locator('option', { hasText: 'Agent 2' }).textContent()).trim() });
  await o1.getByLabel('Note for the next agent (optional)').fill('Asks about shipping to Norway');
  await o1.getByRole('button', { name: 'Transfer chat' }).click();
  await o1.getByText('Transferred to Agent 2.', { exact: true }).waitFor({ timeout: T });
  await a2.page.getByRole('listitem').filter({ hasText: 'Chat request waiting' }).waitFor({ timeout: T });
  await a2.page.getByRole('button', { name: 'Accept', exact: true }).click();
  const o2 = panel(a2.page, 'Omar');
  await o2.getByText('Transferred to you by Agent 1: “Asks about shipping to Norway”').waitFor({ timeout: T });
  await a2.page.getByText('Nothing is ringing.').waitFor({ timeout: T });
  await screenshot(a2.page, 'console-transfer-offer');
  await o2.getByText('Do you ship to Norway?').waitFor();
  await omar.say('Great, what does it cost?');
  await o2.getByText('Great, what does it cost?').waitFor({ timeout: T });
  await o2.getByRole('button', { name: 'Keep chat' }).click();
  await o1.getByRole('button', { name: 'Close chat' }).click();

  // An offer rejected: agent1 offers Natalie to agent2, who sends it back; agent1 takes it again.
  await n1.getByRole('button', { name: 'Transfer' }).click();
  const t2 = n1.getByLabel('Transfer to');
  await t2.locator('option', { hasText: 'Agent 2' }).waitFor({ state: 'attached', timeout: T });
  await t2.selectOption({ label: (await t2.locator('option', { hasText: 'Agent 2' }).textContent()).trim() });
  await n1.getByRole('button', { name: 'Transfer chat' }).click();
  await n1.getByRole('button', { name: 'Close chat' }).click();
  await a2.page.waitForFunction(() => !document.querySelector('button.accept').disabled, null, { timeout: T });
  await a2.page.getByRole('button', { name: 'Accept', exact: true }).click();
  const n2 = panel(a2.page, 'Natalie');
  await n2.getByRole('button', { name: 'Reject transfer' }).click();
  await n2.getByText('Transfer declined: sent back to Agent 1.').waitFor({ timeout: T });
  await a1.page.waitForFunction(() => !document.querySelector('button.accept').disabled, null, { timeout: T });
  await a1.page.getByRole('button', { name: 'Accept', exact: true }).click();
  await n1.getByText('Transferred to you by Agent 2').waitFor({ timeout: T });
  await natalie.say('Still there?');
  await n1.getByText('Still there?').waitFor({ timeout: T });

  // A transfer to a skill: agent2 sends Omar's chat to Sales, where agent1 is Online.
  await o2.getByRole('button', { name: 'Transfer' }).click();
  const t3 = o2.getByLabel('Transfer to');
  const sales = t3.locator('option', { hasText: /^Sales/ });
  await sales.waitFor({ state: 'attached', timeout: T });
  await t3.selectOption({ label: (await sales.textContent()).trim() });
  await o2.getByRole('button', { name: 'Transfer chat' }).click();
  await o2.getByRole('paragraph').filter({ hasText: /^Transferred to Sales\.$/ }).waitFor({ timeout: T });
  await a1.page.waitForFunction(() => !document.querySelector('button.accept').disabled, null, { timeout: T });
  await a1.page.getByRole('button', { name: 'Accept', exact: true }).click();
  await panel(a1.page, 'Omar').getByText('Transferred to you by Agent 2.').waitFor({ timeout: T });
  await omar.say('Back with Agent 1?');
  await panel(a1.page, 'Omar').getByText('Back with Agent 1?').waitFor({ timeout: T });

  // End the chat and submit the agent survey.
  // By keyboard: the End chat button goes away; focus stays in the chat (its heading).
  await n1.getByRole('button', { name: 'End chat' }).focus();
  await a1.page.keyboard.press('Enter');
  await n1.getByRole('button', { name: 'Submit survey' }).waitFor({ timeout: T });
  assert.equal(await n1.evaluate((el) => el.contains(document.activeElement)), true, 'focus stays in the ended chat');
  const survey = n1.getByRole('region', { name: /survey|Wrap-up/i });
  await survey.getByRole('radio', { name: 'No' }).check();
  await survey.getByLabel('Why not? (required)').fill('Waiting for the warehouse.');
  await survey.getByRole('checkbox', { name: 'Billing' }).check();
  await screenshot(a1.page, 'console-agent-survey');
  await survey.getByRole('button', { name: 'Submit survey' }).click();
  await n1.getByText('Survey submitted. Thank you.').waitFor({ timeout: T });
  assert.equal(await n1.getByLabel('Message').isVisible(), false, 'no message box after the end');

  // Every line the visitor saw once, in order.
  const seen = await natalie.lines();
  assert.equal(seen.filter((t) => t === 'Let me check that for you.').length, 1);

  // Logging out stops the workspace's polls (a poll with the revoked bearer would log errors).
  const oldBearer = await a1.page.evaluate(() => JSON.parse(sessionStorage.getItem('chatwire.console.login')).bearer);
  await a1.page.getByRole('button', { name: 'Log out' }).click();
  await a1.page.getByText('You are logged out.').waitFor({ timeout: T });
  const afterLogout = multiPolls.length;
  const revoked = await call(base, 'POST', '/api/account/1000/agentSession', { headers: { Authorization: `Bearer ${oldBearer}` }, body: { loginData: '' } });
  assert.equal(revoked.status, 401, 'logging out revoked the bearer');

  // The page at 360 px: chats stacked.
  const mobile = await logIn(base, 'agent3', { width: 360, height: 740 });
  await mobile.page.getByLabel('Availability').selectOption('Online');
  const mia = await visitorChat(base, { skill: 'Support', name: 'Mia' });
  await mobile.page.waitForFunction(() => !document.querySelector('button.accept').disabled, null, { timeout: T });
  // Keyboard only: Alt+A accepts, the message box has the focus, Enter sends.
  await mobile.page.keyboard.press('Alt+A');
  await panel(mobile.page, 'Mia').waitFor({ timeout: T });
  await panel(mobile.page, 'Mia').getByLabel('Message').waitFor();
  await mobile.page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA', null, { timeout: T });
  await mobile.page.keyboard.type('Hi Mia, typed with the keyboard only.');
  await mobile.page.keyboard.press('Enter');
  await visitorSees(mia, 'Hi Mia, typed with the keyboard only.');
  // A server error in words: accepting when nothing rings (409).
  await mobile.page.getByText('Nothing is ringing.').waitFor({ timeout: T });
  await mobile.page.keyboard.press('Alt+A');
  const refusal = mobile.page.getByRole('alert').filter({ hasText: 'Not accepted:' });
  await refusal.waitFor({ timeout: T });
  assert.match(await refusal.textContent(), /^Not accepted: \S/, 'the server’s reason follows');
  await screenshot(mobile.page, 'console-mobile');
  const overflow = await mobile.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow})`);

  assert.equal(multiPolls.length, afterLogout, 'no chat poll after logout');
  // The failed loads while this test had cut the network are expected; nothing else is.
  const offline = /ERR_INTERNET_DISCONNECTED/;
  const refused = /status of 409/; // the accept with nothing ringing, on purpose
  assert.deepEqual([...a1.errors.filter((e) => !offline.test(e)), ...a2.errors, ...mobile.errors.filter((e) => !refused.test(e))], []);
});
