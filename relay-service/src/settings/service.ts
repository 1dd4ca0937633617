// Reads and changes the relay settings document. Writes are optimistic on the
// document's version, so two editors (or an editor and a second API process)
// never overwrite each other silently; every change leaves an audit entry with
// who, when, the old and the new value.
import { EventEmitter } from 'node:events';
import { v7 as uuidv7 } from 'uuid';
import type { Collection, Store } from '../store/types.ts';
import { DuplicateKeyError } from '../store/types.ts';
import {
  emptySettings,
  type AuditEntry,
  type Campaign,
  type ChannelSettings,
  type RelaySettings,
  type TriggerPolicy,
} from './types.ts';

export interface Change {
  target: string;
  action: string;
  old: unknown;
  new: unknown;
}

export class SettingsConflictError extends Error {
  override name = 'SettingsConflictError';
}

/** A refused change: the message says which field and why. */
export class SettingsValidationError extends Error {
  override name = 'SettingsValidationError';
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

const MAX_ATTEMPTS = 20;

export class SettingsService extends EventEmitter<{ change: [RelaySettings] }> {
  readonly #settings: Collection<RelaySettings>;
  readonly #audit: Collection<AuditEntry>;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(store: Store) {
    super();
    this.#settings = store.collection<RelaySettings>('relay_settings');
    this.#audit = store.collection<AuditEntry>('audit');
  }

  async init(): Promise<void> {
    await this.#audit.createIndexes([{ keys: { at: -1 } }, { keys: { target: 1, at: -1 } }]);
  }

  async get(): Promise<RelaySettings> {
    return (await this.#settings.findOne({ _id: 'relay' })) ?? emptySettings();
  }

  /**
   * Applies `mutate` to the current settings and stores the result if the
   * document did not change in between (retrying on a concurrent change).
   * `mutate` returns the changes it made, or an empty list for "nothing to do".
   */
  update(by: string, mutate: (draft: RelaySettings) => Change[]): Promise<{ settings: RelaySettings; changes: Change[] }> {
    // Writers in this process take turns; the version check settles races with other processes.
    const run = this.#queue.then(() => this.#update(by, mutate));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #update(by: string, mutate: (draft: RelaySettings) => Change[]): Promise<{ settings: RelaySettings; changes: Change[] }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      const current = await this.get();
      const draft = structuredClone(current);
      const changes = mutate(draft);
      if (changes.length === 0) return { settings: current, changes };
      const now = new Date().toISOString();
      const next: RelaySettings = { ...draft, _id: 'relay', version: current.version + 1, updatedAt: now, updatedBy: by };
      const stored = await this.#store(current.version, next);
      if (!stored) continue;
      await this.#audit.insertMany(
        changes.map((c) => ({ _id: uuidv7(), at: now, by, target: c.target, action: c.action, old: c.old ?? null, new: c.new ?? null })),
      );
      this.emit('change', next);
      return { settings: next, changes };
    }
    throw new SettingsConflictError('the relay settings kept changing under this update; try again');
  }

  async #store(expectedVersion: number, next: RelaySettings): Promise<boolean> {
    if (expectedVersion === 0) {
      try {
        await this.#settings.insertOne(next);
        return true;
      } catch (err) {
        if (err instanceof DuplicateKeyError) return false;
        throw err;
      }
    }
    const { _id, ...fields } = next;
    const result = await this.#settings.updateOne({ _id, version: expectedVersion }, { $set: fields });
    return result.matched === 1;
  }

  setChannel(name: string, patch: Partial<ChannelSettings>, by: string) {
    return this.update(by, (draft) => {
      const old = draft.channels[name];
      const merged: ChannelSettings = { enabled: true, rule: null, ...old, ...patch };
      if (merged.nickname !== undefined) {
        const clash = Object.entries(draft.channels).find(([other, s]) => other !== name && (s.nickname === merged.nickname || other === merged.nickname));
        if (clash) throw new SettingsValidationError('nickname', `"${merged.nickname}" is already used by channel ${clash[0]}`);
      }
      if (JSON.stringify(old) === JSON.stringify(merged)) return [];
      draft.channels[name] = merged;
      return [{ target: `channel:${name}`, action: old ? 'update' : 'create', old: old ?? null, new: merged }];
    });
  }

  resetCounter(name: string, by: string) {
    return this.update(by, (draft) => {
      const old = draft.channels[name] ?? { enabled: true, rule: null };
      const next = { ...old, counterResetAt: new Date().toISOString() };
      draft.channels[name] = next;
      return [{ target: `channel:${name}`, action: 'reset-counter', old: old.counterResetAt ?? null, new: next.counterResetAt }];
    });
  }

  setPolicy(policy: TriggerPolicy, by: string) {
    return this.update(by, (draft) => {
      if (JSON.stringify(draft.policy) === JSON.stringify(policy)) return [];
      const old = draft.policy;
      draft.policy = policy;
      return [{ target: 'policy', action: 'update', old, new: policy }];
    });
  }

  startCampaign(campaign: { name: string; note?: string }, by: string) {
    return this.update(by, (draft) => {
      const old = draft.campaign;
      const next: Campaign = { name: campaign.name, startedAt: new Date().toISOString(), startedBy: by };
      if (campaign.note !== undefined) next.note = campaign.note;
      draft.campaign = next;
      return [{ target: 'campaign', action: 'start', old, new: next }];
    });
  }

  endCampaign(by: string) {
    return this.update(by, (draft) => {
      if (!draft.campaign) return [];
      const old = draft.campaign;
      draft.campaign = null;
      return [{ target: 'campaign', action: 'end', old, new: null }];
    });
  }

  listAudit(query: { limit: number; target?: string }): Promise<AuditEntry[]> {
    const filter = query.target ? { target: query.target } : {};
    return this.#audit.find(filter, { sort: { at: -1, _id: -1 }, limit: query.limit });
  }
}
