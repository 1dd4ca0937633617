// `npm start` on a fresh machine: no MongoDB, no Kafka, no laser. A separate
// process with embedded defaults; everything checked over real HTTP,
// WebSocket and ZeroMQ.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { freePort, getJson, sendJson, waitFor } from '../support/net.ts';
import { startShotlineProcess, type ShotlineProcess } from '../support/process.ts';

describe('embedded mode, as `npm start` runs it', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let p: ShotlineProcess;
  /** headers with the admin token the process generated (no SHOTLINE_ADMIN_TOKEN, as on a fresh machine) */
  let admin: Record<string, string>;
  /** headers with a token named `tester`, made through the API */
  let tester: Record<string, string>;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shotline-e2e-'));
    env = {
      SHOTLINE_DATA_DIR: dataDir,
      SHOTLINE_SIMULATOR_RATE: '20',
      SHOTLINE_SIMULATOR_ENDPOINT: `tcp://127.0.0.1:${await freePort()}`,
      SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}`,
    };
    p = await startShotlineProcess(env);
  });

  it('generates the first admin token into the data dir, logs where it is and never the token', async () => {
    const file = join(dataDir, 'admin-token');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const token = (await readFile(file, 'utf8')).trim();
    assert.ok(!p.output().includes(token), 'the token is not in the log');
    assert.match(p.output(), /admin-token/);
    admin = { authorization: `Bearer ${token}` };
    assert.equal((await getJson(`${p.url}/api/v1/shots`)).status, 401);
    const made = await sendJson(`${p.url}/api/v1/tokens`, 'POST', { name: 'tester', role: 'admin' }, admin);
    assert.equal(made.status, 201);
    tester = { authorization: `Bearer ${made.body.token}` };
  });

  after(async () => {
    if (p) await p.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves shot sheets: a default sheet gets a draft of each stored shot', async () => {
    const sheet = await sendJson(`${p.url}/api/v1/sheets`, 'POST', { name: 'main', title: 'Main', default: true, layout: { sections: [{ title: 'Shot', fields: [{ key: 'note', label: 'Note', type: 'text' }] }] } }, admin);
    assert.equal(sheet.status, 201, JSON.stringify(sheet.body));
    const draft = await waitFor('a draft', async () => (await getJson(`${p.url}/api/v1/sheets/main/entries?limit=1`, { headers: admin })).body.items[0]);
    assert.equal(draft.status, 'draft');
    assert.ok(draft.channels.energy_J > 1);
    const shot = await getJson(`${p.url}/api/v1/shots/${draft.shotUid}`, { headers: admin });
    assert.equal(shot.body.shotNumber, draft.shotNumber);
    const edited = await sendJson(`${p.url}/api/v1/sheets/main/entries/${draft.id}`, 'PATCH', { status: 'complete', fields: { note: 'clean shot' } }, { ...tester, 'if-match': `"${draft.revision}"` });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.updatedBy, 'tester');
  });

  it('says the simulator is on and reports itself ready', async () => {
    assert.match(p.output(), /laser simulator ON/);
    const ready = await getJson(`${p.url}/readyz`);
    assert.equal(ready.body.status, 'ready');
    assert.equal((await getJson(`${p.url}/healthz`)).body.status, 'ok');
  });

  it('stores simulated shots with every field of the shot record', async () => {
    const shots = await waitFor('five stored shots', async () => {
      const { body } = await getJson(`${p.url}/api/v1/shots?limit=5`, { headers: admin });
      return body.items.length >= 5 ? body.items : undefined;
    });
    const [newest] = shots;
    assert.match(newest.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    assert.ok(Number.isInteger(newest.shotNumber));
    assert.match(newest.receivedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'receivedAt has microseconds');
    assert.ok(newest.laserTime, 'laserTime from the simulated message');
    assert.ok(newest.channels.energy_J > 1);
    assert.deepEqual(newest.triggeredBy, ['energy_J']);
    assert.deepEqual(newest.thresholds.energy_J, { kind: 'above', above: 1 });
    assert.equal(typeof newest.source.laserCounter, 'number');
    const numbers = shots.map((s: { shotNumber: number }) => s.shotNumber);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), 'newest first');
    const one = await getJson(`${p.url}/api/v1/shots/${newest.uid}`, { headers: admin });
    assert.equal(one.body.shotNumber, newest.shotNumber);
  });

  it('pushes stored shots and channel values to a live WebSocket client', async () => {
    const ws = new WebSocket(`${p.url.replace('http', 'ws')}/api/v1/live?streams=shots,channels&token=${encodeURIComponent(admin.authorization!.slice(7))}`);
    const seen = { shot: 0, channels: 0 };
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.type === 'shot') seen.shot++;
      if (msg.type === 'channels') seen.channels++;
    });
    await waitFor('a live shot and channel values', () => (seen.shot > 0 && seen.channels > 0 ? true : undefined));
    ws.close();
  });

  it('applies a threshold change live, without restart, and audits it', async () => {
    await sendJson(`${p.url}/api/v1/relay/campaign`, 'PUT', { name: 'e2e-campaign' }, tester);
    const changed = await sendJson(`${p.url}/api/v1/relay/channels/energy_J`, 'PATCH', { nickname: 'E', rule: { kind: 'above', above: 0.5 } }, tester);
    assert.equal(changed.status, 200);
    const shot = await waitFor('a shot under the new settings', async () => {
      const { body } = await getJson(`${p.url}/api/v1/shots?limit=1`, { headers: admin });
      const s = body.items[0];
      return s && s.campaign === 'e2e-campaign' && s.thresholds.E?.above === 0.5 ? s : undefined;
    });
    assert.deepEqual(shot.triggeredBy, ['E']);
    assert.equal(shot.aliases.E, 'energy_J');
    const audit = await getJson(`${p.url}/api/v1/relay/audit?limit=10`, { headers: admin });
    const entry = audit.body.items.find((e: { target: string }) => e.target === 'channel:energy_J');
    assert.equal(entry.by, 'tester');
    assert.equal(entry.old.rule.above, 1);
    assert.equal(entry.new.rule.above, 0.5);
    assert.ok(audit.body.items.some((e: { target: string; action: string }) => e.target === 'campaign' && e.action === 'start'));
  });

  it('refuses a bad threshold with 400 naming the field, and keeps the stored settings', async () => {
    const before = await getJson(`${p.url}/api/v1/relay/settings`, { headers: admin });
    const bad = await sendJson(`${p.url}/api/v1/relay/channels/energy_J`, 'PATCH', { rule: { kind: 'above', above: 'high' } }, admin);
    assert.equal(bad.status, 400);
    assert.ok(bad.body.details.some((d: { field: string }) => d.field.startsWith('rule')), JSON.stringify(bad.body));
    const after = await getJson(`${p.url}/api/v1/relay/settings`, { headers: admin });
    assert.deepEqual(after.body, before.body);
  });

  it('serves Prometheus metrics and an OpenAPI document', async () => {
    const res = await fetch(`${p.url}/metrics`);
    const text = await res.text();
    for (const name of ['shotline_messages_in_total', 'shotline_triggers_total', 'shotline_shots_stored_total', 'shotline_kafka_produce_seconds', 'shotline_mongodb_write_seconds', 'shotline_spool_pending_shots', 'shotline_messages_malformed_total']) {
      assert.match(text, new RegExp(`^# HELP ${name} `, 'm'), name);
    }
    const api = await getJson(`${p.url}/openapi.json`);
    assert.ok(api.body.paths['/api/v1/shots/']);
    assert.ok(api.body.paths['/api/v1/relay/channels/{name}']);
  });

  it('stops cleanly on Ctrl-C, flushing every triggered shot, and continues shot numbers after a restart', async () => {
    assert.equal(await p.stop('SIGINT'), 0);
    assert.match(p.output(), /"unsent":0,"msg":"relay stopped"/, 'every journaled shot reached the store before exit');
    const acked = Number(await readFile(join(dataDir, 'journal', 'acked'), 'utf8'));
    const lastJournaled = Number(/"lastShotNumber":(\d+),"unsent":0,"msg":"relay stopped"/.exec(p.output())![1]);
    assert.equal(acked, lastJournaled, 'the bus acknowledged every journaled shot before exit');
    assert.ok((await readdir(join(dataDir, 'store'))).some((f) => f.startsWith('shots')), 'the embedded store wrote its files');

    p = await startShotlineProcess(env);
    await waitFor('two shots after the restart', async () => {
      const { body } = await getJson(`${p.url}/api/v1/shots?limit=1`, { headers: admin });
      return body.items[0].shotNumber >= acked + 2 ? true : undefined;
    });
    const all = (await getJson(`${p.url}/api/v1/shots?limit=1000`, { headers: admin })).body.items.map((s: { shotNumber: number }) => s.shotNumber);
    assert.equal(new Set(all).size, all.length, 'no shot number twice');
    assert.deepEqual(all, Array.from({ length: all[0] }, (_, i) => all[0] - i), 'numbers 1..n with no gap across the restart');
  });
});
