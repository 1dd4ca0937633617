// Runs the datasource backend's Go integration test (pkg/plugin/integration_test.go)
// against a real relay-service over HTTP and WebSocket: a separate process as
// `npm start` runs it (embedded store, in-process bus, simulated laser at 20
// shots/s), on free ports, with a service token, a default shot sheet and a
// running campaign, so every query type has real data to answer.
//
// node scripts/backend-integration.mjs [extra go test arguments]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The relay's own test helpers (Node runs their TypeScript directly): one way to start it.
import { startShotlineProcess } from '../../../relay-service/test/support/process.ts';
import { freePort, getJson, sendJson, waitFor } from '../../../relay-service/test/support/net.ts';

const pluginDir = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_TOKEN = 'shotline-integration-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

const dataDir = await mkdtemp(join(tmpdir(), 'shotline-grafana-it-'));
let relay;
let code = 1;
try {
  relay = await startShotlineProcess({
    SHOTLINE_DATA_DIR: dataDir,
    SHOTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    SHOTLINE_SIMULATOR_RATE: '20',
    SHOTLINE_SIMULATOR_ENDPOINT: `tcp://127.0.0.1:${await freePort()}`,
    SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}`,
    SHOTLINE_LOG_LEVEL: 'warn',
  });
  const must = async (what, answer, status = [200, 201]) => {
    const res = await answer;
    if (!status.includes(res.status)) {throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);}
    return res.body;
  };
  const { token } = await must('service token', sendJson(`${relay.url}/api/v1/tokens`, 'POST', { name: 'grafana', role: 'service' }, admin));
  await must(
    'default sheet',
    sendJson(
      `${relay.url}/api/v1/sheets`,
      'POST',
      {
        name: 'main',
        title: 'Main line',
        default: true,
        layout: { sections: [{ title: 'Shot', fields: [{ key: 'note', label: 'Note', type: 'text' }, { key: 'target_thickness', label: 'Target thickness', type: 'number', unit: 'µm' }] }] },
      },
      admin,
    ),
  );
  await must('campaign', sendJson(`${relay.url}/api/v1/relay/campaign`, 'PUT', { name: 'integration-run' }, admin));
  // Drafts in the sheet prove shots of the campaign are stored end to end.
  await waitFor('five drafts of campaign shots in the default sheet', async () => {
    const { body } = await getJson(`${relay.url}/api/v1/sheets/main/entries?limit=5&campaign=integration-run`, { headers: admin });
    return body?.items?.length === 5 ? true : undefined;
  }, 30_000);

  const args = ['test', '-count=1', '-run', 'TestIntegration', '-v', './pkg/plugin', ...process.argv.slice(2)];
  console.log(`relay-service at ${relay.url}; go ${args.join(' ')}`);
  code = await new Promise((resolve) => {
    const go = spawn('go', args, {
      cwd: pluginDir,
      stdio: 'inherit',
      env: { ...process.env, SHOTLINE_RELAY_URL: relay.url, SHOTLINE_RELAY_TOKEN: token, SHOTLINE_RELAY_SHEET: 'main', SHOTLINE_RELAY_CAMPAIGN: 'integration-run' },
    });
    go.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    go.on('error', (err) => {
      console.error(`cannot run go: ${err.message}`);
      resolve(1);
    });
  });
} catch (err) {
  console.error(err);
  if (relay) {console.error(`--- relay output ---\n${relay.output().slice(-4000)}`);}
  code = 1;
} finally {
  if (relay) {await relay.stop('SIGINT');}
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(code);
