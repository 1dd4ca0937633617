// The HTTP API (buildApp, the real server: auth, error handler, routes) on a
// store of one backend that the test also holds, so search tests can insert
// entry documents directly. Both backends: embedded always; MongoDB when
// MONGO_URL is set (a fresh database per harness, dropped on close).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { buildApp, type AppContext } from '../../src/api/server.ts';
import { TokenService } from '../../src/auth/tokens.ts';
import { ChoiceService } from '../../src/choices/service.ts';
import { ChoiceSyncer } from '../../src/choices/sync.ts';
import type { WikiLimits } from '../../src/choices/wiki.ts';
import { authFailureLimits, loadConfig } from '../../src/config.ts';
import { createMetrics } from '../../src/metrics.ts';
import { SearchService } from '../../src/search/service.ts';
import type { LayoutColumnSource } from '../../src/search/export.ts';
import { SettingsService } from '../../src/settings/service.ts';
import { createEmbeddedStore } from '../../src/store/embedded.ts';
import { createMongoStore } from '../../src/store/mongo.ts';
import { ShotRepository } from '../../src/store/shots.ts';
import type { Store } from '../../src/store/types.ts';
import { ApiClient, auth } from '../support/api.ts';

export interface Backend {
  name: string;
  skip: string | false;
  open(tag: string): Promise<{ store: Store; destroy: () => Promise<void> }>;
}

const run = randomBytes(3).toString('hex');
let n = 0;

export const BACKENDS: Backend[] = [
  {
    name: 'embedded store',
    skip: false,
    async open(tag) {
      const dir = await mkdtemp(join(tmpdir(), `shotline-${tag}-`));
      const store = await createEmbeddedStore(dir);
      return { store, destroy: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'MongoDB store',
    skip: process.env.MONGO_URL ? false : 'MONGO_URL not set: the MongoDB backend is untested here (npm test at the repo root starts a MongoDB-wire server and sets it)',
    async open(tag) {
      const url = process.env.MONGO_URL as string;
      const base = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(url)?.[1] ?? 'shotline_test';
      const dbName = `${decodeURIComponent(base)}_${tag}_${run}_${++n}`;
      const store = createMongoStore(url, { dbName });
      return {
        store,
        destroy: async () => {
          const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
          try {
            await client.db(dbName).dropDatabase();
          } finally {
            await client.close();
          }
        },
      };
    },
  },
];

export interface HarnessOptions {
  exportMaxRows?: number;
  exportPageSize?: number;
  layouts?: LayoutColumnSource;
  choicesCacheMs?: number;
  /** limits of wiki syncs (default: 300 ms, 256 KiB) */
  wikiLimits?: Partial<WikiLimits>;
}

export interface Harness {
  url: string;
  store: Store;
  search: SearchService;
  choices: ChoiceService;
  syncer: ChoiceSyncer;
  /** admin, editor and viewer clients */
  admin: ApiClient;
  editor: ApiClient;
  viewer: ApiClient;
  close(): Promise<void>;
}

export async function startHarness(backend: Backend, tag: string, options: HarnessOptions = {}): Promise<Harness> {
  const { store, destroy } = await backend.open(tag);
  const logger = pino({ level: 'silent' });
  const tokens = new TokenService(store);
  await tokens.init();
  const search = new SearchService(store);
  const choices = new ChoiceService(store, { cacheMs: options.choicesCacheMs ?? 0 });
  await choices.init();
  const syncer = new ChoiceSyncer({ choices, logger, limits: { timeoutMs: 300, maxBytes: 256 * 1024, ...options.wikiLimits } });
  const ctx: AppContext = {
    logger,
    metrics: createMetrics(),
    checks: [],
    settings: new SettingsService(store),
    shots: new ShotRepository(store),
    tokens,
    authFailures: authFailureLimits(loadConfig({})),
    version: 'test',
    search: {
      search,
      ...(options.exportMaxRows !== undefined && { exportMaxRows: options.exportMaxRows }),
      ...(options.exportPageSize !== undefined && { exportPageSize: options.exportPageSize }),
      ...(options.layouts && { layouts: options.layouts }),
    },
    choices: { choices, syncer },
  };
  const app = await buildApp(ctx);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const token = async (role: 'admin' | 'editor' | 'viewer') => (await tokens.create({ name: `${role}-user`, role }, 'test')).token;
  return {
    url,
    store,
    search,
    choices,
    syncer,
    admin: new ApiClient(url, auth(await token('admin'))),
    editor: new ApiClient(url, auth(await token('editor'))),
    viewer: new ApiClient(url, auth(await token('viewer'))),
    async close() {
      await app.close();
      await store.close();
      await destroy();
    },
  };
}
