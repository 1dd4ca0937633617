import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';
import { dirname } from 'node:path';

import { PROVISIONING_DIR, SKIP_MESSAGE } from './tests/fixtures';

const pluginE2eAuth = `${dirname(require.resolve('@grafana/plugin-e2e'))}/auth`;
const grafanaUrl = process.env.GRAFANA_URL;
if (!grafanaUrl) {
  console.warn(`e2e: ${SKIP_MESSAGE}`);
}

/**
 * plugin-e2e specs against a running Grafana at GRAFANA_URL (skipped with a
 * message without it). The browser is the machine's Chromium (Debian's
 * /usr/bin/chromium, or CHROMIUM_PATH): `playwright install` downloads from
 * outside the registries and is never run here.
 */
export default defineConfig<PluginOptions>({
  testDir: './tests',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: grafanaUrl,
    provisioningRootDir: PROVISIONING_DIR,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
  projects: grafanaUrl
    ? [
        // Log in to Grafana once and keep the cookie for the specs.
        { name: 'auth', testDir: pluginE2eAuth, testMatch: [/.*\.js/] },
        {
          name: 'chromium',
          use: { ...devices['Desktop Chrome'], storageState: 'playwright/.auth/admin.json' },
          dependencies: ['auth'],
        },
      ]
    : // No Grafana: the specs skip themselves, saying why (no login attempted).
      [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
});
