// Choice lists: named, ordered lists of values (targets, gases, operators, …)
// that select and multiselect fields of shot-sheet layouts draw from. A list is
// edited through the API or synced from a page of the lab's MediaWiki.
import { Type, type Static } from '@sinclair/typebox';

/** What the layout validator needs (src/sheets/choices.ts declares the same shape). */
export interface ChoiceSource {
  /** The list's current item values in order, or null when there is no list by that name. */
  items(list: string): Promise<string[] | null>;
}

export const LIST_NAME = '^[a-z0-9][a-z0-9_-]{0,63}$';
export const MAX_ITEMS = 5000;
export const MAX_VALUE_LENGTH = 200;
export const DEFAULT_SYNC_MAX_ITEMS = 1000;

export const ListNameSchema = Type.String({ pattern: LIST_NAME, description: "a choice list's name: lower-case letters, digits, _ or - (at most 64)" });

export const ChoiceItemSchema = Type.Object(
  {
    value: Type.String({ minLength: 1, maxLength: MAX_VALUE_LENGTH, description: 'what entries store' }),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'what forms show, when not the value' })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type ChoiceItem = Static<typeof ChoiceItemSchema>;

/** An item as given: its value alone, or the value with a label and a description. */
export const ChoiceItemInputSchema = Type.Union([Type.String({ minLength: 1, maxLength: MAX_VALUE_LENGTH }), ChoiceItemSchema]);
export type ChoiceItemInput = Static<typeof ChoiceItemInputSchema>;

export const WikiSourceSchema = Type.Object(
  {
    wikiUrl: Type.String({ minLength: 1, maxLength: 500, description: "the wiki's address (its api.php is used), http or https" }),
    page: Type.String({ minLength: 1, maxLength: 255, description: 'page title' }),
    section: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'only the part of the page under this heading' })),
    column: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'a wikitable column by its header; without it, the list items (* or #)' })),
    api: Type.Optional(Type.Union([Type.Literal('parse'), Type.Literal('query')], { description: 'Action API module to read the page with (default parse)' })),
    intervalMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080, description: 'sync every this many minutes; without it, only on demand' })),
    maxItems: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ITEMS, description: `a page with more items fails to sync (default ${DEFAULT_SYNC_MAX_ITEMS})` })),
  },
  { additionalProperties: false },
);
export type WikiSourceConfig = Static<typeof WikiSourceSchema>;

export const SyncStatusSchema = Type.Object({
  lastSyncAt: Type.Union([Type.String(), Type.Null()], { description: 'last successful sync' }),
  lastAttemptAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.Object({ at: Type.String(), message: Type.String() }), Type.Null()], { description: 'the last attempt failed: the list kept its items' }),
  nextSyncAt: Type.Union([Type.String(), Type.Null()], { description: 'when the scheduler syncs next (null: on demand only)' }),
  warnings: Type.Array(Type.String(), { description: 'items of the page that were left out, and why' }),
});
export type SyncStatus = Static<typeof SyncStatusSchema>;

export interface ChoiceListDoc {
  _id: string;
  name: string;
  description: string;
  items: ChoiceItem[];
  source: WikiSourceConfig | null;
  sync: SyncStatus | null;
  /** bumped by every change of description, items or source (not by sync status updates) */
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export const ChoiceListSchema = Type.Object({
  name: Type.String(),
  description: Type.String(),
  items: Type.Array(ChoiceItemSchema),
  source: Type.Union([WikiSourceSchema, Type.Null()]),
  sync: Type.Union([SyncStatusSchema, Type.Null()]),
  version: Type.Integer(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});
export type ChoiceList = Static<typeof ChoiceListSchema>;

export const ChoiceListSummarySchema = Type.Object({
  name: Type.String(),
  description: Type.String(),
  count: Type.Integer(),
  synced: Type.Boolean({ description: 'items come from a wiki page' }),
  lastSyncAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.Object({ at: Type.String(), message: Type.String() }), Type.Null()]),
  version: Type.Integer(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});
export type ChoiceListSummary = Static<typeof ChoiceListSummarySchema>;

export const PutListSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    items: Type.Optional(Type.Array(ChoiceItemInputSchema, { maxItems: MAX_ITEMS })),
    source: Type.Optional(Type.Union([WikiSourceSchema, Type.Null()], { description: 'sync the items from a wiki page (then items cannot be given); null: edited here' })),
  },
  { additionalProperties: false },
);
export type PutList = Static<typeof PutListSchema>;

export const PatchListSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    add: Type.Optional(Type.Array(ChoiceItemInputSchema, { minItems: 1, maxItems: MAX_ITEMS, description: 'appended in order' })),
    remove: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: MAX_VALUE_LENGTH }), { minItems: 1, maxItems: MAX_ITEMS, description: 'values to remove' })),
    source: Type.Optional(Type.Union([WikiSourceSchema, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchList = Static<typeof PatchListSchema>;
