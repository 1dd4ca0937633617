// Drafts from the watcher: for every stored shot, a draft entry in each sheet
// active for the shot's campaign, or else in the default sheet. Made by the
// process that stores shots (roles watcher and all), so a separate api
// process needs nothing from the watcher: it reads the drafts from the store.
//
// The drafts of a batch are written after the shots and before the watcher
// acknowledges the batch; their ids are deterministic (draftId), so a
// redelivered batch finds them and adds nothing. Drafts never hold shots up:
// when they cannot be written after a few tries, the batch goes on and the
// error is logged (an entry can be made by hand and linked to the shot).
import type { Logger } from 'pino';
import type { ShotRecord } from '../shot.ts';
import { ShotRepository } from '../store/shots.ts';
import type { InsertManyResult, Store } from '../store/types.ts';
import type { EntryDoc, EntryService } from './entries.ts';
import type { LayoutDoc, SheetDoc, SheetService } from './sheets.ts';

interface Routing {
  at: number;
  byCampaign: Map<string, SheetDoc[]>;
  fallback: SheetDoc[];
  layouts: Map<string, LayoutDoc>;
}

const ATTEMPTS = 3;

export class DraftMaker {
  readonly #sheets: SheetService;
  readonly #entries: EntryService;
  readonly #logger: Logger;
  readonly #cacheMs: number;
  #routing: Routing | null = null;
  #generation = 0;

  /** `cacheMs`: how long the sheets' routing is reused before it is read again (changes made in this process apply at once). */
  constructor(options: { sheets: SheetService; entries: EntryService; logger: Logger; cacheMs?: number }) {
    this.#sheets = options.sheets;
    this.#entries = options.entries;
    this.#logger = options.logger;
    this.#cacheMs = options.cacheMs ?? 1000;
    this.#sheets.on('change', () => {
      this.#generation++;
      this.#routing = null;
    });
  }

  async #route(): Promise<Routing> {
    if (this.#routing && Date.now() - this.#routing.at < this.#cacheMs) return this.#routing;
    const generation = this.#generation;
    const sheets = await this.#sheets.list();
    const byCampaign = new Map<string, SheetDoc[]>();
    for (const s of sheets) for (const c of s.campaigns) byCampaign.set(c, [...(byCampaign.get(c) ?? []), s]);
    // Should two sheets be marked default (two admins at once), the one changed last wins.
    const defaults = sheets.filter((s) => s.default).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    const routed = new Set([...[...byCampaign.values()].flat(), ...defaults.slice(0, 1)].map((s) => s.name));
    const layouts = new Map<string, LayoutDoc>();
    for (const name of routed) layouts.set(name, await this.#sheets.currentLayout(name));
    const routing: Routing = { at: Date.now(), byCampaign, fallback: defaults.slice(0, 1), layouts };
    if (generation === this.#generation) this.#routing = routing;
    return routing;
  }

  /** The drafts these shots make. */
  async draftsFor(shots: readonly ShotRecord[]): Promise<EntryDoc[]> {
    const routing = await this.#route();
    if (routing.layouts.size === 0) return [];
    const at = new Date().toISOString();
    const drafts: EntryDoc[] = [];
    for (const shot of shots) {
      const targets = (shot.campaign !== null ? routing.byCampaign.get(shot.campaign) : undefined) ?? routing.fallback;
      for (const sheet of targets) {
        const layout = routing.layouts.get(sheet.name);
        if (layout) drafts.push(this.#entries.draftFor(sheet.name, layout, shot, at));
      }
    }
    return drafts;
  }

  /** Makes the drafts of stored shots; never throws (see above). Returns how many were new. */
  async forShots(shots: readonly ShotRecord[]): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#entries.insertDrafts(await this.draftsFor(shots));
      } catch (err) {
        if (attempt >= ATTEMPTS) {
          this.#logger.error({ err, shots: shots.map((s) => s.shotNumber) }, 'could not make shot-sheet drafts for these stored shots');
          return 0;
        }
        this.#routing = null;
        await new Promise((r) => setTimeout(r, 100 * 4 ** attempt));
      }
    }
  }
}

/** The shots repository the watcher writes through: after a batch is stored, its drafts. */
export class ShotsWithDrafts extends ShotRepository {
  readonly #drafts: DraftMaker;

  constructor(store: Store, drafts: DraftMaker) {
    super(store);
    this.#drafts = drafts;
  }

  override async insert(shots: readonly ShotRecord[]): Promise<InsertManyResult> {
    const result = await super.insert(shots);
    await this.#drafts.forShots(shots);
    return result;
  }
}
