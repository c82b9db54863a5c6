import { defineConfig } from '@playwright/test';

// The server is started by scripts/test (fazhi demo on a scratch data dir);
// its URL comes in FAZHI_E2E_URL. Chromium is Debian's, never a download.
export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: process.env.FAZHI_E2E_URL ?? 'http://127.0.0.1:18181',
    locale: 'zh-CN',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
