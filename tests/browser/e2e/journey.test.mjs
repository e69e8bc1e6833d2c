// The whole product in one story, every side in the browser: a visitor on a shop page served
// from ANOTHER origin chats through the widget with agent1 in the console, with typing shown
// both ways; agent1 transfers the chat to agent2, who accepts it; the visitor's network is cut
// and restored mid-chat and no line is lost or shown twice on either side; the visitor ends
// the chat, answers the exit survey and gets the transcript by mail; meanwhile a supervisor
// (agent1 in another window) watches the Sales queue change live and afterwards finds the chat
// in history and the transcript mail in the mailbox. Nothing is driven over HTTP from the test.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { appKeyFor } from '../lib/api.mjs';
import { launch, screenshot, skipUnlessBrowser, watchErrors } from '../lib/browser.mjs';
import { startChatwire, startShop } from '../lib/server.mjs';

const T = 20_000;
let server;
let shop;
let browser;

before(async () => {
  server = await startChatwire();
});
after(async () => {
  await browser?.close();
  await shop?.close();
  await server?.stop();
});

/** Polls `check` until it is truthy, else fails naming `what`. */
async function until(what, check, timeout = T) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** `login` in the console, in a window of its own; resolves `{page, errors}`. */
async function consoleWindow(login) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors = watchErrors(page, `console ${login}`);
  await page.goto(`${server.base}/console/?account=1000`);
  await page.getByLabel('User name').fill(login);
  await page.getByLabel('Password').fill('demo-pass');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return { page, errors };
}

/** The lines the widget shows, in order. */
const widgetLines = (page) => page.getByRole('log', { name: 'Conversation' }).locator('.cw-line .cw-text').allTextContents();

/** How many times the console panel `panel` shows a line reading exactly `text`. */
const shownTimes = (panel, text) => panel.getByText(text, { exact: true }).count();

test('a visitor on another site, two agents and a supervisor: one chat from request to history', skipUnlessBrowser(), async () => {
  browser = await launch();
  // The shop is another origin; its app key allows exactly that origin (admin API).
  const attrs = { 'data-account': '1000', 'data-skill': 'Sales' };
  shop = await startShop(server.base, attrs);
  attrs['data-app-key'] = await appKeyFor(server.base, [shop.origin]);

  // The supervisor watches the Sales queue.
  const sup = await consoleWindow('agent1');
  const nav = sup.page.getByRole('navigation', { name: 'Console' });
  await nav.getByRole('link', { name: 'Queue' }).click();
  await sup.page.getByText('Live: following the account feed.').waitFor();
  const waiting = sup.page.getByRole('region', { name: 'Sales', exact: true }).locator('[data-figure="waiting"]');
  assert.equal(await waiting.textContent(), '0');

  // agent1 goes Online in the console.
  const a1 = await consoleWindow('agent1');
  await a1.page.getByLabel('Availability').selectOption('Online');
  // The change is a request: the visitor's availability check must come after it landed.
  await a1.page.getByRole('status').filter({ hasText: 'Availability: Online' }).waitFor({ timeout: T });

  // The visitor opens the widget on the shop page and starts a chat.
  const vContext = await browser.newContext({ viewport: { width: 1100, height: 820 } });
  const visitor = await vContext.newPage();
  const vErrors = watchErrors(visitor, 'visitor');
  await visitor.goto(shop.url);
  await visitor.getByRole('button', { name: 'Chat with us' }).click();
  await visitor.getByRole('button', { name: 'Start chat' }).waitFor();
  await visitor.getByLabel('Your name').fill('Ada Lovelace');
  const topic = visitor.getByLabel('Topic');
  if (await topic.count()) await topic.selectOption('sales');
  await visitor.getByRole('button', { name: 'Start chat' }).click();
  await visitor.getByLabel('Message').waitFor();

  // The queue shows it waiting, live.
  await until('Sales waiting 1 on the queue page', async () => (await waiting.textContent()) === '1');
  await screenshot(sup.page, 'journey-queue-waiting');

  // It rings for agent1, who accepts it; the queue empties.
  const accept = a1.page.getByRole('button', { name: 'Accept', exact: true });
  await a1.page.getByRole('listitem').filter({ hasText: 'Chat request waiting' }).waitFor({ timeout: T });
  await screenshot(a1.page, 'journey-ringing');
  await accept.click();
  const p1 = a1.page.getByRole('article', { name: 'Ada Lovelace' });
  await p1.getByLabel('Message').waitFor({ timeout: T });
  await until('Sales waiting 0 on the queue page', async () => (await waiting.textContent()) === '0');
  await visitor.getByText('Chatting with Agent 1', { exact: true }).waitFor({ timeout: T });

  // Lines both ways, typing shown on each side.
  await visitor.getByLabel('Message').pressSequentially('Hello, do you');
  await p1.getByText('Ada Lovelace is typing…').waitFor({ timeout: T });
  await visitor.getByLabel('Message').pressSequentially(' sell green tea?');
  await visitor.getByRole('button', { name: 'Send' }).click();
  await p1.getByText('Hello, do you sell green tea?', { exact: true }).waitFor({ timeout: T });
  await p1.getByLabel('Message').pressSequentially('We do');
  await visitor.getByText('Agent 1 is typing…').waitFor({ timeout: T });
  await p1.getByLabel('Message').pressSequentially(', loose leaf and bags.');
  await p1.getByLabel('Message').press('Enter');
  await until('the agent line in the widget', async () => (await widgetLines(visitor)).includes('We do, loose leaf and bags.'));
  await screenshot(visitor, 'journey-widget-chat');
  await screenshot(a1.page, 'journey-console-chat');

  // agent1 transfers the chat to agent2, who accepts it.
  const a2 = await consoleWindow('agent2');
  await a2.page.getByLabel('Availability').selectOption('Online');
  await p1.getByRole('button', { name: 'Transfer' }).click();
  const target = p1.getByLabel('Transfer to');
  const agent2 = target.locator('option', { hasText: 'Agent 2' });
  await agent2.waitFor({ state: 'attached', timeout: T });
  await target.selectOption({ label: (await agent2.textContent()).trim() });
  await p1.getByRole('button', { name: 'Transfer chat' }).click();
  // The transfer's notice and its event line both say so: either will do.
  await p1.getByText('Transferred to Agent 2.').first().waitFor({ timeout: T });
  await a2.page.getByRole('listitem').filter({ hasText: 'Chat request waiting' }).waitFor({ timeout: T });
  await a2.page.getByRole('button', { name: 'Accept', exact: true }).click();
  const p2 = a2.page.getByRole('article', { name: 'Ada Lovelace' });
  await p2.getByText('Hello, do you sell green tea?', { exact: true }).waitFor({ timeout: T });
  await screenshot(a2.page, 'journey-transfer-accepted');
  await visitor.getByLabel('Message').fill('Which one is organic?');
  await visitor.getByLabel('Message').press('Enter');
  await p2.getByText('Which one is organic?', { exact: true }).waitFor({ timeout: T });

  // The visitor's network drops: agent2 writes twice and the visitor once meanwhile.
  await vContext.setOffline(true);
  await p2.getByLabel('Message').fill('The sencha is organic.');
  await p2.getByLabel('Message').press('Enter');
  await p2.getByLabel('Message').fill('So is the matcha.');
  await p2.getByLabel('Message').press('Enter');
  await visitor.getByLabel('Message').fill('Typed while offline');
  await visitor.getByLabel('Message').press('Enter');
  await visitor.getByText('Connection lost').waitFor({ timeout: T });
  await screenshot(visitor, 'journey-widget-offline');
  await new Promise((r) => setTimeout(r, 1500));
  await vContext.setOffline(false);

  const want = [
    'Hello, do you sell green tea?',
    'We do, loose leaf and bags.',
    'Which one is organic?',
    'The sencha is organic.',
    'So is the matcha.',
    'Typed while offline',
  ];
  // Each line exactly once and in order (the offline line after the two that arrived while it
  // waited to be sent), nothing left "sending".
  // What the widget showed last is kept for the failure message (a failure once in CI left
  // nothing to read but `false`).
  let shown;
  await until('every line once, in order, in the widget', async () => {
    const got = await widgetLines(visitor);
    const pending = await visitor.locator('.cw-pending').count();
    shown = { got, pending };
    return pending === 0 && JSON.stringify(got) === JSON.stringify(want);
  }).catch((e) => {
    e.message += `; the widget showed ${JSON.stringify(shown)}`;
    throw e;
  });
  await p2.getByText('Typed while offline', { exact: true }).waitFor({ timeout: T });
  assert.equal(await shownTimes(p2, 'Typed while offline'), 1, 'agent2 sees the offline line once');
  for (const t of ['The sencha is organic.', 'So is the matcha.']) assert.equal(await shownTimes(p2, t), 1, `agent2 shows “${t}” once`);

  // The page is reloaded: the chat continues with the same lines, once each.
  await visitor.reload();
  await until('the same lines, once each and in order, after a reload', async () => JSON.stringify(await widgetLines(visitor)) === JSON.stringify(want));

  // The visitor ends the chat: exit survey, then the transcript by mail.
  await visitor.getByRole('button', { name: 'End chat' }).click();
  await visitor.getByRole('button', { name: 'Send feedback' }).waitFor({ timeout: T });
  await visitor.getByRole('radio', { name: 'Yes' }).check();
  await visitor.getByRole('radio', { name: '5' }).check();
  await screenshot(visitor, 'journey-exit-survey');
  await visitor.getByRole('button', { name: 'Send feedback' }).click();
  await visitor.getByText('Thank you for your feedback.').waitFor({ timeout: T });
  await visitor.getByLabel('Your e-mail address').fill('ada@example.com');
  await visitor.getByRole('button', { name: 'Email transcript' }).click();
  await visitor.getByText('The transcript is on its way to ada@example.com.').waitFor({ timeout: T });
  await p2.getByText(/ended/i).first().waitFor({ timeout: T });

  // The supervisor finds the chat in history by a word of a line, and its transcript mail.
  await nav.getByRole('link', { name: 'History' }).click();
  const search = sup.page.getByRole('search', { name: 'Search chats' });
  await search.getByLabel('Words').fill('matcha');
  await search.getByRole('button', { name: 'Search' }).click();
  const open = sup.page.getByRole('button', { name: /Open transcript of chat \d+ \(Ada Lovelace\)/ });
  await open.waitFor({ timeout: T });
  await open.click();
  const events = sup.page.getByRole('list', { name: 'Events' });
  for (const t of want) await events.getByText(t, { exact: true }).first().waitFor({ timeout: T });
  await screenshot(sup.page, 'journey-history-transcript');
  await nav.getByRole('link', { name: 'Mailbox' }).click();
  await sup.page.getByRole('button', { name: /To ada@example\.com/ }).first().waitFor({ timeout: T });

  const errors = [...sup.errors, ...a1.errors, ...a2.errors, ...vErrors].filter(
    // The cut network makes Chromium log the failed polls; those are the point of the test.
    (e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource: net::/.test(e),
  );
  assert.deepEqual(errors, []);
});
