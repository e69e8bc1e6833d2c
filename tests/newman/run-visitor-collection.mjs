#!/usr/bin/env node
// Runs LivePerson's own "Server Chat API" Postman collection (v2.1, the visitor side) with
// newman against a real chatwire server, then checks every response status, what the bodies
// say, and the variables the collection's scripts extract. The collection has no assertions of
// its own, so the expectations live in EXPECT below. Exit status: 0 when every expectation
// holds, 1 otherwise. Same structure as run-agent-collection.mjs.
//
// Usage (from the repository root, after `cargo build -p chatwire`):
//   cd tests/newman && npm ci && node run-visitor-collection.mjs
// Environment:
//   CHATWIRE_BIN                 server binary (default: <repo>/target/debug/chatwire)
//   CHATWIRE_VISITOR_COLLECTION  collection file (default: LivePerson's file
//                                ServerChatAPI.postman_collection in the folder named by
//                                CHATWIRE_LP_CLIENTS, else in ../shared/clients beside the repository;
//                                it is LivePerson's file, so it is read from there, not copied in;
//                                absent, the script prints a SKIPPED line and exits 0)
//   CHATWIRE_LP_CLIENTS          the folder holding LivePerson's collections
//   NEWMAN_CLI=1                 also print newman's own CLI report
//   KEEP_TMP=1                   keep the temporary directory (always kept on failure); its
//                                exchanges.json holds every request and response newman made
//
// What this script does, in order:
//   1. starts `chatwire serve --demo --tls-self-signed --listen 127.0.0.1:0` over a fresh data
//      directory, with no [mail] settings (as a new user runs it: transcripts then go to the
//      local mailbox), and reads the port from its JSON log line (the demo account 1000,
//      skills Sales and Support, agent1..3 with agent1 an admin, app key demo-app-key);
//   2. starts a plain-HTTP front (harness.mjs `plainFront`) for the CSDS request, which the
//      collection sends as http://{{csdsDomain}} (LivePerson's CSDS host answers plain HTTP;
//      this server speaks only HTTPS): {{csdsDomain}} names the front, which forwards to the
//      server, so the request goes out exactly as written;
//   3. prepares what the collection needs but does not create: agent1 (Sales + Support) logs in,
//      opens an agent session and goes Online, so that engagement, availability and wait time
//      answer "yes, now"; the Sales skill id is learnt from an engagement call (it seeds the
//      environment's skillId, which the collection's own engagement call then replaces);
//   4. runs the collection unchanged, in its own order, with newman (insecure TLS);
//   5. prints a per-request table, checks it and the extracted variables, probes what the
//      collection cannot show (below), kills the server.
//
// Every request is expected to get the answer LivePerson's service gives. The collection is a
// catalogue in request order: it ends the chat (d. End Chat) before it sets the visitor's name
// and typing, submits the exit survey and asks for the transcript; those answers are the
// normal success answers (docs/liveperson.md, "After the end", "Surveys", "Transcripts").
// Where an error is the right answer, the request's expectation says why (`why`); there is no
// list of tolerated failures. The requests that get an error, and why:
//   - the "conversation.json" request (visitor authentication, named by its URL) goes to host
//     {{domain_conversationVep}}.liveperson.net. The CSDS answer is already a full host name
//     (LivePerson's too: "server.iad.liveperson.net"), so that names a host under
//     liveperson.net ("127.0.0.1:PORT.liveperson.net" here, not even a valid host), which
//     cannot point at this machine: newman cannot send it, and it is expected not to be sent.
//   - c. Authenticated Chat Request sends "participantId": {{participantId}} and
//     "conversationId": {{conversationId}} unquoted, and nothing sets them (the conversation
//     request above sets nothing), so its body is not JSON: 400 "malformed JSON body", as any
//     JSON server answers. Its script then stores the absent Location into
//     {{chat_session_uri}}, so that variable is not checked after the run.
//   - b. Get Engagement's consumerSections start with "Support", so the collection's own chat
//     goes to Support (agent1 has it), whatever skillId the environment started with.
//
// Sent as LivePerson wrote them (the server must cope, as LivePerson's did): requests without
// Content-Type (newman sends text/plain for the raw JSON bodies), the trailing "/" of
// app/engagement/visitors/, numbers sent as strings in the chat request ("LETagContextId",
// "engagementId", "campaignId", "skillId"), the key as the appKey query parameter, plain POST
// for the name and typing writes, the `.json` suffix appended to link hrefs, the standalone info
// read with plain keys (info.link[1]["href"]), the exit survey's hard-coded question id "123"
// (not in the demo's exit survey: ignored, kept with the response) and the placeholder address
// "email@domain" (a valid address with a dotless domain: queued, filed in the local mailbox).

import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import { BIN, call, expectCall, fail, findShared, log, parseJson, plainFront, serverLog, startServer, stopServer, table } from './harness.mjs';

const require = createRequire(import.meta.url);
const newman = require('newman');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');


const COLLECTION_FILE =
  process.env.CHATWIRE_VISITOR_COLLECTION ||
  findShared('ServerChatAPI.postman_collection', "LivePerson's Server Chat API (visitor) collection");
const ACCOUNT = '1000'; // the demo account
const APP_KEY = 'demo-app-key'; // seeded by `serve --demo`
const AGENT = { username: 'agent1', password: 'demo-pass' }; // demo agent with Sales + Support

// Names of the collection's requests (the visitor-authentication one is named by its URL).
const N = {
  csds: 'a. CSDS',
  engagement: 'b. Get Engagement',
  availability: 'c. Chat Availability',
  ewt: 'c. Estimated Wait Time',
  request: 'c. Chat Request',
  preSurvey: 'c. Pre-Chat Survey',
  offlineSurvey: 'c. Offline Survey',
  chat: 'c. Chat Session URI',
  events: 'd. Chat Events',
  line: 'd. Add Line',
  end: 'd. End Chat',
  info: 'd. Chat Information',
  getName: 'e. Retrieve Visitor Name',
  setName: 'e. Set Visitor Name',
  agentTyping: "e. Retrieve Agent's Typing Status",
  visitorTyping: "e. Retrieve Visitor's Typing Status",
  setTyping: "e. Set Visitor's Typing Status",
  exitSurvey: 'e. Retrieve Exit Survey Structure',
  submitSurvey: 'e. Submit Survey Data',
  transcript: 'e. Send Transcript',
  conversation:
    'https://{{domain_conversationVep}}.liveperson.net/api/account/{{accountId}}/conversation.json?v=1&appKey={{appKey}}',
  authRequest: 'c. Authenticated Chat Request',
};

// The collection's own order (checked against the file in loadCollection).
const ORDER = [
  N.csds, N.engagement, N.availability, N.ewt, N.request, N.preSurvey, N.offlineSurvey, N.chat,
  N.events, N.line, N.end, N.info, N.getName, N.setName, N.agentTyping, N.visitorTyping,
  N.setTyping, N.exitSurvey, N.submitSurvey, N.transcript, N.conversation, N.authRequest,
];

// The documented link orders clients index into (spec §0 rule 3).
const CHAT_RELS = ['self', 'events', 'info', 'next', 'transcript-request', 'transcript-with-subject-request', 'exit-survey', 'custom-variables'];
const EVENTS_RELS = ['self', 'next'];
const INFO_RELS = ['self', 'visitor-name', 'visitor-typing', 'agent-typing'];

// Expected outcome per request. `status`: the status code, or 'ERR' when newman cannot send
// the request at all (`error`: what its message must match). `check(body, ctx)`: an extra look
// at the parsed JSON body (ctx: env before and after the run, the row, host, prep); returns an
// error string or nothing. `why`: required for every expected error (a status of 400 or more,
// or 'ERR'), saying why that is the answer LivePerson's service would give too.
const EXPECT = {
  [N.csds]: { status: 200, check: (b, c) => csdsHas(b, c.host) },
  [N.engagement]: {
    status: 200,
    check: (b) =>
      b?.status === 'AVAILABLE' && b?.engagementDetails?.skillName === 'Support'
        ? null
        : `status ${JSON.stringify(b?.status)} skillName ${JSON.stringify(b?.engagementDetails?.skillName)}, want AVAILABLE / Support (the first consumerSection)`,
  },
  [N.availability]: { status: 200, check: (b) => (b?.availability === true ? null : `availability ${JSON.stringify(b?.availability)}, want true`) },
  [N.ewt]: { status: 200, check: (b) => (b?.estimatedWaitTime === 0 ? null : `estimatedWaitTime ${JSON.stringify(b?.estimatedWaitTime)}, want 0 (agent1 has free slots)`) },
  [N.request]: { status: 201, check: (_, c) => chatRequestAnswer(c.row, c.host) },
  [N.preSurvey]: { status: 200, check: (b) => (b?.survey?.questions?.question ? null : 'no survey.questions.question') },
  [N.offlineSurvey]: { status: 200, check: (b) => (b?.survey?.questions?.question ? null : 'no survey.questions.question') },
  [N.chat]: { status: 200, check: (b, c) => waitingChat(b) ?? echoesEngagement(b?.chat?.info, c.runEnv) },
  [N.events]: { status: 200, check: (b) => sameList(rels(b?.events?.link, '@rel'), EVENTS_RELS, 'events.link rels') },
  [N.line]: { status: 201, check: (b, c) => (header(c.row, 'location')?.includes('/events/') ? null : 'no Location of the new event') },
  [N.info]: {
    status: 200,
    check: (b) =>
      sameList(rels(b?.info?.link, 'rel'), INFO_RELS, 'info.link plain rels') ??
      (typeof b?.info?.link?.[1]?.href === 'string' ? null : 'info.link[1].href is not a string') ??
      (b?.info?.state === 'ended' ? null : `info.state ${JSON.stringify(b?.info?.state)}, want "ended" (End Chat came first)`),
  },
  [N.getName]: { status: 200, check: (b) => (b?.visitorName === 'visitor' ? null : `visitorName ${JSON.stringify(b?.visitorName)}, want the default "visitor"`) },
  [N.setName]: { status: 200, check: (b) => (b?.visitorName === 'visitor1' ? null : `visitorName ${JSON.stringify(b?.visitorName)}, want "visitor1" (recorded after the end)`) },
  [N.agentTyping]: { status: 200, check: (b) => (b?.agentTyping === 'not-typing' ? null : `agentTyping ${JSON.stringify(b?.agentTyping)}, want "not-typing"`) },
  [N.visitorTyping]: { status: 200, check: (b) => (b?.visitorTyping === 'not-typing' ? null : `visitorTyping ${JSON.stringify(b?.visitorTyping)}, want "not-typing"`) },
  [N.setTyping]: {
    status: 200,
    check: (b) => (b?.visitorTyping === 'not-typing' ? null : `visitorTyping ${JSON.stringify(b?.visitorTyping)}, want "not-typing" (accepted after the end, changes nothing)`),
  },
  [N.end]: { status: 201 },
  [N.exitSurvey]: { status: 200, check: (b) => (Number.isInteger(b?.survey?.id) ? null : `survey.id ${JSON.stringify(b?.survey?.id)} is not a number`) },
  [N.submitSurvey]: { status: 200, check: (_, c) => (c.row.body ? `body ${JSON.stringify(c.row.body.slice(0, 200))}, want empty` : null) },
  [N.transcript]: { status: 200 },
  [N.conversation]: {
    status: 'ERR',
    error: /liveperson\.net/,
    why: 'host {{domain_conversationVep}}.liveperson.net cannot point at this machine (not sent)',
  },
  [N.authRequest]: {
    status: 400,
    why: 'body is not JSON: {{participantId}} / {{conversationId}} unquoted and unset',
    check: (b) => errorSays(b, 20, 'malformed JSON'),
  },
};

// Variables the collection's scripts extract, checked after the run (`host` is the server's).
const VARIABLES = (host, prep) => ({
  domain_conversationVep: new RegExp(`^${escape(host)}$`),
  domain_smt: new RegExp(`^${escape(host)}$`),
  sessionId: /^\S+$/,
  visitorId: /^\S+$/,
  contextId: /^\d+$/,
  skillId: new RegExp(`^${prep.supportSkillId}$`),
  rel_events: chatLink('/events'),
  rel_info: chatLink('/info'),
  rel_next: chatLink('\\?from=\\d+'),
  'rel_transcript-request': chatLink('/transcriptRequest'),
  'rel_transcript-with-subject-request': chatLink('/transcriptWithSubjectRequest'),
  'rel_exit-survey': chatLink('/exitSurvey'),
  'rel_custom-variables': chatLink('/customVariables'),
  'rel_visitor-name': chatLink('/info/visitorName'),
  'rel_visitor-typing': chatLink('/info/visitorTyping'),
  'rel_agent-typing': chatLink('/info/agentTyping'),
  exit_survey_id: /^\d+$/,
});

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function chatLink(tail) {
  return new RegExp(`^https://[^/]+/api/account/${ACCOUNT}/chat/H\\d{19}-[0-9a-f]{32}K\\d{7}${tail}$`);
}

function list(v) {
  return Array.isArray(v) ? v : v ? [v] : [];
}

function rels(links, key) {
  return list(links).map((l) => l?.[key]);
}

function sameList(have, want, what) {
  return JSON.stringify(have) === JSON.stringify(want) ? null : `${what} ${JSON.stringify(have)}, want ${JSON.stringify(want)}`;
}

function header(row, name) {
  const h = (row.responseHeaders ?? []).find((l) => l.toLowerCase().startsWith(`${name}:`));
  return h?.slice(name.length + 1).trim();
}

function csdsHas(body, host) {
  const uris = Object.fromEntries(list(body?.baseURIs).map((u) => [u.service, u.baseURI]));
  const wrong = ['conversationVep', 'smt'].filter((s) => uris[s] !== host);
  return wrong.length ? `baseURIs ${wrong.join(', ')}: ${wrong.map((s) => JSON.stringify(uris[s])).join(', ')}, want ${host}` : null;
}

function chatRequestAnswer(row, host) {
  const location = header(row, 'location') ?? '';
  if (!chatLink('').test(location) || !location.includes(host)) return `Location ${JSON.stringify(location)} is not a chat URL on ${host}`;
  return row.body ? `body ${JSON.stringify(row.body.slice(0, 200))}, want empty` : null;
}

function waitingChat(b) {
  const chat = b?.chat;
  return (
    sameList(rels(chat?.link, '@rel'), CHAT_RELS, 'chat.link rels') ??
    sameList(rels(chat?.events?.link, '@rel'), EVENTS_RELS, 'chat.events.link rels') ??
    sameList(rels(chat?.info?.link, '@rel'), INFO_RELS, 'chat.info.link rels') ??
    (chat?.info?.state === 'waiting' ? null : `info.state ${JSON.stringify(chat?.info?.state)}, want "waiting"`) ??
    ('agentName' in (chat?.info ?? {}) || 'agentId' in (chat?.info ?? {}) ? 'agent fields while waiting' : null) ??
    (chat?.info?.skillName === 'Support' ? null : `info.skillName ${JSON.stringify(chat?.info?.skillName)}, want "Support" (the engagement's skill)`)
  );
}

/** The chat request's LETag ids and engagement come back in the chat's info (spec §1.5). */
function echoesEngagement(info, env) {
  const want = {
    sharkVisitorId: env.visitorId,
    sharkSessionId: env.sessionId,
    sharkContextId: Number(env.contextId),
    engagementId: Number(env.engagementId),
    campaignId: Number(env.campaignId),
    skillId: Number(env.skillId),
  };
  const wrong = Object.entries(want).filter(([k, v]) => info?.[k] !== v);
  return wrong.length ? `info ${wrong.map(([k, v]) => `${k} ${JSON.stringify(info?.[k])}, want ${JSON.stringify(v)}`).join('; ')}` : null;
}

function errorSays(body, code, words) {
  const e = body?.error;
  return e?.internalCode === code && String(e?.message).includes(words)
    ? null
    : `error ${JSON.stringify(e)}, want internalCode ${code} with "${words}"`;
}

// ---------------------------------------------------------------------------------------------

const t0 = performance.now();
let tmp = null;
let front = null; // the plain-HTTP front for the CSDS request




/** Reads the collection and checks that it still has the requests this script knows, in the
 * order it expects, and that every expected error is reasoned. */
function loadCollection() {
  const collection = JSON.parse(fs.readFileSync(COLLECTION_FILE, 'utf8'));
  const names = collection.item.map((i) => i.name);
  const unknown = names.filter((n) => !(n in EXPECT));
  if (unknown.length) fail(`collection requests without an expectation: ${unknown.join(', ')}`);
  if (JSON.stringify(names) !== JSON.stringify(ORDER)) fail(`the collection's order changed:\n  have ${names.join(' | ')}\n  want ${ORDER.join(' | ')}`);
  const unreasoned = ORDER.filter((n) => (EXPECT[n].status === 'ERR' || EXPECT[n].status >= 400) && !EXPECT[n].why);
  if (unreasoned.length) fail(`expected errors without a reason: ${unreasoned.join(', ')}`);
  return collection;
}

/** The skill id an engagement for `section` is issued for (agent1 must be Online). */
async function engagementSkill(base, section) {
  const r = await expectCall(200, base, 'POST', `/api/account/${ACCOUNT}/app/engagement/visitors?v=1.0`, {
    body: { appType: 'EXTERNAL', consumerSections: [section] },
  });
  const d = r.json?.engagementDetails;
  if (d?.skillName !== section || !Number.isInteger(d?.skillId)) fail(`preparation: engagement for ${section} answered ${r.body}`);
  return d.skillId;
}

/** State the collection uses but does not create (step 3). */
async function prepare(base) {
  const a = `/api/account/${ACCOUNT}`;
  const login = await expectCall(200, base, 'POST', `${a}/login?v=1.3`, { body: AGENT });
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
  return { asid, salesSkillId: await engagementSkill(base, 'Sales'), supportSkillId: await engagementSkill(base, 'Support') };
}

/** Runs the collection; resolves {rows by run position, env, summary, ms}. */
function runNewman(collection, environment) {
  return new Promise((resolve, reject) => {
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
  return name === N.conversation ? '…liveperson.net/…/conversation.json (named by URL)' : name;
}


/** The problems of one row against its expectation. */
function problemsOf(e, r, ctx) {
  const problems = [];
  if (e.status === 'ERR') {
    if (!r.error) problems.push(r.status === undefined ? 'not sent' : `answered ${r.status}, want a request error`);
    else if (e.error && !e.error.test(r.error)) problems.push(`request error ${JSON.stringify(r.error)} does not match ${e.error}`);
    return problems;
  }
  if (r.error) problems.push(`request error: ${r.error}`);
  else if (r.status === undefined) problems.push('not sent');
  else if (r.status !== e.status) problems.push(`status ${r.status}, want ${e.status}`);
  if (!problems.length && e.check) {
    const why = e.check(parseJson(r.body), { ...ctx, row: r });
    if (why) problems.push(why);
  }
  // Script errors only matter where the response was the one expected.
  if (!problems.length) problems.push(...r.scriptErrors);
  return problems;
}

/** Polls the mailbox as the demo admin until a mail to `to` is there (the mailer files it
 * once the chat has ended); resolves the mail or null after 20 s. */
async function mailTo(base, to) {
  const login = await expectCall(200, base, 'POST', `/api/account/${ACCOUNT}/login?v=1.3`, { body: AGENT });
  const headers = { Authorization: `Bearer ${login.json?.bearer}` };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await call(base, 'GET', `/chatwire/v1/accounts/${ACCOUNT}/mailbox?limit=100`, { headers });
    const found = (r.json?.mail ?? []).find((m) => m.to === to);
    if (found || Date.now() > deadline) return found ?? null;
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function main() {
  if (!fs.existsSync(BIN)) fail(`no server binary at ${BIN}; run \`cargo build -p chatwire\` first`);
  const collection = loadCollection();

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatwire-newman-visitor-'));

  // 1. Serve, with no mail settings.
  const configPath = path.join(tmp, 'chatwire.toml');
  fs.writeFileSync(configPath, '# written by tests/newman/run-visitor-collection.mjs: no [mail], so mail goes to the local mailbox\n');
  const { base, host } = await startServer(configPath, path.join(tmp, 'data'));
  log(`chatwire ${base} (data ${tmp})`);

  // 2. The plain-HTTP front for the CSDS request.
  front = await plainFront(host);
  const csdsDomain = `127.0.0.1:${front.port}`;

  // 3. Prepare.
  const prep = await prepare(base);
  log(`prepared: agent1 Online in agent session ${prep.asid}; Sales skill ${prep.salesSkillId}, Support skill ${prep.supportSkillId}; CSDS front http://${csdsDomain}`);

  // 4. Run.
  const initial = { csdsDomain, accountId: ACCOUNT, appKey: APP_KEY, skillId: String(prep.salesSkillId) };
  const set = ['domain_conversationVep', 'domain_smt', 'sessionId', 'visitorId', 'campaignId', 'engagementId', 'contextId', 'chat_session_uri', 'exit_survey_id'];
  const environment = {
    name: 'chatwire',
    values: [...Object.keys(initial), ...set].map((key) => ({ key, value: initial[key] ?? '', type: 'text', enabled: true })),
  };
  fs.writeFileSync(path.join(tmp, 'environment.json'), JSON.stringify(environment, null, 2));
  log(`newman: ${ORDER.length} requests from ${path.relative(process.cwd(), COLLECTION_FILE) || COLLECTION_FILE}, in its own order`);
  const run = await runNewman(collection, environment);
  fs.writeFileSync(
    path.join(tmp, 'exchanges.json'),
    JSON.stringify(ORDER.map((name, i) => ({ name, ...run.rows.get(i) })), null, 2),
  );

  // 5. Check.
  const ctx = { env: initial, runEnv: run.env, host, prep };
  const failures = [];
  const lines = [];
  ORDER.forEach((name, i) => {
    const e = EXPECT[name];
    const r = run.rows.get(i) ?? { scriptErrors: [] };
    const got = r.error ? 'ERR' : r.status ?? '-';
    const problems = problemsOf(e, r, ctx);
    if (problems.length) failures.push({ name, r, problems });
    lines.push([i + 1, shortName(name), r.method ?? '', e.status, got, problems.length ? 'FAIL' : 'ok', problems.length ? problems.join('; ') : e.why ?? '']);
  });

  // Probes (not in the collection): what the after-the-end requests left behind.
  const probe = (label, ok, why) => {
    if (!ok) failures.push({ name: `probe: ${label}`, problems: [why] });
    lines.push(['+', `probe: ${label}`, 'GET', '', '', ok ? 'ok' : 'FAIL', ok ? '' : why]);
  };
  {
    const url = run.env['rel_visitor-name'];
    const r = url ? await call(base, 'GET', `${url}.json?v=1&appKey=${APP_KEY}`) : { status: '-', body: 'no rel_visitor-name' };
    probe('the name set after the end is the chat\'s name', r.status === 200 && r.json?.visitorName === 'visitor1', `answered ${r.status}: ${String(r.body).slice(0, 300)}`);
  }
  {
    const mail = await mailTo(base, 'email@domain');
    probe(
      'the transcript is in the local mailbox',
      mail !== null && mail.subject === 'Your chat transcript' && mail.text.includes('hi'),
      `no transcript for email@domain in the mailbox within 20 s (got ${JSON.stringify(mail)?.slice(0, 300)})`,
    );
  }

  log('');
  log(table(['#', 'request', 'method', 'want', 'got', 'result', 'why / problem'], lines));

  log('');
  const varLines = Object.entries(VARIABLES(host, prep)).map(([k, re]) => {
    const v = run.env[k];
    const ok = v !== undefined && re.test(String(v));
    if (!ok) failures.push({ name: `variable ${k}`, problems: [`${JSON.stringify(v)} does not match ${re}`] });
    return [k, v === undefined ? '(unset)' : JSON.stringify(v), ok ? 'ok' : 'FAIL'];
  });
  log(table(['variable', 'value', 'result'], varLines));

  log('');
  log(`newman step: ${(run.ms / 1000).toFixed(2)} s; whole script: ${((performance.now() - t0) / 1000).toFixed(2)} s`);

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
  log(e.expected ? `run-visitor-collection: ${e.message}` : `run-visitor-collection: ${e.stack}`);
  if (serverLog.length) log(`\nlast server log lines:\n${serverLog.slice(-30).join('\n')}`);
} finally {
  await front?.close();
  await stopServer();
  if (tmp) {
    if (code === 0 && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp} (environment, config, data, exchanges.json)`);
  }
}
process.exit(code);
