import { test, expect, Browser } from '@playwright/test';
import { device, signIn } from './helpers';

// The idle lock (app/src/auth/idle.rs) with the page's clock in the test's hands: a phone left alone
// locks after 15 minutes, a tablet after 30; any input starts the wait again; the lock blanks the
// page, ends the session on the server (its cookie is worthless afterwards) and the sign-in page
// says why.

async function sessionIsOver(browser: Browser, cookies: any[]): Promise<void> {
  const other = await browser.newContext();
  await other.addCookies(cookies);
  const res = await other.request.post('/api/my_requests');
  expect(res.status()).toBe(401);
  await other.close();
}

for (const [kind, minutes] of [['phone', 15], ['tablet', 30]] as const) {
  test(`a ${kind} left alone locks after ${minutes} minutes and the session ends on the server`, async ({
    browser,
  }) => {
    const ctx = await device(browser, kind);
    const page = await ctx.newPage();
    await signIn(page, 'officer2');
    await page.clock.install();
    await page.goto('/requests/mine');
    await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
    const cookies = await ctx.cookies();
    const heading = page.getByRole('heading', { name: 'My requests' });

    // Just short of the limit, twice, with a key pressed in between: still open.
    await page.clock.runFor((minutes - 1) * 60_000);
    await expect(heading).toBeVisible();
    await page.keyboard.press('Shift');
    await page.clock.runFor((minutes - 1) * 60_000);
    await expect(heading).toBeVisible();
    await expect(page).toHaveURL(/\/requests\/mine$/);

    // Past it: locked, signed out, told why.
    await page.clock.runFor(2 * 60_000);
    await expect(page).toHaveURL(/\/login\?locked=idle$/);
    await expect(page.locator('#locked')).toContainText('Haven locked after a time without use');
    await sessionIsOver(browser, cookies);
    await ctx.close();
  });
}
