// Headless Chromium through playwright-core, using the system's browser (playwright-core never
// downloads one): CHATWIRE_CHROMIUM, else the first of chromium, chromium-browser and
// google-chrome on the PATH. Without one the suites print SKIPPED and pass (.ci/run installs
// Debian's chromium when it can). Screenshots go to target/screenshots (not committed).

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { REPO } from './server.mjs';

/** Where the tests write their screenshots. */
export const SCREENSHOTS = path.join(REPO, 'target', 'screenshots');

/** The browser executable, or null when this machine has none. */
export function findChromium() {
  if (process.env.CHATWIRE_CHROMIUM) return process.env.CHATWIRE_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    for (const dir of (process.env.PATH || '').split(path.delimiter)) {
      const p = path.join(dir, name);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
      } catch {
        /* next */
      }
    }
  }
  return null;
}

/**
 * For `node:test`: `{skip}` is a reason when there is no browser (printed as SKIPPED), else
 * false. Use as `test('…', skipUnlessBrowser(), async () => …)`.
 */
export function skipUnlessBrowser() {
  const exe = findChromium();
  if (exe) return { skip: false };
  const why = 'no Chromium (install chromium, or set CHATWIRE_CHROMIUM=<executable>)';
  process.stdout.write(`SKIPPED browser tests: ${why}\n`);
  return { skip: why };
}

/** Launches headless Chromium. Closing it is the caller's job (`browser.close()`). */
export async function launch() {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    // Containers often run as root and have a small /dev/shm.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** Saves a screenshot of `page` as target/screenshots/<name>.png. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/**
 * Collects the page's console errors and uncaught exceptions, so a test can assert there were
 * none (a script error that leaves the page looking fine is still a bug).
 */
export function watchErrors(page, label) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`${label}: uncaught ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${label}: console.error ${m.text()}`);
  });
  return errors;
}
