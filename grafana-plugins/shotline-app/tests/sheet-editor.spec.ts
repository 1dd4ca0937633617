import type { APIRequestContext } from '@playwright/test';

import { expect, GRAFANA_URL, SKIP_MESSAGE, test } from './fixtures';

test.skip(!GRAFANA_URL, SKIP_MESSAGE);

const APP = '/a/shotline-shotline-app';
// The relay through the datasource's backend, as the signed-in Grafana user (admin here).
const RELAY = '/api/datasources/uid/shotline/resources/relay';

async function relay(
  request: APIRequestContext,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  path: string,
  data?: unknown
) {
  const response = await request.fetch(`${RELAY}/${path}`, { method, ...(data !== undefined && { data }) });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return response.json();
}

test('a layout is built in the Sheets & layouts page, previewed, saved and stored', async ({ page }) => {
  // A sheet of its own, active for no campaign: the lab's sheets are not touched.
  const sheet = `e2e-layout-${Date.now()}`;
  await relay(page.request, 'POST', 'sheets', { name: sheet, title: `E2E ${sheet}` });
  try {
    await page.goto(`${APP}/sheets`);
    await page
      .getByRole('navigation', { name: 'Sheets' })
      .getByRole('button', { name: new RegExp(sheet) })
      .click();
    await expect(page.getByText('This layout has no sections yet')).toBeVisible();
    await page.getByRole('button', { name: 'Add section' }).click();
    await page.getByLabel('Section 1 title').fill('Target');

    await page.getByRole('button', { name: 'Add select field to section Target' }).click();
    const select = page.getByRole('region', { name: 'Field Select 1', exact: true });
    await select.getByLabel(/^Key/).fill('target_type');
    await select.getByLabel(/^Options/).fill('foil\ngas');
    await select.getByLabel('Label', { exact: true }).fill('Target type');

    await page.getByRole('button', { name: 'Add number field to section Target' }).click();
    const number = page.getByRole('region', { name: 'Field Number 1', exact: true });
    await number.getByLabel(/^Key/).fill('thickness');
    await number.getByLabel('Unit').fill('µm');
    await number.getByText('Show only when another field has a value').click();
    await number.getByLabel(/^Value/).fill('foil');
    await number.getByLabel('Label', { exact: true }).fill('Thickness');

    // The preview shows Thickness only for a foil target.
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect(preview.getByLabel(/Target type/)).toBeVisible();
    await expect(preview.getByLabel(/Thickness/)).toHaveCount(0);
    await preview.getByLabel(/Target type/).click();
    await page.getByRole('option', { name: 'foil' }).click();
    await expect(preview.getByLabel(/Thickness/)).toBeVisible();

    await page.getByRole('button', { name: 'Save as new version' }).click();
    await expect(page.getByText('Saved as layout version 2')).toBeVisible();
    const stored = await relay(page.request, 'GET', `sheets/${sheet}/layout`);
    expect(stored.sections).toEqual([
      {
        title: 'Target',
        fields: [
          { key: 'target_type', label: 'Target type', type: 'select', options: ['foil', 'gas'] },
          {
            key: 'thickness',
            label: 'Thickness',
            type: 'number',
            unit: 'µm',
            showIf: { field: 'target_type', equals: 'foil' },
          },
        ],
      },
    ]);
  } finally {
    await relay(page.request, 'PATCH', `sheets/${sheet}`, { archived: true });
  }
});

test('the Choice lists page shows the lists and their sync state', async ({ page }) => {
  const list = `e2e-list-${Date.now()}`;
  await relay(page.request, 'PUT', `choices/${list}`, { description: 'made by the e2e spec', items: ['Cu', 'Ti'] });
  await page.goto(`${APP}/choices`);
  const nav = page.getByRole('navigation', { name: 'Choice lists' });
  await expect(nav.getByText(/2 items — made by the e2e spec/)).toBeVisible();
  await nav.getByRole('button', { name: new RegExp(`^${list}`) }).click();
  await expect(page.getByRole('region', { name: 'Items' }).getByText('Ti')).toBeVisible();
  await page.request.fetch(`${RELAY}/choices/${list}`, { method: 'DELETE' });
});
