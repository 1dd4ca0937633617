import type { APIRequestContext } from '@playwright/test';

import { expect, GRAFANA_URL, SKIP_MESSAGE, test } from './fixtures';

test.skip(!GRAFANA_URL, SKIP_MESSAGE);

const DASHBOARD_UID = 'shotline-shot-sheet';
const PANEL_TITLE = 'Shot entry';
// The relay through the datasource's backend, as the signed-in Grafana user (admin here).
const RELAY = '/api/datasources/uid/shotline/resources/relay';

const LAYOUT = {
  sections: [
    {
      title: 'Shot',
      fields: [
        { key: 'operator', label: 'Operator', type: 'text', required: true },
        { key: 'energy', label: 'Energy on target', type: 'number', unit: 'J', min: 0, max: 50, required: true },
        { key: 'notes', label: 'Notes', type: 'text', multiline: true },
      ],
    },
  ],
};

async function relay(request: APIRequestContext, method: 'GET' | 'POST' | 'PATCH', path: string, data?: unknown) {
  const response = await request.fetch(`${RELAY}/${path}`, { method, ...(data !== undefined && { data }) });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return response.json();
}

test('an entry is made, refused, fixed, saved with Ctrl+Enter, modified; its history shows old → new', async ({
  gotoDashboardPage,
  page,
}) => {
  // A sheet of its own, active for no campaign: the lab's drafts are not touched.
  const sheet = `e2e-entry-${Date.now()}`;
  await relay(page.request, 'POST', 'sheets', { name: sheet, title: `E2E ${sheet}`, layout: LAYOUT });
  const latest = await relay(page.request, 'GET', 'shots?limit=1');
  test.skip(!latest.items?.length, 'the relay has stored no shot yet');
  const shot: number = latest.items[0].shotNumber;

  try {
    const dashboardPage = await gotoDashboardPage({
      uid: DASHBOARD_UID,
      queryParams: new URLSearchParams({ 'var-sheet': sheet }),
    });
    const panel = dashboardPage.getPanelByTitle(PANEL_TITLE).locator;
    await panel.getByRole('tab', { name: 'Earlier shot' }).click();
    await panel.getByLabel('Shot number').fill(String(shot));
    await page.keyboard.press('Enter');
    await panel.getByRole('button', { name: 'Make its entry' }).click();
    await expect(panel.getByRole('heading', { name: `Shot ${shot}` })).toBeVisible();

    // The cursor is in the first field: type, and save without the required energy.
    await expect(panel.getByLabel(/^Operator/)).toBeFocused();
    await page.keyboard.type('Ada');
    await page.keyboard.press('Control+Enter');
    const energy = panel.getByLabel(/^Energy on target/);
    await expect(energy).toHaveAttribute('aria-invalid', 'true');
    await expect(panel.getByText('is required')).toBeVisible();
    await expect(panel.getByLabel(/^Operator/)).toHaveValue('Ada');

    await energy.fill('12.5');
    await page.keyboard.press('Control+Enter');
    await expect(panel.getByText(`Saved shot ${shot} as complete (revision 1).`)).toBeVisible();

    await energy.fill('13');
    await page.keyboard.press('Control+Enter');
    await expect(panel.getByText(`Saved shot ${shot} as complete (revision 2).`)).toBeVisible();
    await panel.getByRole('button', { name: 'History' }).click();
    await expect(panel.getByTestId('revision-2-fields.energy')).toContainText('12.5 → 13');

    const stored = await relay(page.request, 'GET', `sheets/${sheet}/entries?shotNumber=${shot}`);
    expect(stored.items[0].fields).toEqual({ operator: 'Ada', energy: 13 });
  } finally {
    await relay(page.request, 'PATCH', `sheets/${sheet}`, { archived: true });
  }
});
