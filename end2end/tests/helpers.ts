import { Browser, BrowserContext, Page, expect } from '@playwright/test';

export const PASSWORD = 'haven-demo-password';

/** A phone (390×844, touch) or a tablet (820×1180, touch) context. */
export async function device(browser: Browser, kind: 'phone' | 'tablet'): Promise<BrowserContext> {
  const viewport = kind === 'phone' ? { width: 390, height: 844 } : { width: 820, height: 1180 };
  return browser.newContext({ viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
}

export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('I have read this notice').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Home' })).toBeVisible();
}

/** The form is live (hydrated) once the browser has filled in today's date. */
export async function openNewRequest(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'New emergency fund request' }).first().click();
  await expect(page).toHaveURL(/\/requests\/new$/);
  await expect(page.locator('#date')).not.toHaveValue('');
}

export function uuidv7(): string {
  const ms = BigInt(Date.now());
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function draft(name: string, amount: string) {
  return {
    id: uuidv7(),
    date: today(),
    requester_name: name,
    age: '41',
    sex: 'M',
    address: '7 Elm Ct, Hanover Park',
    telephone: '630 555 0199',
    reason: 'Car broke down; needs a bus ticket to reach family.',
    purpose: 'transportation',
    amount_requested: amount,
  };
}
