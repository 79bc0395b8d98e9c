// End-to-end test of the preview page: the real `ferry serve`, the real
// Trunk-built page, headless Debian Chromium driven by playwright-core.
// Any page error or console error fails the test. Screenshots are written
// to e2e/artifacts/ for people to look at.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '..');
const ferryBin = process.env.FERRY_BIN ?? path.join(root, 'target/debug/ferry');
const artifacts = path.join(root, 'e2e/artifacts');
const corpus = path.join(root, 'fixtures/corpora');
const sample = path.join(root, 'static/samples/team-calendar.ics');

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let server;
let baseUrl;
let context;
let scratch;
const problems = [];

function startFerry(dataDir) {
  const child = spawn(ferryBin, [
    'serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
    '--static-dir', path.join(root, 'dist'),
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
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

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-'));
  const started = startFerry(path.join(scratch, 'data'));
  server = started.child;
  baseUrl = await started.url;
  context = await chromium.launchPersistentContext(path.join(scratch, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
});

after(async () => {
  await context?.close();
  server?.kill('SIGTERM');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

afterEach(() => {
  const found = problems.splice(0);
  assert.deepEqual(found, [], 'the page reported errors');
});

async function openPage(viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  await page.goto(baseUrl);
  await page.getByRole('heading', { name: 'Preview a calendar export' }).waitFor();
  return page;
}

/** What `ferry inspect` prints for these files (the same shared code). */
function inspect(files) {
  let out;
  try {
    out = execFileSync(ferryBin, ['inspect', '--compact', ...files]);
  } catch (err) {
    out = err.stdout; // exit status 1 when a file cannot be read
  }
  return JSON.parse(out.toString());
}

/** Mirrors `DateValue`'s Display in shared/src/report.rs. */
function showDate(value) {
  if (!value) return '—';
  const [date, time] = value.local.split('T');
  if (!time) return date;
  const shown = time.endsWith(':00') ? time.slice(0, -3) : time;
  return `${date} ${shown} ${value.zone ?? '(floating)'}`;
}

const RECURRING = { none: 'No', series: 'Yes', exception: 'Changed occurrence' };

/** Mirrors `Item::end_for_display`: all-day events show their last day. */
function shownEnd(item) {
  const end = item.end;
  if (!end || !item.all_day || item.kind !== 'event' || end.local.includes('T')) return showDate(end);
  const day = new Date(`${end.local}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  const last = day.toISOString().slice(0, 10);
  return last < (item.start?.local ?? '') ? end.local : last;
}

/** Mirrors `Person`'s Display: `Name <address>`, the address, or the name. */
function showPerson(person) {
  if (!person) return '—';
  const { name, email } = person;
  if (name && email && name.toLowerCase() !== email.toLowerCase()) return `${name} <${email}>`;
  return email ?? name ?? '(nobody)';
}

async function rowsOf(page, fileName) {
  const section = page.locator(`section.file-report[data-file="${fileName}"]`);
  await section.locator('table.items, .file-error, .no-items').first().waitFor();
  return section.locator('tr.item-row').evaluateAll((rows) => rows.map((row) => ({
    line: Number(row.dataset.line),
    status: row.querySelector('.badge').textContent,
    summary: row.querySelector('.item-summary').textContent,
    start: row.querySelector('td:nth-child(3)').textContent,
    end: row.querySelector('td:nth-child(4)').textContent,
    organizer: row.querySelector('.organizer').textContent,
    attendees: Number(row.querySelector('.attendees').textContent),
    recurring: row.querySelector('.recurring').textContent,
  })));
}

test('empty state looks finished at desktop and phone width', async () => {
  const page = await openPage();
  await page.getByText('No files yet').waitFor();
  assert.ok(await page.getByText('nothing is uploaded at this step').isVisible());
  await page.screenshot({ path: path.join(artifacts, 'empty-desktop.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways on a phone by ${overflow}px`);
  await page.screenshot({ path: path.join(artifacts, 'empty-phone.png'), fullPage: true });
  await page.close();
});

test('the file picker is reachable with the keyboard', async () => {
  const page = await openPage();
  let reached = false;
  for (let i = 0; i < 10 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'file-input');
  }
  assert.ok(reached, 'Tab never reached the file input');
  await page.close();
});

test('uploaded corpus files show one row per item, as ferry inspect reads them', async () => {
  const files = [
    sample,
    path.join(corpus, 'calcard/ical/150.ics'), // Apple iCal 1.0, 186 events
    path.join(corpus, 'calcard/ical/193.ics'), // Apple iCal, recurring events
    path.join(corpus, 'biweekly/outlook-2010.ics'), // Outlook 2010 export
    path.join(corpus, 'calcard/ical/028.ics'), // organizer without address
  ];
  const page = await openPage();
  await page.locator('#file-input').setInputFiles(files);
  const expected = inspect(files);

  for (const [i, file] of files.entries()) {
    const name = path.basename(file);
    const rows = await rowsOf(page, name);
    const items = expected[i].report.items;
    assert.equal(rows.length, items.length, `${name}: row count`);
    rows.forEach((row, n) => {
      const item = items[n];
      assert.deepEqual(row, {
        line: item.line,
        status: (item.notes ?? []).length === 0 ? 'Ready' : 'Check',
        summary: item.summary ?? '(no title)',
        start: showDate(item.start),
        end: shownEnd(item),
        organizer: showPerson(item.organizer),
        attendees: (item.attendees ?? []).length,
        recurring: RECURRING[item.recurrence],
      }, `${name}, row ${n + 1}`);
    });
  }

  // Known values, independent of the code under test.
  const team = await rowsOf(page, 'team-calendar.ics');
  assert.deepEqual(team.map((r) => r.summary), [
    'Team stand-up', 'Team stand-up (moved: all-hands in the morning)', 'Team offsite in Lisbon',
    'Call with Kowalski & Partners', 'Dentist', 'Submit Q4 expense report',
  ]);
  assert.deepEqual(team[0], {
    line: 23, status: 'Ready', summary: 'Team stand-up',
    start: '2026-11-02 09:30 Europe/Berlin', end: '2026-11-02 09:45 Europe/Berlin',
    organizer: 'Zygmunt Furmaniuk <zyg@sumatra.local>', attendees: 3, recurring: 'Yes',
  });
  assert.equal(team[1].recurring, 'Changed occurrence');
  assert.equal(team[2].start, '2026-12-03');
  assert.equal(team[2].end, '2026-12-04', 'the last day of a two-day offsite');
  assert.equal(team[3].end, '2026-11-17 16:00 UTC');
  assert.equal((await rowsOf(page, '150.ics')).length, 186);
  const noAddress = await rowsOf(page, '028.ics');
  assert.equal(noAddress[0].status, 'Check');
  const summary = await page.locator('section[data-file="team-calendar.ics"] .summary').textContent();
  assert.match(summary, /5 events/);
  assert.match(summary, /1 task/);
  assert.match(summary, /2 recurring/);

  const teamSection = page.locator('section[data-file="team-calendar.ics"]');
  await page.screenshot({ path: path.join(artifacts, 'preview-desktop.png') });
  await teamSection.screenshot({ path: path.join(artifacts, 'preview-file-desktop.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways on a phone by ${overflow}px`);
  await page.screenshot({ path: path.join(artifacts, 'preview-phone.png') });
  await teamSection.screenshot({ path: path.join(artifacts, 'preview-file-phone.png') });
  await page.close();
});

test('malformed files get a plain message naming the line, never a blank page', async () => {
  const broken = path.join(scratch, 'broken.ics');
  writeFileSync(broken, [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:a@x', 'DTSTART:20260105T090000Z',
    'this line is not iCalendar', 'SUMMARY:Still readable', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:b@x', 'SUMMARY:Cut off',
  ].join('\r\n'));
  const notCalendar = path.join(corpus, 'calcard/vcard/001.vcf');
  const page = await openPage();
  await page.locator('#file-input').setInputFiles([broken, notCalendar]);

  const error = page.locator('section[data-file="001.vcf"] .file-error');
  await error.waitFor();
  const message = await error.textContent();
  assert.match(message, /could not be read/);
  assert.match(message, /Line 1/);
  assert.match(message, /vCard/);

  const rows = await rowsOf(page, 'broken.ics');
  assert.deepEqual(rows.map((r) => [r.summary, r.status]), [['Still readable', 'Ready'], ['Cut off', 'Check']]);
  const warnings = page.locator('section[data-file="broken.ics"] details.warnings');
  await warnings.locator('summary').click();
  const text = await warnings.textContent();
  assert.match(text, /Line 6: “this line is not iCalendar” is not an iCalendar line/);
  assert.match(text, /Line 9: BEGIN:VEVENT is never closed/);
  await page.screenshot({ path: path.join(artifacts, 'errors-desktop.png'), fullPage: true });

  // The rest of the page still works: the sample loads after the errors.
  await page.getByRole('button', { name: 'Try a sample calendar' }).click();
  assert.equal((await rowsOf(page, 'team-calendar.ics')).length, 6);
  await page.close();
});
