// Puts the parts of one process together for its role:
//   relay   ZeroMQ in → trigger → journal → Kafka out, ZeroMQ republish
//   watcher Kafka in → store → live
//   api     HTTP API + live feed
//   all     everything, with an in-process bus when KAFKA_BROKERS is unset
// Every role serves /healthz, /readyz, /metrics and /openapi.json.
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { authFailureLimits, simulatorEnabled, type Config } from './config.ts';
import { createMetrics } from './metrics.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';
import { ShotRepository } from './store/shots.ts';
import { SettingsService } from './settings/service.ts';
import { KafkaBus } from './bus/kafka.ts';
import { MemoryBus } from './bus/memory.ts';
import type { Bus, Subscription } from './bus/types.ts';
import { ShotJournal } from './spool/journal.ts';
import { Relay } from './trigger/relay.ts';
import { Watcher } from './watcher/watcher.ts';
import { LiveHub } from './live/hub.ts';
import { StoredShotPoller } from './live/stored-poller.ts';
import { LaserSimulator } from './simulator/laser-simulator.ts';
import { buildApp, type App } from './api/server.ts';
import type { ReadinessCheck } from './api/health.ts';
import { seedSimulatorSettings } from './settings/seed.ts';
import type { ShotRecord } from './shot.ts';
import { TokenService } from './auth/tokens.ts';
import { ShotSheets, type ChoiceSource } from './sheets/index.ts';
import { ChoiceService } from './choices/service.ts';
import { ChoiceSyncer, ChoiceSyncScheduler } from './choices/sync.ts';
import { SearchService } from './search/service.ts';
import { sheetLayoutColumns } from './search/layouts.ts';

export const VERSION = '0.1.0';

/** How long start-up waits for the store (indexes, the journal's floor) before going on without it. */
const STORE_WAIT_MS = 1_500;

/** The promise's value, or undefined if it takes longer than `ms` (it goes on in the background). */
function within<T>(ms: number, p: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]).finally(() => clearTimeout(timer));
}

/** First retry of index creation; it doubles up to INDEX_RETRY_MAX_MS. */
const INDEX_RETRY_MS = 1_000;
const INDEX_RETRY_MAX_MS = 30_000;

/**
 * Creates the indexes, retrying until the store takes them. Some are unique
 * (one entry per sheet and shot, token hashes): a process started while the
 * store was down must not go on without them until its next restart.
 */
function keepTrying(init: () => Promise<unknown>, logger: Logger): { done: Promise<void>; stop: () => void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: () => void = () => {};
  const done = (async () => {
    for (let delay = INDEX_RETRY_MS, failures = 0; !stopped; delay = Math.min(delay * 2, INDEX_RETRY_MAX_MS)) {
      try {
        await init();
        if (failures > 0) logger.info({ failures }, 'indexes created now that the store answers');
        return;
      } catch (err) {
        failures++;
        if (stopped) return;
        logger.warn({ err, retryInMs: delay }, 'could not create indexes now; retrying');
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, delay);
        });
      }
    }
  })();
  return {
    done,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      wake();
    },
  };
}

export interface Shotline {
  config: Config;
  app: App;
  /** base URL of the HTTP server, e.g. http://127.0.0.1:8080 */
  url: string;
  relay?: Relay;
  stop(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'shotline' } });
}

/** Observers for measurements (the benchmark) and seams for tests; the service itself needs none. */
export interface ShotlineHooks {
  /** after the watcher stored a batch (the store acknowledged it) */
  onStored?: (shots: readonly ShotRecord[]) => void;
  /** where shot sheets look up choice lists (default: the stored choice lists, src/choices/) */
  choices?: ChoiceSource;
  /** the clock of the authentication-failure lockout, in ms (tests move it; default Date.now) */
  now?: () => number;
}

export async function startShotline(config: Config, logger: Logger = createLogger(config), hooks: ShotlineHooks = {}): Promise<Shotline> {
  const role = config.role;
  const runs = { relay: role === 'all' || role === 'relay', watcher: role === 'all' || role === 'watcher', api: role === 'all' || role === 'api' };
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const metrics = createMetrics();
  const checks: ReadinessCheck[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, 'error while stopping'));
  };

  try {
    const store: Store = await openStore({ dataDir: join(dataDir, 'store'), logger, ...(config.mongoUrl && { mongoUrl: config.mongoUrl }) });
    stops.push(() => store.close());
    checks.push({ name: store.kind === 'mongodb' ? 'mongodb' : 'embedded store', check: () => store.ping() });
    logger.info({ store: store.kind, ...(store.kind === 'embedded' && { dir: join(dataDir, 'store') }) }, 'store open');

    const shots = new ShotRepository(store);
    const settings = new SettingsService(store);
    const tokens = new TokenService(store);
    // Shot sheets: served by the api, and the watcher makes their drafts.
    const choiceLists = runs.api || runs.watcher ? new ChoiceService(store) : undefined;
    const choices = hooks.choices ?? choiceLists;
    const sheets = runs.api || runs.watcher ? new ShotSheets({ store, shots, settings, logger: logger.child({ component: 'sheets' }), ...(choices && { choices }) }) : undefined;
    // Bounded: with the store down, a restarting relay must not wait for it before ingesting (it goes on in the background).
    const indexes = keepTrying(() => Promise.all([shots.init(), settings.init(), tokens.init(), sheets?.init(), choiceLists?.init()]), logger);
    stops.push(async () => indexes.stop());
    await within(STORE_WAIT_MS, indexes.done);
    stops.push(await bootstrapTokens(tokens, config, dataDir, logger));

    const bus: Bus = config.kafkaBrokers
      ? new KafkaBus({ brokers: config.kafkaBrokers, shotsTopic: config.kafkaTopic, telemetryTopic: config.kafkaTelemetryTopic, clientId: `shotline-${role}-${hostname()}`, logger })
      : new MemoryBus();
    stops.push(() => bus.close());
    if (bus.kind === 'kafka') checks.push({ name: 'kafka', check: () => bus.ping() });
    else logger.info('no KAFKA_BROKERS: relay and watcher share an in-process bus');

    const hub = runs.api ? new LiveHub({ metrics, channelHz: config.liveChannelHz }) : undefined;
    if (hub) stops.push(async () => hub.close());

    let watcher: Watcher | undefined;
    if (runs.watcher) {
      watcher = new Watcher({ bus, shots: sheets ? sheets.watcherShots() : shots, metrics, logger: logger.child({ component: 'watcher' }), groupId: config.kafkaGroup, onStored: (batch) => {
        hub?.publishShots(batch);
        hooks.onStored?.(batch);
      } });
      await watcher.start();
      stops.push(() => watcher!.stop());
      const w = watcher;
      checks.push({ name: 'watcher', check: () => w.check() });
    } else if (hub) {
      const poller = new StoredShotPoller({ shots, onShots: (batch) => hub.publishShots(batch), intervalMs: 250, logger });
      poller.start();
      stops.push(async () => poller.stop());
    }

    if (hub) {
      const sub: Subscription = await bus.subscribeTelemetry((t) => hub.publishTelemetry(t));
      stops.push(() => sub.close());
    }

    let relay: Relay | undefined;
    if (runs.relay) {
      const simulator = simulatorEnabled(config);
      if (simulator) {
        const sim = new LaserSimulator({ endpoint: config.simulatorEndpoint, rate: config.simulatorRate, logger });
        await sim.start();
        stops.push(() => sim.stop());
        logger.warn({ endpoint: config.simulatorEndpoint, rate: config.simulatorRate }, 'laser simulator ON: no SHOTLINE_ZMQ_ENDPOINTS configured, shots are simulated');
        await seedSimulatorSettings(settings, logger);
      }
      const journal = await ShotJournal.open(join(dataDir, 'journal'), { maxBytes: config.spoolMaxBytes, floor: (await within(STORE_WAIT_MS, shots.highestShotNumber().catch(() => 0))) ?? 0 });
      stops.push(() => journal.close());
      relay = new Relay({
        config,
        settings,
        journal,
        bus,
        metrics,
        logger,
        relayId: `${hostname()}:${process.pid}`,
        simulator,
        endpoints: config.zmqEndpoints ?? [{ endpoint: config.simulatorEndpoint, topics: [] }],
      });
      await relay.start();
      stops.push(() => relay!.stop());
      const r = relay;
      checks.push({ name: 'bus', check: () => r.checkBus() });
      checks.push({ name: 'ingest', check: () => r.checkIngest() });
    }

    // Choice lists sync from the wiki in the background of the api (never in the way of anything else).
    const syncer = runs.api && choiceLists ? new ChoiceSyncer({ choices: choiceLists, logger: logger.child({ component: 'choices' }) }) : undefined;
    if (syncer && choiceLists) {
      const scheduler = new ChoiceSyncScheduler({ choices: choiceLists, syncer, logger: logger.child({ component: 'choices' }) });
      scheduler.start();
      stops.push(() => scheduler.stop());
    }
    const search = runs.api ? { search: new SearchService(store), ...(sheets && { layouts: sheetLayoutColumns(sheets) }) } : undefined;
    const app = await buildApp({ logger, metrics, checks, settings, shots, tokens, authFailures: { ...authFailureLimits(config), ...(hooks.now && { now: hooks.now }) }, version: VERSION, corsOrigins: config.corsOrigins, ...(hub && { hub }), ...(relay && { relay }), ...(runs.api && sheets && { sheets }), ...(runs.api && { consoleDir: config.consoleDir }), ...(search && { search }), ...(syncer && choiceLists && { choices: { choices: choiceLists, syncer } }) });
    await app.listen({ host: config.host, port: config.port });
    stops.push(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    logger.info({ role, url }, 'shotline ready');
    return { config, app, url, ...(relay && { relay }), stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * The first admin token (SHOTLINE_ADMIN_TOKEN, or one generated into the data
 * dir). When the store does not answer yet, retried in the background so the
 * role still starts; returns how to stop retrying.
 */
async function bootstrapTokens(tokens: TokenService, config: Config, dataDir: string, logger: Logger): Promise<() => Promise<void>> {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async (): Promise<boolean> => {
    try {
      await tokens.bootstrap({ adminToken: config.adminToken, dataDir, logger });
      return true;
    } catch (err) {
      logger.warn({ err }, 'could not set up the first admin API token yet; retrying every 5 s');
      return false;
    }
  };
  const retry = () => {
    timer = setTimeout(() => {
      void attempt().then((ok) => {
        if (!ok && !stopped) retry();
      });
    }, 5000);
    timer.unref();
  };
  // Bounded wait (a relay restarting while the store is down must start ingesting); a failure still schedules the retries.
  await within(STORE_WAIT_MS, attempt().then((ok) => {
    if (!ok && !stopped) retry();
  }));
  return async () => {
    stopped = true;
    clearTimeout(timer);
  };
}
