import { test, expect } from '@playwright/test';
import { device, signIn } from './helpers';

// The retention screen (app/src/retention) opens from the home screens of the social worker and
// the Deputy Chief, and from nobody else's. (Disposals themselves need records years old: they are
// proven through the router in server/tests/it/retention.rs.)

test('the retention screen is the social worker’s and the Deputy Chief’s alone', async ({ browser }) => {
  for (const who of ['socialworker', 'deputychief']) {
    const ctx = await device(browser, 'tablet');
    const page = await ctx.newPage();
    await signIn(page, who);
    await page.getByRole('link', { name: 'Retention and disposal' }).click();
    await expect(page).toHaveURL(/\/retention$/);
    await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
    await expect(page.getByRole('region', { name: 'Past their retention period' })).toContainText(
      'Nothing is past its retention period.',
    );
    await expect(page.getByRole('region', { name: 'Disposals' })).toContainText('No disposal yet.');
    await ctx.close();
  }
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'officer');
  await expect(page.getByRole('link', { name: 'Retention and disposal' })).toHaveCount(0);
  await page.goto('/retention');
  await expect(page.getByRole('alert')).toContainText('You are not allowed to do this.');
  await ctx.close();
});
