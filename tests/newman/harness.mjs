// Shared by the newman scripts: start and stop a real chatwire server, HTTPS calls without
// certificate checks, logging, and the report table. The scripts keep only what is specific to
// their collection (expectations, provisioning), plus a plain-HTTP front for hosts a collection
// reaches over plain HTTP.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
export const BIN = process.env.CHATWIRE_BIN || path.join(REPO, 'target', 'debug', 'chatwire');
const STARTUP_TIMEOUT_MS = 30_000;

let server = null; // the chatwire child process
/** The server's log lines, for printing on failure. */
export const serverLog = [];

// LivePerson's collections are LivePerson's files, so they are not copied into the repository.
// They are read from the folder named by CHATWIRE_LP_CLIENTS, else from the shared reference
// beside the repository (../shared/clients relative to the repository root).
/** The variable that names the folder holding LivePerson's collections. */
export const CLIENTS_VAR = 'CHATWIRE_LP_CLIENTS';

/**
 * The path of LivePerson's collection `file`. When the folder or the file is absent, prints a
 * SKIPPED line and ends the process with status 0: the suite cannot run, which is not a failure
 * of chatwire. A folder named by the variable but lacking the file is a mistake: status 2.
 */
export function findShared(file, suite) {
  const named = process.env[CLIENTS_VAR];
  if (named) {
    const p = path.resolve(named, file);
    if (!fs.existsSync(p)) {
      console.error(`${CLIENTS_VAR}=${named} does not hold LivePerson's collection ${JSON.stringify(file)}`);
      process.exit(2);
    }
    return p;
  }
  const beside = path.join(REPO, '..', 'shared', 'clients', file);
  if (fs.existsSync(beside)) return beside;
  log(
    `SKIPPED ${suite}: LivePerson's collection ${JSON.stringify(file)} not found ` +
      `(set ${CLIENTS_VAR}=<folder> or put ../shared/clients beside the repo)`,
  );
  process.exit(0);
}

export function log(msg) {
  process.stdout.write(`${msg}\n`);
}

export function fail(msg) {
  const e = new Error(msg);
  e.expected = true;
  throw e;
}

/** The environment for chatwire children: no inherited CHATWIRE_* or RUST_LOG settings. */
export function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('CHATWIRE_') && k !== 'RUST_LOG') env[k] = v;
  }
  return { ...env, ...extra };
}

export function startServer(configPath, dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      BIN,
      ['--config', configPath, '--data-dir', dataDir, 'serve', '--demo', '--tls-self-signed', '--listen', '127.0.0.1:0'],
      {
        env: childEnv({ CHATWIRE__LOG__FORMAT: 'json', CHATWIRE__LOG__FILTER: 'info' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    server = child;
    const timer = setTimeout(() => reject(new Error(`server did not report its address within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => serverLog.push(`[stdout] ${d.trimEnd()}`));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
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
        const m = /chatwire listening on (https:\/\/127\.0\.0\.1:(\d+))/.exec(msg);
        if (m) {
          clearTimeout(timer);
          resolve({ base: m[1], host: `127.0.0.1:${m[2]}` });
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${code}, signal ${signal})`));
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${BIN}: ${e.message}`));
    });
  });
}

export async function stopServer() {
  const child = server;
  server = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), 15_000));
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    log('server did not stop within 15 s of SIGTERM; sending SIGKILL');
    child.kill('SIGKILL');
    await exited;
  }
}

/** One HTTPS request without certificate checks; resolves {status, headers, body, json}. */
export function call(base, method, urlPath, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = https.request(
      new URL(urlPath, base),
      {
        method,
        rejectUnauthorized: false,
        timeout: 15_000,
        headers: {
          Accept: 'application/json',
          ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            /* leave null */
          }
          resolve({ status: res.statusCode, headers: res.headers, body: text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/**
 * A plain-HTTP front on a free local port that forwards every request, unchanged except for its
 * `Host` (set to `host`, so the answer names the server's own TLS address), to `https://host`.
 * It plays a host a collection reaches over plain HTTP (LivePerson's CSDS), so the request is
 * sent as written. Resolves {port, close}.
 */
export function plainFront(host) {
  return new Promise((resolve, reject) => {
    const front = http.createServer((req, res) => {
      const upstream = https.request(
        { host: host.split(':')[0], port: Number(host.split(':')[1]), path: req.url, method: req.method, headers: { ...req.headers, host }, rejectUnauthorized: false },
        (up) => {
          res.writeHead(up.statusCode, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (e) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`front: ${e.message}`);
      });
      req.pipe(upstream);
    });
    front.on('error', reject);
    front.listen(0, '127.0.0.1', () => resolve({ port: front.address().port, close: () => new Promise((r) => front.close(r)) }));
  });
}

export async function expectCall(want, base, method, urlPath, opts) {
  const r = await call(base, method, urlPath, opts);
  if (r.status !== want) fail(`preparation: ${method} ${urlPath} answered ${r.status}, want ${want}:\n${r.body}`);
  return r;
}

export function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export function table(headers, lines) {
  const widths = headers.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}

// Last resort if the script dies: never leave the server running.
process.on('exit', () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    process.exit(130);
  });
}
