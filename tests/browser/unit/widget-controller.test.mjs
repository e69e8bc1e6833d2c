// The chat controller against a fake Server Chat API: long-poll reads from the cursor, the
// backoff on a dropped network and the catch-up read after it, lines queued while offline sent
// once, a POST whose answer was lost never sent twice, a fatal error stops the loop, typing
// both ways. Fake sleeps make it fast; the backoff is a spy.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { HttpError } from '../../../crates/chatwire-api/web/ui/lib/http.js';
import { ChatController } from '../../../crates/chatwire-api/web/ui/widget/chat-controller.js';
import { ChatLog } from '../../../crates/chatwire-api/web/ui/widget/chat-log.js';

const CHAT = 'http://chat.example/api/account/1000/chat/H1K2';

/** A chat server in memory: events, an `online` switch, typing, a way to lose POST answers. */
function fakeServer() {
  const s = {
    events: [],
    online: true,
    loseNextAnswer: false,
    fatal: null,
    agentTyping: 'not-typing',
    reads: [],
    posts: [],
    visitorTyping: [],
    waiters: new Set(),
    add(e) {
      s.events.push({ ...e, '@id': String(s.events.length) });
      for (const w of s.waiters) w();
    },
    /** The agent's typing changes: like chatwire, it ends a parked read (no new event). */
    setAgentTyping(t) {
      s.agentTyping = t;
      for (const w of s.waiters) w();
    },
  };
  const offline = () => new HttpError(0, 'network: Failed to fetch');
  s.api = {
    async readChat(url, from, { wait = 0, signal } = {}) {
      s.reads.push({ from, wait });
      if (s.fatal) throw s.fatal;
      if (!s.online) throw offline();
      if (s.events.length <= from && wait > 0) {
        await new Promise((resolve, reject) => {
          const w = () => {
            s.waiters.delete(w);
            resolve();
          };
          s.waiters.add(w);
          signal?.addEventListener('abort', () => {
            s.waiters.delete(w);
            reject(signal.reason ?? new Error('aborted'));
          });
        });
        if (!s.online) throw offline();
      }
      const events = s.events.slice(from);
      const state = [...s.events].reverse().find((e) => e['@type'] === 'state')?.state ?? 'waiting';
      return { events, next: s.events.length, info: { state, agentName: 'Agent 1', agentTyping: s.agentTyping } };
    },
    async postLine(url, text) {
      s.posts.push(text);
      if (!s.online) throw offline();
      s.add({ '@type': 'line', source: 'visitor', by: 'Ann', text });
      if (s.loseNextAnswer) {
        s.loseNextAnswer = false;
        throw offline();
      }
      return s.events.length - 1;
    },
    async setVisitorTyping(url, typing) {
      s.visitorTyping.push(typing);
    },
    async endChat() {
      s.add({ '@type': 'state', state: 'ended' });
    },
  };
  return s;
}

function setUp(server, logOpts = {}) {
  const attempts = [];
  const log = new ChatLog({ chatUrl: CHAT, ...logOpts });
  const ctl = new ChatController({
    api: server.api,
    log,
    backoff: (a) => {
      attempts.push(a);
      return 1;
    },
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const onAbort = () => {
          clearTimeout(t);
          reject(new Error('aborted'));
        };
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, Math.min(ms, 5));
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  });
  return { log, ctl, attempts };
}

async function until(what, fn, ms = 2000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const shown = (log) => log.visibleItems().filter((i) => i.kind === 'line').map((i) => (i.pending ? `${i.text}…` : i.text));
const agentLine = (text) => ({ '@type': 'line', source: 'agent', by: 'Agent 1', text });

test('reads long-poll from the stored cursor and show new lines as they come', async () => {
  const server = fakeServer();
  server.add({ '@type': 'state', state: 'chatting' });
  server.add(agentLine('old, already shown before the reload'));
  const { log, ctl } = setUp(server, { cursor: 2 });
  ctl.start();
  await until('the first read', () => server.reads.length >= 1);
  assert.deepEqual(server.reads[0], { from: 2, wait: 25 });
  server.add(agentLine('new'));
  await until('the new line', () => shown(log).includes('new'));
  assert.deepEqual(shown(log), ['new']);
  assert.equal(ctl.connection.state, 'online');
  ctl.stop();
});

test('a dropped network backs off, then reads from the same cursor without waiting; nothing is lost or repeated', async () => {
  const server = fakeServer();
  server.add({ '@type': 'state', state: 'chatting' });
  const { log, ctl, attempts } = setUp(server);
  ctl.start();
  await until('chatting', () => log.info.state === 'chatting');
  server.online = false;
  for (const w of server.waiters) w(); // The parked read fails with the network.
  await until('three retries', () => attempts.length >= 3);
  assert.deepEqual(attempts.slice(0, 3), [0, 1, 2]);
  assert.equal(ctl.connection.state, 'reconnecting');
  server.add(agentLine('while you were away 1'));
  server.add(agentLine('while you were away 2'));
  ctl.send('typed offline');
  assert.deepEqual(shown(log), ['typed offline…']);
  server.online = true;
  await until('the lines', () => shown(log).length === 3 && !log.outbox.length);
  assert.deepEqual(shown(log), ['while you were away 1', 'while you were away 2', 'typed offline']);
  assert.equal(server.posts.filter((t) => t === 'typed offline').length, 2, 'one POST failed offline, one went through');
  assert.equal(server.events.filter((e) => e.text === 'typed offline').length, 1);
  const afterFailure = server.reads.findIndex((r, i) => i > 0 && r.wait === 0);
  assert.ok(afterFailure > 0, 'reads after the failure do not wait');
  ctl.stop();
});

test('a line whose POST answer was lost is found in the stream and never posted twice', async () => {
  const server = fakeServer();
  server.add({ '@type': 'state', state: 'chatting' });
  const { log, ctl } = setUp(server);
  ctl.start();
  await until('chatting', () => log.info.state === 'chatting');
  server.loseNextAnswer = true;
  ctl.send('only once');
  await until('the line confirmed', () => shown(log).join() === 'only once');
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(server.posts, ['only once']);
  assert.equal(server.events.filter((e) => e.text === 'only once').length, 1);
  ctl.send('next');
  await until('the next line', () => shown(log).join() === 'only once,next');
  ctl.stop();
});

test('a refused read (not a network failure) stops the loop and says why', async () => {
  const server = fakeServer();
  server.fatal = new HttpError(404, 'no such chat');
  const { ctl, attempts } = setUp(server);
  const changes = [];
  ctl.onChange = () => changes.push(ctl.connection.state);
  await ctl.start().catch(() => {});
  await until('the error', () => ctl.connection.state === 'error');
  assert.equal(ctl.connection.message, 'no such chat');
  assert.equal(attempts.length, 0, 'no retry for a refusal');
  assert.equal(server.reads.length, 1);
  ctl.stop();
});

test('the agent\'s typing arrives with the long-poll it wakes; the visitor\'s is sent once per burst', async () => {
  const server = fakeServer();
  server.add({ '@type': 'state', state: 'chatting' });
  const { log, ctl } = setUp(server);
  ctl.start();
  await until('chatting', () => log.info.state === 'chatting');
  const reads = server.reads.length;
  server.setAgentTyping('typing');
  await until('agent typing', () => log.info.agentTyping === 'typing');
  assert.equal(server.reads.length, reads + 1, 'one read brought it: no typing poll of its own');
  ctl.visitorTyping();
  ctl.visitorTyping();
  ctl.visitorTyping();
  await until('typing sent', () => server.visitorTyping.length === 1);
  ctl.send('done typing');
  await until('not-typing sent', () => server.visitorTyping.length === 2);
  assert.deepEqual(server.visitorTyping, [true, false]);
  ctl.stop();
});

test('ending the chat ends the loops; lines still queued are marked not sent', async () => {
  const server = fakeServer();
  server.add({ '@type': 'state', state: 'chatting' });
  const { log, ctl } = setUp(server);
  const done = ctl.start();
  await until('chatting', () => log.info.state === 'chatting');
  await ctl.end();
  await done;
  assert.equal(log.ended, true);
  log.queueLine('too late');
  ctl.failQueued('the chat has ended');
  assert.equal(log.visibleItems().at(-1).error, 'the chat has ended');
});

test('a POST refused with 5xx while reads work is resent after a growing pause, and once after recovery', async () => {
  // Arrange: the server answers 500 to every POST (creating nothing); reads work. Fake clock:
  // a sleep advances it by what was asked and ends almost at once.
  const server = fakeServer();
  server.add({ '@type': 'state', state: 'chatting' });
  let failPosts = true;
  const postLine = server.api.postLine;
  let fakeNow = 0;
  const postTimes = [];
  server.api.postLine = async (url, text) => {
    postTimes.push(fakeNow);
    if (failPosts) {
      server.posts.push(text);
      throw new HttpError(500, 'database unavailable');
    }
    return postLine(url, text);
  };
  const log = new ChatLog({ chatUrl: CHAT });
  const ctl = new ChatController({
    api: server.api,
    log,
    backoff: (a) => Math.min(8000, 1000 * 2 ** a),
    sleep: async (ms) => {
      await new Promise((r) => setTimeout(r, 1));
      fakeNow += ms;
    },
  });
  ctl.start();
  await until('chatting', () => log.info.state === 'chatting');

  // Act: send while POSTs fail, for 30 s of fake time.
  ctl.send('hello');
  await until('30 s of fake time', () => fakeNow >= 30000, 5000);
  await until('the retry is announced', () => ctl.sendRetry !== null);

  // Assert: the sends are spaced by the backoff (1, 2, 4, 8, 8… s): at most 6 in 30 s.
  const inWindow = postTimes.filter((t) => t < 30000).length;
  assert.ok(inWindow >= 3 && inWindow <= 6, `POSTs in 30 s of fake time: ${inWindow}`);
  for (let i = 1; i < postTimes.length; i++) assert.ok(postTimes[i] - postTimes[i - 1] >= 1000, `pause before POST ${i}`);
  assert.match(ctl.sendRetry.message, /database unavailable/);

  // The API recovers: the line goes out exactly once more, and the retry notice is gone.
  const failed = server.posts.length;
  failPosts = false;
  await until('the line confirmed', () => shown(log).join() === 'hello', 5000);
  assert.equal(server.posts.length, failed + 1);
  assert.equal(server.events.filter((e) => e.text === 'hello').length, 1);
  assert.equal(ctl.sendRetry, null);
  assert.equal(ctl.sendFailures, 0);
  ctl.stop();
});

test('a 429 with Retry-After waits what the server asked before sending again', async () => {
  const server = fakeServer();
  server.add({ '@type': 'state', state: 'chatting' });
  const postLine = server.api.postLine;
  let refusals = 1;
  server.api.postLine = async (url, text) => {
    if (refusals-- > 0) throw new HttpError(429, 'slow down', null, 7000);
    return postLine(url, text);
  };
  const slept = [];
  const log = new ChatLog({ chatUrl: CHAT });
  const ctl = new ChatController({ api: server.api, log, backoff: () => 1, sleep: async (ms) => { slept.push(ms); } });
  ctl.start();
  await until('chatting', () => log.info.state === 'chatting');
  ctl.send('hi');
  await until('the line confirmed', () => shown(log).join() === 'hi');
  assert.deepEqual(slept, [7000]);
  ctl.stop();
});
