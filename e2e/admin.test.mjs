// End-to-end test of admin mode through the page: two real Dovecot servers
// with a master user (testkit's demo_servers --master-user: alice and bob,
// admin/admin-secret), the real `ferry serve` with [admin] enabled, the
// Trunk-built page, headless Debian Chromium driven by playwright-core.
// The Admin tab shows only where the site has admin mode on; a wrong
// service password and a bad user list get plain refusals; group "Pilot"
// (alice) moves to Done while group "Later" (bob) stays untouched, counted
// on the servers; running the group again copies nothing. Where the site
// lists the EWS test server, a third card signs in its service account (a
// user it may not act for is refused plainly), calendar files named after
// users are matched to them (a file named after nobody is named back), and
// starting group Pilot puts alice's calendar into her mailbox. Any page error
// or console error (but the expected refusals) fails the test. Screenshots at
// desktop and phone width go to e2e/artifacts/admin-*.png.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  launchBrowser, mailTestPaths, openWatchedPage, shootBothWidths, startDemoServers, startLoopbackFerry,
} from './support.mjs';
import { countMessages } from './mail_servers.mjs';

const { root, ferryBin, demoBin, artifacts } = mailTestPaths();
const LIST = 'source_user,target_user,group\nalice,alice,Pilot\nbob,bob,Later\n';

let demo;
let ports;
let servers = [];
let adminUrl;
let plainUrl;
let calendarUrl;
let context;
let scratch;
const problems = [];

function startFerryNamed(name, more = []) {
  const ferry = startLoopbackFerry({ ferryBin, scratch, staticDir: path.join(root, 'dist'), name, more });
  servers.push(ferry.child);
  return ferry.url;
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-admin-'));
  const started = startDemoServers(demoBin, ['80', '--master-user']);
  demo = started.child;
  ports = await started.found;
  adminUrl = await startFerryNamed('admin', ['[admin]', 'enabled = true']);
  plainUrl = await startFerryNamed('plain');
  const imap = (id, role, port) => [
    '[[servers]]', `id = "${id}"`, `label = "${id} mail"`, 'kind = "imap"', `role = "${role}"`,
    'host = "127.0.0.1"', `port = ${port}`, 'tls = "none"',
  ];
  calendarUrl = await startFerryNamed('calendars', [
    '[admin]', 'enabled = true',
    ...imap('old', 'source', ports.source),
    ...imap('new', 'target', ports.target),
    '[[servers]]', 'id = "exchange"', 'label = "Exchange"', 'kind = "ews"', 'role = "target"', `url = "${ports.ews}"`,
  ]);
  context = await launchBrowser(scratch);
});

after(async () => {
  await context?.close();
  for (const server of servers) server.kill('SIGTERM');
  demo?.stdin.end('\n');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

afterEach(() => {
  // The browser logs refused requests (400, 401) itself: those are expected.
  const refused = /Failed to load resource: the server responded with a status of 40[01]/;
  const found = problems.splice(0).filter((p) => !refused.test(p));
  assert.deepEqual(found, [], 'the page reported errors');
});

const openPage = (url, hash) => openWatchedPage(context, new URL(hash, url).href, problems);
const shoot = (page, name) => shootBothWidths(page, path.join(artifacts, `admin-${name}`));

const card = (page, title) => page.locator('section.mailbox-card', { has: page.getByRole('heading', { name: title }) });
const group = (page, name) => page.locator('section.admin-group', { has: page.getByRole('heading', { name: `Group ${name}` }) });
const row = (page, user) => page.locator('table.admin-users tr', { has: page.getByRole('cell', { name: user, exact: true }) }).first();

async function signIn(page, title, port, password) {
  const side = card(page, title);
  await side.getByLabel('Mail server (IMAP)').fill('127.0.0.1');
  await side.getByLabel('Port').fill(String(port));
  await side.getByLabel('Security').selectOption('plain');
  await side.getByLabel('Service account').fill('admin');
  await side.getByLabel('Password').fill(password);
  await side.getByLabel('Check with this user (optional)').fill('alice');
  await side.getByRole('button', { name: 'Sign in' }).click();
  return side;
}

/** All messages of `user` on the server at `port`. */
async function messagesOf(port, user, password) {
  return Object.values(await countMessages(port, user, password)).reduce((a, b) => a + b, 0);
}

test('the Admin tab shows only where the site has admin mode on', async () => {
  const plain = await openPage(plainUrl, '/#move');
  await plain.getByRole('heading', { name: 'Move your mail' }).waitFor();
  assert.equal(await plain.getByRole('link', { name: 'Admin' }).isVisible(), false);
  await plain.close();
  const page = await openPage(adminUrl, '/#move');
  await page.getByRole('link', { name: 'Admin' }).click();
  await page.getByRole('heading', { name: 'Move many mailboxes' }).waitFor();
  await shoot(page, '1-start');
  await page.close();
});

test('an admin signs in, gives the list and moves group Pilot only, then again', async () => {
  const page = await openPage(adminUrl, '/#admin');
  await page.getByRole('heading', { name: 'Move many mailboxes' }).waitFor();

  const old = await signIn(page, 'Old server', ports.source, 'not-the-password');
  await old.getByRole('alert').filter({ hasText: 'refused the user name or password' }).waitFor();
  await old.getByLabel('Password').fill('admin-secret');
  await old.getByRole('button', { name: 'Sign in' }).click();
  await old.getByText('as admin at 127.0.0.1').waitFor();
  const target = await signIn(page, 'New server', ports.target, 'admin-secret');
  await target.getByText('as admin at 127.0.0.1').waitFor();

  // The list: a bad line is named; then the real list, typed with the keyboard.
  const list = page.locator('section.user-list');
  await list.getByLabel('User list (CSV)').fill('alice,alice\n');
  await list.getByRole('button', { name: 'Save the list' }).click();
  await list.getByRole('alert').filter({
    hasText: 'Line 1: expected three values — source user, target user, group — but found 2.',
  }).waitFor();
  await list.getByLabel('User list (CSV)').fill('');
  await list.getByLabel('User list (CSV)').focus();
  await page.keyboard.type(LIST);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await list.getByText('Saved: 2 users in 2 groups.').waitFor();
  await group(page, 'Later').waitFor();
  assert.match(await row(page, 'bob').textContent(), /Not started/);
  await shoot(page, '2-list');

  const sourceAlice = await messagesOf(ports.source, 'alice', 'alice-secret');
  const sourceBob = await messagesOf(ports.source, 'bob', 'bob-secret');
  assert.ok(sourceAlice > 0 && sourceBob > 0);
  await group(page, 'Pilot').getByRole('button', { name: 'Start moving group Pilot' }).click();
  await row(page, 'alice').getByText('Done', { exact: true }).waitFor({ timeout: 180_000 });
  const progress = await row(page, 'alice').locator('td[data-label=Progress]').textContent();
  const [, copied, total] = progress.match(/(\d+) of (\d+) messages/);
  assert.equal(copied, total);
  assert.equal(Number(total), sourceAlice, 'the page counted what the server holds');
  assert.equal(await messagesOf(ports.target, 'alice', 'alice-secret'), sourceAlice);
  assert.equal(await messagesOf(ports.target, 'bob', 'bob-secret'), 0, 'group Later untouched');
  assert.match(await row(page, 'bob').textContent(), /Not started/);
  assert.match(await group(page, 'Pilot').locator('.group-summary').textContent(), /1 of 1 done/);
  await shoot(page, '3-pilot-done');

  // The cut-over: the group again copies nothing.
  const accepted = page.waitForResponse((r) => r.url().endsWith('/api/admin/groups/Pilot/start'));
  await group(page, 'Pilot').getByRole('button', { name: 'Run group Pilot again' }).click();
  assert.equal((await accepted).status(), 202);
  await row(page, 'alice').getByText('0 of 0 messages').waitFor({ timeout: 60_000 });
  await row(page, 'alice').getByText('Done', { exact: true }).waitFor({ timeout: 60_000 });
  assert.equal(await messagesOf(ports.target, 'alice', 'alice-secret'), sourceAlice);
  await shoot(page, '4-run-again');
  await page.close();
});

test('with Exchange listed, an admin gives calendar files and group Pilot puts them in', async () => {
  const page = await openPage(calendarUrl, '/#admin');
  await page.getByRole('heading', { name: 'Move many mailboxes' }).waitFor();
  for (const title of ['Old server', 'New server']) {
    const side = card(page, title);
    await side.getByLabel('Service account').fill('admin');
    await side.getByLabel('Password').fill('admin-secret');
    await side.getByLabel('Check with this user (optional)').fill('alice');
    await side.getByRole('button', { name: 'Sign in' }).click();
    await side.getByText('as admin at').waitFor();
  }
  const exchange = card(page, 'New calendar server');
  await exchange.getByLabel('Service account').fill('admin');
  await exchange.getByLabel('Password').fill('admin-secret');
  await exchange.getByLabel('Check with this user (optional)').fill('denied@sumatra.local');
  await exchange.getByRole('button', { name: 'Sign in' }).click();
  await exchange.getByRole('alert').filter({ hasText: 'The service account may not act for denied@sumatra.local' }).waitFor();
  await exchange.getByLabel('Check with this user (optional)').fill('alice');
  await exchange.getByLabel('Password').fill('admin-secret');
  await exchange.getByRole('button', { name: 'Sign in' }).click();
  await exchange.getByText('as admin at Exchange').waitFor();

  const list = page.locator('section.user-list');
  await list.getByLabel('User list (CSV)').fill(LIST);
  await list.getByRole('button', { name: 'Save the list' }).click();
  await list.getByText('Saved: 2 users in 2 groups.').waitFor();

  const calendar = readFileSync(path.join(root, 'static/samples/team-calendar.ics'));
  const files = page.locator('section.admin-calendar-files');
  await files.getByLabel('Choose calendar and contacts files…').setInputFiles([
    { name: 'ALICE.ics', mimeType: 'text/calendar', buffer: calendar },
    { name: 'nobody.ics', mimeType: 'text/calendar', buffer: calendar },
  ]);
  const owners = files.locator('table.calendar-file-owners');
  await owners.getByRole('cell', { name: 'ALICE.ics' }).waitFor();
  assert.match(await owners.locator('tbody tr').first().textContent(), /ALICE\.ics\s*alice\s*alice/);
  await files.getByRole('alert').filter({ hasText: 'Not named after any listed user, so not kept: nobody.ics' }).waitFor();
  const calendarCell = (user) => row(page, user).locator('td[data-label=Calendar]');
  await calendarCell('alice').getByText('ALICE.ics').waitFor();
  await calendarCell('bob').getByText('No files').waitFor({ timeout: 10_000 });
  await shoot(page, '5-calendar-files');

  await group(page, 'Pilot').getByRole('button', { name: 'Start moving group Pilot' }).click();
  await calendarCell('alice').getByText('Done', { exact: true }).waitFor({ timeout: 180_000 });
  const [, done, total] = (await calendarCell('alice').textContent()).match(/(\d+) of (\d+) items/);
  assert.equal(total, '6', 'the team calendar\'s six items were counted');
  assert.equal(done, total);
  await row(page, 'alice').locator('td[data-label=Status]').getByText('Done', { exact: true }).waitFor({ timeout: 180_000 });
  await calendarCell('bob').getByText('No files').waitFor();
  await shoot(page, '6-calendar-done');
  await page.close();
});
