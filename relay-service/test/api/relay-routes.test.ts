// The relay settings API over real HTTP, against a process-local Shotline with
// the embedded store and the simulator.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { startShotline, type Shotline } from '../../src/shotline.ts';
import { freePort, getJson as getRaw, sendJson as sendRaw, waitFor } from '../support/net.ts';
import { ADMIN_TOKEN, auth } from '../support/api.ts';

// Every call as the admin (SHOTLINE_ADMIN_TOKEN); `headers` add to or replace its token.
const H = auth();
const getJson = (u: string) => getRaw(u, { headers: H });
const sendJson = (u: string, method: string, body: unknown, headers: Record<string, string> = {}) => sendRaw(u, method, body, { ...H, ...headers });

describe('relay settings API', () => {
  let dir: string;
  let s: Shotline;
  const url = (path: string) => `${s.url}/api/v1/relay${path}`;
  /** Headers of Grafana's plugin backend acting for an admin user named `user`. */
  let grafanaAdmin: (user: string) => Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relay-api-'));
    const config = loadConfig({
      SHOTLINE_PORT: '0',
      SHOTLINE_DATA_DIR: dir,
      SHOTLINE_SIMULATOR_RATE: '50',
      SHOTLINE_SIMULATOR_ENDPOINT: `tcp://127.0.0.1:${await freePort()}`,
      SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}`,
      SHOTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    s = await startShotline(config, pino({ level: 'silent' }));
    const service = await sendJson(`${s.url}/api/v1/tokens`, 'POST', { name: 'grafana', role: 'service' });
    grafanaAdmin = (user) => ({ ...auth(service.body.token), 'x-grafana-user': user, 'x-grafana-role': 'Admin' });
  });

  after(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists every channel seen, with its latest value and trigger counter', async () => {
    const channels = await waitFor('channels with values', async () => {
      const { body } = await getJson(url('/channels'));
      const e = body.items.find((c: { name: string }) => c.name === 'energy_J');
      return e && e.value !== null && e.triggerCount > 0 ? body.items : undefined;
    });
    const names = channels.map((c: { name: string }) => c.name);
    for (const n of ['energy_J', 'pulse_duration_fs', 'pointing_x_urad', 'chamber_pressure_mbar', 'amplifier/pump_energy_J']) assert.ok(names.includes(n), n);
    assert.ok(!names.includes('shot_id') && !names.includes('timestamp'), "the laser's counter and clock are not channels");
  });

  it('resets a channel trigger counter', async () => {
    // With the channel disabled first, nothing counts after the reset is applied, so the
    // counter must read exactly 0 however slowly this machine runs (the laser keeps firing).
    assert.equal((await sendJson(url('/channels/energy_J'), 'PATCH', { enabled: false })).status, 200);
    try {
      const res = await fetch(url('/channels/energy_J/reset-counter'), { method: 'POST', headers: H });
      assert.equal(res.status, 200);
      const resetAt = ((await res.json()) as { channels: Record<string, { counterResetAt?: string }> }).channels.energy_J?.counterResetAt;
      assert.ok(resetAt);
      const after = await waitFor('the counter at 0 after the reset', async () => {
        const { body } = await getJson(url('/channels'));
        const e = body.items.find((c: { name: string }) => c.name === 'energy_J');
        return e.counterResetAt === resetAt && e.triggerCount === 0 ? e : undefined;
      });
      assert.equal(after.triggerCount, 0);
    } finally {
      assert.equal((await sendJson(url('/channels/energy_J'), 'PATCH', { enabled: true })).status, 200);
    }
  });

  it('refuses bad changes with 400 naming the field, changing nothing', async () => {
    const before = (await getJson(url('/settings'))).body;
    const cases: [string, string, unknown, RegExp][] = [
      ['PATCH', '/channels/energy_J', { rule: { kind: 'outside', low: 1 } }, /rule/],
      ['PATCH', '/channels/energy_J', { colour: 'red' }, /colour/],
      ['PATCH', '/channels/energy_J', {}, /body/],
      ['PATCH', '/channels/energy.J', { enabled: false }, /name/],
      ['PUT', '/policy', { mode: 'atLeast' }, /count/],
      ['PUT', '/policy', { mode: 'sometimes' }, /mode/],
      ['PUT', '/campaign', { name: '' }, /name/],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await sendJson(url(path), method, body);
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.match(res.body.error, field, JSON.stringify(res.body));
    }
    assert.deepEqual((await getJson(url('/settings'))).body, before);
  });

  it('refuses a nickname another channel already uses', async () => {
    assert.equal((await sendJson(url('/channels/pulse_duration_fs'), 'PATCH', { nickname: 'tau' })).status, 200);
    const clash = await sendJson(url('/channels/energy_J'), 'PATCH', { nickname: 'tau' });
    assert.equal(clash.status, 400);
    assert.match(clash.body.error, /nickname.*pulse_duration_fs/);
  });

  it('answers malformed JSON with 400, an oversized body with 413, an unknown route with 404, never with a stack', async () => {
    const bad = await fetch(url('/policy'), { method: 'PUT', headers: { ...H, 'content-type': 'application/json' }, body: '{"mode":' });
    assert.equal(bad.status, 400);
    const big = await fetch(url('/campaign'), { method: 'PUT', headers: { ...H, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', note: 'y'.repeat(300_000) }) });
    assert.equal(big.status, 413);
    const missing = await getJson(`${s.url}/api/v1/nothing`);
    assert.equal(missing.status, 404);
    for (const text of [await bad.text(), await big.text(), JSON.stringify(missing.body)]) assert.doesNotMatch(text, /at .*\.ts:\d+/);
  });

  it('keeps every one of many concurrent changes (optimistic retries), each audited', async () => {
    const v0 = (await getJson(url('/settings'))).body.version;
    const names = Array.from({ length: 10 }, (_, i) => `extra_${i}`);
    const results = await Promise.all(names.map((n, i) => sendJson(url(`/channels/${n}`), 'PATCH', { unit: 'V', rule: { kind: 'above', above: 100 + i } }, grafanaAdmin(`user${i}`))));
    assert.deepEqual(results.map((r) => r.status), names.map(() => 200));
    const after = (await getJson(url('/settings'))).body;
    assert.equal(after.version, v0 + 10);
    for (const [i, n] of names.entries()) assert.equal(after.channels[n].rule.above, 100 + i);
    const audit = (await getJson(url('/audit?limit=50'))).body.items;
    for (const [i, n] of names.entries()) assert.ok(audit.some((e: { target: string; by: string }) => e.target === `channel:${n}` && e.by === `user${i}`), n);
  });

  it('starts and ends campaigns; shots carry the campaign in force', async () => {
    const started = await sendJson(url('/campaign'), 'PUT', { name: '2026-11-run3', note: 'Cu foils' }, grafanaAdmin('ana'));
    assert.equal(started.status, 200);
    assert.equal(started.body.campaign.startedBy, 'ana');
    await waitFor('a shot in the campaign', async () => {
      const { body } = await getJson(`${s.url}/api/v1/shots?limit=1&campaign=2026-11-run3`);
      return body.items.length > 0 ? true : undefined;
    });
    assert.equal((await fetch(url('/campaign'), { method: 'DELETE', headers: H })).status, 200);
    assert.equal((await getJson(url('/campaign'))).body.campaign, null);
  });

  it('requires several channels under an atLeast policy', async () => {
    // Simulated pulses are ~30 fs: `above 1` always crosses; with count 2 a shot needs energy too.
    // The policy goes first, so no shot can be triggered by one channel alone while energy cannot cross.
    assert.equal((await sendJson(url('/policy'), 'PUT', { mode: 'atLeast', count: 2 })).status, 200);
    assert.equal((await sendJson(url('/channels/pulse_duration_fs'), 'PATCH', { rule: { kind: 'above', above: 1 } })).status, 200);
    assert.equal((await sendJson(url('/channels/energy_J'), 'PATCH', { rule: { kind: 'above', above: 1000 } })).status, 200);
    const messages = (await getJson(url('/status'))).body.messages;
    await waitFor('the laser to go on firing under that rule', async () => ((await getJson(url('/status'))).body.messages > messages + 20 ? true : undefined));
    await sendJson(url('/channels/energy_J'), 'PATCH', { rule: { kind: 'above', above: 1 } });
    const shot = await waitFor('a shot with both channels crossing', async () => {
      const { body } = await getJson(`${s.url}/api/v1/shots?limit=1`);
      return body.items[0]?.triggeredBy.length === 2 ? body.items[0] : undefined;
    });
    assert.deepEqual([...shot.triggeredBy].sort(), ['energy_J', 'tau']);
    // Shots are stored in shot-number order, so every shot before this one is in by now: none was
    // triggered while energy needed 1000 J (each shot carries the rules in force when it triggered).
    const { body } = await getJson(`${s.url}/api/v1/shots?limit=1000`);
    const underHighRule = body.items.filter((x: { thresholds: Record<string, { above?: number }> }) => x.thresholds.energy_J?.above === 1000);
    assert.deepEqual(underHighRule.map((x: { shotNumber: number }) => x.shotNumber), [], 'no shot while only one channel crosses');
  });

  it('shows the relay status and the raw-message debug buffer', async () => {
    const status = (await getJson(url('/status'))).body;
    assert.equal(status.simulator, true);
    assert.ok(status.messages > 0);
    assert.equal(status.endpoints[0].connected, true);
    const debug = (await getJson(url('/debug/messages?limit=3'))).body.items;
    assert.equal(debug.length, 3);
    assert.equal(debug[0].status, 'ok');
    assert.match(debug[0].preview, /shot_id/);
  });
});
