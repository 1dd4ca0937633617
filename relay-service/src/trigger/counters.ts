// Per-channel local trigger counters. They belong to the relay (not the
// store) and survive restarts through a small state file; a reset is a
// settings change (`counterResetAt`), so any API process can ask for one.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RelaySettings } from '../settings/types.ts';

interface CounterState {
  count: number;
  /** the counterResetAt this count started from */
  since: string | null;
}

export class TriggerCounters {
  readonly #path: string;
  #counters = new Map<string, CounterState>();
  #dirty = false;

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'trigger-counters.json');
  }

  async load(): Promise<void> {
    try {
      const saved = JSON.parse(await readFile(this.#path, 'utf8')) as Record<string, CounterState>;
      for (const [name, state] of Object.entries(saved)) {
        if (Number.isSafeInteger(state.count)) this.#counters.set(name, { count: state.count, since: state.since ?? null });
      }
    } catch {
      // first start, or an unreadable file: counters start at zero
    }
  }

  /** Zeroes the counters whose reset time changed in the settings. */
  applySettings(settings: RelaySettings): void {
    for (const [name, channel] of Object.entries(settings.channels)) {
      const since = channel.counterResetAt ?? null;
      const state = this.#counters.get(name);
      if (state && state.since !== since) {
        this.#counters.set(name, { count: 0, since });
        this.#dirty = true;
      } else if (!state && since) {
        this.#counters.set(name, { count: 0, since });
      }
    }
  }

  increment(names: readonly string[], settings: RelaySettings): void {
    for (const name of names) {
      const state = this.#counters.get(name);
      if (state) state.count++;
      else this.#counters.set(name, { count: 1, since: settings.channels[name]?.counterResetAt ?? null });
    }
    this.#dirty = true;
  }

  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, s] of this.#counters) out[name] = s.count;
    return out;
  }

  async save(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    const tmp = `${this.#path}.tmp`;
    await writeFile(tmp, JSON.stringify(Object.fromEntries(this.#counters)));
    await rename(tmp, this.#path);
  }
}
