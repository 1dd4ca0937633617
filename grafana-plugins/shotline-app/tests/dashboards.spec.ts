import { DASHBOARD_FILES, expect, GRAFANA_URL, SKIP_MESSAGE, test } from './fixtures';

test.skip(!GRAFANA_URL, SKIP_MESSAGE);

interface DashboardFile {
  uid: string;
  title: string;
  panels?: Array<{ type: string; title: string; collapsed?: boolean }>;
}

for (const fileName of DASHBOARD_FILES) {
  test(`provisioned dashboard ${fileName.split('/').pop()} loads without panel errors`, async ({
    readProvisionedDashboard,
    gotoDashboardPage,
    selectors,
  }) => {
    const dashboard = (await readProvisionedDashboard({ fileName })) as unknown as DashboardFile;
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });

    // Every panel of the file is there (titles with variables are repeated under other titles).
    for (const panel of dashboard.panels ?? []) {
      if (panel.type !== 'row' && !panel.title.includes('$')) {
        await expect(dashboardPage.getPanelByTitle(panel.title).locator).toBeVisible();
      }
    }
    // …and none shows an error.
    await expect(dashboardPage.getByGrafanaSelector(selectors.components.Panels.Panel.status('error'))).toHaveCount(0);
  });
}
