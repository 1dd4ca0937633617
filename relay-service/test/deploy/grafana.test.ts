// Grafana's inputs at the repository root, checked without Grafana:
// provisioning/ (plugins, datasource, dashboards provider, alert rules,
// contact point, notification policy) and dashboards/*.json, against each
// other, against docker-compose.yml (mount paths, environment) and against the
// plugin's plugin.json files (ids, capabilities).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { composeVariables, filesUnder, pluginJsons, readYaml, rootPath } from './repo.ts';

const DS = { type: 'shotline-shotline-datasource', uid: 'shotline' };
const APP_ID = 'shotline-shotline-app';
/** Query types and stats of the datasource's query model: the plugin's contract, read from its Go backend (pkg/plugin/query.go). */
const QUERY_MODEL = readFileSync(rootPath('grafana-plugins', 'shotline-app', 'pkg', 'plugin', 'query.go'), 'utf8');
const QUERY_TYPES = [...QUERY_MODEL.matchAll(/^\tQuery\w+\s*=\s*"(\w+)"/gm)].map((m) => m[1]);
const STATS = [...QUERY_MODEL.matchAll(/^\tStat\w+\s*=\s*"(\w+)"/gm)].map((m) => m[1]);
/** What a template variable lists (the datasource's variable query `kind`, fetched from its backend resources). */
const VARIABLE_KINDS = ['sheets', 'campaigns', 'channels', 'recentShots'];
const DASHBOARD_UIDS = ['shotline-pipeline-health', 'shotline-shot-search', 'shotline-shot-sheet', 'shotline-trigger-monitor'];
/** Grafana's own panel types the dashboards use. */
const CORE_PANELS = new Set(['table', 'timeseries', 'stat', 'bargauge', 'gauge', 'barchart', 'text', 'row', 'state-timeline', 'piechart']);
/** Grafana 13.1's dashboard schema version (@grafana/schema 13.1.1 defaultDashboard). */
const SCHEMA_VERSION = 42;

const provisioning = Object.fromEntries(
  ['plugins', 'datasources', 'dashboards', 'alerting'].map((kind) => [
    kind,
    filesUnder(rootPath('provisioning', kind), '.yaml').map((f) => ({ file: `provisioning/${kind}/${f}`, doc: readYaml(rootPath('provisioning', kind, f)) })),
  ]),
) as Record<string, { file: string; doc: any }[]>;
const all = <T>(kind: string, key: string): T[] => provisioning[kind]!.flatMap((p) => p.doc[key] ?? []);

const dashboards = filesUnder(rootPath('dashboards'), '.json').map((f) => ({ file: f, json: JSON.parse(readFileSync(rootPath('dashboards', f), 'utf8')) }));
const compose = readYaml(rootPath('docker-compose.yml'));
const grafana = compose.services.grafana;
const plugins = pluginJsons();

/** Every object with a `datasource` member, anywhere in `x`. */
function datasourceRefs(x: any, path = ''): { path: string; ref: any }[] {
  if (Array.isArray(x)) return x.flatMap((v, i) => datasourceRefs(v, `${path}[${i}]`));
  if (x === null || typeof x !== 'object') return [];
  const own = 'datasource' in x ? [{ path, ref: x.datasource }] : [];
  return [...own, ...Object.entries(x).flatMap(([k, v]) => (k === 'datasource' ? [] : datasourceRefs(v, `${path}.${k}`)))];
}

/** The Shotline queries of a dashboard: panel targets, annotation targets, variable queries. */
function shotlineQueries(d: any): { where: string; model: any }[] {
  const panels = (d.panels ?? []).flatMap((p: any) => (p.type === 'row' ? (p.panels ?? []) : [p]));
  return [
    ...panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => ({ where: `panel ${p.id} "${p.title}" target ${t.refId}`, model: t }))),
    ...(d.annotations?.list ?? []).filter((a: any) => a.datasource?.uid === DS.uid).map((a: any) => ({ where: `annotation "${a.name}"`, model: a.target })),
  ];
}

function checkQuery(where: string, q: any) {
  assert.ok(QUERY_TYPES.includes(q.queryType), `${where}: queryType ${q.queryType} is not one of ${QUERY_TYPES.join(', ')}`);
  if (q.queryType === 'stats') assert.ok(STATS.includes(q.stat), `${where}: stat ${q.stat} is not one of ${STATS.join(', ')}`);
  if (q.queryType === 'shots') {
    assert.ok(['table', 'timeseries'].includes(q.format), `${where}: format`);
    if (q.format === 'timeseries') assert.ok(q.fields?.length > 0 && q.fields.every((f: string) => /^(shotNumber|channels\.|fields\.|diagnostics\.|daq\.)/.test(f)), `${where}: fields`);
  }
  if (q.queryType === 'live') assert.ok(['shots', 'channels'].includes(q.path), `${where}: path`);
}

describe('provisioning/', () => {
  test('every file is provisioning YAML version 1', () => {
    const files = Object.values(provisioning).flat();
    assert.ok(files.length >= 6, 'plugins, datasources, dashboards, alerting rules, contact points, policies');
    for (const { file, doc } of files) assert.equal(doc?.apiVersion, 1, `${file}: apiVersion`);
  });

  test("the plugin's plugin.json files declare the app, the datasource and both panels", () => {
    const byId = Object.fromEntries(plugins.map((p) => [p.id, p]));
    assert.equal(byId[APP_ID]?.type, 'app', `${APP_ID} (src/plugin.json)`);
    const ds = byId[DS.type];
    assert.equal(ds?.type, 'datasource', `${DS.type} (src/datasource/plugin.json)`);
    for (const capability of ['backend', 'alerting', 'annotations', 'streaming']) assert.equal(ds.json[capability], true, `${DS.type}: ${capability}`);
    assert.equal(ds.json.executable, 'gpx_shotline');
    for (const panel of ['shotline-shotentry-panel', 'shotline-triggermonitor-panel']) assert.equal(byId[panel]?.type, 'panel', panel);
  });

  test('plugins: enables the Shotline app', () => {
    const apps = all<any>('plugins', 'apps');
    assert.deepEqual(apps.map((a) => [a.type, a.disabled ?? false]), [[APP_ID, false]]);
    assert.ok(plugins.some((p) => p.id === APP_ID && p.type === 'app'));
  });

  test('datasources: Shotline with the fixed uid, its URL and token from the environment Grafana gets', () => {
    const ds = all<any>('datasources', 'datasources');
    assert.equal(ds.length, 1);
    const [d] = ds;
    assert.equal(d.uid, DS.uid);
    assert.equal(d.type, DS.type);
    assert.ok(plugins.some((p) => p.id === d.type && p.type === 'datasource'), `${d.type} is a datasource of the plugin`);
    assert.equal(d.url, '${SHOTLINE_RELAY_URL}');
    assert.equal(d.secureJsonData?.serviceToken, '${SHOTLINE_GRAFANA_TOKEN}');
    assert.ok(!('serviceToken' in (d.jsonData ?? {})), 'the token only in secureJsonData (never sent to browsers)');
    assert.ok('defaultSheet' in (d.jsonData ?? {}));
  });

  test('every environment variable the provisioning uses is given to Grafana by docker-compose.yml', () => {
    const env = grafana.environment ?? {};
    for (const { file, doc } of Object.values(provisioning).flat()) {
      // Grafana expands variables everywhere except in alert rule annotations and query models (their `$` is Grafana's templating).
      const expanded = structuredClone(doc);
      for (const g of expanded.groups ?? []) for (const r of g.rules ?? []) {
        delete r.annotations;
        for (const d of r.data ?? []) delete d.model;
      }
      for (const v of composeVariables(JSON.stringify(expanded))) assert.ok(v.name in env, `${file}: \${${v.name}} is not in the grafana service's environment`);
    }
    assert.ok(Object.values(provisioning).flat().some(({ file }) => readFileSync(rootPath(file), 'utf8').includes('${SHOTLINE_RELAY_URL}')));
  });

  test('dashboards: the provider loads the dashboards/ directory Compose mounts', () => {
    const providers = all<any>('dashboards', 'providers');
    assert.equal(providers.length, 1);
    const [p] = providers;
    assert.equal(p.type, 'file');
    assert.equal(p.folder, 'Shotline');
    const mount = (grafana.volumes as any[]).find((v) => typeof v === 'object' && v.source.replace(/^\.\//, '') === 'dashboards');
    assert.ok(mount, 'grafana mounts ./dashboards');
    assert.equal(p.options.path, mount.target);
    const provisioningMount = (grafana.volumes as any[]).find((v) => typeof v === 'object' && v.source.replace(/^\.\//, '') === 'provisioning');
    assert.equal(provisioningMount?.target, '/etc/grafana/provisioning');
  });
});

describe('dashboards/', () => {
  test('the four dashboards, each valid JSON with its stable uid', () => {
    assert.deepEqual(dashboards.map((d) => d.json.uid).sort(), DASHBOARD_UIDS);
    for (const { file, json } of dashboards) {
      assert.equal(`shotline-${basename(file, '.json')}`, json.uid, `${file}: file name and uid agree`);
      assert.ok(json.title, `${file}: title`);
      assert.equal(json.schemaVersion, SCHEMA_VERSION, `${file}: schemaVersion`);
      assert.ok(!('id' in json) || json.id === null, `${file}: no database id (provisioning assigns one)`);
    }
  });

  test('they use only the Shotline datasource (uid shotline) or Grafana built-ins', () => {
    for (const { file, json } of dashboards) {
      for (const { path, ref } of datasourceRefs(json)) {
        const ok = (ref?.type === DS.type && ref?.uid === DS.uid) || ref?.type === 'grafana' || ref?.uid === '-- Grafana --' || ref?.type === '__expr__';
        assert.ok(ok, `${file}${path}: datasource ${JSON.stringify(ref)}`);
      }
    }
  });

  test("panels: unique ids, a place on the grid, Grafana's panel types or the plugin's panels", () => {
    const pluginPanels = new Set(plugins.filter((p) => p.type === 'panel').map((p) => p.id));
    for (const { file, json } of dashboards) {
      const ids = json.panels.map((p: any) => p.id);
      assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids`);
      for (const p of json.panels) {
        assert.ok(Number.isInteger(p.id) && p.gridPos && p.gridPos.w > 0 && p.gridPos.h > 0 && p.gridPos.x + p.gridPos.w <= 24, `${file}: panel ${p.id} gridPos`);
        assert.ok(CORE_PANELS.has(p.type) || pluginPanels.has(p.type), `${file}: panel ${p.id} type ${p.type}`);
      }
    }
    const used = new Set(dashboards.flatMap((d) => d.json.panels.map((p: any) => p.type)));
    assert.ok(used.has('shotline-shotentry-panel') && used.has('shotline-triggermonitor-panel'));
  });

  test("every Shotline query follows the datasource's query model", () => {
    for (const { file, json } of dashboards) for (const q of shotlineQueries(json)) checkQuery(`${file}: ${q.where}`, q.model);
  });

  test('template variables come from the datasource resources, and every variable used is defined', () => {
    for (const { file, json } of dashboards) {
      const vars = json.templating?.list ?? [];
      for (const v of vars.filter((x: any) => x.type === 'query')) {
        assert.deepEqual(v.datasource, DS, `${file}: variable ${v.name}`);
        assert.ok(VARIABLE_KINDS.includes(v.query?.kind), `${file}: variable ${v.name} kind ${v.query?.kind}`);
      }
      const names = new Set(vars.map((v: any) => v.name));
      const text = JSON.stringify({ panels: json.panels, annotations: json.annotations });
      for (const m of text.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)) {
        const name = m[1] ?? m[2]!;
        if (name.startsWith('__')) continue; // Grafana's global variables
        assert.ok(names.has(name), `${file}: $${name} is used but not defined`);
      }
    }
  });

  test('the shot sheet marks shots on its plots: a Shotline annotation query', () => {
    const sheet = dashboards.find((d) => d.json.uid === 'shotline-shot-sheet')!.json;
    const anno = sheet.annotations.list.find((a: any) => a.datasource?.uid === DS.uid);
    assert.equal(anno?.enable, true);
    assert.equal(anno.target.queryType, 'annotations');
    assert.ok(sheet.panels.some((p: any) => p.type === 'timeseries'));
  });
});

describe('provisioning/alerting/', () => {
  const groups = all<any>('alerting', 'groups');
  const rules = groups.flatMap((g) => g.rules.map((r: any) => ({ group: g, rule: r })));
  const contactPoints = all<any>('alerting', 'contactPoints');
  const policies = all<any>('alerting', 'policies');

  test('rules with unique uids: channel above its limit, no shots in an active campaign, pipeline down, store behind', () => {
    const uids = rules.map((r) => r.rule.uid);
    assert.deepEqual(uids.sort(), ['shotline-channel-above-limit', 'shotline-no-shots-in-campaign', 'shotline-pipeline-down', 'shotline-store-behind']);
    for (const uid of uids) assert.ok(uid.length <= 40 && /^[A-Za-z0-9_-]+$/.test(uid), `${uid}: Grafana allows 40 characters of [A-Za-z0-9_-]`);
    for (const g of groups) {
      assert.equal(g.folder, all<any>('dashboards', 'providers')[0].folder, 'rules live beside the dashboards');
      assert.match(g.interval, /^\d+[smh]$/);
    }
  });

  test('each rule queries the Shotline datasource and reduces it to a condition over its own refIds', () => {
    for (const { rule } of rules) {
      const refs = new Set(rule.data.map((d: any) => d.refId));
      assert.equal(refs.size, rule.data.length, `${rule.uid}: duplicate refIds`);
      assert.ok(refs.has(rule.condition), `${rule.uid}: condition ${rule.condition} is no refId`);
      const queries = rule.data.filter((d: any) => d.datasourceUid !== '__expr__');
      assert.ok(queries.length > 0, `${rule.uid}: queries something`);
      for (const d of rule.data) {
        if (d.datasourceUid === '__expr__') {
          assert.ok(['reduce', 'threshold', 'math', 'resample', 'classic_conditions'].includes(d.model.type), `${rule.uid} ${d.refId}: expression type`);
          if (d.model.expression !== undefined && d.model.type !== 'math') assert.ok(refs.has(d.model.expression), `${rule.uid} ${d.refId}: expression ${d.model.expression} is no refId`);
        } else {
          assert.equal(d.datasourceUid, DS.uid, `${rule.uid} ${d.refId}: datasource`);
          assert.deepEqual(d.model.datasource, DS);
          assert.equal(d.queryType, d.model.queryType);
          assert.ok(d.relativeTimeRange?.from > 0, `${rule.uid} ${d.refId}: relativeTimeRange`);
          checkQuery(`${rule.uid} ${d.refId}`, d.model);
        }
      }
      assert.ok(['NoData', 'Alerting', 'OK', 'KeepLast'].includes(rule.noDataState), `${rule.uid}: noDataState`);
      assert.ok(['Error', 'Alerting', 'OK', 'KeepLast'].includes(rule.execErrState), `${rule.uid}: execErrState`);
      assert.match(rule.for, /^\d+[smh]$/);
      assert.equal(rule.labels?.team, 'shotline', `${rule.uid}: routed by team=shotline`);
      assert.ok(rule.annotations?.summary, `${rule.uid}: summary`);
    }
  });

  test('the rules link to dashboard panels that exist', () => {
    for (const { rule } of rules) {
      const d = dashboards.find((x) => x.json.uid === rule.dashboardUid);
      assert.ok(d, `${rule.uid}: dashboard ${rule.dashboardUid}`);
      assert.ok(d.json.panels.some((p: any) => p.id === rule.panelId), `${rule.uid}: panel ${rule.panelId} in ${rule.dashboardUid}`);
    }
  });

  test('the notification policy routes team=shotline to the lab contact point, whose address comes from the environment', () => {
    assert.equal(policies.length, 1);
    const names = new Set(['grafana-default-email', ...contactPoints.map((c) => c.name)]);
    const receivers = (p: any): string[] => [p.receiver, ...(p.routes ?? []).flatMap(receivers)];
    for (const r of receivers(policies[0])) assert.ok(names.has(r), `policy receiver ${r} is no contact point`);
    const route = policies[0].routes.find((r: any) => r.object_matchers?.some((m: string[]) => m.join(' ') === 'team = shotline'));
    assert.equal(route?.receiver, 'Shotline lab');
    const [lab] = contactPoints;
    assert.equal(lab.receivers[0].type, 'webhook');
    assert.equal(lab.receivers[0].settings.url, '${SHOTLINE_ALERT_WEBHOOK_URL}');
  });
});

describe('the app includes', () => {
  test('pages and dashboards the app lists exist', () => {
    const app = plugins.find((p) => p.id === APP_ID);
    assert.ok(app, APP_ID);
    for (const inc of app.json.includes ?? []) {
      if (inc.type !== 'dashboard') continue;
      // A dashboard the app bundles must be one of the provisioned ones (the same uid), not a second copy drifting apart.
      const path = join(rootPath('grafana-plugins/shotline-app/src'), inc.path);
      const json = JSON.parse(readFileSync(path, 'utf8'));
      assert.ok(DASHBOARD_UIDS.includes(json.uid), `${inc.path}: uid ${json.uid}`);
    }
  });
});
