import { test, expect } from '@playwright/test';
import { device, setPin, shellReady, signIn, today, uuidv7 } from './helpers';

// Issue 6's field test: the social worker, in a resident's home with no signal, on a phone,
// records a death notification with its checklist and a referral found in the Resource Directory
// the device holds; reconnects; the visit arrives signed and the referral with it. The visit form
// the service worker keeps names no client: the device fills the client in from its sealed store.

const run = Date.now().toString(36);
const PIN = '530719';

test('a death notification recorded offline at a phone size, with a referral, syncs when the signal returns', async ({
  browser,
}) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'socialworker');

  // A client and an agency of the directory, made at the station.
  const widow = `Ada Offline ${run}`;
  const client = uuidv7();
  const saved = await page.request.post('/api/save_client', {
    data: {
      draft: { id: client, name: widow, date_of_birth: '1949-05-03', address: '3 Oak Ct, Hanover Park' },
      confirmed_new: true,
    },
  });
  expect(saved.status()).toBe(200);
  const agencyName = `Bereavement Circle ${run}`;
  const agency = await page.request.post('/api/save_agency', {
    data: {
      draft: {
        id: uuidv7(),
        name: agencyName,
        programs: ['mental_health'],
        telephone: '(630) 555-0123',
        languages: 'English, Spanish',
        last_verified: today(),
      },
    },
  });
  expect(agency.status()).toBe(200);

  // The new-visit page, once with signal: the PIN is set, the device pulls the clients and the
  // directory (sealed), and the worker keeps the page.
  await page.goto(`/visits/new?client=${client}`);
  await setPin(page, PIN);
  await page.reload();
  await expect(page.locator('#held-as-of')).toContainText(/holds [1-9]\d* client\(s\) and [1-9]\d* agencies/);
  await shellReady(page, '/visits/new');
  // What the worker keeps names nobody.
  const cached = await page.evaluate(async () => {
    for (const name of await caches.keys()) {
      const res = await (await caches.open(name)).match('/visits/new');
      if (res) return res.text();
    }
    return '';
  });
  expect(cached).toContain('Crisis visit');
  expect(cached).not.toContain(widow);

  // At the door: no signal. The page opens from the worker's cache; the PIN opens the device.
  await ctx.setOffline(true);
  const shell = await page.reload();
  expect(shell?.fromServiceWorker()).toBe(true);
  expect(await page.evaluate(() => fetch('/healthz').then(() => 'reached', () => 'no network'))).toBe(
    'no network',
  );
  const unlock = page.getByRole('form', { name: 'Unlock this device' });
  await unlock.getByLabel('PIN of this device').fill(PIN);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByLabel('Client')).toHaveValue(client);
  await expect(page.getByLabel('Client').locator('option:checked')).toHaveText(widow);

  await page.getByLabel('Kind of intervention').selectOption('death_notification');
  const checklist = page.locator('#checklist');
  await checklist.getByLabel(/Identity of the deceased verified/).check();
  await checklist.getByLabel(/Notified in person/).check();
  await checklist.getByLabel(/Someone stays with the family/).check();
  await page.getByLabel('Who was present').fill('Officer Diaz; the widow; her sister');
  await page.getByLabel('Police report number').fill('26-009911');

  // The same rules as online: a missing narrative and a referral without its reason are named.
  await page.getByLabel('Find an agency').fill('bereavement');
  await page.getByLabel('Refer to').selectOption({ label: `${agencyName} · (630) 555-0123` });
  await page.getByRole('button', { name: 'Save and sign' }).click();
  await expect(page.locator('#narrative-error')).toHaveText('This field is required.');
  await expect(page.locator('#referral-reason-error')).toHaveText('This field is required.');
  await expect(checklist.getByLabel(/Notified in person/)).toBeChecked();

  await page.getByLabel('Narrative').fill(`Told ${widow} of her husband's death at her door.`);
  await page.getByLabel('Reason for the referral').fill('Bereavement group, Tuesdays.');
  await page.getByRole('button', { name: 'Save and sign' }).click();
  await expect(page.locator('#queued')).toContainText('Saved on this device — waiting to send');
  await expect(page.locator('#outbox-count')).toHaveText(/^2 waiting to send/);
  await expect(page.locator('#outbox-items')).toContainText('Crisis visit (Death notification)');
  await expect(page.locator('#outbox-items')).toContainText('Referral');

  // Signal again: "send now", and both arrive once.
  await ctx.setOffline(false);
  await page.getByRole('button', { name: 'Send now' }).click();
  await expect(page.locator('#outbox-count')).toHaveText(/Nothing waits to send/, { timeout: 20_000 });

  await page.goto(`/clients/${client}`);
  const visit = page.getByRole('article', { name: 'Death notification' });
  await expect(visit).toHaveCount(1);
  await expect(visit).toContainText('Signed');
  await expect(visit).toContainText('Notified in person, in plain words, with an officer present');
  await expect(visit).toContainText(`Told ${widow} of her husband's death`);
  const referrals = page.getByRole('region', { name: 'Referrals' });
  await expect(referrals).toContainText(agencyName);
  await expect(referrals).toContainText('Bereavement group, Tuesdays.');
  await ctx.close();
});
