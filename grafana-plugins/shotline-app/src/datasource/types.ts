// The Shotline query model shared with the Go backend (pkg/plugin/query.go):
// camelCase JSON, one flat object whose `queryType` says which members count.
import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

import type { WhereCondition } from '../components/WhereEditor/types';

export type QueryType = 'shots' | 'channels' | 'stats' | 'live' | 'annotations';

// The search conditions live with the editor that builds them (components/WhereEditor).
export type { WhereCondition, WhereOp, WhereScalar, WhereValue } from '../components/WhereEditor/types';

export type StatKind =
  | 'shotsPerCampaign'
  | 'shotsPerHour'
  | 'triggerRate'
  | 'channelTriggerCounts'
  | 'timeSinceLastShot'
  | 'dependenciesDown'
  | 'pipelineBacklog';

export type LivePath = 'shots' | 'channels';

export interface ShotlineQuery extends DataQuery {
  queryType?: QueryType;
  // shots, annotations; campaign also for channels and stats
  sheet?: string;
  campaign?: string;
  where?: WhereCondition[];
  text?: string;
  format?: 'table' | 'timeseries';
  /** Numeric columns of a shots time series: `channels.<name>`, `fields.<key>`, … */
  fields?: string[];
  limit?: number;
  // channels
  channels?: string[];
  /** Add the threshold fields to channel frames (backend default: true). */
  thresholds?: boolean;
  // stats
  stat?: StatKind;
  /** timeSinceLastShot counts only while a campaign runs. */
  activeCampaign?: boolean;
  // live
  path?: LivePath;
}

export const DEFAULT_QUERY: Partial<ShotlineQuery> = {
  queryType: 'shots',
  format: 'table',
};

/** Datasource jsonData (non-secret). The relay URL is the datasource's `url`. */
export interface ShotlineOptions extends DataSourceJsonData {
  defaultSheet?: string;
}

/** Secret settings: stored encrypted by Grafana, only the Go backend reads them. */
export interface ShotlineSecureOptions {
  serviceToken?: string;
}

/** A template-variable query: which list to fetch from the backend resources. */
export type VariableKind = 'sheets' | 'campaigns' | 'channels' | 'recentShots';

export interface ShotlineVariableQuery extends DataQuery {
  kind: VariableKind;
  /** recentShots: only shots of this campaign / sheet. */
  campaign?: string;
  sheet?: string;
  limit?: number;
}

/** What the backend resources answer: `[{ text, value }]`. */
export interface ResourceOption {
  text: string;
  value: string | number;
}

/**
 * A field a Shots query can filter on or plot (backend resource `fields`):
 * `shotNumber`, `channels.<name>`, a sheet's `fields.<key>`, with its type
 * (number, integer, text, select, …).
 */
export interface FieldOption extends ResourceOption {
  value: string;
  type?: string;
}

/**
 * The lists the query editors offer, fetched through the datasource's backend
 * resources. Editors take this rather than the datasource so they depend only
 * on what they use.
 */
export interface ShotlineLists {
  sheets(): Promise<ResourceOption[]>;
  campaigns(): Promise<ResourceOption[]>;
  channels(): Promise<ResourceOption[]>;
  /** Channels and, with a sheet (else the datasource's default sheet), its layout fields. */
  fields(sheet?: string): Promise<FieldOption[]>;
}
