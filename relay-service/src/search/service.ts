// Runs compiled searches against the entries collection: one page with its
// total and the cursor of the next, or every page in turn (exports). Entry
// documents are written by the shot-sheet code; search only reads them.
import type { Collection, Doc, Store } from '../store/types.ts';
import { cursorAfter, pageFilter, positionOf, type CompiledSearch, type CursorPosition } from './query.ts';

export const ENTRIES_COLLECTION = 'entries';

/** An entry as stored (see docs/search.md for the fields search relies on). */
export interface EntryDoc extends Doc {
  [field: string]: unknown;
}

/** An entry as search returns it, as the entries API shows one: `id`, without the derived `text` and `shotKey`. */
export type EntryItem = { id: string } & Record<string, unknown>;

export interface SearchPage {
  items: EntryItem[];
  /** entries matching the search (all pages) */
  total: number;
  /** pass as `cursor` for the next page; null on the last page */
  nextCursor: string | null;
}

export function toItem(doc: EntryDoc): EntryItem {
  const { _id, text: _text, shotKey: _shotKey, ...rest } = doc;
  return { id: _id, ...rest };
}

export class SearchService {
  readonly #entries: Collection<EntryDoc>;

  constructor(store: Store, options: { collection?: string } = {}) {
    this.#entries = store.collection<EntryDoc>(options.collection ?? ENTRIES_COLLECTION);
  }

  async search(search: CompiledSearch): Promise<SearchPage> {
    const [docs, total] = await Promise.all([
      this.#entries.find(pageFilter(search, search.after), { sort: search.sortSpec, limit: search.limit + 1 }),
      this.#entries.count(search.filter),
    ]);
    const page = docs.slice(0, search.limit);
    const last = page.at(-1);
    const nextCursor = docs.length > search.limit && last ? cursorAfter(last, search.sort) : null;
    return { items: page.map(toItem), total, nextCursor };
  }

  count(search: CompiledSearch): Promise<number> {
    return this.#entries.count(search.filter);
  }

  /** Every matching entry, in order, page by page, at most `search.limit` in all. */
  async *scan(search: CompiledSearch, pageSize = 1000): AsyncGenerator<EntryDoc[]> {
    let position: CursorPosition | null = null;
    let left = search.limit;
    while (left > 0) {
      const n = Math.min(pageSize, left);
      const docs = await this.#entries.find(pageFilter(search, position), { sort: search.sortSpec, limit: n });
      if (docs.length === 0) return;
      left -= docs.length;
      yield docs;
      if (docs.length < n) return;
      position = positionOf(docs.at(-1) as EntryDoc, search.sort);
    }
  }
}
