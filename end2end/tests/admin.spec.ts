import { test, expect } from '@playwright/test';
import { device, signIn } from './helpers';

// The administrator's screen (app/src/admin): settings with the shared validation rules, a new
// account, and nobody else gets in. The settings are put back at the end: the other files use the
// directive's defaults.

test('the administrator changes a setting, is told which field is wrong, and creates an account', async ({
  browser,
}) => {
  const ctx = await device(browser, 'tablet');
  const page = await ctx.newPage();
  await signIn(page, 'admin');
  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');

  const settings = page.getByRole('form', { name: 'Department settings' });
  const cap = settings.getByLabel("Chief's approval needed above ($)");
  await expect(cap).toHaveValue('25');

  // A bad value: the error sits on that field, nothing is saved.
  await cap.fill('twenty');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('#chief_approval_cap-error')).toHaveText(
    'Enter an amount in dollars, like 20 or 12.50.',
  );
  await expect(cap).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#settings-saved')).toHaveCount(0);

  // A good one: saved, and still there after a reload.
  await cap.fill('30');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('#settings-saved')).toBeVisible();
  await expect(page.locator('#chief_approval_cap-error')).toHaveText('');
  await page.reload();
  await expect(page.getByLabel("Chief's approval needed above ($)")).toHaveValue('30');

  // Put the directive's value back.
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
  await page.getByLabel("Chief's approval needed above ($)").fill('25');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('#settings-saved')).toBeVisible();

  // A new account: a weak password is refused by name, a good one creates the person.
  const form = page.getByRole('form', { name: 'New account' });
  await form.getByLabel('Username').fill('worker2');
  await form.getByLabel('Name as shown').fill('Second Social Worker');
  await form.getByLabel('Police social worker').check();
  await form.getByLabel('First password (15 characters or more)').fill('short');
  await form.getByRole('button', { name: 'Create the account' }).click();
  await expect(form.getByRole('alert').filter({ hasText: /15 characters/ })).toBeVisible();
  await form.getByLabel('First password (15 characters or more)').fill('lantern orchard velvet 42');
  await form.getByRole('button', { name: 'Create the account' }).click();
  await expect(page.locator('#account-created')).toContainText('Created worker2');
  await expect(page.locator('#person-worker2')).toContainText('Second Social Worker');
  await ctx.close();
});

test('nobody but the administrator opens the administration screen or its functions', async ({ browser }) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'officer');
  await expect(page.getByRole('link', { name: 'Administration' })).toHaveCount(0);
  const res = await page.request.post('/api/update_settings', {
    data: {
      draft: {
        name: 'Taken over',
        chief_approval_cap: '1000',
        minimum_cash_balance: '0',
        request_amount_ceiling: '1000',
        victim_review_interval_months: '24',
        request_date_max_age_days: '30',
        hold_expiry_days: '7',
      },
    },
  });
  expect(res.status()).toBe(403);
  await ctx.close();
});
