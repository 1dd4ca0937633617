// Diagnostics and presets of a sheet.
//
// A diagnostic (`sheet_diagnostics`, _id = `<sheet>:<name>`) has typed
// settings fields (the field types of layouts, without the diagnostics
// block). An entry carries, per diagnostic, `{ active, settings }`; settings
// are validated against the diagnostic's definition when a write sets them
// (required settings only while the diagnostic is active and the entry is
// complete). A preset (`sheet_presets`) is a named set of such blocks that
// prefills an entry.
import type { Collection, Store } from '../store/types.ts';
import { DuplicateKeyError } from '../store/types.ts';
import { ApiError, invalid } from '../api/errors.ts';
import type { ChoiceSource } from './choices.ts';
import { checkDefinitions, type Detail, type FieldDef, type Located } from './fields.ts';
import { checkChoices, checkDefinitionValues, validateValues, ValidatorCache, type CompiledFields } from './validator.ts';

export interface DiagnosticBlock {
  active: boolean;
  settings: Record<string, unknown>;
}

export interface DiagnosticDoc {
  _id: string;
  sheet: string;
  name: string;
  label: string;
  help?: string;
  fields: FieldDef[];
  revision: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface PresetDoc {
  _id: string;
  sheet: string;
  name: string;
  label: string;
  diagnostics: Record<string, DiagnosticBlock>;
  revision: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export type Diagnostic = Omit<DiagnosticDoc, '_id'>;
export type Preset = Omit<PresetDoc, '_id'>;

const MAX_SETTINGS = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function diagnosticView(doc: DiagnosticDoc): Diagnostic {
  const { _id, ...rest } = doc;
  return rest;
}

export function presetView(doc: PresetDoc): Preset {
  const { _id, ...rest } = doc;
  return rest;
}

/** Which settings a write changes, per diagnostic ('all': check every setting). */
export type ChangedSettings = Map<string, Set<string> | 'all'>;

export class DiagnosticService {
  readonly #diagnostics: Collection<DiagnosticDoc>;
  readonly #presets: Collection<PresetDoc>;
  readonly #choices: ChoiceSource;
  readonly #validators = new ValidatorCache();

  constructor(store: Store, choices: ChoiceSource) {
    this.#diagnostics = store.collection<DiagnosticDoc>('sheet_diagnostics');
    this.#presets = store.collection<PresetDoc>('sheet_presets');
    this.#choices = choices;
  }

  async init(): Promise<void> {
    await this.#diagnostics.createIndexes([{ keys: { sheet: 1, name: 1 }, name: 'sheet_name' }]);
    await this.#presets.createIndexes([{ keys: { sheet: 1, name: 1 }, name: 'sheet_name' }]);
  }

  list(sheet: string): Promise<DiagnosticDoc[]> {
    return this.#diagnostics.find({ sheet }, { sort: { name: 1 } });
  }

  get(sheet: string, name: string): Promise<DiagnosticDoc | null> {
    return this.#diagnostics.findOne({ _id: `${sheet}:${name}` });
  }

  async byName(sheet: string): Promise<Map<string, DiagnosticDoc>> {
    return new Map((await this.list(sheet)).map((d) => [d.name, d]));
  }

  compiled(doc: DiagnosticDoc): CompiledFields {
    return this.#validators.get(`${doc.sheet}:${doc.name}@${doc.revision}`, () => doc.fields);
  }

  /** Creates or replaces a diagnostic definition. */
  async put(sheet: string, name: string, body: { label: string; help?: string; fields: unknown[] }, by: string): Promise<{ doc: DiagnosticDoc; created: boolean }> {
    if (body.fields.length > MAX_SETTINGS) throw invalid([{ field: 'fields', message: `at most ${MAX_SETTINGS} settings` }]);
    const located: Located[] = body.fields.map((def, i) => ({ path: `fields.${i}`, def }));
    const { defs, details } = checkDefinitions(located, { allowDiagnosticsBlock: false });
    if (details.length === 0) details.push(...(await checkDefinitionValues(located, defs, this.#choices)));
    if (details.length > 0) throw invalid(details, 'diagnostic');
    const now = new Date().toISOString();
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.get(sheet, name);
      if (!current) {
        const doc: DiagnosticDoc = {
          _id: `${sheet}:${name}`,
          sheet,
          name,
          label: body.label,
          ...(body.help !== undefined && { help: body.help }),
          fields: defs,
          revision: 1,
          createdAt: now,
          createdBy: by,
          updatedAt: now,
          updatedBy: by,
        };
        try {
          await this.#diagnostics.insertOne(doc);
          return { doc, created: true };
        } catch (err) {
          if (err instanceof DuplicateKeyError) continue;
          throw err;
        }
      }
      const set = { label: body.label, fields: defs, revision: current.revision + 1, updatedAt: now, updatedBy: by };
      const doc = await this.#diagnostics.findOneAndUpdate(
        { _id: current._id, revision: current.revision },
        body.help !== undefined ? { $set: { ...set, help: body.help } } : { $set: set, $unset: { help: true } },
      );
      if (doc) return { doc, created: false };
    }
    throw new ApiError(409, `diagnostic "${name}" kept changing under this update; try again`);
  }

  /** Removes a definition (entries keep their settings); refused while a preset uses it. */
  async delete(sheet: string, name: string): Promise<boolean> {
    const users = (await this.listPresets(sheet)).filter((p) => Object.hasOwn(p.diagnostics, name)).map((p) => p.name);
    if (users.length > 0) throw new ApiError(409, `diagnostic "${name}" is used by preset${users.length > 1 ? 's' : ''} ${users.join(', ')}: change or delete ${users.length > 1 ? 'them' : 'it'} first`);
    return (await this.#diagnostics.deleteMany({ _id: `${sheet}:${name}` })) > 0;
  }

  /**
   * Validates diagnostic blocks: each must name a diagnostic of the sheet;
   * settings are checked against its definition (`complete`: required
   * settings of active diagnostics must be there). Only the blocks in
   * `changed` are checked (all when omitted); choice membership only for the
   * settings that changed.
   */
  async checkBlocks(
    definitions: ReadonlyMap<string, DiagnosticDoc>,
    blocks: Record<string, DiagnosticBlock>,
    options: { complete: boolean; changed?: ChangedSettings; prefix?: string },
  ): Promise<Detail[]> {
    const prefix = options.prefix ?? 'diagnostics';
    const details: Detail[] = [];
    const lists = new Map<string, Promise<string[] | null>>();
    for (const [name, block] of Object.entries(blocks)) {
      const changed = options.changed ? options.changed.get(name) : 'all';
      if (changed === undefined) continue;
      const at = `${prefix}.${name}`;
      const def = definitions.get(name);
      if (!def) {
        details.push({ field: at, message: `no diagnostic "${name}" in this sheet` });
        continue;
      }
      if (typeof block.active !== 'boolean') details.push({ field: `${at}.active`, message: 'must be true or false' });
      if (!isObject(block.settings)) {
        details.push({ field: `${at}.settings`, message: 'must be an object' });
        continue;
      }
      const compiled = this.compiled(def);
      details.push(...validateValues(compiled, block.settings, options.complete && block.active ? 'complete' : 'draft', `${at}.settings`));
      const keys = changed === 'all' ? Object.keys(block.settings) : changed;
      details.push(...(await checkChoices(compiled, block.settings, keys, this.#choices, `${at}.settings`, lists)));
    }
    return details;
  }

  // -------------------------------------------------------------------------
  // Presets

  listPresets(sheet: string): Promise<PresetDoc[]> {
    return this.#presets.find({ sheet }, { sort: { name: 1 } });
  }

  getPreset(sheet: string, name: string): Promise<PresetDoc | null> {
    return this.#presets.findOne({ _id: `${sheet}:${name}` });
  }

  async putPreset(sheet: string, name: string, body: { label?: string; diagnostics: Record<string, { active?: boolean; settings?: Record<string, unknown> }> }, by: string): Promise<{ doc: PresetDoc; created: boolean }> {
    const blocks: Record<string, DiagnosticBlock> = {};
    for (const [diag, block] of Object.entries(body.diagnostics)) blocks[diag] = { active: block.active ?? true, settings: block.settings ?? {} };
    const details = await this.checkBlocks(await this.byName(sheet), blocks, { complete: false });
    if (details.length > 0) throw invalid(details, 'preset');
    const now = new Date().toISOString();
    const label = body.label ?? name;
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.getPreset(sheet, name);
      if (!current) {
        const doc: PresetDoc = { _id: `${sheet}:${name}`, sheet, name, label, diagnostics: blocks, revision: 1, createdAt: now, createdBy: by, updatedAt: now, updatedBy: by };
        try {
          await this.#presets.insertOne(doc);
          return { doc, created: true };
        } catch (err) {
          if (err instanceof DuplicateKeyError) continue;
          throw err;
        }
      }
      const doc = await this.#presets.findOneAndUpdate(
        { _id: current._id, revision: current.revision },
        { $set: { label, diagnostics: blocks, revision: current.revision + 1, updatedAt: now, updatedBy: by } },
      );
      if (doc) return { doc, created: false };
    }
    throw new ApiError(409, `preset "${name}" kept changing under this update; try again`);
  }

  async deletePreset(sheet: string, name: string): Promise<boolean> {
    return (await this.#presets.deleteMany({ _id: `${sheet}:${name}` })) > 0;
  }
}

