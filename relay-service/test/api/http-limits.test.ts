// What the HTTP API refuses, and how: request size limits on every route that
// takes a body, CORS only for the configured origins (Grafana's), and errors
// without stack traces.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import WebSocket from 'ws';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { startShotline, type Shotline } from '../../src/shotline.ts';
import { freePort } from '../support/net.ts';
import { ADMIN_TOKEN, auth } from '../support/api.ts';

const GRAFANA = 'https://grafana.lab:3000';

async function start(dir: string, extra: Record<string, string> = {}): Promise<Shotline> {
  const config = loadConfig({
    SHOTLINE_PORT: '0',
    SHOTLINE_DATA_DIR: dir,
    SHOTLINE_SIMULATOR: 'off',
    SHOTLINE_ZMQ_ENDPOINTS: `tcp://127.0.0.1:${await freePort()}`,
    SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}`,
    SHOTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    ...extra,
  });
  return startShotline(config, pino({ level: 'silent' }));
}

function noStack(text: string): void {
  assert.doesNotMatch(text, /\n\s+at |node_modules|\.ts:\d+/, `no stack trace in ${text.slice(0, 300)}`);
}

describe('HTTP limits, CORS and errors', () => {
  let dirs: string[] = [];
  let s: Shotline;
  let plain: Shotline;

  before(async () => {
    dirs = [await mkdtemp(join(tmpdir(), 'http-limits-')), await mkdtemp(join(tmpdir(), 'http-limits-'))];
    s = await start(dirs[0]!, { SHOTLINE_CORS_ORIGINS: `${GRAFANA}, http://127.0.0.1:3000` });
    plain = await start(dirs[1]!);
  });

  after(async () => {
    await s?.stop();
    await plain?.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('SHOTLINE_CORS_ORIGINS: a list of origins, none by default; anything else is refused at start', () => {
    assert.deepEqual(loadConfig({}).corsOrigins, []);
    assert.deepEqual(loadConfig({ SHOTLINE_CORS_ORIGINS: 'https://a.lab, http://b:3000' }).corsOrigins, ['https://a.lab', 'http://b:3000']);
    for (const bad of ['grafana.lab', 'https://grafana.lab/', 'https://grafana.lab/d/x', '*']) {
      assert.throws(() => loadConfig({ SHOTLINE_CORS_ORIGINS: bad }), (err: unknown) => err instanceof ConfigError && /SHOTLINE_CORS_ORIGINS/.test((err as Error).message), bad);
    }
  });

  it("answers cross-origin requests from the configured origins only", async () => {
    const preflight = await fetch(`${s.url}/api/v1/relay/channels/energy_J`, {
      method: 'OPTIONS',
      headers: { origin: GRAFANA, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), GRAFANA);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PATCH/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/i);

    const allowed = await fetch(`${s.url}/api/v1/shots`, { headers: { ...auth(), origin: GRAFANA } });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), GRAFANA);

    for (const origin of ['https://evil.example', 'https://grafana.lab:3001', 'http://grafana.lab:3000', 'null']) {
      const res = await fetch(`${s.url}/api/v1/shots`, { headers: { ...auth(), origin } });
      assert.equal(res.headers.get('access-control-allow-origin'), null, origin);
      const pre = await fetch(`${s.url}/api/v1/shots`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
      assert.equal(pre.headers.get('access-control-allow-origin'), null, `preflight from ${origin}`);
    }
    // Unconfigured: no origin at all.
    const none = await fetch(`${plain.url}/api/v1/shots`, { headers: { ...auth(), origin: GRAFANA } });
    assert.equal(none.status, 200);
    assert.equal(none.headers.get('access-control-allow-origin'), null);
  });

  it('refuses a body over 256 KiB on every route that takes one, with 413 and a JSON error', async () => {
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const big = JSON.stringify({ pad: 'x'.repeat(300 * 1024) });
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        if (!['post', 'put', 'patch'].includes(method)) continue;
        const url = s.url + path.replace(/\{[^}]+\}/g, 'x');
        const res = await fetch(url, { method: method.toUpperCase(), headers: { ...auth(), 'content-type': 'application/json' }, body: big });
        const text = await res.text();
        assert.equal(res.status, 413, `${method.toUpperCase()} ${path}: ${res.status} ${text.slice(0, 200)}`);
        assert.match(JSON.parse(text).error, /too large/i);
        noStack(text);
        checked++;
      }
    }
    assert.ok(checked >= 5, `routes with a body checked: ${checked}`);
  });

  it('refuses an over-long URL and malformed JSON without a crash or a stack trace', async () => {
    const long = await fetch(`${s.url}/api/v1/shots?campaign=${'x'.repeat(64 * 1024)}`, { headers: auth() });
    assert.ok(long.status >= 400 && long.status < 500, `long URL: ${long.status}`);
    // A body the JSON parser refuses (malformed, empty, a prototype-poisoning key) is a 400 naming `body`, like every refusal.
    for (const body of ['{"rule": {', '', '{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"x": 1}}}']) {
      const bad = await fetch(`${s.url}/api/v1/relay/channels/energy_J`, { method: 'PATCH', headers: { ...auth(), 'content-type': 'application/json' }, body });
      const text = await bad.text();
      assert.equal(bad.status, 400, body);
      noStack(text);
      const answer = JSON.parse(text);
      assert.match(answer.error, /^invalid body: /, body);
      assert.deepEqual(answer.details.map((d: { field: string }) => d.field), ['body'], body);
    }
    const poisoned = (await (await fetch(`${s.url}/api/v1/search`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"__proto__": 1}' })).json()) as { details: { message: string }[] };
    assert.match(poisoned.details[0]!.message, /__proto__/);
    const ok = await fetch(`${s.url}/healthz`);
    assert.equal(ok.status, 200, 'still serving');
  });

  it('closes a live WebSocket that sends a message over 64 KiB', async () => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/v1/live?streams=status`, { headers: auth() });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(100 * 1024));
    assert.equal(await closed, 1009, 'message too big');
  });
});
