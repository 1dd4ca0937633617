// Syncing choice lists from the lab's MediaWiki: on demand (POST
// /api/v1/choices/{list}/sync) and periodically (ChoiceSyncScheduler, in the
// api/all process). A sync reads the page, extracts the items, and stores them
// only when everything went well; otherwise the list keeps its last good
// items and records `sync.lastError { at, message }`. Nothing waits on a sync:
// entries are checked against the stored items whatever the wiki is doing.
import type { Logger } from 'pino';
import { WikiExtractError } from './wikitext.ts';
import { DEFAULT_WIKI_LIMITS, extractItems, fetchWikitext, WikiError, type WikiLimits } from './wiki.ts';
import type { ChoiceService } from './service.ts';
import { DEFAULT_SYNC_MAX_ITEMS, MAX_VALUE_LENGTH, type ChoiceListDoc, type WikiSourceConfig } from './types.ts';

const MAX_WARNINGS = 20;

export interface SyncOutcome {
  ok: boolean;
  /** the list after the sync; null when it is gone or its source changed meanwhile */
  list: ChoiceListDoc | null;
  error?: string;
}

/** Values from extracted items: control characters out, too long ones left out (with a warning), duplicates once. */
export function cleanItems(raw: readonly string[], maxItems: number): { values: string[]; warnings: string[] } | { error: string } {
  const values: string[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const item of raw) {
    const value = item.replace(/[\u0000-\u001f\u007f]/g, ' ').normalize('NFC').replace(/\s+/gu, ' ').trim();
    if (!value) continue;
    if (value.length > MAX_VALUE_LENGTH) {
      if (warnings.length < MAX_WARNINGS) warnings.push(`left out "${value.slice(0, 60)}…": longer than ${MAX_VALUE_LENGTH} characters`);
      else skipped++;
      continue;
    }
    if (seen.has(value)) continue;
    seen.add(value);
    values.push(value);
  }
  if (skipped > 0) warnings.push(`and ${skipped} more items left out`);
  if (values.length === 0) return { error: 'no items found on the page (the list keeps its items)' };
  if (values.length > maxItems) return { error: `the page has ${values.length} items, more than the limit of ${maxItems} (the list keeps its items)` };
  return { values, warnings };
}

export interface ChoiceSyncerOptions {
  choices: ChoiceService;
  logger: Logger;
  limits?: Partial<WikiLimits>;
  now?: () => Date;
}

export class ChoiceSyncer {
  readonly #choices: ChoiceService;
  readonly #logger: Logger;
  readonly #limits: WikiLimits;
  readonly #now: () => Date;

  constructor(options: ChoiceSyncerOptions) {
    this.#choices = options.choices;
    this.#logger = options.logger;
    this.#limits = { ...DEFAULT_WIKI_LIMITS, ...options.limits };
    this.#now = options.now ?? (() => new Date());
  }

  /** Reads the source's page and stores the outcome. Never throws for a wiki problem (the outcome says it). */
  async syncSource(name: string, source: WikiSourceConfig, signal?: AbortSignal): Promise<SyncOutcome> {
    let outcome: { values: string[]; warnings: string[] } | { error: string };
    try {
      const wikitext = await fetchWikitext(source, this.#limits, signal);
      outcome = cleanItems(extractItems(wikitext, source), source.maxItems ?? DEFAULT_SYNC_MAX_ITEMS);
    } catch (err) {
      if (!(err instanceof WikiError || err instanceof WikiExtractError)) {
        this.#logger.error({ err, list: name }, 'choice list sync failed unexpectedly');
      }
      outcome = { error: err instanceof WikiError || err instanceof WikiExtractError ? err.message : `internal error: ${(err as Error).message}` };
    }
    const list = await this.#choices.recordSync(name, source, outcome, this.#now());
    if ('error' in outcome) {
      this.#logger.warn({ list: name, page: source.page, error: outcome.error }, 'choice list sync failed; the list keeps its items');
      return { ok: false, list, error: outcome.error };
    }
    this.#logger.info({ list: name, page: source.page, items: outcome.values.length }, 'choice list synced');
    return { ok: true, list };
  }
}

export interface SchedulerOptions {
  choices: ChoiceService;
  syncer: ChoiceSyncer;
  logger: Logger;
  /** how often due lists are looked for (default 30 s) */
  checkEveryMs?: number;
}

/** Syncs lists whose interval has come, one at a time, in the background. */
export class ChoiceSyncScheduler {
  readonly #choices: ChoiceService;
  readonly #syncer: ChoiceSyncer;
  readonly #logger: Logger;
  readonly #every: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | null = null;
  #stopped = false;
  readonly #abort = new AbortController();

  constructor(options: SchedulerOptions) {
    this.#choices = options.choices;
    this.#syncer = options.syncer;
    this.#logger = options.logger;
    this.#every = options.checkEveryMs ?? 30_000;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.tick().finally(() => this.#schedule(this.#every));
    }, delay);
    this.#timer.unref();
  }

  /** Syncs every list due at `now`; resolves with how many were synced. Never rejects. */
  tick(now: Date = new Date()): Promise<number> {
    if (this.#running) return this.#running;
    this.#running = this.#tick(now).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #tick(now: Date): Promise<number> {
    let synced = 0;
    try {
      for (const doc of await this.#choices.due(now)) {
        if (this.#stopped || !doc.source) break;
        const lease = new Date(now.getTime() + (doc.source.intervalMinutes ?? 60) * 60_000);
        if (!(await this.#choices.claim(doc, lease))) continue;
        await this.#syncer.syncSource(doc.name, doc.source, this.#abort.signal);
        synced++;
      }
    } catch (err) {
      this.#logger.warn({ err }, 'choice list sync round failed; trying again later');
    }
    return synced;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#running;
  }
}
