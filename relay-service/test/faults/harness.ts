// The fault-injection scenario behind `test/faults/ledger.test.ts` and
// `npm run faults`: the simulated laser at a known rate → relay → real Kafka
// broker → watcher → MongoDB-wire server, each in its own process, while the
// broker and the MongoDB-wire server are stopped and started and the relay
// and the watcher are killed with SIGKILL at moments drawn from a seeded PRNG.
// At the end a ledger compares every shot the relay triggered with what
// MongoDB holds.
//
// What counts as a shot: every laser message the relay received (the rule
// `energy_J > 0` makes each one a shot). Messages the laser sent while no
// relay was connected (dead, restarting) are not shots, the relay never saw
// them; they are counted from the laser's own counter, apart from the ledger.
//
// The ledger's sources:
//   R  the relay's ZeroMQ republish stream (triggered messages carry
//      `shotline: {uid, shotNumber}`): what the relay announced
//   n  the relay's shot counter at the end (its journal): what it triggered
//   M  MongoDB's `shots` collection: what was stored
// and its checks: M holds each of 1..n exactly once and nothing else; every
// shot in R is in M with the same uid (a number announced is never reused by
// a later relay); no laser message became two shots; shot numbers follow the
// laser's counter (receive order).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Subscriber } from 'zeromq';
import { MongoClient } from 'mongodb';
import { LaserSimulator } from '../../src/simulator/laser-simulator.ts';
import { freePort, getJson, sendJson } from '../support/net.ts';
import { startShotlineProcess, type ShotlineProcess } from '../support/process.ts';
import { PrivateServices, type ServiceName } from './services.ts';

export const FAULT_KINDS = ['kafka', 'mongo', 'relay', 'watcher'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ScenarioOptions {
  /** how long faults are injected, seconds */
  seconds: number;
  /** laser messages per second (each one a shot) */
  rate: number;
  seed: number;
  /** pause between faults, seconds: [min, max] */
  gapS?: [number, number];
  log?: (line: string) => void;
  /** keep the work dir (process logs, journal, service logs) */
  keep?: boolean;
  /** a fixed list of faults instead of the seeded random ones: wait `afterS`, then inject (and wait for it unless `overlap`) */
  plan?: { afterS: number; kind: FaultKind; downS: number; overlap?: boolean }[];
  /** extra environment for relay and watcher (e.g. SHOTLINE_LOG_LEVEL) */
  env?: Record<string, string>;
}

export interface FaultRecord {
  /** seconds since the laser started */
  at: number;
  kind: FaultKind;
  what: string;
  /** how long the service or process was down, seconds */
  downS: number;
}

export interface LedgerReport {
  seed: number;
  rate: number;
  faultSeconds: number;
  faults: FaultRecord[];
  faultCounts: Record<FaultKind, number>;
  /** relay and watcher processes started (1 + restarts) */
  incarnations: { relay: number; watcher: number };
  /** restarts that failed (the process exited or never answered), each retried */
  restartFailures: string[];
  laser: { sent: number; seenByRelay: number; notSeen: number };
  triggered: number;
  announced: number;
  stored: number;
  distinctStored: number;
  duplicates: number;
  missing: number[];
  /** stored numbers above the relay's counter (never expected) */
  unexpected: number[];
  /** shot numbers announced with one uid and stored (or announced again) with another */
  reused: number[];
  /** laser messages stored as more than one shot */
  laserDuplicates: number;
  /** shots whose number order disagrees with the laser's counter order */
  outOfOrder: number;
  /** stored shots the ledger's subscriber did not see announced (journaled just before a kill, or announced while it reconnected) */
  storedNotAnnounced: number;
  /** redelivered shots the watchers found already stored (Kafka redelivery after a kill, or a resend after a relay kill) */
  redeliveriesAbsorbed: number;
  /** distinct reasons /readyz gave while something was down (digits as N), with how often */
  readyzReasons: Record<string, number>;
  drainSeconds: number;
  ok: boolean;
}

/** mulberry32: a seeded PRNG, [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADMIN_TOKEN = `faults-${randomBytes(16).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** One role's process across its restarts: same environment, same data dir. */
class Managed {
  readonly role: 'relay' | 'watcher';
  readonly #env: Record<string, string>;
  readonly #logFile: string;
  readonly #log: (line: string) => void;
  proc: ShotlineProcess | undefined;
  incarnations = 0;
  readonly restartFailures: string[] = [];
  /** last values scraped from /metrics of the running incarnation, and the sum over the dead ones */
  last: Record<string, number> = {};
  dead: Record<string, number> = {};

  constructor(role: 'relay' | 'watcher', env: Record<string, string>, logFile: string, log: (line: string) => void) {
    this.role = role;
    this.#env = env;
    this.#logFile = logFile;
    this.#log = log;
  }

  get alive(): boolean {
    return this.proc !== undefined && this.proc.child.exitCode === null && this.proc.child.signalCode === null;
  }

  /** Starts (or restarts) the process; waits for /healthz, not /readyz (a dependency may be down on purpose). Retries a failed start. */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.proc = await startShotlineProcess({ ...this.#env, SHOTLINE_ROLE: this.role }, { until: 'listening', readyTimeoutMs: 45_000, logFile: this.#logFile });
        this.incarnations++;
        return;
      } catch (err) {
        const first = (err as Error).message.split('\n')[0]!;
        this.restartFailures.push(`${this.role}: ${first}`);
        this.#log(`${this.role}: start failed (${first}); retrying`);
        if (attempt >= 5) throw err;
        await sleep(1000);
      }
    }
  }

  async kill9(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    for (const [k, v] of Object.entries(this.last)) this.dead[k] = (this.dead[k] ?? 0) + v;
    this.last = {};
    if (p) await p.stop('SIGKILL');
  }

  total(name: string): number {
    return (this.dead[name] ?? 0) + (this.last[name] ?? 0);
  }
}

export async function runFaultScenario(options: ScenarioOptions): Promise<LedgerReport> {
  const log = options.log ?? (() => {});
  const rng = prng(options.seed);
  const [gapMin, gapMax] = options.gapS ?? [2, 6];
  const work = await mkdtemp(join(tmpdir(), 'shotline-faults-'));
  await mkdir(join(work, 'relay'), { recursive: true });
  await mkdir(join(work, 'watcher'), { recursive: true });
  log(`faults: seed ${options.seed}, ${options.rate} Hz, ${options.seconds} s of faults; work dir ${work}`);

  const services = await PrivateServices.create(log);
  const suffix = randomBytes(4).toString('hex');
  const simulator = new LaserSimulator({ endpoint: `tcp://127.0.0.1:${await freePort()}`, rate: options.rate, seed: options.seed, sendHwm: 100_000 });
  const publish = `tcp://127.0.0.1:${await freePort()}`;
  const mongoUrl = services.mongoUrl(`shotline_faults_${suffix}`);
  const common = {
    KAFKA_BROKERS: services.kafkaBrokers,
    MONGO_URL: mongoUrl,
    KAFKA_TOPIC: `shotline.faults.${suffix}`,
    KAFKA_TELEMETRY_TOPIC: `shotline.faults-telemetry.${suffix}`,
    KAFKA_GROUP: `shotline-faults-${suffix}`,
    SHOTLINE_SETTINGS_POLL_MS: '500',
    SHOTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    ...options.env,
  };
  const relay = new Managed('relay', { ...common, SHOTLINE_DATA_DIR: join(work, 'relay'), SHOTLINE_ZMQ_ENDPOINTS: simulator.endpoint, SHOTLINE_ZMQ_PUBLISH: publish }, join(work, 'relay.log'), log);
  const watcher = new Managed('watcher', { ...common, SHOTLINE_DATA_DIR: join(work, 'watcher') }, join(work, 'watcher.log'), log);
  const sub = new Subscriber({ receiveHighWaterMark: 0, linger: 0, reconnectInterval: 20, reconnectMaxInterval: 100 });
  const announced = new Map<number, string>();
  const reused = new Set<number>();
  const readyzReasons: Record<string, number> = {};
  const faults: FaultRecord[] = [];
  let scraping = true;
  let scraper: Promise<void> = Promise.resolve();
  let t0 = 0;
  const since = () => Math.round((performance.now() - t0) / 100) / 10;

  try {
    await services.start();
    await watcher.start();
    await relay.start();
    sub.connect(publish);
    sub.subscribe();
    void (async () => {
      for await (const [, payload] of sub) {
        const m = JSON.parse(String(payload)) as { shotline?: { uid: string; shotNumber: number } };
        if (!m.shotline) continue;
        const { uid, shotNumber } = m.shotline;
        const seen = announced.get(shotNumber);
        if (seen !== undefined && seen !== uid) reused.add(shotNumber);
        announced.set(shotNumber, uid);
      }
    })().catch(() => {});

    // Every message a shot.
    const armed = await sendJson(`${relay.proc!.url}/api/v1/relay/channels/energy_J`, 'PATCH', { rule: { kind: 'above', above: 0 } }, { authorization: `Bearer ${ADMIN_TOKEN}` });
    if (armed.status !== 200) throw new Error(`arming energy_J failed: ${armed.status} ${JSON.stringify(armed.body)}`);

    scraper = (async () => {
      while (scraping) {
        for (const m of [relay, watcher]) {
          const p = m.proc;
          if (!p || !m.alive) continue;
          try {
            const text = await (await fetch(`${p.url}/metrics`, { signal: AbortSignal.timeout(1000) })).text();
            if (m.proc !== p) continue;
            m.last =
              m.role === 'relay'
                ? { triggers: metric(text, 'shotline_triggers_total'), gaps: metric(text, 'shotline_laser_counter_gaps_total') }
                : { stored: metric(text, 'shotline_shots_stored_total'), duplicates: metric(text, 'shotline_shots_duplicate_total') };
            const ready = await getJson<{ down: string[] }>(`${p.url}/readyz`, { signal: AbortSignal.timeout(3000) });
            if (ready.status !== 200) {
              for (const reason of ready.body.down) {
                const key = `${m.role} ${reason.replace(/\d+(\.\d+)?/g, 'N')}`.slice(0, 240);
                readyzReasons[key] = (readyzReasons[key] ?? 0) + 1;
              }
            }
          } catch {
            // killed meanwhile, or busy: next round
          }
        }
        await sleep(500);
      }
    })();

    await simulator.start();
    t0 = performance.now();
    log(`faults: laser publishing at ${options.rate} Hz on ${simulator.endpoint}`);

    // ---- faults
    const busy = new Set<FaultKind>();
    const running = new Set<Promise<void>>();
    // each kind at least once, in a seeded order (Fisher–Yates)
    const order: FaultKind[] = [...FAULT_KINDS];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const deadline = t0 + options.seconds * 1000;
    let n = 0;
    const inject = async (kind: FaultKind, downMs: number) => {
      const at = since();
      const started = performance.now();
      if (kind === 'kafka' || kind === 'mongo') {
        const name: ServiceName = kind;
        log(`faults: t=${at}s stop ${name} for ${(downMs / 1000).toFixed(1)} s`);
        await services.stop(name);
        await sleep(downMs);
        await services.start(name);
        faults.push({ at, kind, what: `stop ${name}, start again`, downS: Math.round((performance.now() - started) / 100) / 10 });
      } else {
        const m = kind === 'relay' ? relay : watcher;
        log(`faults: t=${at}s kill -9 ${kind} (restart after ${(downMs / 1000).toFixed(1)} s)`);
        await m.kill9();
        await sleep(downMs);
        await m.start();
        faults.push({ at, kind, what: `kill -9 ${kind}, restart on the same data dir`, downS: Math.round((performance.now() - started) / 100) / 10 });
      }
      log(`faults: t=${since()}s ${kind} back`);
    };
    for (const step of options.plan ?? []) {
      await sleep(step.afterS * 1000);
      const p = inject(step.kind, step.downS * 1000);
      if (!step.overlap) await p;
      else {
        running.add(p);
        void p.finally(() => running.delete(p));
      }
    }
    while (!options.plan) {
      const gap = (gapMin + rng() * (gapMax - gapMin)) * 1000;
      const pick = rng();
      const down = rng();
      if (performance.now() + gap >= deadline) break;
      await sleep(gap);
      let kind: FaultKind = n < order.length ? order[n]! : FAULT_KINDS[Math.floor(pick * FAULT_KINDS.length)]!;
      if (busy.has(kind)) {
        const free = FAULT_KINDS.filter((k) => !busy.has(k));
        if (free.length === 0) continue;
        kind = free[Math.floor(pick * free.length)]!;
      }
      n++;
      // services stay down 2–7 s (plus their stop and start); a killed process is restarted after 0.2–2 s
      const downMs = kind === 'kafka' || kind === 'mongo' ? 2000 + down * 5000 : 200 + down * 1800;
      busy.add(kind);
      const p = inject(kind, downMs).finally(() => {
        busy.delete(kind);
        running.delete(p);
      });
      running.add(p);
    }
    await Promise.all(running);
    log(`faults: t=${since()}s fault phase over (${faults.length} faults); stopping the laser and draining`);

    // ---- drain: the laser stops, everything the relay triggered must reach MongoDB
    await simulator.stop();
    const laserSent = simulator.stats().sent;
    const drainStarted = performance.now();
    const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5000 });
    let triggered = 0;
    try {
      const shots = client.db().collection<{ _id: string; uid: string; shotNumber: number; source?: { laserCounter?: number } }>('shots');
      while (true) {
        const status = await getJson<{ lastShotNumber: number; spool: { pendingShots: number } }>(`${relay.proc!.url}/api/v1/relay/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).catch(() => undefined);
        if (status?.status === 200) triggered = status.body.lastShotNumber;
        const count = await shots.countDocuments().catch(() => -1);
        if (status?.status === 200 && status.body.spool.pendingShots === 0 && count >= triggered) break;
        if (performance.now() - drainStarted > 120_000) {
          log(`faults: drain timed out: relay counter ${triggered}, stored ${count}, pending ${status?.body.spool?.pendingShots}`);
          break;
        }
        await sleep(250);
      }
      const drainSeconds = Math.round((performance.now() - drainStarted) / 100) / 10;
      await sleep(300); // last republished messages
      // let the scraper see the final counters
      await sleep(700);

      const docs = await shots.find({}, { projection: { _id: 1, uid: 1, shotNumber: 1, 'source.laserCounter': 1 } }).toArray();
      const byNumber = new Map<number, string[]>();
      for (const d of docs) {
        const list = byNumber.get(d.shotNumber) ?? [];
        list.push(d.uid);
        byNumber.set(d.shotNumber, list);
      }
      const missing: number[] = [];
      for (let i = 1; i <= triggered; i++) if (!byNumber.has(i)) missing.push(i);
      const unexpected = [...byNumber.keys()].filter((k) => k < 1 || k > triggered).sort((a, b) => a - b);
      let duplicates = 0;
      for (const [num, uids] of byNumber) {
        duplicates += uids.length - 1;
        if (uids.length > 1) reused.add(num);
      }
      for (const [num, uid] of announced) {
        const stored = byNumber.get(num);
        if (stored && !stored.includes(uid)) reused.add(num);
      }
      const laserCounters = new Map<number, number>();
      for (const d of docs) {
        const c = d.source?.laserCounter;
        if (typeof c === 'number') laserCounters.set(c, (laserCounters.get(c) ?? 0) + 1);
      }
      const laserDuplicates = [...laserCounters.values()].reduce((a, c) => a + (c - 1), 0);
      const sorted = [...docs].sort((a, b) => a.shotNumber - b.shotNumber);
      let outOfOrder = 0;
      for (let i = 1; i < sorted.length; i++) if ((sorted[i]!.source?.laserCounter ?? 0) <= (sorted[i - 1]!.source?.laserCounter ?? 0)) outOfOrder++;
      const storedNotAnnounced = [...byNumber.keys()].filter((k) => !announced.has(k)).length;
      const missingAnnounced = [...announced.keys()].filter((k) => !byNumber.has(k));
      if (missingAnnounced.length > 0) log(`faults: announced but not stored: ${missingAnnounced.slice(0, 20).join(', ')}`);

      const faultCounts = Object.fromEntries(FAULT_KINDS.map((k) => [k, faults.filter((f) => f.kind === k).length])) as Record<FaultKind, number>;
      const report: LedgerReport = {
        seed: options.seed,
        rate: options.rate,
        faultSeconds: options.seconds,
        faults: faults.sort((a, b) => a.at - b.at),
        faultCounts,
        incarnations: { relay: relay.incarnations, watcher: watcher.incarnations },
        restartFailures: [...relay.restartFailures, ...watcher.restartFailures],
        laser: { sent: laserSent, seenByRelay: laserCounters.size, notSeen: laserSent - laserCounters.size },
        triggered,
        announced: announced.size,
        stored: docs.length,
        distinctStored: byNumber.size,
        duplicates,
        missing,
        unexpected,
        reused: [...reused].sort((a, b) => a - b),
        laserDuplicates,
        outOfOrder,
        storedNotAnnounced,
        redeliveriesAbsorbed: watcher.total('duplicates'),
        readyzReasons,
        drainSeconds,
        ok: false,
      };
      report.ok =
        triggered > 0 &&
        missing.length === 0 &&
        duplicates === 0 &&
        unexpected.length === 0 &&
        report.reused.length === 0 &&
        laserDuplicates === 0 &&
        outOfOrder === 0 &&
        missingAnnounced.length === 0;
      return report;
    } finally {
      await client.close().catch(() => {});
    }
  } finally {
    scraping = false;
    await scraper;
    await simulator.stop().catch(() => {});
    sub.close();
    await relay.proc?.stop('SIGINT');
    await watcher.proc?.stop('SIGINT');
    await services.destroy(options.keep);
    if (!options.keep) await rm(work, { recursive: true, force: true });
    else log(`faults: kept ${work} (process logs) and ${services.dir} (service logs)`);
  }
}

/** The report as the suite prints it. */
export function formatReport(r: LedgerReport): string {
  const lines = [
    `fault-injection ledger (seed ${r.seed}, ${r.rate} Hz, ${r.faultSeconds} s of faults)`,
    `  faults injected   ${r.faults.length}: ${FAULT_KINDS.map((k) => `${k} ${r.faultCounts[k]}`).join(', ')}`,
    ...r.faults.map((f) => `    t=${String(f.at).padStart(6)} s  ${f.what} (down ${f.downS} s)`),
    `  processes         relay started ${r.incarnations.relay}×, watcher ${r.incarnations.watcher}×; failed starts ${r.restartFailures.length}`,
    `  laser messages    ${r.laser.sent} sent; ${r.laser.seenByRelay} became stored shots; ${r.laser.notSeen} sent while no relay was connected (not shots)`,
    `  triggered         ${r.triggered} (relay's shot counter; ${r.announced} seen announced on its ZeroMQ republish)`,
    `  stored            ${r.stored} documents, ${r.distinctStored} distinct shot numbers`,
    `  duplicates        ${r.duplicates}`,
    `  missing           ${r.missing.length}${r.missing.length ? ` (${r.missing.slice(0, 20).join(', ')}${r.missing.length > 20 ? ', …' : ''})` : ''}`,
    `  unexpected        ${r.unexpected.length} stored numbers above the counter`,
    `  numbers reused    ${r.reused.length}`,
    `  laser msg twice   ${r.laserDuplicates}`,
    `  out of order      ${r.outOfOrder}`,
    `  stored, not seen announced ${r.storedNotAnnounced} (journaled just before a kill, or announced while the ledger's subscriber reconnected)`,
    `  redeliveries absorbed by the watcher (already stored) ${r.redeliveriesAbsorbed}`,
    `  drain after the last fault ${r.drainSeconds} s`,
    `  /readyz while degraded:`,
    ...Object.entries(r.readyzReasons)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `    ${String(n).padStart(4)}× ${reason}`),
    `  verdict           ${r.ok ? 'OK: every triggered shot stored exactly once, numbers 1..n without gap or reuse' : 'FAILED'}`,
  ];
  return lines.join('\n');
}
