// Opens the configured store: MongoDB when a URL is given, the embedded
// file-backed store in the data dir otherwise.
import { createEmbeddedStore, type EmbeddedStoreOptions } from './embedded.ts';
import { createMongoStore, type MongoStoreOptions } from './mongo.ts';
import type { StoreLogger } from './support.ts';
import type { Store } from './types.ts';

export { DuplicateKeyError } from './types.ts';
export type { Collection, Doc, Filter, FindOptions, IndexSpec, InsertManyResult, SortSpec, Store, UpdateResult, UpdateSpec } from './types.ts';
export { StoreInputError, type StoreLogger } from './support.ts';
export { createEmbeddedStore, EmbeddedStore, type EmbeddedStoreOptions } from './embedded.ts';
export { createMongoStore, MongoStore, type MongoStoreOptions } from './mongo.ts';

export interface StoreConfig {
  /** mongodb:// or mongodb+srv:// URL; unset or empty: the embedded store */
  mongoUrl?: string | undefined;
  /** where the embedded store keeps its files (`<dataDir>/<collection>.db`) */
  dataDir: string;
  logger?: StoreLogger | undefined;
  mongo?: Omit<MongoStoreOptions, 'logger'>;
  embedded?: Omit<EmbeddedStoreOptions, 'logger'>;
}

export async function openStore(config: StoreConfig): Promise<Store> {
  const logger = config.logger;
  if (config.mongoUrl) return createMongoStore(config.mongoUrl, { ...config.mongo, ...(logger ? { logger } : {}) });
  return createEmbeddedStore(config.dataDir, { ...config.embedded, ...(logger ? { logger } : {}) });
}
