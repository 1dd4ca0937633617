import type { Locator } from '@playwright/test';

import { expect, GRAFANA_URL, SKIP_MESSAGE, test } from './fixtures';

test.skip(!GRAFANA_URL, SKIP_MESSAGE);

const DASHBOARD_UID = 'shotline-trigger-monitor';
const PANEL_TITLE = 'Trigger monitor';

/** The rule as the editor shows it: the checked kind and the numbers (to put it back afterwards). */
async function readRule(form: Locator) {
  const kind = (await form.getByRole('radio', { checked: true }).getAttribute('title')) ?? 'None';
  const numbers: Record<string, string> = {};
  for (const label of ['Threshold', 'Band low', 'Band high']) {
    const input = form.getByLabel(new RegExp(`^${label}( \\*)?$`));
    if (await input.count()) {
      numbers[label] = await input.inputValue();
    }
  }
  return { kind, numbers };
}

test('the trigger monitor panel follows the relay live: connection, channel values, status', async ({
  gotoDashboardPage,
}) => {
  const dashboardPage = await gotoDashboardPage({ uid: DASHBOARD_UID });
  const panel = dashboardPage.getPanelByTitle(PANEL_TITLE).locator;
  await expect(panel.getByTestId('live-state')).toContainText('Connected', { timeout: 20_000 });
  await expect(panel.getByTestId('relay-endpoints')).toContainText(/Laser: \d+\/\d+ endpoints? connected/);
  const energy = panel.getByTestId('channel-energy_J');
  await expect(energy).toBeVisible();
  const value = energy.getByTestId('channel-value');
  await expect(value).not.toHaveText('—', { timeout: 20_000 });
  const first = (await value.textContent()) ?? '';
  // The simulator (or the laser) sends about a value a second.
  await expect(value).not.toHaveText(first, { timeout: 20_000 });
  await expect(panel.getByTestId('live-age')).toContainText(/last update \d+ s ago/);
  await expect(panel.getByTestId('shot-counter')).toBeVisible();
});

test('a Grafana admin changes a threshold in place; the relay keeps it across a reload', async ({
  gotoDashboardPage,
  page,
}) => {
  let dashboardPage = await gotoDashboardPage({ uid: DASHBOARD_UID });
  let panel = dashboardPage.getPanelByTitle(PANEL_TITLE).locator;
  const energy = () => panel.getByTestId('channel-energy_J');
  await energy().getByRole('button', { name: 'Edit channel energy_J' }).click();
  let form = panel.getByRole('form', { name: 'Edit channel energy_J' });
  const original = await readRule(form);

  await form.getByRole('radio', { name: 'Above' }).check();
  await form.getByLabel(/^Threshold( \*)?$/).fill('not a number');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('Threshold must be a number (e.g. 2.5 or 1e-4), not "not a number"')).toBeVisible();
  await form.getByLabel(/^Threshold( \*)?$/).fill('1234');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toHaveCount(0);
  await expect(energy().getByTestId('channel-rule')).toHaveText(/triggers above 1234/);

  await page.reload();
  dashboardPage = await gotoDashboardPage({ uid: DASHBOARD_UID });
  panel = dashboardPage.getPanelByTitle(PANEL_TITLE).locator;
  await expect(energy().getByTestId('channel-rule')).toHaveText(/triggers above 1234/);

  // Put the lab's rule back.
  await energy().getByRole('button', { name: 'Edit channel energy_J' }).click();
  form = panel.getByRole('form', { name: 'Edit channel energy_J' });
  await form.getByRole('radio', { name: original.kind }).check();
  for (const [label, value] of Object.entries(original.numbers)) {
    await form.getByLabel(new RegExp(`^${label}( \\*)?$`)).fill(value);
  }
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toHaveCount(0);
});
