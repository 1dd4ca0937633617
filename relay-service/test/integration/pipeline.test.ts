// The pipeline on real components, each role in its own process:
// simulator (ZeroMQ PUB) → relay → Kafka broker → watcher → MongoDB-wire server,
// and a ZeroMQ SUB on the relay's republish endpoint.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Subscriber } from 'zeromq';
import { MongoClient } from 'mongodb';
import { LaserSimulator } from '../../src/simulator/laser-simulator.ts';
import { freePort, getJson, sendJson, waitFor } from '../support/net.ts';
import { startShotlineProcess, type ShotlineProcess } from '../support/process.ts';
import { ADMIN_TOKEN, auth } from '../support/api.ts';

const { KAFKA_BROKERS, MONGO_URL } = process.env;
const skip = !KAFKA_BROKERS || !MONGO_URL ? 'KAFKA_BROKERS and MONGO_URL not set: `npm test` at the repo root starts both' : false;

interface Republished {
  shot_id: number;
  shotline?: { uid: string; shotNumber: number };
}

describe('relay → Kafka → watcher → MongoDB, separate processes', { skip }, () => {
  const suffix = randomBytes(4).toString('hex');
  const dbUrl = (MONGO_URL ?? '').replace(/\/([^/?]*)(\?|$)/, `/shotline_it_${suffix}$2`);
  let dirs: string[] = [];
  let simulator: LaserSimulator;
  let relay: ShotlineProcess;
  let watcher: ShotlineProcess;
  let api: ShotlineProcess;
  let sub: Subscriber;
  const republished: Republished[] = [];
  let common: Record<string, string>;

  before(async () => {
    const relayDir = await mkdtemp(join(tmpdir(), 'it-relay-'));
    const watcherDir = await mkdtemp(join(tmpdir(), 'it-watcher-'));
    const apiDir = await mkdtemp(join(tmpdir(), 'it-api-'));
    dirs = [relayDir, watcherDir, apiDir];
    common = {
      KAFKA_BROKERS: KAFKA_BROKERS!,
      MONGO_URL: dbUrl,
      KAFKA_TOPIC: `shotline.it.${suffix}`,
      KAFKA_TELEMETRY_TOPIC: `shotline.it-telemetry.${suffix}`,
      KAFKA_GROUP: `shotline-it-${suffix}`,
      SHOTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    };
    simulator = new LaserSimulator({ endpoint: `tcp://127.0.0.1:${await freePort()}`, rate: 300, seed: 7 });
    const publish = `tcp://127.0.0.1:${await freePort()}`;
    watcher = await startShotlineProcess({ ...common, SHOTLINE_ROLE: 'watcher', SHOTLINE_DATA_DIR: watcherDir });
    // The shot-sheet API in its own process: it sees the watcher's drafts only through MongoDB.
    api = await startShotlineProcess({ ...common, SHOTLINE_ROLE: 'api', SHOTLINE_DATA_DIR: apiDir });
    const sheet = await sendJson(`${api.url}/api/v1/sheets`, 'POST', { name: 'main', title: 'Main', default: true }, auth());
    assert.equal(sheet.status, 201, JSON.stringify(sheet.body));
    relay = await startShotlineProcess({ ...common, SHOTLINE_ROLE: 'relay', SHOTLINE_DATA_DIR: relayDir, SHOTLINE_ZMQ_ENDPOINTS: simulator.endpoint, SHOTLINE_ZMQ_PUBLISH: publish });
    sub = new Subscriber({ receiveHighWaterMark: 0, linger: 0 });
    sub.connect(publish);
    sub.subscribe();
    void (async () => {
      for await (const [, payload] of sub) republished.push(JSON.parse(String(payload)));
    })().catch(() => {});
  });

  after(async () => {
    await simulator?.stop().catch(() => {});
    sub?.close();
    await relay?.stop('SIGKILL');
    await watcher?.stop('SIGKILL');
    await api?.stop('SIGKILL');
    const client = new MongoClient(dbUrl);
    await client.db().dropDatabase().catch(() => {});
    await client.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('stores every triggered shot exactly once, numbered 1..n without gaps, and republishes every message', async () => {
    // Unarmed, the relay only republishes. Once our SUB sees messages, every link is connected (no slow joiner).
    await simulator.start();
    await waitFor('republished messages before arming', () => (republished.length >= 5 ? true : undefined));
    const armed = await sendJson(`${relay.url}/api/v1/relay/channels/energy_J`, 'PATCH', { unit: 'J', rule: { kind: 'above', above: 3.0 } }, auth());
    assert.equal(armed.status, 200, JSON.stringify(armed.body));
    await waitFor('the first trigger', () => (republished.some((m) => m.shotline) ? true : undefined));
    const firstSeen = republished[0]!.shot_id;
    await waitFor('150 triggered shots', () => (republished.filter((m) => m.shotline).length >= 150 ? true : undefined), 30_000);
    await simulator.stop();
    const lastSent = simulator.stats().nextShotId - 1;

    const status = await waitFor('the relay to have republished the last message', async () => {
      const { body } = await getJson(`${relay.url}/api/v1/relay/status`, { headers: auth() });
      return republished.at(-1)?.shot_id === lastSent ? body : undefined;
    });
    // Every message from the first one seen on, in order, none missing.
    const ids = republished.map((m) => m.shot_id);
    assert.deepEqual(ids, Array.from({ length: lastSent - firstSeen + 1 }, (_, i) => firstSeen + i));
    assert.equal(status.gaps, 0);

    const triggered = republished.filter((m) => m.shotline);
    const triggers: number = status.triggers;
    assert.equal(triggered.length, triggers, 'each triggered message is republished with its shot fields');
    assert.deepEqual(triggered.map((m) => m.shotline!.shotNumber), Array.from({ length: triggers }, (_, i) => i + 1));

    const client = new MongoClient(dbUrl);
    try {
      const shots = client.db().collection('shots');
      await waitFor(`${triggers} shots in MongoDB`, async () => ((await shots.countDocuments()) === triggers ? true : undefined), 30_000);
      const docs = await shots.find({}, { sort: { shotNumber: 1 } }).toArray();
      assert.deepEqual(docs.map((d) => d.shotNumber), Array.from({ length: triggers }, (_, i) => i + 1), 'numbers 1..n, each once');
      assert.equal(new Set(docs.map((d) => d._id)).size, triggers, 'each uid once');
      for (const [i, d] of docs.entries()) {
        assert.equal(d._id, d.uid);
        assert.equal(d.uid, triggered[i]!.shotline!.uid, 'the stored shot is the one republished');
        assert.equal(d.source.laserCounter, triggered[i]!.shot_id);
        assert.ok(d.channels.energy_J > 3.0);
        assert.deepEqual(d.triggeredBy, ['energy_J']);
      }
      const receivedAt = docs.map((d) => d.receivedAt as string);
      assert.deepEqual(receivedAt, [...receivedAt].sort(), 'shot numbers follow receive order');
      const indexes = (await shots.indexes()).map((ix) => Object.keys(ix.key).join(','));
      for (const key of ['shotNumber', 'receivedAt', 'campaign,shotNumber']) assert.ok(indexes.includes(key), `index on ${key}`);

      // The watcher made a draft of each shot in the default sheet; the api process serves them.
      const drafts = await waitFor(`${triggers} drafts`, async () => {
        const { body } = await getJson(`${api.url}/api/v1/sheets/main/entries?limit=500&order=shotNumber`, { headers: auth() });
        return body.items.length === triggers ? body.items : undefined;
      }, 30_000);
      assert.deepEqual(drafts.map((d: { shotNumber: number }) => d.shotNumber), Array.from({ length: triggers }, (_, i) => triggers - i));
      const byUid = new Map(docs.map((d) => [d.uid, d]));
      for (const d of drafts) {
        assert.equal(d.status, 'draft');
        assert.equal(d.createdBy, 'watcher');
        assert.equal(byUid.get(d.shotUid)?.shotNumber, d.shotNumber);
        assert.deepEqual(d.channels, byUid.get(d.shotUid)?.channels);
      }
    } finally {
      await client.close();
    }
  });

  it('a redelivered shot is a no-op: a watcher re-reading the whole topic adds nothing', async () => {
    const client = new MongoClient(dbUrl);
    try {
      const shots = client.db().collection('shots');
      const before = await shots.countDocuments();
      const entries = client.db().collection('entries');
      const revisions = client.db().collection('entry_revisions');
      const draftsBefore = await entries.countDocuments();
      const revisionsBefore = await revisions.countDocuments();
      assert.equal(draftsBefore, before);
      const dir = await mkdtemp(join(tmpdir(), 'it-watcher2-'));
      dirs.push(dir);
      // A new consumer group starts from the earliest offset: every shot is delivered again.
      const second = await startShotlineProcess({ ...common, SHOTLINE_ROLE: 'watcher', SHOTLINE_DATA_DIR: dir, KAFKA_GROUP: `shotline-it-replay-${suffix}` });
      try {
        const dup = await waitFor('the replaying watcher to see every shot as a duplicate', async () => {
          const text = await (await fetch(`${second.url}/metrics`)).text();
          const n = Number(/^shotline_shots_duplicate_total (\d+)/m.exec(text)?.[1] ?? 0);
          return n >= before ? n : undefined;
        }, 30_000);
        assert.equal(dup, before);
        assert.equal(await shots.countDocuments(), before);
        assert.equal(await entries.countDocuments(), draftsBefore, 'no second draft');
        assert.equal(await revisions.countDocuments(), revisionsBefore);
      } finally {
        await second.stop();
      }
    } finally {
      await client.close();
    }
  });
});
