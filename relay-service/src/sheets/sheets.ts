// Shot sheets and their versioned layouts.
//
// A sheet (`sheets`, _id = its name) is one independent shot sheet: its own
// layout, diagnostics, presets and entries. It can be active for campaigns
// and one sheet can be the default: the watcher puts a draft for each stored
// shot into the sheets active for the shot's campaign, or else the default.
//
// Layouts (`sheet_layouts`, _id = `<sheet>:<version>`) are never changed:
// storing a layout makes the next version, and an entry keeps the version it
// was written with. The highest stored version is the current one (the
// sheet's `layoutVersion` follows it); two concurrent stores cannot take the
// same number (the _id is unique): the later one is refused with a conflict.
import { EventEmitter } from 'node:events';
import type { Collection, Store } from '../store/types.ts';
import { DuplicateKeyError } from '../store/types.ts';
import { ApiError, invalid } from '../api/errors.ts';
import type { ChoiceSource } from './choices.ts';
import { checkDefinitions, SLUG, SLUG_TEXT, type Detail, type FieldDef, type Located } from './fields.ts';
import { checkDefinitionValues, ValidatorCache, type CompiledFields } from './validator.ts';

export const SHEET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface SheetDoc {
  _id: string;
  name: string;
  title: string;
  archived: boolean;
  /** drafts of shots whose campaign has no active sheet go here */
  default: boolean;
  /** campaigns this sheet is active for: the watcher puts their shots' drafts here */
  campaigns: string[];
  /** the current layout version */
  layoutVersion: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface Section {
  key?: string;
  title: string;
  fields: FieldDef[];
}

export interface LayoutDoc {
  _id: string;
  sheet: string;
  version: number;
  sections: Section[];
  createdAt: string;
  createdBy: string;
}

export type Sheet = Omit<SheetDoc, '_id'>;
export type Layout = Omit<LayoutDoc, '_id'>;

const MAX_SECTIONS = 100;
const MAX_FIELDS = 1000;
const MAX_CAMPAIGNS = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function sheetView(doc: SheetDoc): Sheet {
  const { _id, ...rest } = doc;
  return rest;
}

export function layoutView(doc: LayoutDoc): Layout {
  const { _id, ...rest } = doc;
  return rest;
}

/** All field definitions of a layout, in order. */
export function layoutFields(sections: readonly Section[]): FieldDef[] {
  return sections.flatMap((s) => s.fields);
}

/** Checks a layout as given (`{ sections }`); 400 naming every problem's path (under `prefix`, e.g. `layout`). */
export async function checkLayout(body: unknown, choices: ChoiceSource, prefix = ''): Promise<Section[]> {
  try {
    return await checkLayoutAt(body, choices);
  } catch (err) {
    if (!prefix || !(err instanceof ApiError) || !err.details) throw err;
    throw invalid(err.details.map((d) => ({ field: `${prefix}.${d.field}`, message: d.message })), 'layout');
  }
}

async function checkLayoutAt(body: unknown, choices: ChoiceSource): Promise<Section[]> {
  const details: Detail[] = [];
  if (!isObject(body)) throw invalid([{ field: 'body', message: 'must be an object { sections: [...] }' }], 'layout');
  for (const k of Object.keys(body)) if (k !== 'sections') details.push({ field: k, message: 'not a property of a layout (sections)' });
  const sections = body.sections;
  if (!Array.isArray(sections) || sections.length > MAX_SECTIONS) throw invalid([...details, { field: 'sections', message: `must be a list of at most ${MAX_SECTIONS} sections` }], 'layout');
  const located: Located[] = [];
  const sectionKeys = new Set<string>();
  sections.forEach((s, i) => {
    const at = `sections.${i}`;
    if (!isObject(s)) return details.push({ field: at, message: 'must be an object { title, fields }' });
    for (const k of Object.keys(s)) if (!['key', 'title', 'fields'].includes(k)) details.push({ field: `${at}.${k}`, message: 'not a property of a section (key, title, fields)' });
    if (typeof s.title !== 'string' || s.title.length === 0 || s.title.length > 200) details.push({ field: `${at}.title`, message: 'must be text of 1 to 200 characters' });
    if (s.key !== undefined) {
      if (typeof s.key !== 'string' || !SLUG.test(s.key)) details.push({ field: `${at}.key`, message: `must be ${SLUG_TEXT}` });
      else if (sectionKeys.has(s.key)) details.push({ field: `${at}.key`, message: `duplicate section key "${s.key}"` });
      else sectionKeys.add(s.key);
    }
    if (!Array.isArray(s.fields)) return details.push({ field: `${at}.fields`, message: 'must be a list of fields' });
    s.fields.forEach((def, j) => located.push({ path: `${at}.fields.${j}`, def }));
    return undefined;
  });
  if (located.length > MAX_FIELDS) details.push({ field: 'sections', message: `at most ${MAX_FIELDS} fields in a layout (${located.length} given)` });
  const { defs, details: defDetails } = checkDefinitions(located, { allowDiagnosticsBlock: true });
  details.push(...defDetails);
  if (details.length === 0) details.push(...(await checkDefinitionValues(located, defs, choices)));
  if (details.length > 0) throw invalid(details, 'layout');
  return sections as Section[];
}

export interface SheetInput {
  name: string;
  title: string;
  default?: boolean;
  campaigns?: string[];
  layout?: unknown;
}

export interface SheetPatch {
  title?: string;
  archived?: boolean;
  default?: boolean;
  campaigns?: string[];
}

function checkCampaigns(campaigns: string[] | undefined): void {
  if (campaigns === undefined) return;
  const details: Detail[] = [];
  if (campaigns.length > MAX_CAMPAIGNS) details.push({ field: 'campaigns', message: `at most ${MAX_CAMPAIGNS}` });
  if (new Set(campaigns).size !== campaigns.length) details.push({ field: 'campaigns', message: 'lists a campaign twice' });
  if (details.length > 0) throw invalid(details);
}

export class SheetService extends EventEmitter<{ change: [string] }> {
  readonly #sheets: Collection<SheetDoc>;
  readonly #layouts: Collection<LayoutDoc>;
  readonly #choices: ChoiceSource;
  readonly #validators = new ValidatorCache();

  constructor(store: Store, choices: ChoiceSource) {
    super();
    this.#sheets = store.collection<SheetDoc>('sheets');
    this.#layouts = store.collection<LayoutDoc>('sheet_layouts');
    this.#choices = choices;
  }

  async init(): Promise<void> {
    await this.#layouts.createIndexes([{ keys: { sheet: 1, version: -1 }, unique: true, name: 'sheet_version' }]);
  }

  list(options: { includeArchived?: boolean } = {}): Promise<SheetDoc[]> {
    return this.#sheets.find(options.includeArchived ? {} : { archived: false }, { sort: { name: 1 } });
  }

  get(name: string): Promise<SheetDoc | null> {
    return this.#sheets.findOne({ _id: name });
  }

  /** The sheet, or 404. */
  async require(name: string): Promise<SheetDoc> {
    const sheet = await this.get(name);
    if (!sheet) throw new ApiError(404, `no sheet "${name}"`);
    return sheet;
  }

  async create(input: SheetInput, by: string): Promise<{ sheet: SheetDoc; layout: LayoutDoc }> {
    checkCampaigns(input.campaigns);
    const sections = input.layout === undefined ? [] : await checkLayout(input.layout, this.#choices, 'layout');
    const now = new Date().toISOString();
    const sheet: SheetDoc = {
      _id: input.name,
      name: input.name,
      title: input.title,
      archived: false,
      default: input.default === true,
      campaigns: input.campaigns ?? [],
      layoutVersion: 1,
      createdAt: now,
      createdBy: by,
      updatedAt: now,
      updatedBy: by,
    };
    const layout: LayoutDoc = { _id: `${input.name}:1`, sheet: input.name, version: 1, sections, createdAt: now, createdBy: by };
    try {
      await this.#sheets.insertOne(sheet);
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw new ApiError(409, `a sheet "${input.name}" exists already`);
      throw err;
    }
    try {
      await this.#layouts.insertOne(layout);
    } catch (err) {
      await this.#sheets.deleteMany({ _id: sheet._id }).catch(() => undefined);
      throw err;
    }
    if (sheet.default) await this.#clearOtherDefaults(sheet.name, by);
    this.emit('change', sheet.name);
    return { sheet, layout };
  }

  async update(name: string, patch: SheetPatch, by: string): Promise<SheetDoc> {
    checkCampaigns(patch.campaigns);
    await this.require(name);
    const set: Record<string, unknown> = { updatedAt: new Date().toISOString(), updatedBy: by };
    for (const key of ['title', 'archived', 'default', 'campaigns'] as const) if (patch[key] !== undefined) set[key] = patch[key];
    const doc = await this.#sheets.findOneAndUpdate({ _id: name }, { $set: set });
    if (!doc) throw new ApiError(404, `no sheet "${name}"`);
    if (patch.default === true) await this.#clearOtherDefaults(name, by);
    this.emit('change', name);
    return doc;
  }

  async #clearOtherDefaults(name: string, by: string): Promise<void> {
    const others = await this.#sheets.find({ default: true, _id: { $ne: name } });
    for (const other of others) await this.#sheets.updateOne({ _id: other._id }, { $set: { default: false, updatedAt: new Date().toISOString(), updatedBy: by } });
  }

  /** The current layout of a sheet (its highest version). */
  async currentLayout(sheet: string): Promise<LayoutDoc> {
    const doc = await this.#layouts.findOne({ sheet }, { sort: { version: -1 } });
    // A create stopped between the sheet and its first layout: version 1 is empty.
    return doc ?? { _id: `${sheet}:1`, sheet, version: 1, sections: [], createdAt: new Date(0).toISOString(), createdBy: 'system' };
  }

  async layout(sheet: string, version: number): Promise<LayoutDoc | null> {
    const doc = await this.#layouts.findOne({ _id: `${sheet}:${version}` });
    if (doc || version !== 1) return doc;
    const current = await this.currentLayout(sheet);
    return current.version === 1 ? current : null;
  }

  async listLayoutVersions(sheet: string): Promise<{ version: number; createdAt: string; createdBy: string }[]> {
    const docs = await this.#layouts.find({ sheet }, { sort: { version: -1 } });
    return docs.map((d) => ({ version: d.version, createdAt: d.createdAt, createdBy: d.createdBy }));
  }

  /**
   * Stores a layout as the next version. `expected`: the version the caller
   * edited (If-Match); a newer current version is a 409.
   */
  async putLayout(sheet: string, body: unknown, by: string, expected?: number): Promise<LayoutDoc> {
    await this.require(sheet);
    const sections = await checkLayout(body, this.#choices);
    const current = await this.currentLayout(sheet);
    if (expected !== undefined && expected !== current.version) {
      throw new ApiError(409, `the layout is at version ${current.version}, not ${expected}: reload it and apply your change there`, { body: { current: layoutView(current) }, headers: { etag: `"${current.version}"` } });
    }
    const version = current.version + 1;
    const doc: LayoutDoc = { _id: `${sheet}:${version}`, sheet, version, sections, createdAt: new Date().toISOString(), createdBy: by };
    try {
      await this.#layouts.insertOne(doc);
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw new ApiError(409, `another layout was stored as version ${version} at the same time: reload and try again`);
      throw err;
    }
    await this.#sheets.updateOne({ _id: sheet, layoutVersion: { $lt: version } }, { $set: { layoutVersion: version, updatedAt: doc.createdAt, updatedBy: by } });
    this.emit('change', sheet);
    return doc;
  }

  /** The compiled validators of a layout version (cached: a version never changes). */
  compiled(layout: LayoutDoc): CompiledFields {
    return this.#validators.get(`${layout.sheet}:${layout.version}`, () => layoutFields(layout.sections));
  }

  get choices(): ChoiceSource {
    return this.#choices;
  }
}
