// Writes a deterministic iCalendar file of N events for the calendar
// benchmark: recurrences (with exceptions), time zones (VTIMEZONE),
// attendees, alarms and long folded descriptions — about 1.4 KB an
// event, so 100,000 events make ~140 MB.
// Usage: node bench/calendar/generate.mjs EVENTS OUT.ics
import { createWriteStream } from 'node:fs';

const [count = '100000', out = 'bench-calendar.ics'] = process.argv.slice(2);
const events = Number(count);

let seed = 0x5eed1234;
function random() {
  // xorshift32: the same file on every machine.
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 0x100000000;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const pad = (n, w = 2) => String(n).padStart(w, '0');

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
const WORDS = ('budget review planning offsite customer migration Ferry calendar quarterly roadmap ' +
  'design sync interview onboarding retrospective release security audit Zürich Kraków São Paulo ' +
  'München Ångström café naïve résumé 東京 会議').split(' ');
const PEOPLE = Array.from({ length: 200 }, (_, i) => [`Person ${i} Ñandú`, `user${i}@sumatra.local`]);

function fold(line) {
  // RFC 5545: lines of at most 75 octets, continued with a space. Folds
  // between characters (never inside a UTF-8 sequence).
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line + '\r\n';
  const parts = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end -= 1;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74;
  }
  return parts.join('\r\n ') + '\r\n';
}

function text(words) {
  return Array.from({ length: words }, () => pick(WORDS)).join(' ');
}

const timezones = [
  'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'TZNAME:CEST', 'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'TZNAME:CET', 'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'END:STANDARD', 'END:VTIMEZONE',
  'BEGIN:VTIMEZONE', 'TZID:America/New_York',
  'BEGIN:DAYLIGHT', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'TZNAME:EDT', 'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'END:DAYLIGHT',
  'BEGIN:STANDARD', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'TZNAME:EST', 'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'END:STANDARD', 'END:VTIMEZONE',
  'BEGIN:VTIMEZONE', 'TZID:Asia/Tokyo',
  'BEGIN:STANDARD', 'TZOFFSETFROM:+0900', 'TZOFFSETTO:+0900', 'TZNAME:JST', 'DTSTART:19700101T000000',
  'END:STANDARD', 'END:VTIMEZONE',
];

const file = createWriteStream(out);
let buffered = '';
const write = (s) => {
  buffered += s;
  if (buffered.length > 1 << 20) { file.write(buffered); buffered = ''; }
};
write('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Ferry//calendar benchmark//EN\r\n');
for (const line of timezones) write(line + '\r\n');
for (let i = 0; i < events; i += 1) {
  const zone = pick(ZONES);
  const year = 2020 + Math.floor(random() * 8);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  const hour = 7 + Math.floor(random() * 11);
  const start = `${year}${pad(month)}${pad(day)}T${pad(hour)}${pad(Math.floor(random() * 4) * 15)}00`;
  const end = `${year}${pad(month)}${pad(day)}T${pad(hour + 1)}${start.slice(11, 13)}00`;
  const [orgName, orgMail] = pick(PEOPLE);
  write('BEGIN:VEVENT\r\n');
  write(`UID:bench-${i}-${Math.floor(random() * 1e9)}@sumatra.local\r\n`);
  write(`DTSTAMP:20261101T080000Z\r\n`);
  write(`DTSTART;TZID=${zone}:${start}\r\n`);
  write(`DTEND;TZID=${zone}:${end}\r\n`);
  write(fold(`SUMMARY:${text(3 + Math.floor(random() * 5))}`));
  write(fold(`LOCATION:Room ${Math.floor(random() * 500)}\\, ${pick(WORDS)}`));
  write(fold(`DESCRIPTION:${text(40 + Math.floor(random() * 20))}\\n${text(20)}`));
  write(fold(`ORGANIZER;CN="${orgName}":mailto:${orgMail}`));
  const attendees = 2 + Math.floor(random() * 4);
  for (let a = 0; a < attendees; a += 1) {
    const [name, mail] = pick(PEOPLE);
    write(fold(`ATTENDEE;CN="${name}";ROLE=${pick(['REQ-PARTICIPANT', 'OPT-PARTICIPANT'])};PARTSTAT=${pick(['ACCEPTED', 'TENTATIVE', 'NEEDS-ACTION', 'DECLINED'])};RSVP=TRUE:mailto:${mail}`));
  }
  if (i % 5 === 0) {
    write(`RRULE:FREQ=WEEKLY;INTERVAL=${1 + (i % 3)};BYDAY=MO,WE;COUNT=${10 + (i % 20)}\r\n`);
    if (i % 10 === 0) write(`EXDATE;TZID=${zone}:${start}\r\n`);
  }
  write(`CATEGORIES:${pick(WORDS)},${pick(WORDS)}\r\n`);
  write('BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n');
  write('END:VEVENT\r\n');
}
write('END:VCALENDAR\r\n');
file.write(buffered);
file.end();
