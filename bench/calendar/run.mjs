// The calendar benchmark (issue 4): one generated 100,000-event .ics
// (~140 MB) read in headless Chromium by Ferry's preview page (its WASM
// parser workers, timed from the file input's change to the table's item
// count) and by ical.js (parse plus an ICAL.Event per VEVENT). Reports both times, the renderer's peak
// memory (sampled from /proc every 20 ms) and the ratio; then the time
// until the first rows of a 5,000-event file are on the real preview page.
//
// Usage: node bench/calendar/run.mjs [--events N] [--runs R]
// Needs: the page built in dist/ (scripts/build-frontend.sh), npm packages
// (scripts/setup.sh), Debian's chromium. Only loopback is used.
import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const EVENTS = option('--events', 100_000);
const RUNS = option('--runs', 3);
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.ics': 'text/calendar', '.svg': 'image/svg+xml' };

const scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-'));
const bigFile = path.join(scratch, 'bench.ics');
const smallFile = path.join(scratch, 'first-rows.ics');
console.log(`Generating ${EVENTS} events…`);
execFileSync('node', [path.join(root, 'bench/calendar/generate.mjs'), String(EVENTS), bigFile]);
execFileSync('node', [path.join(root, 'bench/calendar/generate.mjs'), '5000', smallFile]);
const size = statSync(bigFile).size;

if (!existsSync(path.join(root, 'dist/parser_worker_loader.js'))) {
  console.error('dist/ has no parser worker: run scripts/build-frontend.sh first');
  process.exit(2);
}

// A static server on loopback: dist/, the benchmark page, ical.js and the file.
const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  let file;
  if (url.pathname === '/bench') file = path.join(root, 'bench/calendar/page.html');
  else if (url.pathname === '/ical.js') file = path.join(root, 'node_modules/ical.js/dist/ical.js');
  else if (url.pathname === '/bench.ics') file = bigFile;
  else if (url.pathname === '/') file = path.join(root, 'dist/index.html');
  else file = path.join(root, 'dist', path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
  if (!file.startsWith(root) && !file.startsWith(scratch) || !existsSync(file) || statSync(file).isDirectory()) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

/** Pids of `pid` and all its descendants. */
function family(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch { /* gone */ }
  }
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** RSS in MiB of the renderer processes under the browser `pid`. */
function rendererRss(pids) {
  let kib = 0;
  for (const p of pids) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      kib += Number(status.match(/VmRSS:\s+(\d+)/)[1]);
    } catch { /* gone */ }
  }
  return kib / 1024;
}

async function measure(fn) {
  const profile = mkdtempSync(path.join(scratch, 'profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
  });
  const browserPid = Number(execFileSync('pgrep', ['-o', '-f', '--', `--user-data-dir=${profile}`]).toString().trim().split('\n')[0]);
  const page = await context.newPage();
  if (fn === 'ferry') {
    // Ferry as people use it: the real preview page, the file given to its
    // file input, timed until the table says how many items it holds.
    await page.goto(base);
    await page.locator('#file-input').waitFor({ state: 'attached' });
    await page.evaluate(() => {
      window.runFerry = () => new Promise((resolve) => {
        document.querySelector('#file-input').addEventListener('change', () => {
          const started = performance.now();
          new MutationObserver((_, observer) => {
            const count = document.querySelector('.shown-count');
            if (count) {
              observer.disconnect();
              resolve({
                ms: performance.now() - started,
                items: Number(count.textContent.split(' ')[0]),
                first: document.querySelector('tr.item-row .item-summary')?.textContent,
              });
            }
          }).observe(document.body, { childList: true, subtree: true });
        }, { capture: true, once: true });
      });
    });
  } else {
    await page.goto(`${base}/bench`);
    await page.waitForFunction(() => window.benchReady === true);
  }
  let pids = family(browserPid);
  const baseline = rendererRss(pids);
  let peak = baseline;
  const sampler = setInterval(() => {
    pids = family(browserPid);
    peak = Math.max(peak, rendererRss(pids));
  }, 20);
  let result;
  if (fn === 'ferry') {
    const running = page.evaluate(() => window.runFerry());
    await page.locator('#file-input').setInputFiles(bigFile);
    result = await running;
  } else {
    result = await page.evaluate(() => window.runIcalJs());
  }
  clearInterval(sampler);
  await context.close();
  return { ...result, peak, baseline };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = { ferry: [], icaljs: [] };
for (let run = 0; run < RUNS; run += 1) {
  for (const tool of ['ferry', 'icaljs']) {
    const r = await measure(tool);
    results[tool].push(r);
    console.log(`run ${run + 1} ${tool.padEnd(6)} ${(r.ms / 1000).toFixed(2)} s, ${r.items} events, renderer peak ${r.peak.toFixed(0)} MiB (idle ${r.baseline.toFixed(0)} MiB)`);
  }
}
for (const tool of ['ferry', 'icaljs']) {
  const items = new Set(results[tool].map((r) => r.items));
  if (items.size !== 1 || !items.has(EVENTS)) throw new Error(`${tool} read ${[...items]} events, expected ${EVENTS}`);
}

// First rows on the real preview page for a 5,000-event file.
const firstRows = [];
for (let run = 0; run < RUNS; run += 1) {
  const profile = mkdtempSync(path.join(scratch, 'profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
  });
  const page = await context.newPage();
  await page.goto(base);
  await page.locator('#file-input').waitFor({ state: 'attached' });
  await page.evaluate(() => {
    window.firstRow = new Promise((resolve) => {
      document.querySelector('#file-input').addEventListener('change', () => {
        const started = performance.now();
        new MutationObserver((_, observer) => {
          if (document.querySelector('tr.item-row')) { observer.disconnect(); resolve(performance.now() - started); }
        }).observe(document.body, { childList: true, subtree: true });
      }, { capture: true, once: true });
    });
  });
  await page.locator('#file-input').setInputFiles(smallFile);
  firstRows.push(await page.evaluate(() => window.firstRow));
  await context.close();
}

const ferryMs = median(results.ferry.map((r) => r.ms));
const icalMs = median(results.icaljs.map((r) => r.ms));
const ferryPeak = Math.max(...results.ferry.map((r) => r.peak));
const icalPeak = Math.max(...results.icaljs.map((r) => r.peak));
const ferryGrowth = Math.max(...results.ferry.map((r) => r.peak - r.baseline));
const icalGrowth = Math.max(...results.icaljs.map((r) => r.peak - r.baseline));
console.log('');
console.log(`File: ${EVENTS} events, ${(size / 1024 / 1024).toFixed(0)} MiB; ${RUNS} runs each, medians; ${os.cpus().length} cores`);
console.log('| parser | time | renderer peak | growth over the idle page |');
console.log('|---|---|---|---|');
console.log(`| Ferry (preview page, WASM workers) | ${(ferryMs / 1000).toFixed(2)} s | ${ferryPeak.toFixed(0)} MiB | ${ferryGrowth.toFixed(0)} MiB |`);
console.log(`| ical.js 2.2.1 | ${(icalMs / 1000).toFixed(2)} s | ${icalPeak.toFixed(0)} MiB | ${icalGrowth.toFixed(0)} MiB |`);
console.log(`Ferry is ${(icalMs / ferryMs).toFixed(2)}× ical.js (target ≥ 3×); growth ${ferryGrowth.toFixed(0)} MiB (target ≤ 300 MiB)`);
console.log(`First rows on screen, 5,000 events: ${firstRows.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')} (target ≤ 1 s)`);
server.close();
rmSync(scratch, { recursive: true, force: true });
