#!/usr/bin/env node
// Runs LivePerson's own "Chat Agent API collection" (Postman, v2.1) with newman against a real
// chatwire server, then checks every response status and the variables the collection's
// scripts extract. The collection has no assertions of its own, so the expectations live in
// EXPECT below. Exit status: 0 when every expectation holds, 1 otherwise.
//
// Usage (from the repository root, after `cargo build -p chatwire`):
//   cd tests/newman && npm ci && node run-agent-collection.mjs
// Environment:
//   CHATWIRE_BIN               server binary (default: <repo>/target/debug/chatwire)
//   CHATWIRE_AGENT_COLLECTION  collection file (default: LivePerson's file
//                              "Chat Agent API collection.postman_collection.json" in the folder named by
//                              CHATWIRE_LP_CLIENTS, else in ../shared/clients beside the repository;
//                              it is LivePerson's file, so it is read from there, not copied in;
//                              absent, the script prints a SKIPPED line and exits 0)
//   CHATWIRE_LP_CLIENTS        the folder holding LivePerson's collections
//   NEWMAN_CLI=1               also print newman's own CLI report
//   KEEP_TMP=1                 keep the temporary directory (always kept on failure); its
//                              exchanges.json holds every request and response newman made
//
// What this script does, in order:
//   1. provisions a fresh data directory with the CLI, before serving: account 1000, skills
//      Sales and Support, agent BotUser (unlimited chats, both skills);
//   2. writes a config with one [[auth.app_logins]] entry holding exactly the masked
//      credentials that the collection's Login body sends (lengths checked below);
//   3. starts `chatwire serve --demo --tls-self-signed --listen 127.0.0.1:0` and reads the port
//      from its JSON log line "chatwire listening on https://127.0.0.1:PORT";
//   4. prepares what the collection needs but does not create: BotUser logs in, opens an agent
//      session, goes Online, and a visitor requests a Sales chat (so "Take chat" finds one);
//   5. runs the collection twice with newman (insecure TLS; before run 2, BotUser goes Online
//      again as in step 4, since run 1's Logout set it Offline), then prints a per-request
//      table for each run, checks them, kills the server:
//      - run 1, "as written": every request in the collection's own order. Its third request
//        is Logout, which ends the login whose bearer every later request carries, so from
//        there on the answers are LivePerson's for a logged-out client: 401 (Refresh with the
//        revoked CSRF token too), or, where a variable a refused request should have set is
//        empty, the answer to the URL that leaves (405 for GET /agentSession/, 404 for
//        /visits/visit/). This run shows exactly that.
//      - run 2, "with a live login": the same requests in the same order, except that Logout
//        comes last, so the requests that need a login get their success answers. (The
//        collection is a catalogue, one request per method; run 1 shows its literal order.)
//
// Every request is expected to get the answer LivePerson's service gives. Where that is an
// error, the expectation says why (`why`); there is no list of tolerated failures. Besides run
// 1's logged-out 401s:
//   - CSDS names LivePerson's host, https://api.liveperson.net, which cannot point at this
//     machine; it is sent to this server instead (host {{agentVepDomain}}), the one change to
//     a request. (Its structured URL also says protocol "http" while its raw URL says https;
//     the raw URL's https is kept. Its script stores `jsonData.token`, a field no CSDS answer
//     has, into {{baseURI}}, which nothing reads: unchanged.)
//   - visit is the only agent request without the Bearer header: 401, as LivePerson answers a
//     request with no credentials. (Its `NC=tru` query is junk the server ignores.)
//   - Visit Information (by the Visit Information API) calls /monitoring/visitors/…, LivePerson's
//     separate Visit Information API (spec §2.2.26: out of scope, not served here) with a
//     hard-coded LivePerson visitor id: 404, no such resource on this server.
//   - the participantExtendedInfo request lacks a "/" between {{AgentSession}} and
//     participantExtendedInfo, so its path names no resource: 404, as on LivePerson's service.
//
// Sent as LivePerson wrote them (the server must cope, as LivePerson's did): Login's `??v=1`
// (query key "?v"), Take chat's `{}` body with no Content-Type in the collection (newman then
// sends text/plain), `__d=…` cache busters, `cs=1`, GETs that carry a Content-Type header, the
// Create-agent-session body `{"loginData":{}}`, Set Availability as POST +
// X-HTTP-Method-Override: PUT. The collection runs "Take chat" before "Set Availability", hence
// the Online state set in step 4.

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import { BIN, call, childEnv, expectCall, fail, findShared, log, parseJson, serverLog, startServer, stopServer, table } from './harness.mjs';

const require = createRequire(import.meta.url);
const newman = require('newman');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');


const COLLECTION_FILE =
  process.env.CHATWIRE_AGENT_COLLECTION ||
  findShared('Chat Agent API collection.postman_collection.json', "LivePerson's Chat Agent API collection");
const ACCOUNT = '1000';
const DEMO_APP_KEY = 'demo-app-key'; // seeded by `serve --demo`

// Names of the collection's requests (the last one is named by its URL).
const N = {
  csds: 'CSDS',
  login: 'Login',
  logout: 'Logout',
  refresh: 'Refresh',
  session: 'Create agent session',
  sessionStatus: 'Agent session status including ongoing chat sessions',
  ring: 'Ring count',
  take: 'Take chat',
  chatSessions: 'Get chat conversation',
  line: 'Post plain line',
  survey: 'retrieve survey',
  getAvail: 'Get Availability',
  setAvail: 'Set Availability',
  chat: 'getChat resources',
  visit: 'visit',
  customVars: '(Visits/visit) get survey',
  visitInfo: 'Visit Information (by the Visit Information API)',
  participant:
    'https://{{agentVepDomain}}/api/account/{{account}}/agentSession/{{AgentSession}}participantExtendedInfo/398bd28f-4317-4cb3-b025-6c33d4887d8a?v=1&NC=true',
};

// The collection's own order (run 1; checked against the file in prepared()).
const AS_WRITTEN = [
  N.csds, N.login, N.logout, N.refresh, N.session, N.sessionStatus, N.ring, N.take,
  N.chatSessions, N.line, N.survey, N.getAvail, N.setAvail, N.chat, N.visit, N.customVars,
  N.visitInfo, N.participant,
];
// Run 2: the same order with Logout last (the login stays live for the requests that need it).
const LIVE_LOGIN = [...AS_WRITTEN.filter((n) => n !== N.logout), N.logout];

// Expected answer per request in run 2 (with a live login). `check`: an extra look at the
// parsed JSON body; returns an error string or nothing. `why`: required for every expected
// error (400 or more), saying why that is the answer LivePerson's service would give too.
const EXPECT = {
  [N.csds]: { status: 200, check: (b, env) => b?.baseURI === env.agentVepDomain ? null : `baseURI ${JSON.stringify(b?.baseURI)} is not ${env.agentVepDomain}` },
  [N.login]: { status: 200 },
  [N.session]: { status: 201 },
  [N.sessionStatus]: { status: 200 },
  [N.ring]: { status: 200, check: (b) => b?.incomingRequests?.ringingCount === '1' ? null : `ringingCount ${JSON.stringify(b?.incomingRequests?.ringingCount)}, want "1"` },
  [N.take]: { status: 201 },
  [N.chatSessions]: { status: 200 },
  [N.line]: { status: 201 },
  [N.survey]: { status: 200, check: (b) => b?.survey?.questions?.question ? null : 'no survey.questions.question' },
  [N.getAvail]: { status: 200, check: (b) => b?.availability?.chat === 'Online' ? null : `availability.chat ${JSON.stringify(b?.availability?.chat)}, want "Online"` },
  [N.setAvail]: { status: 200 },
  [N.chat]: { status: 200, check: (b) => chatHasLine(b, 'this is a plain line') },
  [N.visit]: { status: 401, why: 'sent without the Bearer header (the only agent request without it): no credentials' },
  [N.customVars]: { status: 200, check: (b) => b?.customVariables ? null : 'no customVariables root' },
  [N.visitInfo]: { status: 404, why: 'LivePerson\'s separate Visit Information API (out of scope, not served): no such resource' },
  [N.participant]: { status: 404, why: 'no "/" before participantExtendedInfo: the path names no resource' },
  [N.refresh]: { status: 200 },
  [N.logout]: { status: 200 },
};

// Run 1 (as written): after Logout, the answers of a logged-out client.
const LOGGED_OUT = 'after Logout (the 3rd request) the bearer and CSRF token are revoked';
const EXPECT_AS_WRITTEN = {
  ...Object.fromEntries(AS_WRITTEN.slice(3).map((n) => [n, { status: 401, why: LOGGED_OUT }])),
  [N.csds]: EXPECT[N.csds],
  [N.login]: EXPECT[N.login],
  [N.logout]: EXPECT[N.logout],
  // Create agent session was refused, so {{AgentSession}} is empty: the URL is /agentSession/,
  // the collection resource, which only takes POST.
  [N.sessionStatus]: { status: 405, why: '{{AgentSession}} is empty (its creation was refused): GET /agentSession/ is not a method of that resource' },
  // Take chat was refused, so {{visitId}} is empty: /visits/visit/ names no resource.
  [N.visit]: { status: 404, why: '{{visitId}} is empty (Take chat was refused): /visits/visit/ names no resource' },
  [N.visitInfo]: EXPECT[N.visitInfo],
  [N.participant]: EXPECT[N.participant],
};

// Variables the collection's scripts extract, checked after run 2.
const VARIABLES = {
  Bearer: /^\S+$/,
  csrfToken: /^\S+$/,
  AgentSession: /^\d+$/,
  chatId: /^H\d{19}-[0-9a-f]{32}K\d{7}$/,
  visitId: /^H\d{19}K\d{7}$/,
};

// The masked app-login credentials the collection sends: field → expected length of asterisks.
const MASKED = { appKey: 32, secret: 16, accessToken: 32, accessTokenSecret: 16 };

function hasRels(links, rels) {
  const list = Array.isArray(links) ? links : links ? [links] : [];
  const have = list.map((l) => l['@rel']);
  const missing = rels.filter((r) => !have.includes(r));
  return missing.length ? `links lack rel ${missing.join(', ')} (have ${have.join(', ') || 'none'})` : null;
}

function chatHasLine(body, text) {
  const events = body?.chat?.events?.event;
  const list = Array.isArray(events) ? events : events ? [events] : [];
  if (body?.chat?.info?.state !== 'chatting') return `chat.info.state ${JSON.stringify(body?.chat?.info?.state)}, want "chatting"`;
  return list.some((e) => e['@type'] === 'line' && e.text === text && e.source === 'agent')
    ? null
    : `no agent line ${JSON.stringify(text)} among the chat's events`;
}

// ---------------------------------------------------------------------------------------------

const t0 = performance.now();
let tmp = null;




function cli(args, extraEnv = {}) {
  try {
    return execFileSync(BIN, ['--data-dir', path.join(tmp, 'data'), ...args], {
      env: childEnv(extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 60_000,
    });
  } catch (e) {
    fail(`chatwire ${args.join(' ')} failed (${e.status ?? e.signal}):\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

function tomlString(s) {
  return JSON.stringify(s); // TOML basic strings share JSON's escapes for these characters
}

/** Reads the collection and checks the masked Login credentials. */
function loadCollection() {
  const collection = JSON.parse(fs.readFileSync(COLLECTION_FILE, 'utf8'));
  const login = collection.item.find((i) => i.name === N.login);
  if (!login) fail(`no "${N.login}" request in ${COLLECTION_FILE}`);
  const body = JSON.parse(login.request.body.raw);
  for (const [field, len] of Object.entries(MASKED)) {
    const v = body[field];
    if (typeof v !== 'string' || v.length !== len || !/^\*+$/.test(v)) {
      fail(`Login body ${field} is ${JSON.stringify(v)}, expected ${len} asterisks`);
    }
  }
  if (body.username !== 'BotUser') fail(`Login body username is ${JSON.stringify(body.username)}, expected "BotUser"`);
  return { collection, loginBody: body };
}

/** The collection to send, in `order`: each request as written, except CSDS's host (see the
 * top: LivePerson's api.liveperson.net cannot point at this machine). */
function prepared(collection, order, label) {
  const copy = structuredClone(collection);
  const byName = new Map(copy.item.map((i) => [i.name, i]));
  const names = copy.item.map((i) => i.name);
  const unknown = names.filter((n) => !(n in EXPECT));
  if (unknown.length) fail(`collection requests without an expectation: ${unknown.join(', ')}`);
  if (JSON.stringify(names) !== JSON.stringify(AS_WRITTEN)) fail(`the collection's order changed:\n  have ${names.join(' | ')}\n  want ${AS_WRITTEN.join(' | ')}`);
  for (const expect of [EXPECT, EXPECT_AS_WRITTEN]) {
    const unreasoned = AS_WRITTEN.filter((n) => expect[n].status >= 400 && !expect[n].why);
    if (unreasoned.length) fail(`expected errors without a reason: ${unreasoned.join(', ')}`);
  }

  const csds = byName.get(N.csds).request;
  if (!csds.url.raw.startsWith('https://api.liveperson.net/')) fail(`CSDS no longer names api.liveperson.net: ${csds.url.raw}`);
  csds.url.raw = csds.url.raw.replace('https://api.liveperson.net', 'https://{{agentVepDomain}}');
  csds.url.protocol = 'https';
  csds.url.host = ['{{agentVepDomain}}'];

  copy.item = order.map((n) => byName.get(n));
  copy.info = { ...copy.info, name: `${copy.info.name} (${label})` };
  return copy;
}

/** BotUser logs in (with the collection's app credentials), opens an agent session and goes
 * Online; resolves the agent session id. */
async function online(base, loginBody) {
  const a = `/api/account/${ACCOUNT}`;
  const login = await expectCall(200, base, 'POST', `${a}/login?v=1.3`, { body: loginBody });
  const bearer = login.json?.bearer;
  if (!bearer) fail(`preparation: login answered no bearer: ${login.body}`);
  const auth = { Authorization: `Bearer ${bearer}` };
  const session = await expectCall(201, base, 'POST', `${a}/agentSession?v=1&NC=true`, { body: { loginData: '' }, headers: auth });
  const sessionUrl = session.json?.agentSessionLocation?.link?.['@href'];
  if (!sessionUrl) fail(`preparation: agent session answered no link: ${session.body}`);
  const asid = new URL(sessionUrl).pathname.split('/').pop();
  await expectCall(200, base, 'PUT', `${a}/agentSession/${asid}/availability?v=1&NC=true`, {
    body: { availability: { chat: 'Online' } },
    headers: auth,
  });
  return asid;
}

/** State the collection uses but does not create (step 4): BotUser Online, a waiting chat. */
async function prepare(base, loginBody) {
  const asid = await online(base, loginBody);
  const chat = await expectCall(201, base, 'POST', `/api/account/${ACCOUNT}/chat/request?appKey=${DEMO_APP_KEY}&v=1&NC=true`, {
    body: { request: { skill: 'Sales' } },
  });
  return { asid, chatLocation: chat.headers.location };
}

/** Runs the collection; resolves {rows by run position, env, summary, ms}. */
function runNewman(collection, environment) {
  return new Promise((resolve, reject) => {
    // Keyed by run position: newman hands out item names with {{variables}} resolved.
    const rows = new Map();
    const row = (position) => {
      if (!rows.has(position)) rows.set(position, { scriptErrors: [] });
      return rows.get(position);
    };
    const started = performance.now();
    newman
      .run(
        {
          collection,
          environment,
          insecure: true,
          reporters: process.env.NEWMAN_CLI ? ['cli'] : [],
          timeoutRequest: 15_000,
          timeout: 180_000,
          color: 'off',
        },
        (err, summary) => {
          if (err) return reject(err);
          resolve({ rows, env: summary.environment.toObject(), summary, ms: performance.now() - started });
        },
      )
      .on('request', (err, a) => {
        const r = row(a.cursor.position);
        r.method = a.request.method;
        r.url = a.request.url.toString();
        r.requestHeaders = a.request.headers.all().map((h) => `${h.key}: ${h.value}`);
        r.requestBody = a.request.body?.raw ?? '';
        if (err) {
          r.error = err.message;
          return;
        }
        r.status = a.response.code;
        r.responseHeaders = a.response.headers.all().map((h) => `${h.key}: ${h.value}`);
        r.body = a.response.text();
        r.ms = a.response.responseTime;
      })
      .on('script', (err, a) => {
        if (err) row(a.cursor.position).scriptErrors.push(`${a.event.listen} script: ${err.message}`);
      });
  });
}


function shortName(name) {
  return name === N.participant ? '…{{AgentSession}}participantExtendedInfo/… (named by URL)' : name;
}


async function main() {
  if (!fs.existsSync(BIN)) fail(`no server binary at ${BIN}; run \`cargo build -p chatwire\` first`);
  const { collection, loginBody } = loadCollection();
  const asWritten = prepared(collection, AS_WRITTEN, 'run 1: as written');
  const liveLogin = prepared(collection, LIVE_LOGIN, 'run 2: with a live login, Logout last');

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatwire-newman-'));
  const password = `pw-${process.pid}-${Date.now()}`;

  // 1. Provision before serving.
  cli(['account', 'create', ACCOUNT, '--name', 'newman', '--create']);
  cli(['skill', 'create', '--account', ACCOUNT, 'Sales']);
  cli(['skill', 'create', '--account', ACCOUNT, 'Support']);
  cli(['agent', 'create', '--account', ACCOUNT, '--login', 'BotUser', '--max-chats=-1', '--skill', 'Sales', '--skill', 'Support'], {
    CHATWIRE_AGENT_PASSWORD: password,
  });

  // 2. Config with the collection's masked app credentials.
  const configPath = path.join(tmp, 'chatwire.toml');
  fs.writeFileSync(
    configPath,
    [
      '# written by tests/newman/run-agent-collection.mjs',
      '[[auth.app_logins]]',
      `account = ${tomlString(ACCOUNT)}`,
      `username = ${tomlString(loginBody.username)}`,
      `app_key = ${tomlString(loginBody.appKey)}`,
      `secret = ${tomlString(loginBody.secret)}`,
      `access_token = ${tomlString(loginBody.accessToken)}`,
      `access_token_secret = ${tomlString(loginBody.accessTokenSecret)}`,
      '',
    ].join('\n'),
  );

  // 3. Serve.
  const { base, host } = await startServer(configPath, path.join(tmp, 'data'));
  log(`chatwire ${base} (data ${tmp})`);

  // 4. Prepare.
  const prep = await prepare(base, loginBody);
  log(`prepared: BotUser Online in agent session ${prep.asid}; waiting chat ${prep.chatLocation ?? '(no Location header)'}`);

  // 5. Run twice, each with a fresh environment and cookie jar; check each run.
  const environment = () => ({
    name: 'chatwire',
    values: ['account', 'agentVepDomain', 'Bearer', 'csrfToken', 'AgentSession', 'chatId', 'visitId'].map((key) => ({
      key,
      value: { account: ACCOUNT, agentVepDomain: host }[key] ?? '',
      type: 'text',
      enabled: true,
    })),
  });
  const failures = [];
  const lines = [];
  let run;
  for (const [label, collectionToSend, order, expect] of [
    ['run 1 (as written)', asWritten, AS_WRITTEN, EXPECT_AS_WRITTEN],
    ['run 2 (live login)', liveLogin, LIVE_LOGIN, EXPECT],
  ]) {
    // Run 1's Logout set BotUser Offline (logout does): Online again before run 2, as in step 4.
    if (order === LIVE_LOGIN) await online(base, loginBody);
    const env = environment();
    const tag = label.slice(0, 5).replace(' ', '');
    fs.writeFileSync(path.join(tmp, `collection.${tag}.json`), JSON.stringify(collectionToSend, null, 2));
    log(`newman ${label}: ${order.length} requests from ${path.relative(process.cwd(), COLLECTION_FILE) || COLLECTION_FILE}`);
    run = await runNewman(collectionToSend, env);
    fs.writeFileSync(
      path.join(tmp, `exchanges.${tag}.json`),
      JSON.stringify(order.map((name, i) => ({ name, ...run.rows.get(i) })), null, 2),
    );
    lines.push(['', label, '', '', '', '', '']);
    order.forEach((name, i) => {
      const e = expect[name];
      const r = run.rows.get(i) ?? { scriptErrors: [] };
      const problems = [];
      if (r.error) problems.push(`request error: ${r.error}`);
      else if (r.status === undefined) problems.push('not sent');
      else if (r.status !== e.status) problems.push(`status ${r.status}, want ${e.status}`);
      if (!problems.length && e.check) {
        const why = e.check(parseJson(r.body), Object.fromEntries(env.values.map((v) => [v.key, v.value])));
        if (why) problems.push(why);
      }
      // The collection's test scripts read success bodies (jsonData.agentSessionLocation…):
      // on an expected error answer their errors are the scripts', not the server's.
      if (!problems.length && e.status < 400) problems.push(...r.scriptErrors);
      if (problems.length) failures.push({ name: `${label}: ${name}`, r, problems });
      lines.push([i + 1, shortName(name), r.method ?? '', e.status, r.error ? 'ERR' : r.status ?? '-', problems.length ? 'FAIL' : 'ok', problems.length ? problems.join('; ') : e.why ?? '']);
    });
  }

  // Post-run probe (not in the collection): run 2's Logout must have revoked its bearer.
  {
    const probe = await call(base, 'GET', `/api/account/${ACCOUNT}/agentSession/${run.env.AgentSession}/availability?v=1&NC=true`, {
      headers: { Authorization: `Bearer ${run.env.Bearer}` },
    });
    const ok = probe.status === 401;
    if (!ok) failures.push({ name: 'bearer revoked after Logout', problems: [`GET …/availability with the logged-out bearer answered ${probe.status}, want 401: ${probe.body.slice(0, 500)}`] });
    lines.push(['+', 'probe: logged-out bearer is refused (not in the collection)', 'GET', 401, probe.status, ok ? 'ok' : 'FAIL', ok ? '' : 'logout did not revoke the bearer']);
  }

  log('');
  log(table(['#', 'request', 'method', 'want', 'got', 'result', 'why / problem'], lines));

  log('');
  const varLines = Object.entries(VARIABLES).map(([k, re]) => {
    const v = run.env[k];
    const ok = typeof v === 'string' && re.test(v);
    if (!ok) failures.push({ name: `variable ${k}`, problems: [`${JSON.stringify(v)} does not match ${re}`] });
    return [k, v === undefined ? '(unset)' : JSON.stringify(v), String(re), ok ? 'ok' : 'FAIL'];
  });
  log(table(['variable', 'value', 'want', 'result'], varLines));

  log('');
  log(`newman run 2: ${(run.ms / 1000).toFixed(2)} s; whole script: ${((performance.now() - t0) / 1000).toFixed(2)} s`);

  if (failures.length) {
    log('');
    for (const f of failures) {
      log(`FAIL ${shortName(f.name)}: ${f.problems.join('; ')}`);
      if (f.r?.url) log(`  ${f.r.method} ${f.r.url}\n  → ${f.r.status ?? f.r.error}: ${(f.r.body ?? '').slice(0, 2000)}`);
    }
    fail(`${failures.length} expectation(s) failed`);
  }
  log('all expectations hold');
}

let code = 0;
try {
  await main();
} catch (e) {
  code = 1;
  log('');
  log(e.expected ? `run-agent-collection: ${e.message}` : `run-agent-collection: ${e.stack}`);
  if (serverLog.length) log(`\nlast server log lines:\n${serverLog.slice(-30).join('\n')}`);
} finally {
  await stopServer();
  if (tmp) {
    if (code === 0 && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp} (the collections sent, config, data, exchanges.run1/run2.json)`);
  }
}
process.exit(code);
