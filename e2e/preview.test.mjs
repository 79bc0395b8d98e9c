// End-to-end test of the preview page: the real `ferry serve`, the real
// Trunk-built page, headless Debian Chromium driven by playwright-core.
// Any page error or console error fails the test. Screenshots are written
// to e2e/artifacts/ for people to look at.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, parseCsv, startFerry } from './support.mjs';

const root = path.resolve(import.meta.dirname, '..');
const ferryBin = process.env.FERRY_BIN ?? path.join(root, 'target/debug/ferry');
const artifacts = path.join(root, 'e2e/artifacts');
const corpus = path.join(root, 'fixtures/corpora');
const sample = path.join(root, 'static/samples/team-calendar.ics');

let server;
let baseUrl;
let context;
let scratch;
const problems = [];

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-'));
  const started = startFerry(ferryBin, [
    '--data-dir', path.join(scratch, 'data'), '--static-dir', path.join(root, 'dist'),
  ]);
  server = started.child;
  baseUrl = await started.url;
  context = await launchBrowser(scratch);

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
  await page.getByRole('heading', { name: 'Preview a calendar or contacts export' }).waitFor();
  return page;
}

/** What `ferry inspect` prints for these files (the same shared code). */
function inspect(files, rules = []) {
  let out;
  try {
    out = execFileSync(ferryBin, ['inspect', '--compact', ...rules, ...files], { maxBuffer: 1 << 30 });
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
  return section.locator('tr.item-row').evaluateAll((rows) => rows.map((row) => {
    const common = {
      index: Number(row.dataset.index),
      line: Number(row.dataset.line),
      status: row.querySelector('.badge').textContent,
      summary: row.querySelector('.item-summary').textContent,
    };
    // A contacts file has contact columns.
    if (row.querySelector('.email')) {
      return {
        ...common,
        email: row.querySelector('.email').textContent,
        company: row.querySelector('.company').textContent,
      };
    }
    return {
      ...common,
      start: row.querySelector('td:nth-child(3)').textContent,
      end: row.querySelector('td:nth-child(4)').textContent,
      organizer: row.querySelector('.organizer').textContent,
      attendees: Number(row.querySelector('.attendees').textContent),
      recurring: row.querySelector('.recurring').textContent,
    };
  }));
}

const STATUS = { ok: 'OK', warning: 'Warning', 'cannot-convert': 'Cannot convert' };

/** What a row should show for item `n` of an inspected file. */
function expectedRow(result, n) {
  const source = result.report.items[n];
  const mapped = result.mapped[n];
  const item = mapped.item;
  const common = {
    index: n,
    line: source.line,
    status: STATUS[mapped.status],
    summary: item.summary ?? '(no title)',
  };
  if (result.report.items.every((i) => i.kind === 'contact')) {
    return {
      ...common,
      email: item.contact?.emails?.[0]?.value ?? '—',
      company: item.contact?.organization ?? '—',
    };
  }
  return {
    ...common,
    start: showDate(item.start),
    end: shownEnd(item),
    organizer: showPerson(item.organizer),
    attendees: (source.attendees ?? []).length,
    recurring: RECURRING[item.recurrence],
  };
}

/** Clicks "Download report (CSV)" and returns its rows. */
async function downloadReport(page) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download report (CSV)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'ferry-conversion-report.csv');
  const file = path.join(scratch, `report-${Date.now()}.csv`);
  await download.saveAs(file);
  return parseCsv(readFileSync(file, 'utf8'));
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
    path.join(corpus, 'calcard/vcard/009.vcf'), // vCard 2.1, quoted-printable
    path.join(root, 'fixtures/csv/outlook-calendar-de.csv'), // German Outlook CSV, Windows-1252
    path.join(root, 'fixtures/csv/outlook-contacts-en.csv'), // Outlook contacts CSV
    path.join(root, 'fixtures/xcal/meeting.xml'), // xCal
  ];
  const page = await openPage();
  await page.locator('#file-input').setInputFiles(files);
  const expected = inspect(files);

  for (const [i, file] of files.entries()) {
    const name = path.basename(file);
    const rows = await rowsOf(page, name);
    const items = expected[i].report.items;
    const count = await page.locator(`section[data-file="${name}"] .shown-count`).textContent();
    assert.equal(count, `${items.length} items`, `${name}: item count`);
    assert.ok(rows.length > 0 && rows.length <= items.length, `${name}: rendered rows`);
    for (const row of rows) {
      assert.deepEqual(row, expectedRow(expected[i], row.index), `${name}, item ${row.index}`);
    }
  }

  // Known values, independent of the code under test.
  const team = await rowsOf(page, 'team-calendar.ics');
  assert.deepEqual(team.map((r) => r.summary), [
    'Team stand-up', 'Team stand-up (moved: all-hands in the morning)', 'Team offsite in Lisbon',
    'Call with Kowalski & Partners', 'Dentist', 'Submit Q4 expense report',
  ]);
  assert.deepEqual(team[0], {
    index: 0, line: 23, status: 'OK', summary: 'Team stand-up',
    start: '2026-11-02 09:30 Europe/Berlin', end: '2026-11-02 09:45 Europe/Berlin',
    organizer: 'Zygmunt Furmaniuk <zyg@sumatra.local>', attendees: 3, recurring: 'Yes',
  });
  assert.equal(team[1].recurring, 'Changed occurrence');
  assert.equal(team[2].start, '2026-12-03');
  assert.equal(team[2].end, '2026-12-04', 'the last day of a two-day offsite');
  assert.equal(team[3].end, '2026-11-17 16:00 UTC');
  const noAddress = await rowsOf(page, '028.ics');
  assert.equal(noAddress[0].status, 'Warning');
  const counts = page.locator('section[data-file="team-calendar.ics"] table.counts');
  assert.equal(await counts.locator('tr[data-kind="Events"] td:last-child').textContent(), '5');
  assert.equal(await counts.locator('tr[data-kind="Tasks"] td:last-child').textContent(), '1');

  // The 186 rows of 150.ics are not all in the page; scrolling shows the last.
  const big = page.locator('section[data-file="150.ics"]');
  assert.ok((await big.locator('tr.item-row').count()) < 186, 'the table renders a window of rows');
  await big.locator('.table-wrap').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await big.locator('tr.item-row[data-index="185"]').waitFor();

  // The downloaded report holds every item of every file, as inspect reads it.
  const report = await downloadReport(page);
  assert.deepEqual(report[0], ['File', 'Line', 'Kind', 'Status', 'Title', 'Start', 'End', 'Time zone',
    'Organizer', 'Attendees', 'Repeats', 'Warnings']);
  const body = report.slice(1);
  const total = expected.reduce((n, r) => n + r.report.items.length, 0);
  assert.equal(body.length, total);
  let r = 0;
  for (const [i, file] of files.entries()) {
    for (const [n, mapped] of expected[i].mapped.entries()) {
      const csvRow = body[r];
      r += 1;
      assert.equal(csvRow[0], path.basename(file));
      assert.equal(Number(csvRow[1]), expected[i].report.items[n].line);
      assert.equal(csvRow[3], STATUS[mapped.status]);
      assert.equal(csvRow[4], mapped.item.summary ?? '');
      assert.equal(csvRow[11], (mapped.warnings ?? []).map((w) => w.message).join(' | '));
    }
  }

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
  const notCalendar = path.join(scratch, 'notes.txt');
  writeFileSync(notCalendar, 'Meeting notes\nnothing here is a calendar\n');
  const page = await openPage();
  await page.locator('#file-input').setInputFiles([broken, notCalendar]);

  const error = page.locator('section[data-file="notes.txt"] .file-error');
  await error.waitFor();
  const message = await error.textContent();
  assert.match(message, /could not be read/);
  assert.match(message, /Line 1/);
  assert.match(message, /Meeting notes/);

  const rows = await rowsOf(page, 'broken.ics');
  assert.deepEqual(rows.map((r) => [r.summary, r.status]), [['Still readable', 'OK'], ['Cut off', 'Cannot convert']]);
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

test('a mapping rule changes the preview, the detail view shows both sides, filters narrow the table', async () => {
  const page = await openPage();
  await page.locator('#file-input').setInputFiles([sample, path.join(root, 'fixtures/mapping/meetings.ics')]);
  await rowsOf(page, 'team-calendar.ics');

  // Rules: loaded from files like a user would, plus a default zone and flat mode.
  await page.getByText('Mapping rules').click();
  await page.locator('.rules-text').filter({ hasText: 'User map' }).locator('input[type=file]')
    .setInputFiles(path.join(root, 'fixtures/mapping/users.txt'));
  await page.locator('#rules-domains').fill('sumatra.local=sumatra.onmicrosoft.com');
  await page.locator('#rules-zone').fill('Europe/Berlin');
  await page.getByLabel('Write attendees into the description').check();
  await page.waitForFunction(() => document.querySelector('#rules-users').value.includes('zyg=zyg-furmaniuk'));
  await page.getByRole('button', { name: 'Apply rules' }).click();
  await page.getByText('Applied.').waitFor();

  const ruleArgs = ['--users', path.join(root, 'fixtures/mapping/users.txt'),
    '--domains', path.join(root, 'fixtures/mapping/domains.txt'), '--zone', 'Europe/Berlin', '--flat'];
  const expected = inspect([sample, path.join(root, 'fixtures/mapping/meetings.ics')], ruleArgs);
  await page.waitForFunction(() => document.querySelector('section[data-file="team-calendar.ics"] tr.item-row .organizer')
    ?.textContent.includes('onmicrosoft.com'));
  for (const [i, name] of ['team-calendar.ics', 'meetings.ics'].entries()) {
    for (const row of await rowsOf(page, name)) {
      assert.deepEqual(row, expectedRow(expected[i], row.index), `${name}, item ${row.index}`);
    }
  }
  const team = await rowsOf(page, 'team-calendar.ics');
  assert.equal(team[0].organizer, 'Zygmunt Furmaniuk <zyg-furmaniuk@sumatra.onmicrosoft.com>');

  // A bad rule is refused with its line; the preview keeps the last good rules.
  await page.locator('#rules-domains').fill('sumatra.local=sumatra.onmicrosoft.com\nnot a rule');
  await page.getByRole('button', { name: 'Apply rules' }).click();
  assert.match(await page.locator('.rules-form .form-error').textContent(), /Domain rewrites, Line 2/);
  await page.locator('#rules-domains').fill('sumatra.local=sumatra.onmicrosoft.com');
  await page.getByRole('button', { name: 'Apply rules' }).click();

  // Filters: only the items that cannot be converted, then a search.
  const meetings = page.locator('section[data-file="meetings.ics"]');
  await meetings.locator('select.filter-status').selectOption('cannot-convert');
  assert.deepEqual((await rowsOf(page, 'meetings.ics')).map((r) => r.summary), ['No start at all']);
  assert.equal(await meetings.locator('.shown-count').textContent(), '1 of 5 items');
  await meetings.locator('select.filter-status').selectOption('');
  await meetings.locator('input.filter-search').fill('hourly');
  assert.deepEqual((await rowsOf(page, 'meetings.ics')).map((r) => r.summary), ['Hourly check']);
  await meetings.locator('input.filter-search').fill('');

  // Detail: the stand-up as read and as it will be written, side by side.
  await page.locator('section[data-file="team-calendar.ics"] tr.item-row[data-index="0"] .item-summary').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('As it will be written').waitFor();
  const read = await dialog.locator('section[aria-labelledby="as-read"]').textContent();
  const written = await dialog.locator('section[aria-labelledby="as-written"]').textContent();
  assert.match(read, /Ana Lima <ana@sumatra\.local> \(required, accepted\)/);
  assert.match(written, /Ben Okafor <benjamin\.okafor@sumatra\.onmicrosoft\.com> \(optional, tentative\)/);
  assert.doesNotMatch(written, /AttendeesAna/, 'flat mode: no attendee list on the written side');
  assert.match(written, /every week on MO, WE, FR/);
  // The exact requests: EWS first, then CalDAV, for the same item.
  const sent = dialog.locator('section.requests');
  await sent.getByText('CreateItem: 1 item in calendar').waitFor();
  const envelope = await sent.locator('pre.request-body').first().textContent();
  assert.match(envelope, /SendMeetingInvitations="SendToNone"/);
  assert.match(envelope, /<t:Subject>Team stand-up<\/t:Subject>/);
  assert.doesNotMatch(envelope, /<t:RequiredAttendees>/, 'flat mode: no attendees in the request');
  await sent.getByLabel('Target').selectOption('graph');
  const graphBody = JSON.parse(await sent.locator('pre.request-body').first().textContent());
  assert.equal(graphBody.subject, 'Team stand-up');
  assert.equal(graphBody.attendees, undefined, 'Graph never gets attendees');
  await sent.getByLabel('Target').selectOption('caldav');
  const resource = await sent.locator('pre.request-body').first().textContent();
  assert.match(resource, /^BEGIN:VCALENDAR/);
  assert.match(resource, /SUMMARY:Team stand-up/);
  await page.screenshot({ path: path.join(artifacts, 'detail-desktop.png') });
  await sent.scrollIntoViewIfNeeded();
  await sent.screenshot({ path: path.join(artifacts, 'detail-requests.png') });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.screenshot({ path: path.join(artifacts, 'rules-desktop.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways on a phone by ${overflow}px`);
  await page.locator('section[data-file="meetings.ics"]').screenshot({ path: path.join(artifacts, 'meetings-phone.png') });
  await page.close();
});

test('100,000 events: a progress bar, then a table that only renders what is in view', async () => {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Ferry//e2e//EN'];
  for (let i = 0; i < 100_000; i += 1) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push('BEGIN:VEVENT', `UID:bulk-${i}@example.org`, `DTSTART:202701${day}T090000Z`,
      `DTEND:202701${day}T100000Z`, `SUMMARY:Bulk event ${i}`, 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  const bulk = path.join(scratch, 'bulk.ics');
  writeFileSync(bulk, lines.join('\r\n'));

  const page = await openPage();
  // Records whether a progress bar was ever shown (it may be brief).
  await page.evaluate(() => {
    window.sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector('progress.file-progress')) window.sawProgress = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.locator('#file-input').setInputFiles(bulk);
  const section = page.locator('section[data-file="bulk.ics"]');
  await section.locator('.shown-count').waitFor({ timeout: 120_000 });
  assert.equal(await section.locator('.shown-count').textContent(), '100000 items');
  assert.ok(await page.evaluate(() => window.sawProgress), 'a progress bar was shown while reading');
  assert.ok((await section.locator('tr.item-row').count()) < 100, 'only a window of rows is in the page');
  const scroller = section.locator('.table-wrap');
  await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
  const middle = section.locator('tr.item-row[data-index="50000"]');
  await middle.waitFor();
  // The file is read in parts by several workers (it is over 8 MB): line
  // numbers run on across the parts. Event i starts on line 4 + 6 i.
  assert.equal(await middle.getAttribute('data-line'), String(4 + 6 * 50000));
  assert.equal(await middle.locator('.item-summary').textContent(), 'Bulk event 50000');
  await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  const last = section.locator('tr.item-row[data-index="99999"]');
  await last.waitFor();
  assert.equal(await last.locator('.item-summary').textContent(), 'Bulk event 99999');
  assert.equal(await last.getAttribute('data-line'), String(4 + 6 * 99999));
  await section.locator('input.filter-search').fill('event 4242');
  assert.equal(await section.locator('.shown-count').textContent(), '11 of 100000 items');

  // The window arithmetic relies on fixed row heights (item_table.rs and
  // ferry.css): 60 px rows on a desktop, 220 px cards on a phone.
  const heights = () => section.locator('tr.item-row').evaluateAll(
    (rows) => rows.map((row) => Math.round(row.getBoundingClientRect().height)));
  assert.deepEqual([...new Set(await heights())], [60]);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForFunction(() => document.querySelector('tr.item-row')?.getBoundingClientRect().height > 100);
  assert.deepEqual([...new Set(await heights())], [220]);
  await section.locator('input.filter-search').fill('');
  await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await section.locator('tr.item-row[data-index="99999"]').waitFor();
  await section.screenshot({ path: path.join(artifacts, 'bulk-phone.png') });
  await page.close();
});
