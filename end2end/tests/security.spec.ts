import { test, expect } from '@playwright/test';
import { device, draft, signIn, signInWithPassword, PASSWORD, base32Decode, totp } from './helpers';

// The second factor in a real browser: a passkey enrolled at the first sign-in with Chromium's
// virtual authenticator (user verification on), used at the next sign-in; a captured assertion
// replayed into another session is refused; the authenticator-app path for people without passkeys.

test('a passkey enrolled at first sign-in signs in again, and a replayed assertion is refused', async ({
  browser,
}) => {
  // First sign-in of the run for this person: the password, then "Add a passkey".
  const first = await device(browser, 'phone');
  await signIn(await first.newPage(), 'deputychief');
  await first.close();

  // Next sign-in, on another device context: "Use my passkey". Capture what the browser sent.
  const second = await device(browser, 'phone');
  const page = await second.newPage();
  let assertion: string | null = null;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/passkey_sign_in_finish')) assertion = r.postData();
  });
  await signIn(page, 'deputychief');
  expect(assertion).not.toBeNull();
  await second.close();

  // Someone who has the password and that captured assertion: still not signed in.
  const thief = await device(browser, 'phone');
  const tpage = await thief.newPage();
  await signInWithPassword(tpage, 'deputychief');
  const replay = await tpage.request.post('/api/passkey_sign_in_finish', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    data: assertion!,
  });
  expect(replay.status()).toBe(422);
  expect((await replay.json()).fields[0].code).toBe('passkey_refused');
  await tpage.goto('/requests/mine');
  await expect(tpage).toHaveURL(/\/mfa$/);
  await thief.close();
});

test('without a passkey, an authenticator app is the second factor; a wrong code names the field', async ({
  browser,
}) => {
  // A person who has never signed in (the demo accounts get passkeys in the other files).
  const username = `totp${Date.now().toString(36)}`;
  const actx = await device(browser, 'tablet');
  const apage = await actx.newPage();
  await signIn(apage, 'admin');
  const made = await apage.request.post('/api/create_account', {
    data: { person: { username, display_name: 'Tess Totp', roles: ['auditor'], password: PASSWORD } },
  });
  expect(made.status()).toBe(200);
  await actx.close();

  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signInWithPassword(page, username);
  await expect(page.getByRole('heading', { name: 'Set up your second factor' })).toBeVisible();
  await page.getByRole('button', { name: 'Use an authenticator app instead' }).click();
  const secret = base32Decode((await page.locator('#totp-secret').textContent())!.trim());
  await expect(page.getByRole('img', { name: 'QR code of your authenticator key' })).toBeVisible();

  await page.getByLabel('Code shown by the app').fill('000000');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.locator('#code-error')).toContainText('wrong or was already used');

  const step = Math.floor(Date.now() / 1000 / 30);
  await page.getByLabel('Code shown by the app').fill(totp(secret, step));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Home' })).toBeVisible();
  await ctx.close();
});

test('the auditor searches the audit log and downloads it as CSV', async ({ browser }) => {
  const ctx = await device(browser, 'tablet');
  const page = await ctx.newPage();
  await signIn(page, 'auditor');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await page.getByLabel('Action (or its start, e.g. sign_in)').fill('sign_in.passkey');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/action=sign_in.passkey/);
  const rows = page.locator('table.audit tbody tr');
  await expect(rows.first()).toBeVisible();
  // The refused replay of the first test is there, under the person it targeted.
  await expect(page.locator('table.audit')).toContainText('deputychief');
  const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  expect(href).toContain('action=sign_in.passkey');
  const csv = await page.request.get(href!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(await csv.text()).toContain('sign_in.passkey');
  await ctx.close();
});

test('a lost phone is reported in two taps and the Deputy Chief sees at once whose records could be affected', async ({
  browser,
}) => {
  // The Deputy Chief's home is open on a tablet, listening.
  const dcCtx = await device(browser, 'tablet');
  const dc = await dcCtx.newPage();
  await signIn(dc, 'deputychief');
  await expect(dc.locator('#breach-feed')).toHaveAttribute('data-live', 'on');
  const before = await dc.locator('#open-breaches').count();
  expect(before).toBe(0);

  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'officer');
  const resident = `Breach Witness ${Date.now()}`;
  const filed = await page.request.post('/api/submit_request', { data: { draft: draft(resident, '7') } });
  expect(filed.status()).toBe(200);
  await page.getByRole('link', { name: 'Report a breach' }).click(); // tap 1
  await page.getByRole('button', { name: 'I lost a phone or tablet (or it was stolen)' }).click(); // tap 2
  const receipt = page.locator('#breach-receipt');
  await expect(receipt).toContainText('The Deputy Chief of Support Services has been notified');
  await expect(receipt).toContainText(/[1-9]\d* record\(s\) you worked on/);
  await ctx.close();

  // No reload: the banner appears by itself.
  await expect(dc.locator('#open-breaches')).toContainText('breach report(s) wait for you');
  await dc.getByRole('link', { name: 'Open breach reports' }).click();
  await dc.getByRole('link', { name: 'I lost a phone or tablet (or it was stolen)' }).first().click();
  const affected = dc.locator('#affected tbody tr');
  await expect(affected.first()).toBeVisible();
  await expect(dc.locator('#affected')).toContainText(resident);
  await dc.getByRole('button', { name: 'Take in hand' }).click();
  await expect(dc.getByText('Taken in hand.')).toBeVisible();
  await dcCtx.close();
});
