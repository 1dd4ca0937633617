// The shot-sheet service, put together: sheets and layouts, diagnostics and
// presets, entries, and the drafts the watcher makes.
import type { Logger } from 'pino';
import type { SettingsService } from '../settings/service.ts';
import type { ShotRepository } from '../store/shots.ts';
import type { Store } from '../store/types.ts';
import { NO_CHOICE_LISTS, type ChoiceSource } from './choices.ts';
import { DiagnosticService } from './diagnostics.ts';
import { DraftMaker, ShotsWithDrafts } from './drafts.ts';
import { EntryService } from './entries.ts';
import { SheetService } from './sheets.ts';

export type { ChoiceSource } from './choices.ts';

export class ShotSheets {
  readonly sheets: SheetService;
  readonly diagnostics: DiagnosticService;
  readonly entries: EntryService;
  readonly drafts: DraftMaker;
  readonly #store: Store;

  constructor(options: { store: Store; shots: ShotRepository; settings: SettingsService; logger: Logger; choices?: ChoiceSource; draftCacheMs?: number }) {
    const choices = options.choices ?? NO_CHOICE_LISTS;
    this.#store = options.store;
    this.sheets = new SheetService(options.store, choices);
    this.diagnostics = new DiagnosticService(options.store, choices);
    this.entries = new EntryService({ store: options.store, sheets: this.sheets, diagnostics: this.diagnostics, shots: options.shots, settings: options.settings });
    this.drafts = new DraftMaker({ sheets: this.sheets, entries: this.entries, logger: options.logger, ...(options.draftCacheMs !== undefined && { cacheMs: options.draftCacheMs }) });
  }

  async init(): Promise<void> {
    await Promise.all([this.sheets.init(), this.diagnostics.init(), this.entries.init()]);
  }

  /** The shots repository for the watcher: stores shots, then makes their drafts. */
  watcherShots(): ShotsWithDrafts {
    return new ShotsWithDrafts(this.#store, this.drafts);
  }
}
