// The shots collection: `_id` is the shot's uid, so storing a redelivered
// shot is a no-op. Stored documents are the shot record plus `_id` and
// `storedAt`.
import type { ShotRecord } from '../shot.ts';
import type { Collection, Filter, InsertManyResult, Store } from './types.ts';
import { formatTime } from '../search/time.ts';

export interface StoredShot extends ShotRecord {
  _id: string;
  storedAt: string;
}

/**
 * Which shots: `receivedAt` in [from, to) and/or one campaign (`null`: shots of
 * no campaign). `from`/`to` are UTC strings with six fractional digits
 * (search/time.ts normalizeTime), which compare as strings exactly as the
 * instants do against the relay's receivedAt.
 */
export interface ShotRange {
  from?: string;
  to?: string;
  campaign?: string | null;
}

/** Shots counted per interval: `start` of each bucket (UTC, six fractional digits). */
export interface ShotCountBucket {
  start: string;
  count: number;
}

export interface CampaignShots {
  campaign: string | null;
  shots: number;
  lastShotNumber: number;
  lastShotAt: string;
}

/** Store queries run at once by the per-bucket and per-channel counts: enough to hide round trips, few enough not to crowd the store. */
const COUNT_CONCURRENCY = 4;

export class ShotRepository {
  readonly #shots: Collection<StoredShot>;
  readonly #kind: Store['kind'];

  constructor(store: Store) {
    this.#shots = store.collection<StoredShot>('shots');
    this.#kind = store.kind;
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

  /** Newest first. `before`: only shots with a lower shot number (paging); `from`/`to`: receivedAt range (see ShotRange). */
  async list(query: { limit: number; before?: number; campaign?: string; from?: string; to?: string }): Promise<ShotRecord[]> {
    const filter = rangeFilter(query);
    if (query.before !== undefined) filter.shotNumber = { $lt: query.before };
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

  /**
   * Shots received in each `stepMs` interval of [from, to), oldest first. On
   * MongoDB one count per bucket on the receivedAt index (no aggregation
   * pipeline: the embedded store has none), a few at a time.
   */
  async countPerInterval(range: { from: Date; to: Date; campaign?: string | null }, stepMs: number): Promise<ShotCountBucket[]> {
    const starts: number[] = [];
    for (let t = range.from.getTime(); t < range.to.getTime(); t += stepMs) starts.push(t);
    const campaign = range.campaign !== undefined ? { campaign: range.campaign } : {};
    if (this.#kind === 'embedded') {
      // nedb uses no index for a range (embedded-query.ts splits it into $and clauses), so each count
      // would read every shot: one pass over the range instead, bucketed here by the same string bounds.
      const bounds = starts.map(formatTime);
      const counts = new Array<number>(starts.length).fill(0);
      const docs = await this.#shots.find(rangeFilter({ from: formatTime(range.from.getTime()), to: formatTime(range.to.getTime()), ...campaign }));
      for (const doc of docs) {
        let lo = 0;
        let hi = bounds.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if ((bounds[mid] as string) <= doc.receivedAt) lo = mid;
          else hi = mid - 1;
        }
        counts[lo]!++;
      }
      return bounds.map((start, i) => ({ start, count: counts[i]! }));
    }
    return mapLimit(starts, COUNT_CONCURRENCY, async (t) => {
      const start = formatTime(t);
      const end = formatTime(Math.min(t + stepMs, range.to.getTime()));
      const count = await this.#shots.count(rangeFilter({ from: start, to: end, ...campaign }));
      return { start, count };
    });
  }

  /**
   * The campaigns of the shots in a range (`null`: shots of no campaign), the
   * one with the newest shot first, with how many shots each has there. A walk
   * of the campaign index (each step: the newest shot of a campaign not yet
   * seen), as the stores share no "distinct": a few queries per campaign.
   */
  async campaigns(range: { from?: string; to?: string } = {}, max = 500): Promise<CampaignShots[]> {
    if (this.#kind === 'embedded') return this.#campaignsByScan(range, max);
    const seen: string[] = [];
    const out: CampaignShots[] = [];
    while (out.length < max) {
      const newest = await this.#shots.findOne({ ...rangeFilter(range), $and: [{ campaign: { $ne: null } }, { campaign: { $nin: seen } }] }, { sort: { shotNumber: -1 } });
      if (!newest || newest.campaign === null) break;
      seen.push(newest.campaign);
      out.push({ campaign: newest.campaign, shots: await this.#shots.count(rangeFilter({ ...range, campaign: newest.campaign })), lastShotNumber: newest.shotNumber, lastShotAt: newest.receivedAt });
    }
    const none = await this.#shots.findOne(rangeFilter({ ...range, campaign: null }), { sort: { shotNumber: -1 } });
    if (none && out.length < max) {
      const item = { campaign: null, shots: await this.#shots.count(rangeFilter({ ...range, campaign: null })), lastShotNumber: none.shotNumber, lastShotAt: none.receivedAt };
      const at = out.findIndex((c) => c.lastShotNumber < item.lastShotNumber);
      out.splice(at === -1 ? out.length : at, 0, item);
    }
    return out;
  }

  /**
   * Shots in a range that each channel triggered. A channel is known in a shot
   * by its display name (its nickname when it had one), so each channel comes
   * with every name to count it under.
   */
  async triggerCounts(channels: readonly { channel: string; names: readonly string[] }[], range: ShotRange = {}): Promise<{ channel: string; triggers: number }[]> {
    if (this.#kind === 'embedded') {
      // One pass (see countPerInterval): a shot counts once per channel, under any of its names.
      const docs = await this.#shots.find(rangeFilter(range));
      return channels.map(({ channel, names }) => ({ channel, triggers: docs.filter((d) => d.triggeredBy.some((t) => names.includes(t))).length }));
    }
    return mapLimit(channels, COUNT_CONCURRENCY, async ({ channel, names }) => ({
      channel,
      triggers: await this.#shots.count({ ...rangeFilter(range), $or: names.map((n) => ({ triggeredBy: n })) }),
    }));
  }

  /** campaigns() in one pass over the range, for the embedded store (see countPerInterval). */
  async #campaignsByScan(range: { from?: string; to?: string }, max: number): Promise<CampaignShots[]> {
    const byCampaign = new Map<string | null, CampaignShots>();
    for (const doc of await this.#shots.find(rangeFilter(range))) {
      const c = byCampaign.get(doc.campaign);
      if (!c) byCampaign.set(doc.campaign, { campaign: doc.campaign, shots: 1, lastShotNumber: doc.shotNumber, lastShotAt: doc.receivedAt });
      else {
        c.shots++;
        if (doc.shotNumber > c.lastShotNumber) Object.assign(c, { lastShotNumber: doc.shotNumber, lastShotAt: doc.receivedAt });
      }
    }
    return [...byCampaign.values()].sort((a, b) => b.lastShotNumber - a.lastShotNumber).slice(0, max);
  }
}

function rangeFilter(range: ShotRange): Filter {
  const filter: Filter = {};
  if (range.campaign !== undefined) filter.campaign = range.campaign;
  if (range.from !== undefined || range.to !== undefined) {
    filter.receivedAt = { ...(range.from !== undefined && { $gte: range.from }), ...(range.to !== undefined && { $lt: range.to }) };
  }
  return filter;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function toRecord(doc: StoredShot): ShotRecord & { storedAt: string } {
  const { _id, ...record } = doc;
  return record;
}
