// Keeps a relay's view of the settings current without a restart: it applies
// changes made in this process at once and polls the store for changes made
// by API processes elsewhere. The last settings seen are cached in the data
// dir, so a relay starts (and triggers) while the store is unreachable.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SettingsService } from './service.ts';
import { emptySettings, type RelaySettings } from './types.ts';

export class SettingsFollower {
  readonly #service: SettingsService;
  readonly #cachePath: string;
  readonly #pollMs: number;
  readonly #logger: Logger;
  readonly #onChange: (s: RelaySettings) => void;
  #current: RelaySettings = emptySettings();
  #timer: NodeJS.Timeout | null = null;
  #listener = (s: RelaySettings) => this.#apply(s);
  lastError: string | null = null;

  constructor(options: { service: SettingsService; dataDir: string; pollMs: number; logger: Logger; onChange: (s: RelaySettings) => void }) {
    this.#service = options.service;
    this.#cachePath = join(options.dataDir, 'relay-settings.json');
    this.#pollMs = options.pollMs;
    this.#logger = options.logger;
    this.#onChange = options.onChange;
  }

  get current(): RelaySettings {
    return this.#current;
  }

  async start(): Promise<void> {
    let cached = false;
    try {
      this.#apply(JSON.parse(await readFile(this.#cachePath, 'utf8')) as RelaySettings);
      cached = true;
    } catch {
      // no cache yet
    }
    // With cached settings the relay starts at once; the store is asked in the background
    // (a restart while the store is down must not keep the relay from ingesting).
    const first = this.#poll();
    if (!cached) await first;
    this.#service.on('change', this.#listener);
    this.#timer = setInterval(() => void this.#poll(), this.#pollMs);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    try {
      this.#apply(await this.#service.get());
      if (this.lastError) this.#logger.info('settings store reachable again');
      this.lastError = null;
    } catch (err) {
      if (!this.lastError) this.#logger.warn({ err }, 'cannot read relay settings; using the last known ones');
      this.lastError = (err as Error).message;
    }
  }

  #apply(settings: RelaySettings): void {
    // Versions only grow; an older read (poll racing an in-process change) is ignored.
    if (settings.version <= this.#current.version) return;
    this.#current = settings;
    this.#onChange(settings);
    const tmp = `${this.#cachePath}.tmp`;
    writeFile(tmp, JSON.stringify(settings))
      .then(() => rename(tmp, this.#cachePath))
      .catch((err) => this.#logger.warn({ err }, 'cannot cache relay settings'));
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#service.off('change', this.#listener);
  }
}
