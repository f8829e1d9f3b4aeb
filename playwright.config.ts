import { defineConfig } from '@playwright/test'

// Debian's chromium by default (Playwright cannot download browsers here); CHROMIUM_PATH overrides
// it, and CHROMIUM_PATH=playwright uses Playwright's own browser where one is installed.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/support/global-setup.ts',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: process.env.CI ? 'list' : 'line',
  timeout: 30_000,
  use: {
    browserName: 'chromium',
    launchOptions: {
      ...(chromiumPath === 'playwright' ? {} : { executablePath: chromiumPath }),
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
})
