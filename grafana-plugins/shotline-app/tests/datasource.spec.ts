import { DATASOURCE_FILE, expect, GRAFANA_URL, SKIP_MESSAGE, test } from './fixtures';

test.skip(!GRAFANA_URL, SKIP_MESSAGE);

test('the provisioned Shotline datasource passes its health check (relay /readyz)', async ({
  readProvisionedDataSource,
  gotoDataSourceConfigPage,
}) => {
  const datasource = await readProvisionedDataSource({ fileName: DATASOURCE_FILE });
  const configPage = await gotoDataSourceConfigPage(datasource.uid);
  await expect(configPage.saveAndTest()).toBeOK();
  await expect(configPage).toHaveAlert('success');
});

test('a Shots query returns rows', async ({ panelEditPage, readProvisionedDataSource }) => {
  const datasource = await readProvisionedDataSource({ fileName: DATASOURCE_FILE });
  await panelEditPage.datasource.set(datasource.name);
  await panelEditPage.setVisualization('Table');
  // A new query is the datasource's default: a Shots table.
  await expect(panelEditPage.refreshPanel()).toBeOK();
  await expect(panelEditPage.panel.fieldNames).toContainText(['time', 'shotNumber']);
  await expect(panelEditPage.panel.data).not.toHaveCount(0);
});
