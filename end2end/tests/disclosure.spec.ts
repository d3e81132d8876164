import { test, expect } from '@playwright/test';
import { device, signIn, today, uuidv7 } from './helpers';

// Consent and disclosure at tablet size (app/src/disclosure): a consent missing elements is
// refused by name in the browser; a disclosure the consent does not cover is refused by the server
// with the reason; a covered one is logged and printed with the chosen note alone; the client's
// request to see their record is reviewed with a part withheld (its reason documented) and the
// copy printed with the third party redacted.

test('the social worker records a consent, discloses only what it covers, and answers a request for the record', async ({
  browser,
}) => {
  const ctx = await device(browser, 'tablet');
  const page = await ctx.newPage();
  await signIn(page, 'socialworker');

  // A client with two signed visits, made through the API the pages use.
  const client = uuidv7();
  let res = await page.request.post('/api/save_client', {
    data: { draft: { id: client, name: 'Ines Varga', household: 'Tomas Varga, brother' }, confirmed_new: true },
  });
  expect(res.ok()).toBeTruthy();
  const visits: Record<string, string> = {};
  for (const [kind, narrative] of [
    ['death_notification', 'Told Ines in person; Tomas Varga stayed with her. SHARED-NOTE'],
    ['mental_health', 'Talked about the neighbour. HELD-NOTE'],
  ]) {
    const id = uuidv7();
    res = await page.request.post('/api/save_visit', {
      data: {
        draft: { id, client_id: client, kind, setting: 'on_site', occurred_at: new Date().toISOString(), narrative },
      },
    });
    expect(res.ok()).toBeTruthy();
    res = await page.request.post('/api/sign_visit', { form: { id } });
    expect(res.ok()).toBeTruthy();
    visits[kind] = id;
  }

  await page.goto(`/clients/${client}`);
  await page.getByRole('link', { name: 'Consent and disclosure' }).click();
  await expect(page).toHaveURL(new RegExp(`/clients/${client}/release$`));
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');

  // The consent's elements are refused by name before anything is sent.
  const consent = page.getByRole('form', { name: 'Record a consent' });
  await consent.getByLabel('Person giving consent').fill('Ines Varga');
  await consent.getByRole('button', { name: 'Record the consent' }).click();
  await expect(consent.locator('#recipient-error')).toHaveText('This field is required.');
  await expect(consent.locator('#information-error')).toHaveText('Choose at least one.');
  await expect(consent.locator('#right_to_revoke-error')).toContainText('Tick this once the person has been told');
  await expect(consent.locator('#witness-error')).toHaveText('This field is required.');

  await consent.getByLabel('Recipient').fill('Alexian Brothers');
  await consent.getByLabel('Purpose').fill('Continuity of care');
  await consent.getByLabel('Name and date of birth').check();
  await consent.getByLabel('Told of the right to inspect').check();
  await consent.getByLabel('Consequence of refusing').fill('None: services continue.');
  const expires = new Date(Date.now() + 60 * 86400_000).toISOString().slice(0, 10);
  await consent.getByLabel('Expires after (date)').fill(expires);
  await consent.getByLabel('Told of the right to revoke it').check();
  await consent.getByLabel('Signed by (name as signed)').fill('Ines Varga');
  await consent.getByLabel('Signed on').fill(today());
  await consent.getByLabel('Witness').fill('Officer Diaz');
  await consent.getByRole('button', { name: 'Record the consent' }).click();
  const consents = page.getByRole('region', { name: 'Consents' });
  await expect(consents.locator('li.consent')).toHaveCount(1);
  await expect(consents.locator('li.consent')).toContainText('In force');

  // The consent names identity only: a visit note is not covered; the server says so.
  const disclose = page.getByRole('form', { name: 'Disclose' });
  await expect(disclose.locator('#basis')).toHaveValue('consent');
  await expect(disclose.locator('#disclose-recipient')).toHaveValue('Alexian Brothers');
  await disclose.getByLabel(/Death notification visit of/).check();
  await disclose.getByRole('button', { name: 'Disclose and print' }).click();
  await expect(page.locator('#disclose-refused')).toContainText('The consent does not cover: Crisis-visit notes');
  await expect(page.getByRole('region', { name: 'Disclosures made' })).toContainText('Nothing disclosed.');

  // Name only: covered; logged; the PDF holds the notice and not the notes.
  await disclose.getByLabel(/Death notification visit of/).uncheck();
  await disclose.getByLabel('Name and date of birth').check();
  await disclose.getByRole('button', { name: 'Disclose and print' }).click();
  await expect(page.locator('#disclosed')).toContainText('Disclosed and logged.');
  const log = page.getByRole('region', { name: 'Disclosures made' });
  await expect(log.locator('li')).toHaveCount(1);
  const pdfHref = await page.locator('#disclosed a').getAttribute('href');
  const pdf = await page.request.get(pdfHref!);
  expect(pdf.ok()).toBeTruthy();
  const paper = (await pdf.body()).toString('latin1');
  expect(paper).toContain('(Name: Ines Varga)');
  expect(paper).toContain('redisclosure');
  expect(paper).not.toContain('SHARED-NOTE');

  // The client asks for their record; one visit is withheld with its reason; the brother is
  // redacted from the copy.
  const requests = page.getByRole('region', { name: 'Requests to see the record' });
  await requests.getByLabel('Received on').fill(today());
  await requests.getByRole('button', { name: 'Record the request' }).click();
  const review = requests.getByRole('form', { name: 'Review the request' });
  await expect(review.getByLabel(/Other people's names to redact/)).toHaveValue(/^Tomas Varga\nTomas$/);
  await review.getByLabel(/Withhold: Mental health visit of/).check();
  await review.getByRole('button', { name: 'Review and make the client' }).click();
  await expect(review.locator('.field-error').filter({ hasText: 'This field is required.' })).toHaveCount(1);
  await review.getByLabel('Why (serious harm to the client)').fill('Names the neighbour who reported');
  await review.getByRole('button', { name: 'Review and make the client' }).click();
  await expect(requests.locator('.withheld')).toContainText('Names the neighbour who reported');
  const copyHref = await requests.getByRole('link', { name: "The client's copy (PDF)" }).getAttribute('href');
  const copy = (await (await page.request.get(copyHref!)).body()).toString('latin1');
  expect(copy).toContain('SHARED-NOTE');
  expect(copy).toContain('[redacted] stayed with her');
  expect(copy).not.toContain('Tomas');
  expect(copy).not.toContain('HELD-NOTE');
  await ctx.close();
});
