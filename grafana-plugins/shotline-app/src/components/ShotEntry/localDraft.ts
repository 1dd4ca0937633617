// Unsaved changes survive a reload or leaving the page: per sheet and entry
// (or shot, for an entry not made yet) the form's values and the entry they
// were based on, in localStorage, until saved or discarded.
import type { Entry } from '../../api/sheetTypes';
import type { ShotFormValues } from '../ShotForm/types';

const PREFIX = 'shotline.entry-draft.v1';

export interface LocalDraft {
  /** the entry the changes were made on (null: a new entry for `shotNumber`) */
  base: Entry | null;
  shotNumber: number | null;
  values: ShotFormValues;
  savedAt: string;
}

/** Where an edit is kept: an entry's id, or `shot-<n>` for the entry a shot does not have yet. */
export const draftKey = (sheet: string, target: string) => `${PREFIX}:${sheet}:${target}`;
const lastKey = (sheet: string) => `${PREFIX}:${sheet}:last`;

function storage(): Storage | undefined {
  try {
    return typeof window !== 'undefined' ? window.localStorage : undefined;
  } catch {
    // Storage refused (privacy settings, sandboxed frame): the form works without it.
    return undefined;
  }
}

export function readDraft(sheet: string, target: string): LocalDraft | undefined {
  const raw = storage()?.getItem(draftKey(sheet, target));
  if (!raw) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(raw) as LocalDraft;
    return parsed && typeof parsed === 'object' && parsed.values?.fields && parsed.values?.diagnostics
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

export function writeDraft(sheet: string, target: string, draft: Omit<LocalDraft, 'savedAt'>): void {
  const s = storage();
  try {
    s?.setItem(draftKey(sheet, target), JSON.stringify({ ...draft, savedAt: new Date().toISOString() }));
    s?.setItem(lastKey(sheet), target);
  } catch {
    // Full storage: the values are still in the form.
  }
}

export function clearDraft(sheet: string, target: string): void {
  const s = storage();
  s?.removeItem(draftKey(sheet, target));
  if (s?.getItem(lastKey(sheet)) === target) {
    s.removeItem(lastKey(sheet));
  }
}

/** The entry or shot last edited in this sheet without saving, to reopen after a reload. */
export function lastEdited(sheet: string): string | undefined {
  const target = storage()?.getItem(lastKey(sheet)) ?? undefined;
  return target && readDraft(sheet, target) ? target : undefined;
}
