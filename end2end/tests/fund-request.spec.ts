import { test, expect } from '@playwright/test';
import { device, signIn, openNewRequest, draft } from './helpers';

// Names unique to this run, so the assertions cannot be satisfied by an earlier run's data.
const run = Date.now().toString(36);
const resident = `Maria Lopez ${run}`;

test.describe.configure({ mode: 'serial' });

test('an officer on a phone files a request and sees it in My requests', async ({ browser }) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  // The Content-Security-Policy allows nothing inline but Leptos' nonce'd scripts: any violation fails.
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) violations.push(m.text());
  });
  await signIn(page, 'officer');
  const formPage = await page.request.get('/requests/new');
  expect(formPage.headers()['content-security-policy']).toContain("script-src 'self' 'nonce-");
  expect(formPage.headers()['cache-control']).toBe('no-store');
  await openNewRequest(page);

  // Inline errors come from the Rust rules in the browser: no request leaves the page while typing.
  const apiCalls: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/')) apiCalls.push(r.url());
  });
  const amount = page.getByLabel('Amount requested ($)');
  await amount.fill('12.345');
  await expect(page.locator('#amount_requested-error')).toHaveText(
    'Use at most two digits after the decimal point.',
  );
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
  await amount.fill('-3');
  await expect(page.locator('#amount_requested-error')).toHaveText('The amount must be more than $0.');
  expect(apiCalls).toEqual([]);

  // Submitting an incomplete form names every missing field, still without a round trip.
  await page.getByRole('button', { name: 'Submit request' }).click();
  await expect(page.locator('#requester_name-error')).toHaveText('This field is required.');
  await expect(page.locator('#reason-error')).toHaveText('This field is required.');
  await expect(page.locator('#purpose-error')).toHaveText('This field is required.');
  expect(apiCalls).toEqual([]);

  await page.getByLabel('Name of requester').fill(resident);
  await page.getByLabel('Age').fill('34');
  await page.getByLabel('M/F').selectOption('F');
  await page.getByLabel('Address').fill('100 Main St, Hanover Park');
  await page.getByLabel('Telephone #').fill('(630) 555-0100');
  await page.getByLabel('Reason for request').fill('House fire last night; needs food for two days.');
  await page.getByLabel('Purpose').selectOption('food');
  await amount.fill('40');
  await expect(page.locator('#amount-cap')).toContainText("needs the Chief's approval");
  await amount.fill('20.00');
  await expect(page.locator('#amount-cap')).toHaveText('');
  await expect(page.locator('.field-error:not(:empty)')).toHaveCount(0);
  await expect(page.getByText('Department personnel completing form: Officer Ana Diaz')).toBeVisible();

  await page.getByRole('button', { name: 'Submit request' }).click();
  await expect(page).toHaveURL(/\/requests\/mine$/);
  const card = page.locator('.card', { hasText: resident });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText('$20.00');
  await expect(card).toContainText('Submitted — awaiting supervisor');
  expect(violations).toEqual([]);
  await ctx.close();
});

test('the supervisor on a tablet sees the request in the queue', async ({ browser }) => {
  const ctx = await device(browser, 'tablet');
  const page = await ctx.newPage();
  await signIn(page, 'supervisor');
  await page.getByRole('link', { name: 'Approval queue' }).click();
  await expect(page).toHaveURL(/\/requests\/queue$/);
  const card = page.locator('.card', { hasText: resident });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText('filed by Officer Ana Diaz');
  await expect(card).toContainText('$20.00');
  await ctx.close();
});

test('a crafted POST with an invalid amount is refused by the server, naming the field', async ({ browser }) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'officer');
  const body = draft(`Crafted ${run}`, '-25');
  const res = await page.request.post('/api/submit_request', { data: { draft: body } });
  expect(res.status()).toBe(422);
  const json = await res.json();
  expect(json.error).toBe('invalid');
  expect(json.fields).toEqual([{ field: 'amount_requested', code: 'must_be_positive' }]);

  await page.goto('/requests/mine');
  await expect(page.getByRole('heading', { name: 'My requests' })).toBeVisible();
  await expect(page.locator('.card', { hasText: `Crafted ${run}` })).toHaveCount(0);
  await ctx.close();
});

test('a duplicate submission stores one request', async ({ browser }) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'officer');
  const body = draft(`Twice ${run}`, '15');
  const first = await page.request.post('/api/submit_request', { data: { draft: body } });
  expect(first.status()).toBe(200);
  expect((await first.json()).already_had_it).toBe(false);
  const second = await page.request.post('/api/submit_request', { data: { draft: body } });
  expect(second.status()).toBe(200);
  expect((await second.json()).already_had_it).toBe(true);

  await page.goto('/requests/mine');
  await expect(page.locator('.card', { hasText: `Twice ${run}` })).toHaveCount(1);
  await ctx.close();
});

test("an officer cannot read another officer's request through the server function", async ({ browser }) => {
  const diazCtx = await device(browser, 'phone');
  const diaz = await diazCtx.newPage();
  await signIn(diaz, 'officer');
  const body = draft(`Private ${run}`, '10');
  expect((await diaz.request.post('/api/submit_request', { data: { draft: body } })).status()).toBe(200);
  const own = await diaz.request.post('/api/get_request', { form: { id: body.id } });
  expect(own.status()).toBe(200);

  const kimCtx = await device(browser, 'phone');
  const kim = await kimCtx.newPage();
  await signIn(kim, 'officer2');
  const res = await kim.request.post('/api/get_request', { form: { id: body.id } });
  expect(res.status()).toBe(404);
  expect(await res.text()).not.toContain('Private');
  await kim.goto(`/requests/${body.id}`);
  await expect(kim.getByRole('alert')).toHaveText('Not found.');
  await expect(kim.getByText(`Private ${run}`)).toHaveCount(0);
  await diazCtx.close();
  await kimCtx.close();
});

test('sign-out ends the session and pages need sign-in', async ({ browser }) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await page.goto('/requests/mine');
  await expect(page).toHaveURL(/\/login$/);
  await signIn(page, 'officer');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/requests/mine');
  await expect(page).toHaveURL(/\/login$/);
  await ctx.close();
});
