// What the mail-move browser tests share besides support.mjs: the
// account of demo_servers, the page's mailbox cards, and counting messages
// on a server.
import assert from 'node:assert/strict';
import net from 'node:net';

/** The account `demo_servers` makes on both servers. */
export const USER = 'alice';
export const PASSWORD = 'alice-secret';

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
