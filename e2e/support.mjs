// What the browser tests share: Chromium and its flags, starting `ferry serve`
// on a free port and testkit's demo_servers, pages whose errors are
// collected, reading a CSV download.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Headless Debian Chromium with a fresh profile in `scratch`, at desktop size. */
export function launchBrowser(scratch, options = {}) {
  return chromium.launchPersistentContext(path.join(scratch, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
}

/** Starts testkit's demo_servers with `args`; `found` resolves, once it
 * has printed everything (its last line asks for Enter), to the ports of
 * its IMAP servers (`source`, `target`), the URLs of its calendar servers
 * (`caldav`, `ews`) and, with `--oauth`, of the test provider
 * (`authorize`, `token`) and the Microsoft Graph stand-in (`graph`). */
export function startDemoServers(demoBin, args) {
  const child = spawn(demoBin, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const found = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('demo_servers did not start in 120 s')), 120_000);
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      if (!/^Press Enter to stop the servers\./m.test(buffered)) return;
      clearTimeout(timer);
      const printed = (pattern) => buffered.match(pattern)?.[1];
      resolve({
        source: Number(printed(/^source: 127\.0\.0\.1:(\d+)/m)),
        target: Number(printed(/^target: 127\.0\.0\.1:(\d+)/m)),
        caldav: printed(/^caldav: (\S+)/m),
        ews: printed(/^ews: (\S+)/m),
        authorize: printed(/^authorize: (\S+)/m),
        token: printed(/^token: (\S+)/m),
        graph: printed(/^graph: (\S+)/m),
      });
    });
    child.on('exit', (code) => reject(new Error(`demo_servers exited with ${code}`)));
  });
  return { child, found };
}

/** A free loopback port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** `startDemoServers` with `messages` messages and `--oauth`: its test
 * OAuth2 provider (and Microsoft Graph stand-in) send the browser back to
 * `redirect`, Ferry's callback on the free port it must then listen on
 * (`listen`), since that URL must be known before Ferry starts. */
export async function startOAuthDemoServers(demoBin, messages) {
  const port = await freePort();
  const redirect = `http://127.0.0.1:${port}/api/oauth/callback`;
  const started = startDemoServers(demoBin, [String(messages), '--oauth', redirect]);
  return { ...started, redirect, listen: `127.0.0.1:${port}` };
}

/** The `[oauth.test]` lines for demo_servers' test provider (`found`,
 * from `startDemoServers`) with `scopes` (a TOML list) and Ferry's
 * callback `redirect`. The browser reaches the provider as another site
 * (localhost against 127.0.0.1), so cookies work as they must across sites. */
export function testProviderConfig(found, redirect, scopes) {
  return [
    '[oauth.test]',
    `authorize_url = ${JSON.stringify(found.authorize.replace('127.0.0.1', 'localhost'))}`,
    `token_url = ${JSON.stringify(found.token)}`,
    'client_id = "ferry-test"',
    `scopes = ${scopes}`,
    `redirect_url = ${JSON.stringify(redirect)}`,
  ];
}

/** `ferry serve` (`ferryBin`) that may reach loopback over plain http,
 * serving the page from `staticDir`, its configuration file and data
 * folder named after `name` in `scratch`, with `more` configuration lines,
 * on `listen` (default: a free port). */
export function startLoopbackFerry({ ferryBin, scratch, staticDir, name, more = [], listen }) {
  const config = path.join(scratch, `${name}.toml`);
  writeFileSync(config, [
    `data_dir = ${JSON.stringify(path.join(scratch, `data-${name}`))}`,
    `static_dir = ${JSON.stringify(staticDir)}`,
    '[network]',
    'allowed_networks = ["127.0.0.0/8"]',
    'allowed_ports = []',
    '[sessions]',
    'secure_cookie = false',
    ...more,
    '',
  ].join('\n'));
  return startFerry(ferryBin, ['--config', config], listen);
}

/** Closes the browser, stops `ferry serve` and demo_servers (any of them
 * may be missing) and removes the scratch folder. */
export async function stopAll({ context, server, demo, scratch }) {
  await context?.close();
  server?.kill('SIGTERM');
  demo?.stdin.end('\n');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

/** A new page of `context` whose page errors and console errors are
 * added to `problems`. */
export async function watchedPage(context, problems) {
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  return page;
}

/** Starts `ferry serve` on `listen` (default: a free loopback port) with
 * `args`; `url` resolves to the address it prints. */
export function startFerry(ferryBin, args, listen = '127.0.0.1:0') {
  const child = spawn(ferryBin, ['serve', '--listen', listen, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ferry serve did not start in 30 s')), 30_000);
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = buffered.match(/Ferry is running at (\S+)/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => reject(new Error(`ferry serve exited with ${code}`)));
  });
  return { child, url };
}

/** RFC 4180 CSV into rows of fields. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** A watched page (see [`watchedPage`]) opened at `url`. */
export async function openWatchedPage(context, url, problems) {
  const page = await watchedPage(context, problems);
  await page.goto(url);
  return page;
}

/** Full-page screenshots `PREFIX-desktop.png` and `PREFIX-phone.png`. */
export async function shootBothWidths(page, prefix) {
  await page.screenshot({ path: `${prefix}-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${prefix}-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Where the mail tests find the project, the binaries and the
 * screenshots' folder (FERRY_BIN and FERRY_DEMO_SERVERS_BIN override). */
export function mailTestPaths() {
  const root = path.resolve(import.meta.dirname, '..');
  const ferryBin = process.env.FERRY_BIN ?? path.join(root, 'target/debug/ferry');
  const demoBin = process.env.FERRY_DEMO_SERVERS_BIN ?? path.join(path.dirname(ferryBin), 'demo_servers');
  return { root, ferryBin, demoBin, artifacts: path.join(root, 'e2e/artifacts') };
}
