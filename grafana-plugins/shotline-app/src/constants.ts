import pluginJson from './plugin.json';

export const APP_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

/** The nested datasource's plugin id (src/datasource/plugin.json). */
export const DATASOURCE_TYPE = 'shotline-shotline-datasource';

/** The uid the provisioning gives the Shotline datasource (provisioning/datasources/). */
export const DEFAULT_DATASOURCE_UID = 'shotline';

/** Dashboards the repository provisions (dashboards/*.json), by their stable uids. */
export const DASHBOARDS = [
  {
    uid: 'shotline-shot-sheet',
    title: 'Shot sheet',
    description: 'entry form, latest shots, DAQ plots with shot markers',
  },
  {
    uid: 'shotline-trigger-monitor',
    title: 'Trigger monitor',
    description: 'live channels against thresholds, counters, rates',
  },
  {
    uid: 'shotline-shot-search',
    title: 'Shot search',
    description: 'shots and entries by sheet, campaign and filters',
  },
  {
    uid: 'shotline-pipeline-health',
    title: 'Pipeline health',
    description: 'relay, Kafka, watcher and store at a glance',
  },
];

/** The app's own settings (jsonData of the app plugin). */
export interface AppSettings {
  /** Which Shotline datasource the app's pages and health check use. */
  datasourceUid?: string;
}
