// What the browser tests share: Chromium and its flags, starting `ferry serve`
// on a free port, reading a CSV download, the demo Dovecot servers and
// counting their messages.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

/** Starts `ferry serve` on a free loopback port with `args`; `url` resolves
 * to the address it prints. */
export function startFerry(ferryBin, args) {
  const child = spawn(ferryBin, ['serve', '--listen', '127.0.0.1:0', ...args], {
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

/** Starts testkit's demo_servers (`demoBin`) with `args`; `found` resolves
 * to the two servers' ports once it printed them (and, when `ready` is
 * given, a line matching it). Enter on its stdin stops it. */
export function startDemoServers(demoBin, args, ready = null) {
  const child = spawn(demoBin, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const found = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('demo_servers did not start in 120 s')), 120_000);
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const source = buffered.match(/^source: 127\.0\.0\.1:(\d+)/m);
      const target = buffered.match(/^target: 127\.0\.0\.1:(\d+)/m);
      if (source && target && (!ready || ready.test(buffered))) {
        clearTimeout(timer);
        resolve({ source: Number(source[1]), target: Number(target[1]) });
      }
    });
    child.on('exit', (code) => reject(new Error(`demo_servers exited with ${code}`)));
  });
  return { child, found };
}

/** `ferry serve` that may reach loopback over plain http, serving the page
 * in `staticDir`, with its settings and data folder named `name` in
 * `scratch`, and `more` configuration lines. */
export function startFerryAllowingLoopback(ferryBin, scratch, staticDir, name, more = []) {
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
  return startFerry(ferryBin, ['--config', config]);
}

/** A tiny IMAP client: the number of messages in every folder of `user`
 * on the loopback server at `port`. */
export async function countMessages(port, user, password) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffered = '';
  let waiting = null;
  socket.on('data', (chunk) => {
    buffered += chunk;
    if (waiting && waiting.test()) waiting.done();
  });
  const until = (test) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`IMAP timeout: ${buffered.slice(-200)}`)), 20_000);
    waiting = { test, done: () => { clearTimeout(timer); waiting = null; resolve(); } };
    if (test()) waiting.done();
  });
  let tag = 0;
  const command = async (line) => {
    tag += 1;
    const start = buffered.length;
    socket.write(`a${tag} ${line}\r\n`);
    const done = new RegExp(`^a${tag} (OK|NO|BAD)`, 'm');
    await until(() => done.test(buffered.slice(start)));
    const answer = buffered.slice(start);
    assert.match(answer, new RegExp(`^a${tag} OK`, 'm'), `IMAP ${line}`);
    return answer;
  };
  await until(() => buffered.includes('* OK'));
  await command(`LOGIN ${user} ${password}`);
  const listed = await command('LIST "" "*"');
  const names = [...listed.matchAll(/^\* LIST \(([^)]*)\) (?:"[^"]*"|NIL) (.+)$/gm)]
    .filter(([, flags]) => !/\\Noselect|\\NonExistent/i.test(flags))
    .map(([, , name]) => name.trim());
  const counts = {};
  for (const name of names) {
    const status = await command(`STATUS ${name} (MESSAGES)`);
    counts[name] = Number(status.match(/MESSAGES (\d+)/)[1]);
  }
  await command('LOGOUT').catch(() => {});
  socket.destroy();
  return counts;
}

/** A new page of `context` at `url` whose errors (uncaught, or logged to
 * the console as errors) go into `problems`. */
export async function openWatchedPage(context, url, problems) {
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  await page.goto(url);
  return page;
}

/** Full-page screenshots of `page` at desktop and phone width, as
 * `prefix-desktop.png` and `prefix-phone.png`; back at desktop width. */
export async function shootBothWidths(page, prefix) {
  await page.screenshot({ path: `${prefix}-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${prefix}-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Where the mail tests find things: the repository, `ferry` (FERRY_BIN),
 * `demo_servers` (FERRY_DEMO_SERVERS_BIN, else next to `ferry`) and the
 * screenshots folder. */
export function mailTestPaths() {
  const root = path.resolve(import.meta.dirname, '..');
  const ferryBin = process.env.FERRY_BIN ?? path.join(root, 'target/debug/ferry');
  const demoBin = process.env.FERRY_DEMO_SERVERS_BIN ?? path.join(path.dirname(ferryBin), 'demo_servers');
  return { root, ferryBin, demoBin, artifacts: path.join(root, 'e2e/artifacts') };
}
