// The shots collection: `_id` is the shot's uid, so storing a redelivered
// shot is a no-op. Stored documents are the shot record plus `_id` and
// `storedAt`.
import type { ShotRecord } from '../shot.ts';
import type { Collection, InsertManyResult, Store } from './types.ts';

export interface StoredShot extends ShotRecord {
  _id: string;
  storedAt: string;
}

export class ShotRepository {
  readonly #shots: Collection<StoredShot>;

  constructor(store: Store) {
    this.#shots = store.collection<StoredShot>('shots');
  }

  init(): Promise<void> {
    return this.#shots.createIndexes([
      { keys: { shotNumber: -1 }, name: 'shotNumber' },
      { keys: { receivedAt: -1 }, name: 'receivedAt' },
      { keys: { campaign: 1, shotNumber: -1 }, name: 'campaign_shotNumber' },
    ]);
  }

  insert(shots: readonly ShotRecord[]): Promise<InsertManyResult> {
    const storedAt = new Date().toISOString();
    return this.#shots.insertMany(shots.map((s) => ({ ...s, _id: s.uid, storedAt })));
  }

  /** Newest first. `before`: only shots with a lower shot number (paging). */
  async list(query: { limit: number; before?: number; campaign?: string }): Promise<ShotRecord[]> {
    const filter: Record<string, unknown> = {};
    if (query.before !== undefined) filter.shotNumber = { $lt: query.before };
    if (query.campaign !== undefined) filter.campaign = query.campaign;
    const docs = await this.#shots.find(filter, { sort: { shotNumber: -1 }, limit: query.limit });
    return docs.map(toRecord);
  }

  /** Oldest first: the shots stored with a shot number above `after`. */
  async listAfter(after: number, limit: number): Promise<ShotRecord[]> {
    const docs = await this.#shots.find({ shotNumber: { $gt: after } }, { sort: { shotNumber: 1 }, limit });
    return docs.map(toRecord);
  }

  async get(uid: string): Promise<ShotRecord | null> {
    const doc = await this.#shots.findOne({ _id: uid });
    return doc ? toRecord(doc) : null;
  }

  async highestShotNumber(): Promise<number> {
    const doc = await this.#shots.findOne({}, { sort: { shotNumber: -1 } });
    return doc?.shotNumber ?? 0;
  }

  count(filter: { campaign?: string } = {}): Promise<number> {
    return this.#shots.count(filter.campaign !== undefined ? { campaign: filter.campaign } : {});
  }
}

function toRecord(doc: StoredShot): ShotRecord & { storedAt: string } {
  const { _id, ...record } = doc;
  return record;
}
