// End-to-end test of stopping and resuming a mail move through the page:
// two real Dovecot servers (testkit's demo_servers, with a mailbox large
// enough to take a while), the real `ferry serve`, headless Chromium. The
// user cancels a move part way and runs it again; then `ferry serve` is
// killed (SIGKILL) in the middle of the copy and started again on the same
// data: the page lists the move as waiting for the user, who signs in to
// both mailboxes again, and the move goes on to Done — the new mailbox then
// holds exactly as many messages as the old. Any page error or console
// error fails the test. Screenshots go to e2e/artifacts/resume-*.png.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  launchBrowser, mailTestPaths, startDemoServers, startLoopbackFerry, stopAll, watchedPage,
} from './support.mjs';
import { PASSWORD, USER, card, countMessages, sum } from './mail_servers.mjs';

const { root, ferryBin, demoBin, artifacts } = mailTestPaths();
/** Enough for the copy to last some seconds, so it can be stopped. */
const MESSAGES = 2000;
const PHONE = { width: 390, height: 844 };

let demo;
let ports;
let ferry;
let context;
let scratch;
/** Messages in the old mailbox (the generator adds some to MESSAGES). */
let sourceTotal;
const problems = [];

/** `ferry serve` on the one data folder of this test. */
function startServe() {
  return startLoopbackFerry({ ferryBin, scratch, staticDir: path.join(root, 'dist'), name: 'resume' });
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-resume-'));
  const started = startDemoServers(demoBin, [String(MESSAGES)]);
  demo = started.child;
  ports = await started.found;
  sourceTotal = sum(Object.values(await countMessages(ports.source)));
  ferry = startServe();
  await ferry.url;
  context = await launchBrowser(scratch);
});

after(() => stopAll({ context, server: ferry?.child, demo, scratch }));

afterEach(() => {
  const found = problems.splice(0);
  assert.deepEqual(found, [], 'the page reported errors');
});

async function openMovePage() {
  const page = await watchedPage(context, problems);
  await page.goto(new URL('/#move', await ferry.url).href);
  await page.getByRole('heading', { name: 'Move your mail' }).waitFor();
  return page;
}

/** Signs in to the mailbox of the card `title` on `port`. */
async function signIn(page, title, port, button) {
  const box = card(page, title);
  await box.getByLabel('Mail server (IMAP)').fill('127.0.0.1');
  await box.getByLabel('Port').fill(String(port));
  await box.getByLabel('Security').selectOption('plain');
  await box.getByLabel('User name').fill(USER);
  await box.getByLabel('Password').fill(PASSWORD);
  await box.getByRole('button', { name: button }).click();
  await box.getByText(`as ${USER} at 127.0.0.1`).waitFor();
}

const signInOld = (page) => signIn(page, 'Your old mailbox', ports.source, 'Sign in to the old mailbox');
const signInNew = (page) => signIn(page, 'Your new mailbox', ports.target, 'Sign in to the new mailbox');

/** The overall percent the panel shows, once it is above `above`. */
async function percentAbove(panel, above) {
  for (const started = Date.now(); Date.now() - started < 120_000; ) {
    const text = await panel.locator('.percent').textContent({ timeout: 120_000 }).catch(() => '');
    const percent = Number(text.match(/^(\d+) %$/)?.[1] ?? -1);
    if (percent > above) return percent;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`the move did not pass ${above} %`);
}

async function shoot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `resume-${name}-desktop.png`), fullPage: true });
  const desktop = page.viewportSize();
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(artifacts, `resume-${name}-phone.png`), fullPage: true });
  await page.setViewportSize(desktop);
}

test('a move cancelled part way stops, and runs on when started again', async () => {
  const page = await openMovePage();
  await signInOld(page);
  await signInNew(page);
  await page.getByRole('button', { name: 'Start moving mail' }).click();
  const panel = page.locator('section.job-panel');
  await panel.waitFor();
  const before = await percentAbove(panel, 0);
  assert.ok(before < 100, 'the move is still copying');
  await panel.getByRole('button', { name: 'Cancel the move' }).click();
  await panel.locator('.job-state').getByText('Cancelled', { exact: true }).waitFor();
  await panel.getByText('Run it again to go on: what is copied stays copied.').waitFor();
  const stopped = Number((await panel.locator('.percent').textContent()).match(/^(\d+) %$/)[1]);
  assert.ok(stopped < 100, `cancelled at ${stopped} %`);
  // Nothing more arrives once cancelled.
  const copiedThen = sum(Object.values(await countMessages(ports.target)));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  assert.equal(sum(Object.values(await countMessages(ports.target))), copiedThen, 'copying stopped');
  assert.ok(copiedThen < sourceTotal, `${copiedThen} copied before the cancel`);
  await shoot(page, '1-cancelled');
  // The list says the same as the panel.
  await page.locator('li.job-item', { hasText: 'Cancelled' }).waitFor();

  // Run again: it goes on from there (the new run counts only what is left).
  await panel.getByRole('button', { name: 'Run again' }).click();
  await panel.locator('.job-state').getByText('Copying your mail', { exact: true }).waitFor();
  await page.close();
});

test('killed mid-move, the move waits for its user after a restart and goes on when they sign in', async () => {
  // The run started by the last test is copying: kill Ferry outright.
  const copiedBefore = sum(Object.values(await countMessages(ports.target)));
  ferry.child.kill('SIGKILL');
  await new Promise((resolve) => ferry.child.once('exit', resolve));
  const atKill = sum(Object.values(await countMessages(ports.target)));
  assert.ok(atKill < sourceTotal, `killed before the end (${atKill} of ${sourceTotal})`);
  assert.ok(atKill >= copiedBefore);

  ferry = startServe();
  const page = await openMovePage();
  // Only the old mailbox: the move is listed, waiting, and says why.
  await signInOld(page);
  const list = page.locator('section.job-list');
  const waiting = list.locator('li.job-item', { hasText: 'Waiting for you to sign in again' });
  await waiting.waitFor();
  await waiting.getByRole('button', { name: 'Show' }).click();
  const panel = page.locator('section.job-panel');
  await panel.locator('.job-state').getByText('Waiting for you to sign in again', { exact: true }).waitFor();
  await panel.getByText('Ferry restarted and no longer holds your passwords.', { exact: false }).waitFor();
  // Nothing is under way meanwhile: no busy bar.
  assert.equal(await panel.locator('progress:not([value])').count(), 0);
  await shoot(page, '2-waiting');

  // Signed in to the new mailbox too, the move goes on by itself.
  await signInNew(page);
  await panel.locator('.job-state').getByText('Done', { exact: true }).waitFor({ timeout: 180_000 });
  assert.equal(await panel.locator('.percent').textContent(), '100 %');
  const source = await countMessages(ports.source);
  const target = await countMessages(ports.target);
  assert.equal(sum(Object.values(source)), sourceTotal, 'the old mailbox is untouched');
  assert.equal(sum(Object.values(target)), sum(Object.values(source)), 'nothing lost, nothing twice');
  await shoot(page, '3-done-after-restart');
  await page.close();
});
