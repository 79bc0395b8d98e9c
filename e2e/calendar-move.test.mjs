// End-to-end test of putting a calendar export into a new calendar server
// through the page: testkit's demo_servers (a real Radicale and the EWS
// test server), the real `ferry serve` listing both as calendar targets,
// the Trunk-built page, headless Debian Chromium driven by playwright-core.
// The user drops the sample calendar in Preview, signs in to the new
// Exchange server under "Calendar and contacts" (a wrong password first),
// puts the file in and sees Done with every item put in; a second run finds
// everything already there; the same into Radicale. Back in Preview, "Check
// addresses" says which attendees the Exchange directory knows, also in the
// item detail. Microsoft 365: "Sign in with Microsoft 365" goes through the
// test provider (demo_servers --oauth) and back signed in; "Check addresses"
// asks the Graph directory; the file goes in through Graph to Done. Any page
// error or console error fails the test. Screenshots at desktop and phone
// width go to e2e/artifacts/calendar-*.png.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  launchBrowser, mailTestPaths, startLoopbackFerry, startOAuthDemoServers, stopAll, testProviderConfig,
  watchedPage,
} from './support.mjs';

const { root, ferryBin, demoBin, artifacts } = mailTestPaths();
const sample = path.join(root, 'static/samples/team-calendar.ics');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
// The sample's events and task (its moved occurrence included).
const ITEMS = 6;

let demo;
let urls;
let server;
let baseUrl;
let context;
let scratch;
const problems = [];

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-calendar-'));
  // Few messages: only its calendar servers are used.
  const started = await startOAuthDemoServers(demoBin, 1);
  demo = started.child;
  urls = await started.found;
  const more = [
    '[[servers]]',
    'id = "exchange"',
    'label = "New Exchange server"',
    'kind = "ews"',
    'role = "target"',
    `url = ${JSON.stringify(urls.ews)}`,
    '[[servers]]',
    'id = "dav"',
    'label = "New CalDAV server"',
    'kind = "caldav"',
    'role = "target"',
    `url = ${JSON.stringify(urls.caldav)}`,
    '[[servers]]',
    'id = "m365"',
    'label = "Microsoft 365"',
    'kind = "graph"',
    'role = "target"',
    `url = ${JSON.stringify(urls.graph)}`,
    'auth = ["oauth2"]',
    'oauth = "test"',
    ...testProviderConfig(urls, started.redirect, '["offline_access", "https://graph.microsoft.com/Calendars.ReadWrite"]'),
  ];
  const ferry = startLoopbackFerry({
    ferryBin, scratch, staticDir: path.join(root, 'dist'), name: 'calendar', more, listen: started.listen,
  });
  server = ferry.child;
  baseUrl = await ferry.url;
  context = await launchBrowser(scratch, { acceptDownloads: true });
});

after(() => stopAll({ context, server, demo, scratch }));

afterEach(() => assert.deepEqual(problems.splice(0), [], 'the page reported errors'));

async function openPage() {
  const page = await watchedPage(context, problems);
  await page.goto(baseUrl);
  return page;
}

async function shoot(page, locator, name) {
  await locator.screenshot({ path: path.join(artifacts, `calendar-${name}-desktop.png`) });
  await page.setViewportSize(PHONE);
  await locator.screenshot({ path: path.join(artifacts, `calendar-${name}-phone.png`) });
  await page.setViewportSize(DESKTOP);
}

/** Signs in to `serverLabel` in the calendar step with `password`. */
async function signIn(step, serverLabel, password) {
  await step.getByLabel('Server').selectOption({ label: serverLabel });
  await step.getByLabel('User name').fill('alice');
  await step.getByLabel('Password').fill(password);
  await step.getByRole('button', { name: 'Sign in to the new calendar' }).click();
}

/** A new page at the calendar step's sign-in form (an earlier sign-in
 * put aside): the page and the step. */
async function calendarSignInForm() {
  const page = await openPage();
  await page.getByRole('link', { name: 'Move mail' }).click();
  const step = page.locator('section.calendar-step');
  await step.getByRole('heading', { name: 'Calendar and contacts' }).waitFor();
  if (await step.getByRole('button', { name: 'Use another calendar' }).isVisible()) {
    await step.getByRole('button', { name: 'Use another calendar' }).click();
  }
  return { page, step };
}

/** In the Preview tab, reads the sample and checks its addresses: the
 * demo directory knows three of the five. */
async function checkAddresses(page) {
  await page.getByRole('link', { name: 'Preview calendars and contacts' }).click();
  await page.locator('#file-input').setInputFiles(sample);
  await page.locator('section.file-report[data-file="team-calendar.ics"] table.items').waitFor();
  await page.getByRole('button', { name: 'Check addresses' }).click();
  const status = page.locator('.address-check [role="status"]');
  await status.getByText('addresses checked').waitFor();
  assert.equal(
    await status.textContent(),
    '5 addresses checked: 3 found, 2 not found, 0 with several matches.',
  );
}

/** Puts the checked files in and waits for the job's end; the text of
 * its file lines. */
async function putIn(step) {
  await step.getByRole('button', { name: 'Put them in the new calendar' }).click();
  const job = step.locator('.calendar-job');
  await job.getByText('Done', { exact: true }).waitFor({ timeout: 60_000 });
  return job.locator('ul.file-progress li').allTextContents();
}

test('a previewed file goes into the new Exchange calendar, then into CalDAV, exactly once', async () => {
  const page = await openPage();
  await page.locator('#file-input').setInputFiles(sample);
  await page.locator('section.file-report[data-file="team-calendar.ics"] table.items').waitFor();

  await page.getByRole('link', { name: 'Move mail' }).click();
  const step = page.locator('section.calendar-step');
  await step.getByRole('heading', { name: 'Calendar and contacts' }).waitFor();
  await signIn(step, 'New Exchange server', 'not-the-password');
  assert.equal(
    await step.getByRole('alert').textContent(),
    'The new mailbox refused the user name or password.',
  );
  // The browser logs the refused request (401) itself: that one is expected.
  const refused = /Failed to load resource: the server responded with a status of 401/;
  problems.splice(0, problems.length, ...problems.filter((p) => !refused.test(p)));
  await signIn(step, 'New Exchange server', 'alice-secret');
  await step.getByText('Signed in').waitFor();
  assert.ok(await step.getByLabel('team-calendar.ics').isChecked(), 'the previewed file is offered, checked');
  await shoot(page, step, '1-signed-in');

  const first = await putIn(step);
  assert.equal(first.length, 1);
  assert.match(first[0], new RegExp(`team-calendar\\.ics: ${ITEMS} of ${ITEMS} put in, 0 already there — done`));
  await shoot(page, step, '2-done');

  // Again: nothing new is created.
  await step.getByRole('button', { name: 'Run it again' }).click();
  await step.locator('.calendar-job li', { hasText: `0 of ${ITEMS} put in, ${ITEMS} already there — done` })
    .waitFor({ timeout: 60_000 });

  // The same file into the CalDAV server, through a fresh page (a new
  // sign-in replaces the calendar target).
  const second = await openPage();
  await second.locator('#file-input').setInputFiles(sample);
  await second.locator('section.file-report[data-file="team-calendar.ics"] table.items').waitFor();
  await second.getByRole('link', { name: 'Move mail' }).click();
  const again = second.locator('section.calendar-step');
  await again.getByRole('button', { name: 'Use another calendar' }).click();
  await signIn(again, 'New CalDAV server', 'alice-secret');
  await again.getByText('at New CalDAV server').waitFor();
  const dav = await putIn(again);
  assert.match(dav[0], new RegExp(`${ITEMS} of ${ITEMS} put in, 0 already there — done`));
  await second.close();
  await page.close();
});

test('Check addresses says which attendees the Exchange directory knows', async () => {
  const { page, step } = await calendarSignInForm();
  await signIn(step, 'New Exchange server', 'alice-secret');
  await step.getByText('at New Exchange server').waitFor();

  await checkAddresses(page);
  await page.locator('section[data-file="team-calendar.ics"] tr.item-row[data-index="0"] .item-summary').click();
  const dialog = page.getByRole('dialog');
  const results = dialog.locator('section.address-results');
  await results.waitFor();
  const lines = await results.locator('li').allTextContents();
  assert.ok(lines.some((line) => /ana@sumatra\.local.*Found: Ana Sousa/.test(line)), lines.join('\n'));
  assert.ok(lines.some((line) => /Not found/.test(line)), lines.join('\n'));
  await shoot(page, results, '3-addresses');
  await page.close();
});

test('Microsoft 365: sign in through its own page, check addresses, put the file in', async () => {
  const { page, step } = await calendarSignInForm();
  await step.getByLabel('Server').selectOption({ label: 'Microsoft 365' });
  const button = step.getByRole('button', { name: 'Sign in with Microsoft 365' });
  await button.waitFor();
  assert.equal(await step.getByLabel('Password').count(), 0, 'no password field');
  await shoot(page, step, '4-m365-sign-in');
  await button.click();
  await page.waitForURL((url) => url.pathname === '/' && url.hash === '#move' && !url.search, { timeout: 30_000 });
  await step.getByText('at Microsoft 365').waitFor({ timeout: 30_000 });
  assert.match(await step.locator('.signed-in').innerText(), /Signed in as alice at Microsoft 365/);

  await checkAddresses(page);

  await page.getByRole('link', { name: 'Move mail' }).click();
  await step.getByText('Signed in').waitFor();
  const lines = await putIn(step);
  assert.match(lines[0], new RegExp(`team-calendar\\.ics: ${ITEMS} of ${ITEMS} put in, 0 already there — done`));
  await shoot(page, step, '5-m365-done');
  await page.close();
});
