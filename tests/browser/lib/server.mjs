// A real chatwire server for the browser tests: `chatwire serve --demo` on a free port over
// plain HTTP, with a fresh data folder, stopped at the end. Also a second web server on another
// port: a customer's shop page on another origin that embeds the widget from chatwire.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repository's root. */
export const REPO = path.resolve(HERE, '..', '..', '..');
/** The chatwire binary: CHATWIRE_BIN, else the debug build of this checkout. */
export const BIN = process.env.CHATWIRE_BIN || path.join(REPO, 'target', 'debug', 'chatwire');
const STARTUP_TIMEOUT_MS = 30_000;

/** The environment for the server: no inherited CHATWIRE_* or RUST_LOG settings. */
function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('CHATWIRE_') && k !== 'RUST_LOG') env[k] = v;
  }
  return { ...env, ...extra };
}

/**
 * Starts `chatwire serve --demo` on 127.0.0.1, port chosen by the system. `config` is extra
 * TOML for its configuration file; `env` extra variables (e.g. CHATWIRE__SERVER__WEB_DIR).
 * Resolves `{base, log, stop}`; `log` holds the server's output lines (printed on failure).
 */
export async function startChatwire({ config = '', env = {} } = {}) {
  // CHATWIRE_TEST_WEB_DIR: serve the UI files from a folder (server.web_dir) instead of the
  // binary's built-in copy, to test UI edits without rebuilding.
  if (process.env.CHATWIRE_TEST_WEB_DIR) env = { CHATWIRE__SERVER__WEB_DIR: process.env.CHATWIRE_TEST_WEB_DIR, ...env };
  if (!fs.existsSync(BIN)) throw new Error(`no chatwire binary at ${BIN}: run \`cargo build -p chatwire\` or set CHATWIRE_BIN`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatwire-browser-'));
  const configPath = path.join(tmp, 'chatwire.toml');
  fs.writeFileSync(configPath, `# written by tests/browser/lib/server.mjs\n${config}\n`);
  const child = spawn(BIN, ['--config', configPath, '--data-dir', path.join(tmp, 'data'), 'serve', '--demo', '--listen', '127.0.0.1:0'], {
    env: childEnv({ CHATWIRE__LOG__FILTER: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not report its address within ${STARTUP_TIMEOUT_MS} ms:\n${log.join('\n')}`)), STARTUP_TIMEOUT_MS);
    const onLine = (line) => {
      log.push(line);
      // The demo banner (stdout) names the address whatever the log level.
      const m = /demo account ready at (http:\/\/127\.0\.0\.1:\d+)\//.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (d) => {
        buf += d;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
    }
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${code}, signal ${signal}):\n${log.join('\n')}`));
    });
    child.on('error', (e) => reject(new Error(`cannot start ${BIN}: ${e.message}`)));
  });
  // Quiet once listening: the log is kept for failures only.
  child.removeAllListeners('exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  return { base, log, stop, dataDir: path.join(tmp, 'data') };
}

/**
 * A web server on another origin (127.0.0.1, its own port) serving a shop page that embeds the
 * widget from `chatwireBase` with `attrs` (data-account, data-app-key, data-skill…) on the
 * script tag. The page is built per request from `attrs`, so a test may set the app key after
 * it knows the shop's origin (`attrs['data-app-key'] = key`). Resolves `{origin, url, close}`.
 */
export function startShop(chatwireBase, attrs) {
  const page = () => {
    const tag = Object.entries(attrs)
      .map(([k, v]) => ` ${k}="${String(v).replace(/"/g, '&quot;')}"`)
      .join('');
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Another shop</title></head>
<body><h1>Another shop</h1><p>A page on another origin that embeds the chatwire widget.</p>
<script src="${chatwireBase}/widget.js"${tag}></script>
</body></html>`;
  };
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page());
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({ origin, url: `${origin}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
