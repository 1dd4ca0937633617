export interface TriggerMonitorOptions {
  /** Channels to show; empty: every channel in the data. */
  channels: string[];
  showCounters: boolean;
  showCampaign: boolean;
}
