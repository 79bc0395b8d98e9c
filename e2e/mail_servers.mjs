// What the mail-move browser tests share: the two Dovecot servers of
// `demo_servers`, a `ferry serve` allowed to reach them over loopback, the
// page's mailbox cards, and counting messages on a server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startFerry } from './support.mjs';

/** The account `demo_servers` makes on both servers. */
export const USER = 'alice';
export const PASSWORD = 'alice-secret';

/** Starts the two Dovecot servers of `demo_servers` (`demoBin`) with a
 * mailbox of `messages`; `found` resolves to their ports. */
export function startDemoServers(demoBin, messages) {
  const child = spawn(demoBin, [String(messages)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const found = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('demo_servers did not start in 120 s')), 120_000);
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const source = buffered.match(/^source: 127\.0\.0\.1:(\d+)/m);
      const target = buffered.match(/^target: 127\.0\.0\.1:(\d+)/m);
      if (source && target) {
        clearTimeout(timer);
        resolve({ source: Number(source[1]), target: Number(target[1]) });
      }
    });
    child.on('exit', (code) => reject(new Error(`demo_servers exited with ${code}`)));
  });
  return { child, found };
}

/** `ferry serve` (`ferryBin`) that may reach loopback over plain http,
 * with its data folder `data-NAME` in `scratch`, the page from `dist`, and
 * `more` configuration lines. */
export function startFerryAllowingLoopback({ ferryBin, scratch, dist, name, more = [] }) {
  const config = path.join(scratch, `${name}.toml`);
  writeFileSync(config, [
    `data_dir = ${JSON.stringify(path.join(scratch, `data-${name}`))}`,
    `static_dir = ${JSON.stringify(dist)}`,
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

/** The page's card for one mailbox, by its heading. */
export const card = (page, title) =>
  page.locator('section.mailbox-card', { has: page.getByRole('heading', { name: title }) });

/** A tiny IMAP client: the number of messages in every folder of
 * `user`'s mailbox. */
export async function countMessages(port, user = USER, password = PASSWORD) {
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

export const sum = (values) => values.reduce((a, b) => a + b, 0);
