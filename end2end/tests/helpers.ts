import { Browser, BrowserContext, CDPSession, Page, expect } from '@playwright/test';
import * as crypto from 'crypto';
import * as fs from 'fs';

export const PASSWORD = 'haven-demo-password';

/** A phone (390×844, touch) or a tablet (820×1180, touch) context, on Haven or at `baseURL`. */
export async function device(
  browser: Browser,
  kind: 'phone' | 'tablet',
  baseURL?: string,
): Promise<BrowserContext> {
  const viewport = kind === 'phone' ? { width: 390, height: 844 } : { width: 820, height: 1180 };
  // An explicit `baseURL: undefined` would replace the configuration's: leave it out instead.
  return browser.newContext({
    viewport,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    ...(baseURL ? { baseURL } : {}),
  });
}

/**
 * Each demo person's passkey, as Chromium's virtual authenticator exported it after their last
 * sign-in (private key and signature counter included). Kept in a file for the run, so a restarted
 * test worker still has them; `playwright.config.ts` names it.
 */
function credentialFile(): string {
  return process.env.HAVEN_E2E_CREDENTIALS ?? '/tmp/haven-e2e-credentials.json';
}

function credentials(): Record<string, any> {
  try {
    return JSON.parse(fs.readFileSync(credentialFile(), 'utf8'));
  } catch {
    return {};
  }
}

export interface Authenticator {
  cdp: CDPSession;
  authenticatorId: string;
}

/** A platform authenticator with user verification (fingerprint, screen lock) for this page. */
export async function virtualAuthenticator(page: Page): Promise<Authenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** Keep the person's passkey (with its new signature counter) for their next sign-in. */
export async function saveCredential(auth: Authenticator, username: string): Promise<void> {
  const { credentials: list } = await auth.cdp.send('WebAuthn.getCredentials', {
    authenticatorId: auth.authenticatorId,
  });
  expect(list.length).toBeGreaterThan(0);
  const all = credentials();
  all[username] = list[0];
  fs.writeFileSync(credentialFile(), JSON.stringify(all), { mode: 0o600 });
}

export async function signInWithPassword(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('I have read this notice').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/mfa$/);
}

/**
 * The whole sign-in: password, then the second factor with a passkey in Chromium's virtual
 * authenticator — enrolled at the person's first sign-in of the run, used afterwards.
 */
export async function signIn(page: Page, username: string): Promise<Authenticator> {
  const auth = await virtualAuthenticator(page);
  const known = credentials()[username];
  if (known) {
    await auth.cdp.send('WebAuthn.addCredential', {
      authenticatorId: auth.authenticatorId,
      credential: known,
    });
  }
  await signInWithPassword(page, username);
  await page.getByRole('button', { name: known ? 'Use my passkey' : 'Add a passkey' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Home' })).toBeVisible();
  await saveCredential(auth, username);
  return auth;
}

/** The form is live (hydrated) once the browser has filled in today's date. */
export async function openNewRequest(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'New emergency fund request' }).first().click();
  await expect(page).toHaveURL(/\/requests\/new$/);
  await expect(page.locator('#date')).not.toHaveValue('');
}

/** Set this device's PIN on a page that offers it (a too-short one is refused by name first). */
export async function setPin(page: Page, pin: string): Promise<void> {
  const setup = page.getByRole('form', { name: 'PIN of this device' });
  await setup.getByLabel('New PIN').fill('12345');
  await setup.getByRole('button', { name: 'Set the PIN' }).click();
  await expect(page.locator('#pin-error')).toHaveText('Use 6 to 12 digits.');
  await setup.getByLabel('New PIN').fill(pin);
  await setup.getByLabel('The same PIN again').fill(pin);
  await setup.getByRole('button', { name: 'Set the PIN' }).click();
  await expect(page.locator('#outbox-count')).toHaveText(/Nothing waits to send/);
}

/** Until the service worker controls the page and keeps `path` (a page path) for offline use. */
export async function shellReady(page: Page, path = '/requests/new'): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(async (path) => {
          if (!navigator.serviceWorker.controller) return false;
          for (const name of await caches.keys()) {
            if (await (await caches.open(name)).match(path)) return true;
          }
          return false;
        }, path),
      { timeout: 20_000 },
    )
    .toBe(true);
}

/** Fill the request form (its date already filled in) for `name` and `amount`, and submit it. */
export async function fillRequest(page: Page, name: string, amount: string): Promise<void> {
  await page.getByLabel('Name of requester').fill(name);
  await page.getByLabel('Age').fill('52');
  await page.getByLabel('Address').fill('9 Birch Ln, Hanover Park');
  await page.getByLabel('Reason for request').fill('Stranded after a car fire; needs a bus fare home.');
  await page.getByLabel('Purpose').selectOption('transportation');
  await page.getByLabel('Amount requested ($)').fill(amount);
  await page.getByRole('button', { name: 'Submit request' }).click();
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

/** An authenticator app's key, as Haven shows it (base32). */
export function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 with HMAC-SHA1, six digits, 30-second steps: what an authenticator app shows. */
export function totp(secret: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', secret).update(counter).digest();
  const offset = mac[19] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

