// End-to-end tests in Debian's Chromium (`/usr/bin/chromium`, installed by scripts/test) against the
// real server on its embedded database. scripts/test sets HAVEN_BIN, HAVEN_SITE_ROOT and a fresh
// HAVEN_DB_URL; the server is started here with the demo accounts.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.HAVEN_E2E_PORT ?? 3100);
const bin = process.env.HAVEN_BIN ?? '../target/debug/haven';
const siteRoot = process.env.HAVEN_SITE_ROOT ?? '../target/site';
// Passkeys are bound to a host name (not an IP address): the tests open Haven at localhost.
const publicUrl = `http://localhost:${port}`;
// Where the helpers keep each demo person's virtual passkey for the run (see tests/helpers.ts).
process.env.HAVEN_E2E_CREDENTIALS ??= `/tmp/haven-e2e-credentials-${process.pid}.json`;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: publicUrl,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      // Without the background-networking flags Chromium hammers this machine's closed network.
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `${bin} serve --demo --site-root ${siteRoot} --addr 127.0.0.1:${port} --public-url ${publicUrl}`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
