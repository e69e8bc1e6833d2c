// The README's "In the browser" steps, done as a first-time user would, in two tabs of one
// browser: the console at the address `serve --demo` prints (account filled in), agent1 goes
// Online; the demo shop page, "Chat with us", a name and a topic, "Start chat"; the console rings, Accept,
// one line each way. The steps must take well under a minute (the README promises one).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch, screenshot, skipUnlessBrowser, watchErrors } from '../lib/browser.mjs';
import { startChatwire } from '../lib/server.mjs';

const T = 20_000;
let server;
let browser;

before(async () => {
  server = await startChatwire();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the README's two-tab chat works with the demo's printed addresses and logins", skipUnlessBrowser(), async () => {
  browser = await launch();
  // The banner names both pages and the logins (what the README tells the user to open).
  const banner = server.log.join('\n');
  const consoleUrl = /agent console:\s+(\S+)/.exec(banner)?.[1];
  const demoUrl = /demo shop page:\s+(\S+)/.exec(banner)?.[1];
  assert.ok(consoleUrl?.endsWith('/console/?account=1000'), banner);
  assert.ok(demoUrl?.endsWith('/demo/'), banner);
  assert.match(banner, /agent1/);
  assert.match(banner, /demo-pass/);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const started = Date.now();

  // Tab 1: the console. Only the user name and the password need typing.
  const agent = await context.newPage();
  const aErrors = watchErrors(agent, 'console');
  await agent.goto(consoleUrl);
  assert.equal(await agent.getByLabel('Account').inputValue(), '1000');
  await agent.getByLabel('User name').fill('agent1');
  await agent.getByLabel('Password').fill('demo-pass');
  await agent.getByRole('button', { name: 'Log in' }).click();
  await agent.getByLabel('Availability').selectOption('Online');
  // The change is a request: the visitor's availability check must come after it landed.
  await agent.getByRole('status').filter({ hasText: 'Availability: Online' }).waitFor({ timeout: T });

  // Tab 2: the demo shop page with the widget (same server, the demo's key).
  const shop = await context.newPage();
  const sErrors = watchErrors(shop, 'demo page');
  await shop.goto(demoUrl);
  await shop.getByRole('button', { name: 'Chat with us' }).click();
  await shop.getByLabel('Your name').fill('First Visitor');
  await shop.getByLabel('Topic').selectOption('sales');
  await shop.getByRole('button', { name: 'Start chat' }).click();
  await shop.getByLabel('Message').waitFor();

  // Back in the console: it rings; Accept; a line each way.
  await agent.bringToFront();
  await agent.getByRole('button', { name: 'Accept', exact: true }).click({ timeout: T });
  const panel = agent.getByRole('article', { name: 'First Visitor' });
  await panel.getByLabel('Message').fill('Hello! How can I help?');
  await panel.getByRole('button', { name: 'Send' }).click();
  await shop.bringToFront();
  await shop.getByText('Hello! How can I help?', { exact: true }).waitFor({ timeout: T });
  await shop.getByLabel('Message').fill('Just looking, thanks.');
  await shop.getByRole('button', { name: 'Send' }).click();
  await panel.getByText('Just looking, thanks.', { exact: true }).waitFor({ timeout: T });
  const seconds = (Date.now() - started) / 1000;
  await screenshot(shop, 'readme-demo-page');
  await screenshot(agent, 'readme-console');

  // A person is slower than a script; the steps themselves must leave them plenty of time.
  assert.ok(seconds < 20, `the steps took ${seconds} s`);
  assert.deepEqual([...aErrors, ...sErrors], []);
});
