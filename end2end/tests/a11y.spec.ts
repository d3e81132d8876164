import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { device, draft, signIn, signInWithPassword, uuidv7 } from './helpers';

// WCAG 2.2 AA with axe-core on every page, at phone and tablet sizes, each as the person who uses
// it (hydrated, so what is checked is what people get). Any violation fails with its rule and the
// elements it names.

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function check(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('main h1')).toBeVisible();
  // Let resources settle (lists, forms) before the scan.
  await page.waitForLoadState('networkidle');
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const found = result.violations.map(
    (v) => `${path}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`,
  );
  expect(found, found.join('\n')).toEqual([]);
}

const PAGES: Record<string, string[]> = {
  officer: ['/', '/requests/new', '/requests/mine', '/contact-check', '/breach', '/directory'],
  supervisor: ['/', '/requests/queue', '/fund'],
  socialworker: ['/', '/clients', '/visits/new', '/fund', '/retention', '/unit'],
  lieutenant: ['/', '/reports/monthly'],
  deputychief: ['/', '/breaches', '/retention', '/unit'],
  admin: ['/', '/admin'],
  auditor: ['/', '/audit'],
};

for (const size of ['phone', 'tablet'] as const) {
  test(`every page passes axe (WCAG 2.2 AA) at ${size} size`, async ({ browser }) => {
    test.setTimeout(240_000);
    // Signed out: the sign-in page.
    {
      const ctx = await device(browser, size);
      const page = await ctx.newPage();
      await page.goto('/login');
      const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
      expect(result.violations.map((v) => `/login: ${v.id}: ${v.help}`)).toEqual([]);
      await ctx.close();
    }
    // Half-way through sign-in: the second-factor page.
    {
      const ctx = await device(browser, size);
      const page = await ctx.newPage();
      await signInWithPassword(page, 'officer2');
      const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
      expect(result.violations.map((v) => `/mfa: ${v.id}: ${v.help}`)).toEqual([]);
      await ctx.close();
    }
    for (const [who, paths] of Object.entries(PAGES)) {
      const ctx = await device(browser, size);
      const page = await ctx.newPage();
      await signIn(page, who);
      for (const path of paths) await check(page, path);
      if (who === 'officer') {
        // One request of theirs.
        const body = draft(`Axe Resident ${size}`, '7');
        const res = await page.request.post('/api/submit_request', { data: { draft: body } });
        expect(res.ok()).toBeTruthy();
        await check(page, `/requests/${body.id}`);
      }
      if (who === 'socialworker') {
        // A client's file and its consent page.
        const id = uuidv7();
        const res = await page.request.post('/api/save_client', {
          data: { draft: { id, name: `Axe Client ${size}` }, confirmed_new: true },
        });
        expect(res.ok()).toBeTruthy();
        await check(page, `/clients/${id}`);
        await check(page, `/clients/${id}/release`);
      }
      await ctx.close();
    }
  });
}
