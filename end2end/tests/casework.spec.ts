import { test, expect } from '@playwright/test';
import { device, signIn } from './helpers';

// Casework at phone size (app/src/casework): the social worker opens a client, records a death
// notification on-site with its checklist, signs it, corrects it with an addendum; a look-alike
// client is held back; an officer learns only that there is a contact.

test('the social worker records and signs a death notification on the phone, then adds an addendum', async ({
  browser,
}) => {
  const ctx = await device(browser, 'phone');
  const page = await ctx.newPage();
  await signIn(page, 'socialworker');
  await page.getByRole('link', { name: 'Clients' }).click();
  await expect(page).toHaveURL(/\/clients$/);
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');

  // The shared rules name the field before anything is sent.
  const form = page.getByRole('form', { name: 'New client' });
  await form.getByLabel('Date of birth').fill('2099-01-01');
  await form.getByRole('button', { name: 'Save the client' }).click();
  await expect(page.locator('#name-error')).toHaveText('This field is required.');
  await expect(page.locator('#date_of_birth-error')).toHaveText('The date cannot be in the future.');

  await form.getByLabel('Name', { exact: true }).fill('Elena Marsh');
  await form.getByLabel('Date of birth').fill('1958-07-19');
  await form.getByLabel('Telephone').fill('630-555-0142');
  await form.getByLabel('Address').fill('40 Walnut Ave, Hanover Park');
  await form.getByRole('button', { name: 'Save the client' }).click();
  await expect(page).toHaveURL(/\/clients\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: 'Elena Marsh' })).toBeVisible();
  const clientUrl = page.url();

  await page.getByRole('link', { name: 'Record a crisis visit' }).click();
  await expect(page).toHaveURL(/\/visits\/new\?client=/);
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
  await page.getByLabel('Kind of intervention').selectOption('death_notification');
  const checklist = page.locator('#checklist');
  await expect(checklist).toBeVisible();
  await checklist.getByLabel(/Identity of the deceased verified/).check();
  await checklist.getByLabel(/Notified in person/).check();
  await checklist.getByLabel(/Someone stays with the family/).check();
  await page.getByLabel('Who was present').fill('Officer Diaz; Mrs Marsh; her neighbour');
  await page.getByLabel('Police report number').fill('26-004777');

  // Signing without a narrative: refused by name, nothing lost.
  await page.getByRole('button', { name: 'Save and sign' }).click();
  await expect(page.locator('#narrative-error')).toHaveText('This field is required.');
  await expect(checklist.getByLabel(/Notified in person/)).toBeChecked();

  await page.getByLabel('Narrative').fill('Told Mrs Marsh of her husband’s death at her door, in person.');
  await page.getByLabel('Assessment').fill('Acute grief, oriented, no risk to self.');
  await page.getByRole('button', { name: 'Save and sign' }).click();
  await expect(page).toHaveURL(clientUrl);

  const visit = page.getByRole('article', { name: 'Death notification' });
  await expect(visit).toContainText('Signed');
  await expect(visit).toContainText('Notified in person, in plain words, with an officer present');
  await expect(visit).toContainText('Told Mrs Marsh of her husband’s death');
  await expect(visit.getByRole('button', { name: 'Sign this note' })).toHaveCount(0);

  // A correction is an addendum beside the signed note.
  await visit.getByLabel('Addendum (the signed note stays as it is)').fill('The neighbour is Mr Okafor.');
  await visit.getByRole('button', { name: 'Add the addendum' }).click();
  await expect(visit.getByRole('region', { name: 'Addenda' })).toContainText('The neighbour is Mr Okafor.');
  await expect(visit).toContainText('Told Mrs Marsh of her husband’s death');

  // A draft is saved, taken up again from the file, and signed.
  await page.getByRole('link', { name: 'Record a crisis visit' }).click();
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
  await page.getByLabel('Kind of intervention').selectOption('mental_health');
  await page.getByLabel('Narrative').fill('Follow-up call, first draft.');
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await expect(page).toHaveURL(clientUrl);
  const draftCard = page.getByRole('article', { name: 'Mental health' });
  await expect(draftCard).toContainText('Draft');
  await draftCard.getByRole('link', { name: 'Edit the draft' }).click();
  await expect(page).toHaveURL(/\/visit\?draft=/);
  await expect(page.getByLabel('Narrative')).toHaveValue('Follow-up call, first draft.');
  await expect(page.getByLabel('Kind of intervention')).toHaveValue('mental_health');
  await page.getByLabel('Narrative').fill('Follow-up call: sleeping better, sister visits daily.');
  await page.getByRole('button', { name: 'Save and sign' }).click();
  await expect(page).toHaveURL(clientUrl);
  await expect(page.getByRole('article', { name: 'Mental health' })).toContainText('Signed');
  await expect(page.getByRole('article', { name: 'Mental health' })).toContainText('sleeping better');

  // A personal note: only its author sees it.
  await page.getByLabel('New personal note').fill('Ask about the daughter next time.');
  await page.getByRole('button', { name: 'Add the personal note' }).click();
  await expect(page.getByRole('region', { name: 'Personal notes' })).toContainText('Ask about the daughter');

  // The Resource Directory: an agency added, found by a word, and the client referred to it.
  await page.goto('/directory');
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
  const add = page.getByRole('form', { name: 'Add an agency' });
  await add.getByRole('button', { name: 'Add the agency' }).click();
  await expect(page.locator('#programs-error')).toHaveText('Choose at least one.');
  await add.getByLabel('Agency', { exact: true }).fill('GriefShare Hanover Park');
  await add.getByLabel('Counseling').check();
  await add.getByLabel('Telephone').fill('630-555-0190');
  await add.getByLabel('Languages (comma-separated)').fill('English, Spanish');
  await add.getByRole('button', { name: 'Add the agency' }).click();
  await expect(page.locator('#agency-saved')).toContainText('Added GriefShare Hanover Park');
  await page.getByLabel('Search').fill('griefshare spanish');
  await expect(page.locator('#agencies')).toContainText('GriefShare Hanover Park');
  await page.getByLabel('Search').fill('griefshare portuguese');
  await expect(page.locator('#agencies')).toContainText('No agency matches.');
  // A county list in Open Referral HSDS CSV: good rows in, a bad one named by line and field.
  await page.getByLabel('HSDS CSV file').setInputFiles({
    name: 'county.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      'name,taxonomy_terms,phone\r\nHanover Township Food Pantry,Emergency Food,630-555-0150\r\n,Shelter,\r\n',
    ),
  });
  await expect(page.locator('#import-report')).toContainText('Imported 1 agencies. Refused 1 row(s)');
  await expect(page.locator('#import')).toContainText('line 3: name — This field is required.');
  await page.getByLabel('Search').fill('township pantry');
  await expect(page.locator('#agencies')).toContainText('Hanover Township Food Pantry');

  await page.goto(clientUrl);
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
  const refer = page.getByRole('form', { name: 'Refer to an agency' });
  await refer.getByLabel('Find an agency').fill('grief');
  await refer.getByLabel('Agency', { exact: true }).selectOption({ label: 'GriefShare Hanover Park' });
  await refer.getByLabel('Reason for the referral').fill('Grief group for Mrs Marsh, Tuesdays.');
  await refer.getByRole('button', { name: 'Refer' }).click();
  const referrals = page.getByRole('region', { name: 'Referrals' });
  await expect(referrals).toContainText('Grief group for Mrs Marsh');
  await referrals.getByLabel('Outcome').selectOption('connected');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Referrals' }).getByLabel('Outcome')).toHaveValue('connected');

  // The same person typed again is held back as a possible duplicate.
  await page.goto('/clients');
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
  const again = page.getByRole('form', { name: 'New client' });
  await again.getByLabel('Name', { exact: true }).fill('marsh, elena');
  await again.getByRole('button', { name: 'Save the client' }).click();
  await expect(page.locator('#possible-duplicates')).toContainText('Elena Marsh');

  // In-home privacy mode: one tap hides names, addresses and narratives; the device PIN shows
  // them again; the lock button blanks the screen and signs out.
  await page.goto('/');
  const setup = page.getByRole('form', { name: 'PIN of this device' });
  await setup.getByLabel('New PIN').fill('615243');
  await setup.getByLabel('The same PIN again').fill('615243');
  await setup.getByRole('button', { name: 'Set the PIN' }).click();
  await expect(page.locator('#outbox-count')).toContainText('Nothing waits to send');
  await page.goto(clientUrl);
  await expect(page.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
  expect(await page.locator('main').innerText()).toContain('Elena Marsh');
  await page.getByRole('button', { name: 'Hide names' }).click();
  let shown = await page.locator('main').innerText();
  expect(shown).not.toContain('Elena Marsh');
  expect(shown).not.toContain('Walnut');
  expect(shown).not.toContain('husband');
  expect(shown).toContain('E. M.');
  await page.reload();
  await expect(page.locator('body')).toHaveClass(/privacy/);
  expect(await page.locator('main').innerText()).not.toContain('Elena Marsh');
  await page.getByRole('button', { name: 'Show names' }).click();
  const showAgain = page.getByRole('form', { name: 'Show names again' });
  await showAgain.getByLabel('PIN of this device').fill('111112');
  await showAgain.getByRole('button', { name: 'Show' }).click();
  await expect(page.locator('#privacy-pin-error')).toContainText('Wrong PIN');
  expect(await page.locator('main').innerText()).not.toContain('Elena Marsh');
  await showAgain.getByLabel('PIN of this device').fill('615243');
  await showAgain.getByRole('button', { name: 'Show' }).click();
  await expect(page.locator('body')).not.toHaveClass(/privacy/);
  expect(await page.locator('main').innerText()).toContain('Elena Marsh');
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page).toHaveURL(/\/login\?locked=now$/);
  await expect(page.locator('#locked-now')).toContainText('Haven was locked');
  await ctx.close();

  // An officer: yes or no, and nothing more.
  const octx = await device(browser, 'phone');
  const opage = await octx.newPage();
  await signIn(opage, 'officer');
  await expect(opage.getByRole('link', { name: 'Clients' })).toHaveCount(0);
  await opage.getByRole('link', { name: 'Social-services contact check' }).click();
  await expect(opage.locator('body')).toHaveAttribute('data-idle-lock', 'armed');
  await opage.getByLabel('Name').fill('Elena Marsh');
  await opage.getByRole('button', { name: 'Check' }).click();
  await expect(opage.locator('#contact-answer')).toHaveText(
    'This person has a social-services contact — call the social worker.',
  );
  await expect(opage.locator('main')).not.toContainText('Walnut');
  const file = await opage.request.post('/api/get_client', { form: { id: clientUrl.split('/').pop()! } });
  expect(file.status()).toBe(403);
  expect(await file.text()).not.toContain('Marsh');
  await octx.close();
});
