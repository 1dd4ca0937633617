export interface ShotEntryOptions {
  /** Sheet whose entries the form fills (dashboard variables work); empty: a picker, the relay's default sheet first. */
  sheet?: string;
  /** compact: fields side by side (beside the plots); full: one column with help text. */
  mode: 'compact' | 'full';
  /** Field keys shown first; an item may list several, comma-separated (variables work). */
  pinned: string[];
  /** The Shotline datasource whose backend reaches the relay; default the provisioned one. */
  datasourceUid: string;
}

/** The uid the repository's provisioning gives the Shotline datasource. */
export const DEFAULT_DATASOURCE_UID = 'shotline';
