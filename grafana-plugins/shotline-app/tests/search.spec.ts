import { readFileSync } from 'node:fs';
import type { APIRequestContext, Page } from '@playwright/test';

import { expect, GRAFANA_URL, SKIP_MESSAGE, test } from './fixtures';

test.skip(!GRAFANA_URL, SKIP_MESSAGE);

const APP = '/a/shotline-shotline-app';
// The relay through the datasource's backend, as the signed-in Grafana user (admin here).
const RELAY = '/api/datasources/uid/shotline/resources/relay';

async function relay(request: APIRequestContext, method: 'GET' | 'POST' | 'PATCH', path: string, data?: unknown) {
  const response = await request.fetch(`${RELAY}/${path}`, { method, ...(data !== undefined && { data }) });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return response.json();
}

/** Opens a Combobox by its input id, types, and picks the offered option whose text matches (not "use custom value"). */
async function pick(page: Page, inputId: string, typed: string, option: RegExp) {
  const input = page.locator(`#${inputId}`);
  await input.click();
  await input.fill(typed);
  await page
    .getByRole('option')
    .filter({ hasText: option })
    .filter({ hasNotText: /custom value/i })
    .first()
    .click();
}

test('the Search page finds an entry by a condition on its sheet, and exports it as CSV', async ({ page }) => {
  // A sheet of its own, active for no campaign: the lab's sheets are not touched.
  const sheet = `e2e-search-${Date.now()}`;
  const material = `Unobtainium-${Date.now()}`;
  await relay(page.request, 'POST', 'sheets', {
    name: sheet,
    title: `E2E ${sheet}`,
    layout: {
      sections: [
        {
          title: 'Target',
          fields: [
            { key: 'target_material', label: 'Target material', type: 'text' },
            { key: 'thickness', label: 'Thickness', type: 'number', unit: 'µm' },
          ],
        },
      ],
    },
  });
  try {
    await relay(page.request, 'POST', `sheets/${sheet}/entries`, {
      fields: { target_material: material, thickness: 12.5 },
    });
    await relay(page.request, 'POST', `sheets/${sheet}/entries`, { fields: { target_material: 'Cu', thickness: 3 } });

    await page.goto(`${APP}/search`);
    await pick(page, 'search-sheet', sheet, new RegExp(sheet));
    await page.getByRole('button', { name: 'Add filter' }).click();
    await pick(page, 'search-where-0-field', 'Target material', /Target material/);
    await page.locator('#search-where-0-value').fill(material);
    await page.locator('#search-where-0-value').press('Enter');
    await page.getByRole('button', { name: 'Search', exact: true }).click();

    const results = page.getByRole('table', { name: 'Entries found' });
    await expect(results.getByText(material)).toBeVisible();
    await expect(page.getByTestId('search-total')).toHaveText('1–1 of 1 entry');
    await expect(results.getByRole('columnheader', { name: 'Thickness [µm]' })).toBeVisible();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^shotline-e2e-search-.*\.csv$/);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8');
    expect(csv).toContain(material);
    expect(csv).not.toMatch(/,Cu,/);

    // A refresh keeps the search.
    await page.reload();
    await expect(page.getByRole('table', { name: 'Entries found' }).getByText(material)).toBeVisible();
  } finally {
    await relay(page.request, 'PATCH', `sheets/${sheet}`, { archived: true });
  }
});

test('the Relay settings and Audit log pages show what is in force and who changed it', async ({ page }) => {
  await page.goto(`${APP}/relay`);
  await expect(page.getByRole('table', { name: 'Channels' })).toBeVisible();
  await expect(page.getByText('SHOTLINE_ZMQ_ENDPOINTS')).toBeVisible();
  await page.goto(`${APP}/audit`);
  await expect(page.getByRole('table', { name: 'Relay settings changes' })).toBeVisible();
});
