// End-to-end test of moving mail through the page: two real Dovecot
// servers (testkit's demo_servers: a seeded old mailbox, an empty new one),
// the real `ferry serve` allowed to reach loopback, the Trunk-built page,
// headless Debian Chromium driven by playwright-core. Signs in (a wrong
// password first, then with the keyboard only), starts the move, follows
// it to Done, downloads the reports, counts the messages on both servers,
// runs it again after a reload, and picks a site's listed servers. Any page error or console error fails the test. Screenshots of
// each step, desktop and phone width, go to e2e/artifacts/move-*.png.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, mailTestPaths, parseCsv, startDemoServers, startLoopbackFerry, stopAll, watchedPage } from './support.mjs';
import { PASSWORD, USER, card, countMessages, sum } from './mail_servers.mjs';

const { root, ferryBin, demoBin, artifacts } = mailTestPaths();
const MESSAGES = 300;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let demo;
let ports;
let server;
let baseUrl;
let context;
let scratch;
let jobId;
const problems = [];

/** `ferry serve` that may reach loopback over plain http, with its own
 * data folder named `name`, and `more` configuration lines. */
function startFerryAllowingLoopback(name, more = []) {
  return startLoopbackFerry({ ferryBin, scratch, staticDir: path.join(root, 'dist'), name, more });
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-move-'));
  const started = startDemoServers(demoBin, [String(MESSAGES)]);
  demo = started.child;
  ports = await started.found;
  const ferry = startFerryAllowingLoopback('typed');
  server = ferry.child;
  baseUrl = await ferry.url;
  context = await launchBrowser(scratch, { acceptDownloads: true });
});

after(() => stopAll({ context, server, demo, scratch }));

afterEach(() => {
  const found = problems.splice(0);
  assert.deepEqual(found, [], 'the page reported errors');
});

async function openMovePage(url = baseUrl) {
  const page = await watchedPage(context, problems);
  await page.goto(new URL('/#move', url).href);
  await page.getByRole('heading', { name: 'Move your mail' }).waitFor();
  return page;
}

/** Full-page screenshots at desktop and phone width. */
async function shoot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `move-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(artifacts, `move-${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}


/** Moves the keyboard focus with Tab until the element `id` has it. */
async function tabTo(page, id) {
  for (let i = 0; i < 40; i += 1) {
    if (await page.evaluate(() => document.activeElement?.id) === id) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`#${id} is not reachable with the Tab key`);
}

/** Fills a sign-in form with the keyboard only and presses Enter. */
async function signInWithKeyboard(page, prefix, port) {
  await tabTo(page, `${prefix}-host`);
  await page.keyboard.type('127.0.0.1');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(String(port));
  await page.keyboard.press('Tab');
  // TLS → STARTTLS → None.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator(`#${prefix}-security`).inputValue(), 'plain');
  assert.equal(await page.locator(`#${prefix}-port`).inputValue(), String(port), 'a typed port stays');
  await page.keyboard.press('Tab');
  await page.keyboard.type(USER);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
}


test('a wrong password shows the server’s refusal in plain words', async () => {
  const page = await openMovePage();
  const old = card(page, 'Your old mailbox');
  await shoot(page, '1-start');
  await old.getByLabel('Mail server (IMAP)').fill('127.0.0.1');
  await old.getByLabel('Port').fill(String(ports.source));
  await old.getByLabel('Security').selectOption('plain');
  await old.getByLabel('User name').fill(USER);
  await old.getByLabel('Password').fill('not-the-password');
  await old.getByRole('button', { name: 'Sign in to the old mailbox' }).click();
  await old.getByRole('alert').filter({ hasText: 'The old mailbox refused the user name or password.' }).waitFor();
  // Still a form to fix, not a dead end.
  assert.equal(await old.getByLabel('Password').inputValue(), 'not-the-password');
  assert.equal(await page.getByRole('button', { name: 'Start moving mail' }).isDisabled(), true);
  await shoot(page, '2-wrong-password');
  // The browser logs the refused request (401) itself: that one is expected.
  const refused = /Failed to load resource: the server responded with a status of 401/;
  problems.splice(0, problems.length, ...problems.filter((p) => !refused.test(p)));
  await page.close();
});

test('signing in to both mailboxes works with the keyboard only', async () => {
  const page = await openMovePage();
  await signInWithKeyboard(page, 'source', ports.source);
  const old = card(page, 'Your old mailbox');
  await old.getByText(`as ${USER} at 127.0.0.1`).waitFor();
  // The focus stays on the page's path: on the news, not lost to <body>.
  assert.match(await page.evaluate(() => document.activeElement?.className), /signed-in/);
  await signInWithKeyboard(page, 'target', ports.target);
  await card(page, 'Your new mailbox').getByText(`as ${USER} at 127.0.0.1`).waitFor();
  const review = page.locator('section.review');
  assert.match(await review.textContent(), /From\s*alice at 127\.0\.0\.1\s*To\s*alice at 127\.0\.0\.1/);
  assert.equal(await page.getByRole('button', { name: 'Start moving mail' }).isDisabled(), false);
  await shoot(page, '3-signed-in');
  await page.close();
});

test('the move runs to Done with live progress, and the reports match', async () => {
  const page = await openMovePage();
  // Signed in still (the session cookie).
  await card(page, 'Your new mailbox').getByText(`as ${USER} at 127.0.0.1`).waitFor();
  // What to move: the old mailbox's folders, counted by the server.
  const choice = page.locator('section.folder-choice');
  const totalText = await choice.locator('.folder-total').textContent({ timeout: 30_000 });
  const [, folderCount, messageCount] = totalText.match(/(\d+) folders · (\d+) messages/);
  await choice.getByText('Choose folders').click();
  assert.equal(await choice.locator('input[type=checkbox]').count(), Number(folderCount));
  assert.equal(await choice.locator('input[type=checkbox]:checked').count(), Number(folderCount));
  await page.getByRole('button', { name: 'Start moving mail' }).click();
  const panel = page.locator('section.job-panel');
  await panel.waitFor();
  // Focus moves to the job, for keyboard and screen reader users.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'job-title');
  // However far it is by now (a local move of this size takes seconds).
  await page.screenshot({ path: path.join(artifacts, 'move-4-started-desktop.png'), fullPage: true });
  await panel.locator('.job-state').getByText('Done', { exact: true }).waitFor({ timeout: 180_000 });
  assert.equal(await panel.locator('.percent').textContent(), '100 %');
  const progress = await panel.locator('.progress-text').textContent();
  const [, copied, total] = progress.match(/(\d+) of (\d+) messages/);
  assert.equal(copied, total);
  assert.equal(total, messageCount, 'the move copied what the folder list counted');
  assert.ok(Number(total) > 0);
  assert.equal(await panel.getByRole('progressbar', { name: 'Overall progress' }).getAttribute('value'), '100');
  // The speed over the run: bars, and their numbers in words.
  const chart = panel.locator('figure.throughput');
  await chart.waitFor();
  const speed = await chart.locator('.throughput-summary').textContent();
  assert.match(speed, /^Average [\d.]+ (bytes|KB|MB|GB)\/s, fastest [\d.]+ (bytes|KB|MB|GB)\/s, over \d+ (s|min)$/);
  assert.equal(await chart.getByRole('img').getAttribute('aria-label'), speed);
  assert.ok(await chart.locator('rect').count() >= 1, 'at least one bar');
  await page.getByRole('heading', { name: 'Your moves' }).waitFor();
  await shoot(page, '4-done');

  // The CSV report: one row per folder, everything copied.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('link', { name: 'Download report (CSV)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'ferry-report.csv');
  const file = path.join(scratch, 'report.csv');
  await download.saveAs(file);
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  assert.deepEqual(header, [
    'source folder', 'target folder', 'to copy', 'copied', 'failed', 'bytes', 'bytes copied', 'done',
  ]);
  assert.ok(rows.length > 1, 'the seeded mailbox has several folders');
  for (const [source, target, toCopy, done, failed, bytes, bytesDone, finished] of rows) {
    assert.equal(done, toCopy, `${source} → ${target}: all copied`);
    assert.equal(failed, '0', `${source}: none failed`);
    assert.equal(bytesDone, bytes, `${source}: all bytes copied`);
    assert.equal(finished, 'yes', `${source}: done`);
  }
  assert.equal(sum(rows.map((r) => Number(r[3]))), Number(total), 'the page shows the report’s total');
  // The page lists the same folders.
  assert.equal(await panel.locator('li.folder-row').count(), rows.length);

  // The JSON report says the same.
  const href = await panel.getByRole('link', { name: 'Download report (JSON)' }).getAttribute('href');
  jobId = href.split('/')[3];
  const report = await (await context.request.get(new URL(href, baseUrl).href)).json();
  assert.equal(report.state, 'done');
  assert.deepEqual(report.folders.map((f) => [f.source, f.target, String(f.to_copy), String(f.copied)]),
    rows.map((r) => r.slice(0, 4)));

  // And the servers: the new mailbox holds as many messages as the old.
  const before = await countMessages(ports.source);
  const after = await countMessages(ports.target);
  assert.equal(sum(Object.values(before)), Number(total));
  assert.equal(sum(Object.values(after)), sum(Object.values(before)));
  await page.close();
});

test('after a reload the move is listed, and it can run again', async () => {
  const page = await openMovePage();
  const list = page.locator('section.job-list');
  const item = list.locator(`li.job-item[data-job="${jobId}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), /Done/);
  assert.match(await item.textContent(), /(\d+) of \1 messages copied/);
  await item.getByRole('button', { name: 'Show' }).click();
  const panel = page.locator('section.job-panel');
  await panel.locator('.job-state').getByText('Done', { exact: true }).waitFor();
  await shoot(page, '5-after-reload');
  // The cut-over run: nothing new to copy, done again.
  const accepted = page.waitForResponse((r) => r.url().endsWith(`/api/jobs/${jobId}/run`));
  await panel.getByRole('button', { name: 'Run again' }).click();
  assert.equal((await accepted).status(), 202);
  // The panel may still show the last run's Done for a moment: the job
  // itself says when the new run has ended.
  const reportUrl = new URL(`/api/jobs/${jobId}/report.json`, baseUrl).href;
  let report;
  for (const started = Date.now(); Date.now() - started < 60_000; ) {
    report = await (await context.request.get(reportUrl)).json();
    if (report.state === 'done' || report.state === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(report.state, 'done');
  await panel.locator('.job-state').getByText('Done', { exact: true }).waitFor({ timeout: 60_000 });
  assert.equal(sum(report.folders.map((f) => f.failed)), 0);
  await shoot(page, '6-run-again');
  await page.close();
});

test('a site with its own servers lets people pick them from a list', async () => {
  const listed = (id, label, role, port) => [
    '[[servers]]', `id = "${id}"`, `label = "${label}"`, 'kind = "imap"', `role = "${role}"`,
    'host = "127.0.0.1"', `port = ${port}`, 'tls = "none"',
  ];
  const ferry = startFerryAllowingLoopback('listed', [
    ...listed('old', 'Old mail server', 'source', ports.source),
    ...listed('new', 'New mail server', 'target', ports.target),
  ]);
  try {
    const page = await openMovePage(await ferry.url);
    for (const [title, label, button] of [
      ['Your old mailbox', 'Old mail server', 'Sign in to the old mailbox'],
      ['Your new mailbox', 'New mail server', 'Sign in to the new mailbox'],
    ]) {
      const box = card(page, title);
      const server = box.getByLabel('Server');
      // Only the servers for this side, the first one chosen.
      assert.deepEqual(await server.locator('option').allTextContents(), [label]);
      assert.equal(await box.getByLabel('Mail server (IMAP)').count(), 0);
      await box.getByLabel('User name').fill(USER);
      await box.getByLabel('Password').fill(PASSWORD);
      await box.getByRole('button', { name: button }).click();
      await box.getByText(`as ${USER} at ${label}`).waitFor();
    }
    assert.equal(await page.getByRole('button', { name: 'Start moving mail' }).isDisabled(), false);
    await shoot(page, '7-listed-servers');
    await page.close();
  } finally {
    ferry.child.kill('SIGTERM');
  }
});
