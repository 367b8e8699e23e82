import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium is what CI installs; Playwright's own browser download is unavailable on these machines.
const debianChromium = '/usr/bin/chromium';
const port = Number(process.env.ATLAS_E2E_PORT ?? 4329);
// Several people (or agents) can test one checkout at once: each builds into its own directory
// (`astro build --outDir DIR`) and serves it on its own port.
const dist = process.env.ATLAS_E2E_DIST;

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  reporter:
    process.env.ATLAS_E2E_REPORTER === 'json' ? [['json', { outputFile: 'test-results/e2e.json' }], ['line']] : 'list',
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'off',
    ...devices['Desktop Chrome'],
    launchOptions: {
      ...(existsSync(debianChromium) ? { executablePath: debianChromium } : {}),
      // Without these Chromium keeps dialling Google services the sandboxed network refuses.
      args: [
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
      ],
    },
  },
  webServer: {
    // Tests run against the built site (npm test builds it first), served exactly as `npm start` serves it.
    command: `npx astro preview --port ${port} --host 127.0.0.1${dist ? ` --outDir ${dist} --ignore-lock` : ''}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
