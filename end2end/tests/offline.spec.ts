import { test, expect, Browser, BrowserContext, Page } from '@playwright/test';
import { device, fillRequest, signIn, openNewRequest, setPin as setPinOf, shellReady } from './helpers';

// Offline work (app/src/offline, public/sw.js) with the network cut through the browser context:
// the form opens from the service worker's cache, requests wait encrypted in IndexedDB behind the
// device's PIN, survive a reload, and arrive once when the signal returns. Ten wrong PINs wipe it.

const run = Date.now().toString(36);
const PIN = '284716';
const setPin = (page: Page) => setPinOf(page, PIN);

/** officer2 on a phone of their own, PIN set, on the request form the worker keeps for offline. */
async function officerOnTheForm(browser: Browser): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'officer2');
  await setPin(page);
  await openNewRequest(page);
  await shellReady(page);
  return { ctx, page };
}

test('requests filed with no signal wait on the device, survive a reload, and arrive once', async ({
  browser,
}) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'officer2');
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
  await setPin(page);
  await openNewRequest(page);
  await shellReady(page);

  // No signal: the form still opens (from the worker's cache) and still checks every field.
  await ctx.setOffline(true);
  const shell = await page.reload();
  expect(shell?.fromServiceWorker()).toBe(true);
  // Really no network, for the page and for its worker.
  expect(await page.evaluate(() => fetch('/healthz').then(() => 'reached', () => 'no network'))).toBe(
    'no network',
  );
  await expect(page.getByRole('heading', { name: 'New emergency fund request' })).toBeVisible();
  await expect(page.locator('#date')).not.toHaveValue('');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await expect(page.locator('#requester_name-error')).toHaveText('This field is required.');

  // The first request after the reload asks for the PIN, then is saved on the device.
  const first = `Offline One ${run}`;
  await fillRequest(page, first, '9');
  const prompt = page.locator('#needs-pin');
  await expect(prompt).toBeVisible();
  await prompt.getByLabel('PIN of this device').fill('000001');
  await prompt.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.locator('#pin-for-request-error')).toContainText('Wrong PIN. 9 more');
  await prompt.getByLabel('PIN of this device').fill(PIN);
  await prompt.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.locator('#queued')).toBeVisible();
  await expect(page.locator('#outbox-count')).toContainText('1 waiting to send');
  await expect(page.getByLabel('Name of requester')).toHaveValue('');

  const second = `Offline Two ${run}`;
  await fillRequest(page, second, '14');
  await expect(page.locator('#outbox-count')).toContainText('2 waiting to send');

  // A reload with no signal: both still wait (counted without the PIN; nothing readable).
  await page.reload();
  await expect(page.locator('#outbox-count')).toContainText('2 waiting to send');
  await expect(page.locator('#outbox-items')).not.toContainText(first);

  // Signal again: signed in, the server's secret for this device opens the store (no PIN) and
  // both are sent.
  await ctx.setOffline(false);
  await expect(page.locator('#outbox-count')).toContainText('Nothing waits to send', { timeout: 20_000 });
  await expect(page.locator('#outbox-count')).toContainText('last sent');

  // They arrived once each: the officer's list and the supervisor's queue.
  await page.goto('/requests/mine');
  await expect(page.getByText(first)).toHaveCount(1);
  await expect(page.getByText(second)).toHaveCount(1);
  const sctx = await device(browser, 'tablet');
  const spage = await sctx.newPage();
  await signIn(spage, 'supervisor');
  await spage.goto('/requests/queue');
  await expect(spage.getByText(first)).toHaveCount(1);
  await expect(spage.getByText(second)).toHaveCount(1);
  await sctx.close();
  await ctx.close();
});

test("a request's new state reaches the officer's phone and stays readable there with no signal", async ({
  browser,
}) => {
  const { ctx, page } = await officerOnTheForm(browser);
  const name = `Pulled State ${run}`;
  await fillRequest(page, name, '17');
  await expect(page).toHaveURL(/\/requests\/mine$/);

  // Back on the form (a fresh load pulls): the device knows the request, by date, amount, state.
  await page.goto('/requests/new');
  const held = page.locator('#held-requests');
  await expect(held.locator('li', { hasText: '$17.00' })).toContainText('awaiting supervisor');

  // The supervisor denies it on the tablet.
  const sctx = await device(browser, 'tablet');
  const spage = await sctx.newPage();
  await signIn(spage, 'supervisor');
  await spage.goto('/requests/queue');
  await spage.locator('.card', { hasText: name }).getByRole('link').click();
  await spage.getByLabel('Reason for denial').fill('Covered by the township tonight.');
  await spage.getByRole('button', { name: 'Deny' }).click();
  await expect(spage.locator('.status-line')).toContainText('Denied');
  await sctx.close();

  // The phone's next pull brings the new state…
  await page.reload();
  await expect(held.locator('li', { hasText: '$17.00' })).toContainText('Denied');

  // …which it still shows with no signal, after a reload, once the PIN opens the store; nothing
  // of the resident is on the device.
  await ctx.setOffline(true);
  await page.reload();
  await expect(held).toHaveCount(0);
  const unlock = page.getByRole('form', { name: 'Unlock this device' });
  await unlock.getByLabel('PIN of this device').fill(PIN);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(held.locator('li', { hasText: '$17.00' })).toContainText('Denied');
  await expect(held).not.toContainText(name);
  await ctx.close();
});

test('ten wrong PINs wipe what the device holds', async ({ browser }) => {
  const { ctx, page } = await officerOnTheForm(browser);
  await ctx.setOffline(true);
  await page.reload();
  await expect(page.locator('#date')).not.toHaveValue('');
  await fillRequest(page, `Never Sent ${run}`, '5');
  const prompt = page.locator('#needs-pin');
  await expect(prompt).toBeVisible();
  for (let i = 1; i < 10; i++) {
    await prompt.getByLabel('PIN of this device').fill(`90000${i}`);
    await prompt.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.locator('#pin-for-request-error')).toContainText(`Wrong PIN. ${10 - i} more`);
  }
  await prompt.getByLabel('PIN of this device').fill('900010');
  await prompt.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.locator('#pin-for-request-error')).toContainText('Too many wrong PINs');
  // The key and the cached pages are gone: the device asks for a new PIN, nothing is queued.
  await expect(page.getByRole('form', { name: 'PIN of this device' })).toBeVisible();
  expect(await page.evaluate(async () => (await caches.keys()).length)).toBe(0);
  await ctx.close();
});

test('a device revoked by the administrator wipes itself at its next contact', async ({ browser }) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'officer');
  await setPin(page);
  await openNewRequest(page);
  await shellReady(page);

  const actx = await device(browser, 'tablet');
  const apage = await actx.newPage();
  await signIn(apage, 'admin');
  await apage.getByRole('link', { name: 'Administration' }).click();
  await expect(apage.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
  const row = apage.locator('#person-officer');
  await row.getByRole('button', { name: 'Revoke offline devices' }).click();
  await expect(row).toContainText('offline device(s) revoked');
  await actx.close();

  // The officer's next contact: the store is gone, a new PIN is asked for.
  await page.goto('/');
  await expect(page.locator('#outbox-note')).toContainText('This device was revoked');
  await expect(page.getByRole('form', { name: 'PIN of this device' })).toBeVisible();
  await ctx.close();
});

test('a store the browser evicted is noticed and said, not silently replaced', async ({ browser }) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'officer2');
  await setPin(page);
  // What a browser under storage pressure does: the database goes, the page does not know.
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const req = indexedDB.deleteDatabase('haven-vault');
        req.onsuccess = req.onerror = req.onblocked = () => resolve(null);
      }),
  );
  await page.reload();
  await expect(page.locator('#store-evicted')).toContainText('This browser deleted what Haven kept on this device');
  await expect(page.getByRole('form', { name: 'PIN of this device' })).toBeVisible();
  await ctx.close();
});

test('a request the server refuses when it arrives is fixed from the outbox and sent again', async ({
  browser,
}) => {
  const { ctx, page } = await officerOnTheForm(browser);
  const name = `Refused Then Fixed ${run}`;
  // Filed with no signal under the ceiling of the moment ($500)…
  await ctx.setOffline(true);
  await fillRequest(page, name, '300');
  await expect(page.locator('#outbox-count')).toContainText('1 waiting to send');

  // …which the administrator lowers to $200 before the signal returns.
  const actx = await device(browser, 'tablet');
  const apage = await actx.newPage();
  await signIn(apage, 'admin');
  // The department's settings as they are now (earlier tests may have changed them), as the form.
  const current: Record<string, unknown> = await (await apage.request.post('/api/department_settings')).json();
  const before = Object.fromEntries(Object.entries(current).map(([k, v]) => [k, String(v)]));
  const settings = (ceiling: string) => ({ data: { draft: { ...before, request_amount_ceiling: ceiling } } });
  expect((await apage.request.post('/api/update_settings', settings('200'))).ok()).toBeTruthy();
  try {
    // Refused on arrival: it stays, with the reason on it, and a way to fix it.
    await ctx.setOffline(false);
    await page.getByRole('button', { name: 'Send now' }).click();
    const items = page.locator('#outbox-items');
    await expect(items).toContainText('Refused by the server: amount_requested', { timeout: 20_000 });
    await expect(page.locator('#outbox-count')).toContainText('1 waiting to send');
    await items.getByRole('link', { name: 'Fix and resend' }).click();
    await expect(page).toHaveURL(/\/requests\/new\?fix=/);
    // The form holds what was typed, with the reason under the field.
    await expect(page.getByLabel('Name of requester')).toHaveValue(name);
    await expect(page.locator('#amount_requested-error')).toContainText('$200');
    await page.getByLabel('Amount requested ($)').fill('150');
    await page.getByRole('button', { name: 'Submit request' }).click();
    await expect(page.locator('#outbox-count')).toContainText('Nothing waits to send', { timeout: 20_000 });
    // The form is a fresh one: nothing of the fixed request stays in it.
    await expect(page).toHaveURL(/\/requests\/new$/);
    await expect(page.getByLabel('Name of requester')).toHaveValue('');
    await expect(page.locator('#amount_requested-error')).toBeEmpty();
    // It arrived once, corrected.
    await page.goto('/requests/mine');
    await expect(page.getByText(name)).toHaveCount(1);
    await expect(page.locator('li', { hasText: name })).toContainText('$150.00');
  } finally {
    expect((await apage.request.post('/api/update_settings', settings(before.request_amount_ceiling))).ok()).toBeTruthy();
    await actx.close();
    await ctx.close();
  }
});
