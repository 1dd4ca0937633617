// Repeated authentication failures over real HTTP and WebSocket: after K
// refused tokens an address gets 429 with Retry-After (its token not even
// checked), other addresses and working tokens are not affected, the lockout
// ends with the window (a test clock, moved by hand), the log is rate-limited
// and never shows a token, /metrics counts, and a flood of addresses keeps
// memory and log bounded.
//
// Client addresses: the server listens on 127.0.0.1 and the clients connect
// from other loopback addresses (127.0.0.0/8 is all loopback on Linux), so the
// server sees real, distinct peer addresses.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import WebSocket from 'ws';
import { AuthFailureLimiter, addressKey } from '../../src/auth/failure-limiter.ts';
import type { Shotline } from '../../src/shotline.ts';
import { ADMIN_TOKEN, ApiClient } from '../support/api.ts';
import { startOn, testBackends } from '../support/backends.ts';

const backend = testBackends('authlimit')[0]!; // the embedded store: the limiter does not touch the store

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One HTTP request from the local address `from`. */
function from(base: string, fromAddress: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, localAddress: fromAddress, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end();
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const badToken = (i: number) => `shl_guessed-token-number-${String(i).padStart(4, '0')}`;

/** The status a WebSocket upgrade from `fromAddress` gets (101 when it opens), and its Retry-After. */
function wsStatus(base: string, fromAddress: string, token: string): Promise<{ status: number; retryAfter?: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/live?streams=shots&token=${encodeURIComponent(token)}`, { localAddress: fromAddress });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
      res.resume();
    });
    ws.on('open', () => {
      ws.close();
      resolve({ status: 101 });
    });
    ws.on('error', (err) => reject(err));
  });
}

/** A logger writing JSON lines into `lines`. */
function capture(lines: Record<string, any>[]) {
  return pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
}

describe('repeated authentication failures', () => {
  const K = 3;
  const WINDOW_S = 60;
  let s: Shotline;
  let clock = Date.parse('2026-11-20T10:00:00Z');
  const lines: Record<string, any>[] = [];
  let serviceToken = '';
  const authLines = () => lines.filter((l) => l.component === 'auth');

  before(async () => {
    s = await startOn(backend, {
      env: { SHOTLINE_AUTH_MAX_FAILURES: String(K), SHOTLINE_AUTH_FAILURE_WINDOW_MS: String(WINDOW_S * 1000) },
      hooks: { now: () => clock },
      logger: capture(lines),
    });
    const made = await new ApiClient(s.url).post('/api/v1/tokens', { name: 'grafana', role: 'service' });
    assert.equal(made.status, 201);
    serviceToken = made.body.token;
  });

  after(async () => {
    await s?.stop();
    await backend.cleanup();
  });

  it(`after ${K} refused tokens from one address: 429 with Retry-After, whatever token it sends next`, async () => {
    for (let i = 0; i < K; i++) {
      const res = await from(s.url, '127.0.0.2', '/api/v1/shots', bearer(badToken(i)));
      assert.equal(res.status, 401, `failure ${i + 1}`);
    }
    const locked = await from(s.url, '127.0.0.2', '/api/v1/shots', bearer(badToken(99)));
    assert.equal(locked.status, 429);
    assert.equal(locked.headers['retry-after'], String(WINDOW_S));
    assert.match(locked.headers['content-type'] as string, /application\/json/);
    assert.match(locked.body.error, /too many failed authentications.*try again in 60 s/);
    // The token is not checked: a working one is refused too, as is none at all.
    assert.equal((await from(s.url, '127.0.0.2', '/api/v1/shots', bearer(ADMIN_TOKEN))).status, 429);
    assert.equal((await from(s.url, '127.0.0.2', '/api/v1/shots')).status, 429);
    // Open routes stay open.
    assert.equal((await from(s.url, '127.0.0.2', '/healthz')).status, 200);
  });

  it('another address with a good token still works, and its own failures count apart', async () => {
    assert.equal((await from(s.url, '127.0.0.3', '/api/v1/shots', bearer(ADMIN_TOKEN))).status, 200);
    assert.equal((await from(s.url, '127.0.0.3', '/api/v1/shots', bearer(badToken(1)))).status, 401);
    assert.equal((await from(s.url, '127.0.0.3', '/api/v1/me', bearer(ADMIN_TOKEN))).status, 200);
  });

  it('successful authentications do not count: a busy service token acting for many users is never locked out', async () => {
    for (let i = 0; i < 5 * K; i++) {
      const res = await from(s.url, '127.0.0.4', '/api/v1/me', { ...bearer(serviceToken), 'x-grafana-user': `user${i}`, 'x-grafana-role': 'Viewer' });
      assert.equal(res.status, 200);
      assert.equal(res.body.name, `user${i}`);
    }
    // Nor do requests without a token (they guess nothing), or 403s of a known token.
    for (let i = 0; i < 2 * K; i++) assert.equal((await from(s.url, '127.0.0.4', '/api/v1/shots')).status, 401);
    for (let i = 0; i < 2 * K; i++) assert.equal((await from(s.url, '127.0.0.4', '/api/v1/tokens', bearer(serviceToken))).status, 403);
    for (let i = 0; i < K - 1; i++) assert.equal((await from(s.url, '127.0.0.4', '/api/v1/shots', bearer(badToken(i)))).status, 401);
    assert.equal((await from(s.url, '127.0.0.4', '/api/v1/me', bearer(serviceToken))).status, 200, `${K - 1} failures: not yet locked out`);
  });

  it('the live WebSocket ?token= goes through the same lockout', async () => {
    for (let i = 0; i < K; i++) assert.equal((await wsStatus(s.url, '127.0.0.5', badToken(i))).status, 401);
    const locked = await wsStatus(s.url, '127.0.0.5', badToken(9));
    assert.equal(locked.status, 429);
    assert.equal(locked.retryAfter, String(WINDOW_S));
    assert.equal((await wsStatus(s.url, '127.0.0.5', ADMIN_TOKEN)).status, 429, 'not even a good token');
    assert.equal((await wsStatus(s.url, '127.0.0.6', ADMIN_TOKEN)).status, 101, 'another address opens the feed');
    // And HTTP failures lock out WebSocket upgrades of the same address.
    assert.equal((await wsStatus(s.url, '127.0.0.2', ADMIN_TOKEN)).status, 429);
  });

  it('/metrics counts refused tokens, 429s and locked-out addresses', async () => {
    // Failures so far: K (127.0.0.2) + 1 (.3) + K-1 (.4) + K (.5); 429s: 3 (.2) + 2 (.5) + 1 (.2 over WebSocket).
    assert.equal(await metric(s.url, 'shotline_auth_failures_total'), 3 * K);
    assert.equal(await metric(s.url, 'shotline_auth_refused_total'), 6);
    assert.equal(await metric(s.url, 'shotline_auth_locked_addresses'), 2);
    assert.equal(await metric(s.url, 'shotline_auth_tracked_addresses'), 4);
    assert.equal(await metric(s.url, 'shotline_auth_evictions_total'), 0);
  });

  it('the lockout ends with its window: Retry-After counts down, then the address works again and starts afresh', async () => {
    clock += 25_000;
    const waiting = await from(s.url, '127.0.0.2', '/api/v1/shots', bearer(ADMIN_TOKEN));
    assert.equal(waiting.status, 429);
    assert.equal(waiting.headers['retry-after'], String(WINDOW_S - 25));
    clock += (WINDOW_S - 25) * 1000;
    assert.equal((await from(s.url, '127.0.0.2', '/api/v1/shots', bearer(ADMIN_TOKEN))).status, 200);
    assert.equal((await wsStatus(s.url, '127.0.0.5', ADMIN_TOKEN)).status, 101);
    assert.equal((await from(s.url, '127.0.0.2', '/api/v1/shots', bearer(badToken(7)))).status, 401, 'a fresh count: one failure is not a lockout');
    assert.equal((await from(s.url, '127.0.0.2', '/api/v1/shots', bearer(ADMIN_TOKEN))).status, 200);
    assert.equal(await metric(s.url, 'shotline_auth_locked_addresses'), 0);
  });

  it('logs the first failure of an address and its lockout, then one summary per window; never a token', async () => {
    const logged = authLines();
    const all = JSON.stringify(lines);
    for (const secret of [ADMIN_TOKEN, serviceToken, badToken(0), badToken(1), badToken(9), 'guessed-token']) assert.ok(!all.includes(secret), 'a token in the log');

    // First window: one line per address's first failure (.2, .3, .4, .5), one per lockout (.2, .5), however many failures and refusals.
    const firsts = logged.filter((l) => /authentication failed/.test(l.msg));
    const lockouts = logged.filter((l) => /locked out/.test(l.msg));
    const summaries = logged.filter((l) => /in the last window/.test(l.msg));
    assert.deepEqual(firsts.slice(0, 4).map((l) => l.address), ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
    assert.equal(firsts[0]!.route, '/api/v1/shots');
    assert.equal(firsts[3]!.route, '/api/v1/live', 'the route, not the URL with its ?token=');
    assert.deepEqual(lockouts.map((l) => [l.address, l.failures]), [['127.0.0.2', K], ['127.0.0.5', K]]);
    // The window rolled when the clock passed its end: its counts in one line.
    assert.equal(summaries.length, 1);
    const { failures, refused, addresses, lockedOut, linesLeftOut } = summaries[0]!;
    assert.deepEqual(
      { failures, refused, addresses, lockedOut, linesLeftOut },
      { failures: 3 * K, refused: 7, addresses: 4, lockedOut: 2, linesLeftOut: 0 },
    );
    // Second window so far: the fresh failure of .2, logged as a first failure again.
    assert.equal(firsts.length, 5);
    assert.equal(logged.length, firsts.length + lockouts.length + summaries.length);
  });
});

describe('a flood of failing addresses', () => {
  const CAP = 100;
  const ADDRESSES = 130;
  let s: Shotline;
  const lines: Record<string, any>[] = [];
  let clock = Date.parse('2026-11-20T10:00:00Z');

  before(async () => {
    s = await startOn(backend, {
      env: { SHOTLINE_AUTH_MAX_FAILURES: '2', SHOTLINE_AUTH_FAILURE_ADDRESSES: String(CAP) },
      hooks: { now: () => clock },
      logger: capture(lines),
    });
  });

  after(async () => {
    await s?.stop();
    await backend.cleanup();
  });

  it(`tracks at most ${CAP} addresses (the least recently active are dropped) and logs at most 20 lines per window`, async () => {
    for (let i = 0; i < ADDRESSES; i++) {
      const res = await from(s.url, `127.0.1.${i + 1}`, '/api/v1/shots', bearer(badToken(i)));
      assert.equal(res.status, 401);
    }
    // At the cap the least recently active tenth goes at once.
    const tracked = await metric(s.url, 'shotline_auth_tracked_addresses');
    assert.ok(tracked <= CAP && tracked > CAP * 0.8, `tracked ${tracked}`);
    const evicted = await metric(s.url, 'shotline_auth_evictions_total');
    assert.equal(evicted, ADDRESSES - tracked);
    assert.equal(await metric(s.url, 'shotline_auth_failures_total'), ADDRESSES);
    // The most recent addresses are still counted: a second failure locks one out.
    assert.equal((await from(s.url, `127.0.1.${ADDRESSES}`, '/api/v1/shots', bearer(badToken(0)))).status, 401);
    assert.equal((await from(s.url, `127.0.1.${ADDRESSES}`, '/api/v1/shots', bearer(ADMIN_TOKEN))).status, 429);
    // The flood did not lock out anyone else.
    assert.equal((await from(s.url, '127.0.0.1', '/api/v1/me', bearer(ADMIN_TOKEN))).status, 200);

    assert.equal(lines.filter((l) => l.component === 'auth').length, 20, 'the line budget of a window');
    clock += 60_000;
    assert.equal((await from(s.url, '127.0.0.9', '/api/v1/shots', bearer(badToken(5)))).status, 401);
    const summary = lines.find((l) => /in the last window/.test(l.msg));
    assert.ok(summary, 'a summary when the window ended');
    assert.deepEqual(
      { failures: summary.failures, addresses: summary.addresses, evicted: summary.evicted, lockedOut: summary.lockedOut, refused: summary.refused, linesLeftOut: summary.linesLeftOut },
      { failures: ADDRESSES + 1, addresses: ADDRESSES, evicted, lockedOut: 1, refused: 1, linesLeftOut: ADDRESSES + 1 - 20 },
    );
  });
});

describe('the limiter under a flood of 100,000 addresses', () => {
  it('never tracks more than its cap, keeps the most recent addresses, and logs a bounded number of lines', () => {
    let warned = 0;
    const logger = { info() {}, warn: () => void warned++, error() {} };
    let evicted = 0;
    const counter = { inc() {} };
    const limiter = new AuthFailureLimiter({ maxFailures: 2, windowMs: 60_000, maxAddresses: 1000, logger, now: () => 0, counters: { failures: counter, refused: counter, evictions: { inc: () => void evicted++ } } });
    try {
      let most = 0;
      for (let i = 0; i < 100_000; i++) {
        limiter.failed(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, { method: 'GET', route: '/api/v1/shots' });
        most = Math.max(most, limiter.tracked);
      }
      assert.equal(most, 1000);
      assert.equal(evicted, 100_000 - limiter.tracked);
      assert.equal(warned, 20, 'the line budget of a window');
      // The latest address is still counted: its second failure locks it out.
      limiter.failed('10.1.134.159', { method: 'GET', route: '/api/v1/shots' });
      assert.ok(limiter.check('10.1.134.159'), 'locked out');
      assert.equal(limiter.check('10.0.0.0'), null, 'an evicted address starts afresh');
    } finally {
      limiter.close();
    }
  });
});

describe('the address failures are counted under', () => {
  it('is the IPv4 address itself, also when IPv4-mapped; an IPv6 address by its /64', () => {
    assert.equal(addressKey('10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002::ffff'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('64:ff9b::192.0.2.33'), '64:ff9b:0:0::/64');
  });
});
