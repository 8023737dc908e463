import { defineConfig, devices } from '@playwright/test';

// Browsers come from the system (Debian's Chromium): Playwright's own download is not used.
// E2E_BASE_URL is set by the global setup, which starts the real stack before any worker loads this file.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  globalSetup: './e2e/support/global-setup.ts',
  // Two spec files at a time (OVERCAST_TEST_WORKERS sets another number, as for vitest). Each file
  // runs against a stack of its own (a worker fixture: database, Redis, api, worker, emulators), or
  // the global one only where nothing else writes to it (login.spec.ts), so two files never see
  // each other's rows; the files of support/world.ts share a world only within one worker, in turn.
  workers: Number(process.env.OVERCAST_TEST_WORKERS) || 2,
  reporter: 'list',
  // A guard against a hung test, not a speed check: two workers, their stacks and two browsers
  // share two cores, and a multi-step flow that takes 20 s alone can take 35 s beside another.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: process.env.E2E_BASE_URL,
    headless: true,
    screenshot: 'only-on-failure',
    // Recording a trace of every test costs about a fifth of the run on two cores (the phone
    // spec: 77 s without, 99 s with), kept only for failures: E2E_TRACE=1 turns it on.
    trace: process.env.E2E_TRACE ? 'retain-on-failure' : 'off',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
  ],
});
