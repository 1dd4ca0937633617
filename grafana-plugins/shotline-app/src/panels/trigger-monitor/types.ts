export interface TriggerMonitorOptions {
  /** Channels to show, by relay name or nickname (dashboard variables work); empty: every channel. */
  channels: string[];
  /** The Shotline datasource whose backend reaches the relay; default the provisioned one. */
  datasourceUid: string;
}

/** The uid the repository's provisioning gives the Shotline datasource. */
export const DEFAULT_DATASOURCE_UID = 'shotline';
