export interface ShotEntryOptions {
  /** Sheet whose layout the form follows; empty: the datasource's default sheet. */
  sheet?: string;
  /** Ask before saving a complete entry. */
  confirmBeforeSave: boolean;
  /** Prefill the form with the newest shot's draft. */
  followLatestShot: boolean;
}
