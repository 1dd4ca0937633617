// The relay's choice lists (relay-service/src/choices/types.ts).
export interface ChoiceItem {
  value: string;
  label?: string;
  description?: string;
}

export interface WikiSource {
  wikiUrl: string;
  page: string;
  section?: string;
  column?: string;
  api?: 'parse' | 'query';
  intervalMinutes?: number;
  maxItems?: number;
}

export interface SyncStatus {
  lastSyncAt: string | null;
  lastAttemptAt: string | null;
  lastError: { at: string; message: string } | null;
  nextSyncAt: string | null;
  warnings: string[];
}

export interface ChoiceList {
  name: string;
  description: string;
  items: ChoiceItem[];
  source: WikiSource | null;
  sync: SyncStatus | null;
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export type { ChoiceListSummary } from '../FieldDefinitionEditor/types';
