import { test, expect, Page } from '@playwright/test';
import { device, signIn, openNewRequest } from './helpers';

// The fund's whole life in Chromium: phone for the officer and the social worker, tablet for the
// supervisor, whose queue must show a new request without a reload.
const run = Date.now().toString(36);

test.describe.configure({ mode: 'serial' });

async function fileRequest(page: Page, name: string, amount: string, purpose: string) {
  await page.goto('/');
  await openNewRequest(page);
  await page.getByLabel('Name of requester').fill(name);
  await page.getByLabel('Age').fill('52');
  await page.getByLabel('Address').fill('12 Oak Ave, Hanover Park');
  await page.getByLabel('Reason for request').fill('Evicted today; needs help tonight.');
  await page.getByLabel('Purpose').selectOption(purpose);
  await page.getByLabel('Amount requested ($)').fill(amount);
  await page.getByRole('button', { name: 'Submit request' }).click();
  await expect(page).toHaveURL(/\/requests\/mine$/);
}

async function sign(page: Page) {
  const pad = page.locator('svg.signature');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('no signature pad');
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) {
    await page.mouse.move(box.x + 20 + i * 20, box.y + box.height / 2 + (i % 2 ? -15 : 15));
  }
  await page.mouse.up();
  await expect(pad.locator('path')).toHaveAttribute('d', /^M\d+ \d+ L/);
}

test('the social worker opens the fund with $200', async ({ browser }) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'socialworker');
  await page.getByRole('link', { name: 'Cash box' }).click();
  await expect(page.locator('#fund-cash')).toHaveText('$0.00');
  await page.getByLabel('Cash in the box now ($)').fill('200');
  await page.getByRole('button', { name: 'Open the fund' }).click();
  await expect(page.locator('#fund-cash')).toHaveText('$200.00');
  await expect(page.locator('tr[data-kind="opening"]')).toHaveCount(1);
  await ctx.close();
});

test('$20: filed on a phone, approved live on a tablet, disbursed with a signature', async ({ browser }) => {
  const sgtCtx = await device(browser, 'tablet');
  const sgt = await sgtCtx.newPage();
  await signIn(sgt, 'supervisor');
  await sgt.getByRole('link', { name: 'Approval queue' }).click();
  await expect(sgt.getByRole('heading', { name: 'Approval queue' })).toBeVisible();
  // The queue is subscribed to the live feed before the request is filed.
  await expect(sgt.locator('[data-live="on"]')).toHaveCount(1);

  const officerCtx = await device(browser, 'phone');
  const officer = await officerCtx.newPage();
  await signIn(officer, 'officer');
  const name = `Lena Park ${run}`;
  await fileRequest(officer, name, '20', 'food');

  // It arrives on the tablet without a reload.
  const card = sgt.locator('.card', { hasText: name });
  await expect(card).toHaveCount(1, { timeout: 15_000 });
  await card.getByRole('link').click();
  await sgt.getByRole('button', { name: 'Approve' }).click();
  await expect(sgt.locator('.status-line')).toContainText('Approved');

  const swCtx = await device(browser, 'phone');
  const sw = await swCtx.newPage();
  await signIn(sw, 'socialworker');
  await sw.getByRole('link', { name: 'Requests to disburse' }).click();
  await sw.locator('.card', { hasText: name }).getByRole('link').click();
  await expect(sw.getByLabel('Amount handed over ($)')).toHaveValue('20.00');
  await sign(sw);
  await sw.getByRole('button', { name: 'Record disbursal' }).click();
  await expect(sw.locator('.status-line')).toContainText('Disbursed');
  await expect(sw.locator('dd.disbursed')).toHaveText('$20.00');
  await expect(sw.locator('svg.signature-view path')).toHaveCount(1);
  await expect(sw.locator('.timeline li')).toHaveCount(3);
  const pdf = await sw.request.get((await sw.getByRole('link', { name: 'Appendix A (PDF)' }).getAttribute('href'))!);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).toString()).toContain(`(${name})`);

  await sw.goto('/fund');
  await expect(sw.locator('#fund-cash')).toHaveText('$180.00');
  await expect(sw.locator('#fund-held')).toHaveText('$0.00');
  await expect(sw.getByText('The books balance')).toBeVisible();

  await officer.goto('/requests/mine');
  await expect(officer.locator('.card', { hasText: name })).toContainText('Disbursed');
  await Promise.all([sgtCtx.close(), officerCtx.close(), swCtx.close()]);
});

test('$40: disbursal refused until the Chief approves, then disbursed', async ({ browser }) => {
  const officerCtx = await device(browser, 'phone');
  const officer = await officerCtx.newPage();
  await signIn(officer, 'officer');
  const name = `Omar Reyes ${run}`;
  await fileRequest(officer, name, '40', 'shelter');
  await expect(officer.locator('.card', { hasText: name })).toContainText('Needs Chief approval');

  const sgtCtx = await device(browser, 'tablet');
  const sgt = await sgtCtx.newPage();
  await signIn(sgt, 'supervisor');
  await sgt.goto('/requests/queue');
  await sgt.locator('.card', { hasText: name }).getByRole('link').click();
  const url = sgt.url();
  const id = url.split('/').pop()!;
  await sgt.getByRole('button', { name: 'Approve' }).click();
  await expect(sgt.locator('.status-line')).toContainText("Awaiting Chief's approval");

  // The social worker gets no disbursal button, and the server refuses a crafted one.
  const swCtx = await device(browser, 'phone');
  const sw = await swCtx.newPage();
  await signIn(sw, 'socialworker');
  await sw.goto(`/requests/${id}`);
  await expect(sw.locator('.status-line')).toContainText("Awaiting Chief's approval");
  await expect(sw.getByRole('button', { name: 'Record disbursal' })).toHaveCount(0);
  const crafted = await sw.request.post('/api/take_step', {
    data: { id, step: { action: 'disburse', amount: '40', acknowledgement: { kind: 'signed', signature: 'M1 1 L2 2' } } },
  });
  expect(crafted.status()).toBe(409);
  expect((await crafted.json()).refusal.code).toBe('wrong_state');

  const chiefCtx = await device(browser, 'tablet');
  const chief = await chiefCtx.newPage();
  await signIn(chief, 'chief');
  await chief.getByRole('link', { name: 'Approvals above the cap' }).click();
  await chief.locator('.card', { hasText: name }).getByRole('link').click();
  await chief.getByRole('button', { name: 'Approve as Chief' }).click();
  await expect(chief.locator('.status-line')).toContainText('Approved');

  await sw.reload();
  await sw.getByLabel('The recipient refused to sign').check();
  await sw.getByLabel('Why the recipient did not sign').fill('Injured hand; witnessed by Sgt. Morgan');
  await sw.getByRole('button', { name: 'Record disbursal' }).click();
  await expect(sw.locator('.status-line')).toContainText('Disbursed');
  await sw.goto('/fund');
  await expect(sw.locator('#fund-cash')).toHaveText('$140.00');
  // $140 is above the $50 minimum: no replenish task on the social worker's home screen.
  await sw.goto('/');
  await expect(sw.getByRole('link', { name: 'Requests to disburse' })).toBeVisible();
  await expect(sw.locator('#replenish-task')).toHaveCount(0);
  await Promise.all([officerCtx.close(), sgtCtx.close(), swCtx.close(), chiefCtx.close()]);
});

test('the monthly report shows 2 persons, the purposes, $60 expended, the balance, and its PDF opens', async ({ browser }) => {
  const ctx = await device(browser, 'tablet');
  const page = await ctx.newPage();
  await signIn(page, 'lieutenant');
  await page.getByRole('link', { name: 'Monthly fund report' }).click();
  await expect(page.locator('#report-persons')).toHaveText('2');
  await expect(page.locator('#report-total')).toHaveText('$60.00');
  await expect(page.locator('#report-balance')).toHaveText('$140.00');
  await expect(page.locator('tr[data-purpose="food"]')).toContainText('$20.00');
  await expect(page.locator('tr[data-purpose="shelter"]')).toContainText('$40.00');
  await expect(page.locator('svg.chart rect')).toHaveCount(5);
  await expect(page.getByText(`Lena Park ${run}`)).toHaveCount(0);

  const pdfHref = await page.getByRole('link', { name: 'Open PDF' }).getAttribute('href');
  const pdf = await page.request.get(pdfHref!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  const bytes = await pdf.body();
  expect(bytes.subarray(0, 8).toString()).toBe('%PDF-1.4');
  expect(bytes.toString()).toContain('(Persons who received funds)');
  const csv = await page.request.get((await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'))!);
  expect(await csv.text()).toContain('"total expended","60.00"');
  await ctx.close();

  // The social worker sends it; it is then a stored snapshot showing who sent it.
  const swCtx = await device(browser, 'phone');
  const sw = await swCtx.newPage();
  await signIn(sw, 'socialworker');
  await sw.goto('/reports/monthly');
  await sw.getByRole('button', { name: 'Send to the Lieutenant' }).click();
  await expect(sw.locator('#report-submitted')).toContainText('Rosa Rivera, MSW');
  await swCtx.close();
});
