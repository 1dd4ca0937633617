// The relay's spool is bounded: with Kafka unreachable, shots wait in the
// journal until SHOTLINE_SPOOL_MAX_BYTES; /readyz alarms at 80 %; at 100 % new
// shots are refused (counted, not numbered) instead of filling the disk. And a
// process whose Kafka is down starts anyway (its watcher keeps trying to join).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { startShotline, type Shotline } from '../../src/shotline.ts';
import { freePort, getJson, waitFor } from '../support/net.ts';
import { ADMIN_TOKEN, auth } from '../support/api.ts';

describe('relay with Kafka unreachable and a small spool', () => {
  let dir: string;
  let s: Shotline;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spool-bound-'));
    const config = loadConfig({
      SHOTLINE_PORT: '0',
      SHOTLINE_DATA_DIR: dir,
      // nothing listens there: every send fails
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
      SHOTLINE_SPOOL_MAX_BYTES: '8192',
      SHOTLINE_SIMULATOR_RATE: '100',
      SHOTLINE_SIMULATOR_ENDPOINT: `tcp://127.0.0.1:${await freePort()}`,
      SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}`,
      SHOTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    s = await startShotline(config, pino({ level: 'silent' }));
  });

  after(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps ingesting, spools up to the bound, then refuses shots without numbering them, and says so', async () => {
    const status = () => getJson(`${s.url}/api/v1/relay/status`, { headers: auth() }).then((r) => r.body);
    const full = await waitFor('the spool to be full and a shot refused', async () => {
      const st = await status();
      return st.spool.full && st.spool.refused > 0 ? st : undefined;
    }, 20_000);
    assert.equal(full.kafka.connected, false);

    const reason = await waitFor('/readyz to name both problems', async () => {
      const ready = await getJson(`${s.url}/readyz`);
      assert.equal(ready.status, 503);
      const r: string = ready.body.checks.bus.reason;
      return /cannot send shots to Kafka/.test(r) ? r : undefined;
    });
    assert.match(reason, /spool FULL \([1-9]\d* shots, 1\d\d% of SHOTLINE_SPOOL_MAX_BYTES\): new shots are refused/);
    // The watcher in the same process started all the same, and says why it stores nothing.
    const watcher = (await getJson(`${s.url}/readyz`)).body.checks.watcher;
    assert.equal(watcher.ok, false);
    assert.match(watcher.reason, /^shots consumer: (joining the consumer group|cannot start \(listing topics\): .*; retrying) \(for \d+ s\)$/);

    // Ingest goes on; numbers are not consumed by refused shots.
    const later = await waitFor('every numbered shot written', async () => {
      const st = await status();
      return st.lastShotNumber === st.triggers && st.spool.refused > full.spool.refused + 20 ? st : undefined;
    });
    assert.ok(later.messages > full.messages, 'still ingesting');
    assert.equal(later.triggers, full.triggers, 'no shot number handed out while full');
    assert.equal(later.lastShotNumber, later.spool.pendingShots, 'every numbered shot is in the spool');
    assert.ok(later.spool.pendingBytes >= 8192 && later.spool.pendingBytes < 8192 + 2048, 'up to the bound, not beyond (but for one write)');

    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /^shotline_spool_refused_shots_total [1-9]\d*$/m);
    assert.match(metrics, /^shotline_spool_fill_ratio (1(\.\d+)?|0\.9\d*)$/m);
    // Kafka away is no reason to stop reading the laser: the journal takes the shots, so ingest never pauses.
    const ingest = (await getJson(`${s.url}/readyz`)).body.checks.ingest;
    assert.equal(ingest.ok, true);
    assert.equal(ingest.details.paused, false);
    assert.equal(ingest.details.pauses, 0);
    assert.equal(ingest.details.queueLimit, 10000);
    assert.equal(ingest.details.queueLimitBytes, 32 * 1024 * 1024);
    assert.equal(typeof ingest.details.queueDepth, 'number');
    assert.deepEqual(Object.keys((await status()).ingest).sort(), Object.keys(ingest.details).sort(), 'the same figures in the relay status');
    assert.match(metrics, /^shotline_ingest_pauses_total 0$/m);
    assert.match(metrics, /^shotline_ingest_paused 0$/m);
    for (const name of ['shotline_ingest_queue_depth', 'shotline_ingest_queue_bytes', 'shotline_ingest_queue_limit', 'shotline_ingest_paused_seconds_total', 'shotline_journal_write_queue', 'shotline_spool_in_memory_shots', 'shotline_zmq_reconnects', 'shotline_zmq_receive_hwm', 'shotline_republish_send_hwm', 'shotline_republish_queue_depth', 'shotline_watcher_queue_depth']) {
      assert.match(metrics, new RegExp(`^${name} \\d+`, 'm'), name);
    }
  });
});
