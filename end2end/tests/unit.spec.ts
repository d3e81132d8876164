import { test, expect } from '@playwright/test';
import { device, signIn, today } from './helpers';

// The unit's records (app/src/unit) at tablet size: the social worker documents the victim/witness
// needs review; when the next one falls due in 29 days, the reminder is on the social worker's and
// the Deputy Chief's home screens; a training session names what is missing and keeps attendance.

/** The date two years (the default interval) before the day 29 days from now, as YYYY-MM-DD. */
function lastReviewFor29Days(): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 29);
  d.setUTCFullYear(d.getUTCFullYear() - 2);
  return d.toISOString().slice(0, 10);
}

test('a needs review due in 29 days shows its reminder, and training keeps attendance', async ({ browser }) => {
  const ctx = await device(browser, 'tablet');
  const page = await ctx.newPage();
  await signIn(page, 'socialworker');
  await page.getByRole('link', { name: 'Unit records' }).click();
  await expect(page).toHaveURL(/\/unit$/);
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');

  const reviews = page.getByRole('region', { name: 'Victim/witness needs review' });
  const form = reviews.getByRole('form', { name: 'Record a needs review' });
  await form.getByRole('button', { name: 'Record the review' }).click();
  await expect(form.locator('#findings-error')).toHaveText('This field is required.');
  await form.getByLabel('Reviewed on').fill(lastReviewFor29Days());
  await form.getByLabel('Findings').fill('Victims of burglary wait days for a callback.');
  await form.getByLabel("Services reviewed (ours and other agencies')").fill('Ours and the county advocate program.');
  await form.getByLabel('Decisions').fill('A follow-up call within 24 hours.');
  await form.getByRole('button', { name: 'Record the review' }).click();
  await expect(reviews.locator('#review-reminder')).toContainText('due in 29 day(s)');

  // Training: attendance from the roster, a missing part named.
  const training = page.getByRole('form', { name: 'Record a training session' });
  await training.getByLabel('Date').fill(today());
  await training.getByLabel('Topic').fill('Death notifications: what officers say at the door');
  await training.getByRole('button', { name: 'Record the session' }).click();
  await expect(training.locator('#trainer-error')).toHaveText('This field is required.');
  await expect(training.locator('#attendees-error')).toHaveText('Choose at least one.');
  await training.getByLabel('Trainer').fill('Rosa Rivera, MSW');
  await training.getByLabel('Officer Ana Diaz').check();
  await training.getByRole('button', { name: 'Record the session' }).click();
  await expect(page.locator('#training-list')).toContainText('Death notifications: what officers say at the door');
  await page.locator('#history-of').selectOption({ label: 'Officer Sam Kim' });
  await expect(page.locator('#training-list li')).toHaveCount(0);
  await page.locator('#history-of').selectOption({ label: 'Officer Ana Diaz' });
  await expect(page.locator('#training-list li')).toHaveCount(1);

  await page.goto('/');
  await expect(page.locator('#review-reminder')).toContainText('due in 29 day(s)');
  await ctx.close();

  const dctx = await device(browser, 'tablet');
  const deputy = await dctx.newPage();
  await signIn(deputy, 'deputychief');
  await expect(deputy.locator('#review-reminder')).toContainText('due in 29 day(s)');
  await dctx.close();
});
