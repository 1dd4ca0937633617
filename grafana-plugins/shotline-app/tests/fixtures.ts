import path from 'node:path';
import { test as base } from '@grafana/plugin-e2e';

/**
 * The specs need a running Grafana with this plugin and the repository's
 * provisioning (docker compose up -d, see the repository README) at
 * GRAFANA_URL; without it they are skipped, saying so.
 */
export const GRAFANA_URL = process.env.GRAFANA_URL;
export const SKIP_MESSAGE =
  'GRAFANA_URL is not set: these specs need a running Grafana with the Shotline plugin and the repository provisioning (docker compose up -d)';

export const test = base;
export { expect } from '@grafana/plugin-e2e';

/** The repository's provisioning folder (the specs read what Grafana was provisioned with). */
export const PROVISIONING_DIR = path.resolve(__dirname, '..', '..', '..', 'provisioning');

/** The dashboards the provisioning loads, as readProvisionedDashboard names them (relative to provisioning/dashboards). */
export const DASHBOARD_FILES = [
  'shot-sheet.json',
  'trigger-monitor.json',
  'shot-search.json',
  'pipeline-health.json',
].map((file) => `../../dashboards/${file}`);

export const DATASOURCE_FILE = 'shotline.yaml';
export const ALERT_RULES_FILE = 'shotline-rules.yaml';
