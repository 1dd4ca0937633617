import { ALERT_RULES_FILE, expect, GRAFANA_URL, SKIP_MESSAGE, test } from './fixtures';

test.skip(!GRAFANA_URL, SKIP_MESSAGE);

for (const ruleTitle of ['Channel above its limit', 'No shots during the active campaign', 'Shotline pipeline down', 'Shot store falling behind the relay']) {
  test(`alert rule "${ruleTitle}" evaluates`, async ({ readProvisionedAlertRule, gotoAlertRuleEditPage }) => {
    const rule = await readProvisionedAlertRule({ fileName: ALERT_RULES_FILE, ruleTitle });
    const editPage = await gotoAlertRuleEditPage(rule);
    await expect(editPage.evaluate()).toBeOK();
  });
}
