// End-to-end test of "Sign in with …" (OAuth2 code with PKCE) through the
// page: testkit's demo_servers with `--oauth` (an old Dovecot mailbox that
// takes the test provider's tokens, the provider itself, an empty new
// mailbox), the real `ferry serve` and headless Chromium. The browser
// leaves for the provider under another site name (localhost against
// 127.0.0.1), so the cookies work as they must across sites; it comes back
// signed in. A forged return is said in plain words and cleared from the
// address. Screenshots go to e2e/artifacts/oauth-*.png.
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
const PHONE = { width: 390, height: 844 };

let demo;
let server;
let baseUrl;
let context;
let scratch;
const problems = [];

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-oauth-'));
  const started = await startOAuthDemoServers(demoBin, 20);
  demo = started.child;
  const found = await started.found;
  const more = [
    '[[servers]]',
    'id = "oauth-imap"',
    'label = "Test Mail"',
    'kind = "imap"',
    'role = "source"',
    'host = "127.0.0.1"',
    `port = ${found.source}`,
    'tls = "none"',
    'auth = ["oauth2"]',
    'oauth = "test"',
    '[[servers]]',
    'id = "new-imap"',
    'label = "New Mail"',
    'kind = "imap"',
    'role = "target"',
    'host = "127.0.0.1"',
    `port = ${found.target}`,
    'tls = "none"',
    ...testProviderConfig(found, started.redirect, '["openid", "email", "offline_access"]'),
  ];
  const ferry = startLoopbackFerry({
    ferryBin, scratch, staticDir: path.join(root, 'dist'), name: 'oauth', more, listen: started.listen,
  });
  server = ferry.child;
  baseUrl = await ferry.url;
  context = await launchBrowser(scratch);
});

after(() => stopAll({ context, server, demo, scratch }));

afterEach(() => {
  const found = problems.splice(0);
  assert.deepEqual(found, [], 'the page reported errors');
});

async function openPage(url) {
  const page = await watchedPage(context, problems);
  await page.goto(url);
  await page.getByRole('heading', { name: 'Move your mail' }).waitFor();
  return page;
}

const card = (page, title) => page.locator('section.mailbox-card', { has: page.getByRole('heading', { name: title }) });

test('"Sign in with" goes through the provider and comes back signed in', async () => {
  const page = await openPage(new URL('/#move', baseUrl).href);
  const old = card(page, 'Your old mailbox');
  const button = old.getByRole('button', { name: 'Sign in with Test Mail' });
  await button.waitFor();
  assert.equal(await old.getByLabel('Password').count(), 0, 'no password field');
  await old.getByLabel('Email address (optional)').fill('alice');
  await page.screenshot({ path: path.join(artifacts, 'oauth-before-desktop.png'), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(artifacts, 'oauth-before-phone.png'), fullPage: true });
  // With the keyboard: Enter in the field sends the form.
  await old.getByLabel('Email address (optional)').press('Enter');
  await page.waitForURL((url) => url.pathname === '/' && url.hash === '#move' && !url.search, { timeout: 30_000 });
  await old.getByText('Signed in').waitFor({ timeout: 30_000 });
  assert.match(await old.locator('.signed-in').innerText(), /alice at Test Mail/);
  await page.screenshot({ path: path.join(artifacts, 'oauth-signed-in-phone.png'), fullPage: true });
  // The new mailbox still asks for its password.
  const fresh = card(page, 'Your new mailbox');
  await fresh.getByLabel('Password').waitFor();
  await page.close();
});

test('a forged return from the provider is refused in plain words', async () => {
  const page = await openPage(new URL('/api/oauth/callback?code=x&state=forged', baseUrl).href);
  const alert = page.getByRole('alert').filter({ hasText: 'already used' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /took too long or was already used/);
  assert.equal(new URL(page.url()).search, '', 'the error left the address');
  assert.equal(new URL(page.url()).hash, '#move');
  await page.close();
});
