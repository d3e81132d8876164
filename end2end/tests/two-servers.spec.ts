import { test, expect } from '@playwright/test';
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { device, fillRequest, signIn, openNewRequest } from './helpers';

// Two Haven servers over one SurrealDB server (issue 8): nothing one server needs lives in the
// other's memory. A session made on one is valid on the other, a request filed through one is
// approved through the other, and the supervisor's live queue on one hears of a request filed
// through the other (the feed comes from the database's LIVE SELECT, not an in-process channel).
// scripts/test starts the SurrealDB server (SURREAL_URL); each run uses a database of its own.

const surreal = process.env.SURREAL_URL;
const bin = process.env.HAVEN_BIN ?? '../target/debug/haven';
const siteRoot = process.env.HAVEN_SITE_ROOT ?? '../target/site';
const run = Date.now().toString(36);
const ports = [Number(process.env.HAVEN_TWO_PORT ?? 3171), Number(process.env.HAVEN_TWO_PORT ?? 3171) + 1];
const urls = ports.map((p) => `http://localhost:${p}`);

let dir = '';
const servers: ChildProcess[] = [];
const credentialsBefore = process.env.HAVEN_E2E_CREDENTIALS;

async function start(port: number): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HAVEN_DB_URL: surreal,
    HAVEN_DB_USER: 'root',
    HAVEN_DB_PASS: 'root',
    HAVEN_DB_NS: 'haven',
    HAVEN_DB_NAME: `two${run}`,
    HAVEN_KEY_FILE: path.join(dir, 'haven.key'),
  };
  delete env.HAVEN_DATA_KEYS;
  const proc = spawn(
    bin,
    ['serve', '--demo', '--site-root', siteRoot, '--addr', `127.0.0.1:${port}`, '--public-url', `http://localhost:${port}`],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  proc.stderr?.on('data', (d) => (log += d.toString()));
  servers.push(proc);
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`haven on ${port} exited: ${log}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`haven on ${port} did not come up: ${log}`);
}

test.beforeAll(async () => {
  expect(surreal, 'SURREAL_URL: run through scripts/test, which starts a SurrealDB server').toBeTruthy();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-two-'));
  // This database's people have passkeys of their own (not the main run's).
  process.env.HAVEN_E2E_CREDENTIALS = path.join(dir, 'credentials.json');
  // One after the other: the second finds the schema, the key and the demo accounts made.
  await start(ports[0]);
  await start(ports[1]);
});

test.afterAll(async () => {
  for (const s of servers) s.kill('SIGTERM');
  await Promise.all(servers.map((s) => (s.exitCode === null ? new Promise((r) => s.once('exit', r)) : null)));
  process.env.HAVEN_E2E_CREDENTIALS = credentialsBefore;
  fs.rmSync(dir, { recursive: true, force: true });
});

test('one database, two servers: a session, a request, an approval and the live queue cross between them', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const [a, b] = urls;

  // The social worker opens this database's fund on server A.
  const wctx = await device(browser, 'phone', a);
  const sw = await wctx.newPage();
  await signIn(sw, 'socialworker');
  await sw.getByRole('link', { name: 'Cash box' }).click();
  await sw.getByLabel('Cash in the box now ($)').fill('200');
  await sw.getByRole('button', { name: 'Open the fund' }).click();
  await expect(sw.locator('#fund-cash')).toHaveText('$200.00');
  await wctx.close();

  // The officer signs in on server A; the session works on server B.
  const octx = await device(browser, 'phone', a);
  const officer = await octx.newPage();
  await signIn(officer, 'officer');
  await officer.goto(`${b}/requests/mine`);
  await expect(officer.getByRole('heading', { name: 'My requests' })).toBeVisible();
  await expect(officer).toHaveURL(`${b}/requests/mine`);

  // The supervisor's live queue is open on server B.
  const sctx = await device(browser, 'tablet', b);
  const sgt = await sctx.newPage();
  await signIn(sgt, 'supervisor');
  await sgt.getByRole('link', { name: 'Approval queue' }).click();
  await expect(sgt.locator('[data-live="on"]')).toHaveCount(1);

  // A request filed through server A…
  const name = `Two Servers ${run}`;
  await officer.goto(`${a}/`);
  await openNewRequest(officer);
  await fillRequest(officer, name, '15');
  await expect(officer).toHaveURL(`${a}/requests/mine`);

  // …appears on B's queue without a reload, and is approved there…
  const card = sgt.locator('.card', { hasText: name });
  await expect(card).toHaveCount(1, { timeout: 15_000 });
  await card.getByRole('link').click();
  await sgt.getByRole('button', { name: 'Approve' }).click();
  await expect(sgt.locator('.status-line')).toContainText('Approved');

  // …and server A tells the officer.
  await officer.goto(`${a}/requests/mine`);
  await expect(officer.locator('.card', { hasText: name })).toContainText('Approved');
  await Promise.all([octx.close(), sctx.close()]);
});
