#!/usr/bin/env node
// Drives a full chat with SuperOffice's own TypeScript client (@superoffice/webapi, ChatAgent)
// against a real chatwire server, checks every answer and prints a table. Exit status: 0 when
// every check holds, 1 otherwise.
//
// Usage (from the repository root, after `cargo build -p chatwire`):
//   cd tests/superoffice-client && npm ci && node run.mjs
// Environment: CHATWIRE_BIN (default <repo>/target/debug/chatwire); KEEP_TMP=1 keeps the
// temporary data directory (always kept on failure, with the server log in server.log).
//
// The package ships CommonJS (dist/cjs) and an ESM build whose imports lack file extensions, so
// Node cannot load the ESM build: it is loaded with require() through createRequire.
//
// Sequence: `serve --demo` on a free port; a LivePerson visitor asks for a Sales chat; agent2
// (Basic auth, each agent with its own WebApi) goes Online with SaveChatPresence and agent1
// stays absent (not present); agent2 finds the session in ChatSessionsForUser, picks it up,
// adds a message, reads the messages (After=0), the visitor answers through the LivePerson
// visitor API, GetChatMessages with After = the last id returns exactly that line; agent2
// transfers to the absent agent1, who accepts; a second chat offered to agent1 is rejected
// back to agent2; agent1 adds a bot Options message, which the LivePerson visitor reads as
// numbered options; agent2 opens a session for a topic, saves every writable field, and
// deletes it as its creator; agent1 (admin) deletes one agent2 opened; agent1 saves a topic's
// widget, bot, alert and ticket settings and reads them back; transcripts as text and HTML.
// Nothing is tolerated: every step must get the answer SuperOffice documents.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { WebApi } = require('@superoffice/webapi');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const BIN = process.env.CHATWIRE_BIN || path.join(REPO, 'target', 'debug', 'chatwire');
const STARTUP_TIMEOUT_MS = 30_000;
const AGENT_LINE = 'Hello from the official SuperOffice client';
const VISITOR_LINE = 'Hi, I am the visitor';

const rows = [];
let server = null;
const serverLog = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatwire-so-client-'));

/** Records one checked step; `problem` is null when the check holds. */
function record(step, call, result, problem) {
  rows.push({ step, call, result, ok: problem === null, problem });
}

/** Runs `fn`; a thrown error (HTTP status and body for axios errors) is a failed step. */
async function step(name, call, fn) {
  try {
    const { result, problem } = await fn();
    record(name, call, result, problem ?? null);
  } catch (e) {
    const status = e.response?.status;
    const body = e.response?.data === undefined ? '' : ` ${JSON.stringify(e.response.data)}`;
    record(name, call, status ? `HTTP ${status}` : 'error', `${e.message}${body}`);
  }
}

function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('CHATWIRE_') && k !== 'RUST_LOG') env[k] = v;
  }
  return { ...env, ...extra };
}

/** Starts `chatwire serve --demo` on a free port; resolves its base URL from the JSON log. */
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['--data-dir', path.join(tmp, 'data'), 'serve', '--demo', '--listen', '127.0.0.1:0'], {
      env: childEnv({ CHATWIRE__LOG__FORMAT: 'json', CHATWIRE__LOG__FILTER: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    const timer = setTimeout(() => reject(new Error('server did not report its address in time')), STARTUP_TIMEOUT_MS);
    let buf = '';
    const onData = (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        serverLog.push(line);
        let msg = line;
        try {
          const j = JSON.parse(line);
          msg = j.fields?.message ?? j.message ?? line;
        } catch {
          /* not JSON: match the raw line */
        }
        const m = /chatwire listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(msg);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${code}, signal ${signal})`));
    });
    child.on('error', (e) => reject(new Error(`cannot start ${BIN}: ${e.message}`)));
  });
}

process.on('exit', () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
});

/** A ChatAgent of the official client, authenticated with Basic login:password. */
function chatAgentFor(base, login) {
  const api = new WebApi(`${base}/api`);
  api.authenticateWithPassword(login, 'demo-pass');
  return api.getChatAgent();
}

/** The LivePerson visitor API (plain fetch): request a chat, post a line. */
async function visitor(base, method, url, body) {
  const resp = await fetch(url.startsWith('http') ? url : `${base}${url}`, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: 'LivePerson appKey=demo-app-key' },
    body: JSON.stringify(body),
  });
  return resp;
}

const lines = (messages, type) => messages.filter((m) => m.type === type).map((m) => m.message);

async function flow(base) {
  const chatReq = await visitor(base, 'POST', '/api/account/1000/chat/request?appKey=demo-app-key', { request: { skill: 'Sales' } });
  const chatUrl = chatReq.headers.get('location');
  record('visitor asks for Sales', 'LP POST chat/request', `HTTP ${chatReq.status}`, chatReq.status === 201 && chatUrl ? null : 'want 201 and a Location');
  if (!chatUrl) return;
  const key = chatUrl.split('/').pop();
  const agent2 = chatAgentFor(base, 'agent2');
  const agent1 = chatAgentFor(base, 'agent1');

  // ChatPresence carries only UserId and Present: saving UserId 0 means "me". agent2 goes
  // Online; agent1 stays absent, so the offer below is made to an agent who is not present.
  await step('agent2 goes Online, agent1 stays absent', 'SaveChatPresence + GetChatPresence', async () => {
    await agent2.saveChatPresenceAsync([{ userId: 0, present: true }]);
    await agent1.saveChatPresenceAsync([{ userId: 0, present: false }]);
    const presence = await agent2.getChatPresenceAsync();
    const present = presence.filter((p) => p.present === true).map((p) => p.displayName);
    return { result: `present: ${present.join(', ') || 'nobody'}`, problem: present.length === 1 ? null : 'want exactly agent2 present' };
  });

  let id = null;
  await step('session is listed', 'ChatSessionsForUser', async () => {
    const sessions = await agent2.chatSessionsForUserAsync();
    const s = sessions.find((x) => x.sessionKey === key);
    id = s?.chatSessionId ?? null;
    return { result: `${sessions.length} session(s), #${id} ${s?.status}`, problem: s?.status === 'InQueue' ? null : `no InQueue session with key ${key}` };
  });
  if (id === null) return;

  await step('agent2 picks it up', 'PickUpChatSession', async () => {
    const s = await agent2.pickUpChatSessionAsync(id);
    return { result: `user=${s?.user?.userName} status=${s?.status}`, problem: s?.user?.userName === 'agent2' && s.chatSessionId === id ? null : 'not handled by agent2' };
  });

  let added = null;
  await step('agent2 writes', 'AddChatMessage', async () => {
    added = await agent2.addChatMessageAsync(id, { message: AGENT_LINE, type: 'ToCustomer' });
    const good = added?.chatMessageId > 0 && added.type === 'ToCustomer' && added.message === AGENT_LINE;
    return { result: `#${added?.chatMessageId} ${added?.type}`, problem: good ? null : `unexpected ${JSON.stringify(added)}` };
  });

  let last = 0;
  await step('all messages', 'GetChatMessages After=0', async () => {
    const all = await agent2.getChatMessagesAsync(id, 0);
    const ids = all.map((m) => m.chatMessageId);
    last = Math.max(0, ...ids);
    const ascending = ids.every((v, i) => i === 0 || v > ids[i - 1]);
    const problem = !ascending ? `ids not ascending: ${ids}` : !lines(all, 'ToCustomer').includes(AGENT_LINE) ? 'agent line missing' : last !== added?.chatMessageId ? `last id ${last} is not the added message's ${added?.chatMessageId}` : null;
    return { result: `${all.length} message(s), last #${last}`, problem };
  });

  const posted = await visitor(base, 'POST', `${chatUrl}/events`, { event: { '@type': 'line', text: VISITOR_LINE } });
  record('visitor answers', 'LP POST chat/events', `HTTP ${posted.status}`, posted.status === 201 ? null : 'want 201');

  let newest = last;
  await step('only the new line', `GetChatMessages After=${last}`, async () => {
    const fresh = await agent2.getChatMessagesAsync(id, last);
    newest = fresh.at(-1)?.chatMessageId ?? last;
    const only = fresh.length === 1 && fresh[0].type === 'ToUser' && fresh[0].message === VISITOR_LINE && fresh[0].chatMessageId > last;
    return { result: fresh.map((m) => `#${m.chatMessageId} ${m.type} ${JSON.stringify(m.message)}`).join('; ') || 'none', problem: only ? null : 'want exactly the visitor line' };
  });
  await step('nothing after the newest', `GetChatMessages After=newest`, async () => {
    const none = await agent2.getChatMessagesAsync(id, newest);
    return { result: `${none.length} message(s)`, problem: none.length === 0 ? null : 'want none' };
  });

  await step('agent2 transfers to absent agent1', 'TransferChatSession', async () => {
    const s = await agent2.transferChatSessionAsync(id, 'agent1');
    return { result: `transferTo=${s?.transferTo?.userName} status=${s?.status}`, problem: s?.transferTo?.userName === 'agent1' && s.status === 'InQueue' ? null : 'want InQueue, transferTo agent1' };
  });
  await step('absent agent1 accepts', 'AcceptChatSessionTransfer', async () => {
    const s = await agent1.acceptChatSessionTransferAsync(id);
    return { result: `user=${s?.user?.userName} transferTo=${s?.transferTo?.userName ?? null}`, problem: s?.user?.userName === 'agent1' && !s.transferTo ? null : 'not handled by agent1' };
  });

  const secondReq = await visitor(base, 'POST', '/api/account/1000/chat/request?appKey=demo-app-key', { request: { skill: 'Sales' } });
  record('visitor asks again', 'LP POST chat/request', `HTTP ${secondReq.status}`, secondReq.status === 201 ? null : 'want 201');
  await step('absent agent1 rejects an offer', 'PickUpFirst + Transfer + RejectChatSessionTransfer', async () => {
    const picked = await agent2.pickUpFirstChatSessionAsync();
    const other = picked?.chatSessionId;
    await agent2.transferChatSessionAsync(other, 'agent1');
    const s = await agent1.rejectChatSessionTransferAsync(other);
    return { result: `#${other} user=${s?.user?.userName} transferTo=${s?.transferTo?.userName ?? null}`, problem: s?.user?.userName === 'agent2' && !s.transferTo ? null : 'want it back with agent2' };
  });

  const OPTIONS = '["Prices","Support"]';
  await step('agent1 adds bot options', 'AddChatMessage Special/Options', async () => {
    const m = await agent1.addChatMessageAsync(id, { message: 'What do you need?', type: 'Special', specialType: 'Options', specialParam: OPTIONS });
    const good = m?.type === 'Special' && m.specialType === 'Options' && m.specialParam === OPTIONS && m.message === 'What do you need?';
    return { result: `#${m?.chatMessageId} ${m?.type}/${m?.specialType}`, problem: good ? null : `unexpected ${JSON.stringify(m)}` };
  });
  await step('the visitor reads the options', 'LP GET chat/events', async () => {
    const resp = await visitor(base, 'GET', `${chatUrl}/events?v=1&NC=true`);
    const body = await resp.json();
    const lines = [body?.events?.event ?? []].flat().filter((e) => e['@type'] === 'line').map((e) => e.text);
    const shown = lines.find((t) => t.startsWith('What do you need?'));
    return { result: JSON.stringify(shown ?? null), problem: shown === 'What do you need?\n1. Prices\n2. Support' ? null : `no numbered options in ${JSON.stringify(lines)}` };
  });

  let opened = null;
  await step('agent2 opens a session for a topic', 'CreateChatSessionForTopic', async () => {
    opened = await agent2.createChatSessionForTopicAsync(1);
    return { result: `#${opened?.chatSessionId} ${opened?.status}`, problem: opened?.status === 'InQueue' ? null : 'want InQueue' };
  });
  await step('agent2 saves every writable field', 'SaveChatSessionEntity', async () => {
    const want = { customerName: 'Ada Lovelace', customerAlias: 'Ada', customerEmail: 'ada@example.com', customerPhone: '+47 12 34 56 78', customerCompanyName: 'Analytical Engines', customerConsented: true, alertLevel: 2, rating: 4, chatbotIsActive: true };
    const s = await agent2.saveChatSessionEntityAsync({ ...opened, ...want });
    const wrong = Object.entries(want).filter(([k, v]) => s?.[k] !== v).map(([k]) => k);
    return { result: `#${s?.chatSessionId} ${s?.customerName} <${s?.customerEmail}> rating=${s?.rating}`, problem: wrong.length === 0 ? null : `not saved: ${wrong.join(', ')}` };
  });
  await step('its creator deletes it', 'DeleteChatSessionEntity + GetChatSessionEntity', async () => {
    await agent2.deleteChatSessionEntityAsync(opened.chatSessionId);
    const s = await agent2.getChatSessionEntityAsync(opened.chatSessionId);
    return { result: `status=${s?.status}`, problem: s?.status === 'Closed' ? null : 'want Closed' };
  });
  await step('an admin deletes another agent\'s session', 'CreateChatSessionForTopic + DeleteChatSessionEntity', async () => {
    const other = await agent2.createChatSessionForTopicAsync(1);
    await agent1.deleteChatSessionEntityAsync(other.chatSessionId);
    const s = await agent1.getChatSessionEntityAsync(other.chatSessionId);
    return { result: `#${other.chatSessionId} status=${s?.status}`, problem: s?.status === 'Closed' ? null : 'want Closed' };
  });

  await step('agent1 saves topic settings', 'GetChatTopicEntity + SaveChatTopicEntity + GetChatTopicEntity', async () => {
    const t = await agent1.getChatTopicEntityAsync(1);
    t.widget.color = '#004f9f';
    t.widget.theme = 'Modern';
    t.botEnabled = true;
    t.botSettings.botName = 'Robbie';
    t.alertRecipient = 'lead@example.com';
    t.warnNewChatMinutes = 2;
    t.ticketEnabled = true;
    t.widgetRatingText = 'How did we do?';
    await agent1.saveChatTopicEntityAsync(t);
    const r = await agent1.getChatTopicEntityAsync(1);
    const checks = { color: r?.widget?.color === '#004f9f', theme: r?.widget?.theme === 'Modern', bot: r?.botEnabled === true && r?.botSettings?.botName === 'Robbie', alert: r?.alertRecipient === 'lead@example.com' && r?.warnNewChatMinutes === 2, ticket: r?.ticketEnabled === true, rating: r?.widgetRatingText === 'How did we do?' };
    const wrong = Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k);
    return { result: `widget ${r?.widget?.color}/${r?.widget?.theme}, bot ${r?.botSettings?.botName}`, problem: wrong.length === 0 ? null : `not as saved: ${wrong.join(', ')}` };
  });

  for (const html of [false, true]) {
    await step(`transcript (${html ? 'html' : 'text'})`, `GetChatTranscript html=${html}`, async () => {
      const t = await agent1.getChatTranscriptAsync(id, html);
      const both = typeof t === 'string' && t.includes(AGENT_LINE) && t.includes(VISITOR_LINE);
      const shape = html ? /<[a-z]/i.test(t) : !/<(html|div|p|table)\b/i.test(t);
      return { result: `${t?.length ?? 0} chars`, problem: both && shape ? null : `lines or format missing: ${JSON.stringify(t).slice(0, 200)}` };
    });
  }
}

let failed = false;
try {
  const base = await startServer();
  console.log(`chatwire at ${base}; @superoffice/webapi ${JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules', '@superoffice', 'webapi', 'package.json'), 'utf8')).version}`);
  await flow(base);
} catch (e) {
  record('setup', '-', 'error', e.message);
}
const w = (k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length));
const [ws, wc, wr] = [w('step'), w('call'), w('result')];
console.log(`${'step'.padEnd(ws)}  ${'call'.padEnd(wc)}  ${'result'.padEnd(wr)}  ok`);
for (const r of rows) {
  console.log(`${r.step.padEnd(ws)}  ${r.call.padEnd(wc)}  ${String(r.result).padEnd(wr)}  ${r.ok ? 'yes' : 'NO'}`);
  if (!r.ok) console.log(`    -> ${r.problem}`);
}
failed = rows.length === 0 || rows.some((r) => !r.ok);
console.log(`${rows.filter((r) => r.ok).length} passed, ${rows.filter((r) => !r.ok).length} failed`);
if (server && server.exitCode === null) server.kill('SIGTERM');
if (failed || process.env.KEEP_TMP) {
  fs.writeFileSync(path.join(tmp, 'server.log'), serverLog.join('\n'));
  console.log(`kept ${tmp}`);
} else {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
