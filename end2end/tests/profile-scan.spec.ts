import { test, expect, chromium, BrowserContext } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { signIn, openNewRequest } from './helpers';

// The lost-phone check (issue 5): requests typed with no signal wait on the device, and the
// browser's own profile folder — IndexedDB, Cache Storage, session files, everything Chromium
// wrote — holds none of what was typed, after the store locks (the browser closed) and after
// sign-out. A plaintext control that does go to disk (the signed-in officer's name, in the cached
// form page) must be found, or the scan proves nothing.

const CANARIES = ['Quokkamarine Zephyrine', '88 Tamarillo Crescent', 'Canary reason: marmalade flood'];
const CONTROL = 'Officer Sam Kim';
const PIN = '739104';

function find(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const bytes = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        let data: Buffer;
        try {
          data = fs.readFileSync(p);
        } catch {
          continue;
        }
        if (bytes.some((b) => data.includes(b))) hits.push(path.relative(dir, p));
      }
    }
  };
  walk(dir);
  return hits;
}

async function open(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    baseURL: test.info().project.use.baseURL,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
}

test('the profile folder holds nothing typed offline, after lock and after sign-out', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-profile-'));
  let ctx = await open(dir);
  let page = ctx.pages()[0] ?? (await ctx.newPage());
  await signIn(page, 'officer2');
  const setup = page.getByRole('form', { name: 'PIN of this device' });
  await setup.getByLabel('New PIN').fill(PIN);
  await setup.getByLabel('The same PIN again').fill(PIN);
  await setup.getByRole('button', { name: 'Set the PIN' }).click();
  await expect(page.locator('#outbox-count')).toContainText('Nothing waits to send');
  await openNewRequest(page);
  await expect
    .poll(() =>
      page.evaluate(async () => {
        for (const name of await caches.keys()) {
          if (await (await caches.open(name)).match('/requests/new')) return true;
        }
        return false;
      }),
    )
    .toBe(true);

  // No signal: a request full of canaries is saved on the device.
  await ctx.setOffline(true);
  await page.reload();
  await expect(page.locator('#date')).not.toHaveValue('');
  await page.getByLabel('Name of requester').fill(CANARIES[0]);
  await page.getByLabel('Age').fill('47');
  await page.getByLabel('Address').fill(CANARIES[1]);
  await page.getByLabel('Reason for request').fill(CANARIES[2]);
  await page.getByLabel('Purpose').selectOption('food');
  await page.getByLabel('Amount requested ($)').fill('11');
  await page.getByRole('button', { name: 'Submit request' }).click();
  const prompt = page.locator('#needs-pin');
  await prompt.getByLabel('PIN of this device').fill(PIN);
  await prompt.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.locator('#queued')).toBeVisible();
  await expect(page.locator('#outbox-count')).toContainText('1 waiting to send');

  // Locked: the browser is closed with the request waiting. The control is on disk; no canary is.
  await ctx.close();
  expect(find(dir, CONTROL).length, 'the plaintext control must be found').toBeGreaterThan(0);
  for (const canary of CANARIES) expect(find(dir, canary), canary).toEqual([]);

  // The phone again, still offline: the request still waits (nothing was lost).
  ctx = await open(dir);
  await ctx.setOffline(true);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto('/requests/new');
  await expect(page.locator('#outbox-count')).toContainText('1 waiting to send');

  // Signed out (the request is given up, after the warning): nothing typed is anywhere.
  page.once('dialog', (d) => d.accept());
  await ctx.setOffline(false);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await ctx.close();
  for (const canary of CANARIES) expect(find(dir, canary), canary).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
});
