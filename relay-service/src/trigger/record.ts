import { v7 as uuidv7 } from 'uuid';
import type { ShotRecord, ShotSource } from '../shot.ts';
import type { CompiledSettings } from './engine.ts';
import type { ThresholdRule } from '../settings/types.ts';

export interface ShotFacts {
  shotNumber: number;
  channels: ReadonlyMap<string, number>;
  /** channel names (not nicknames) that crossed */
  triggeredBy: readonly string[];
  receivedAt: string;
  laserTime?: string;
  source: ShotSource;
}

/**
 * Builds the shot record. Channels, triggeredBy and thresholds are keyed by
 * display name (the nickname when one is set), so `channels[k]` and
 * `thresholds[k]` describe the same channel; `aliases` maps each nickname used
 * back to its channel name.
 */
export function buildShotRecord(compiled: CompiledSettings, facts: ShotFacts): ShotRecord {
  const display = (name: string) => compiled.nicknames.get(name) ?? name;
  const channels: Record<string, number> = {};
  for (const [name, value] of facts.channels) channels[display(name)] = value;
  const thresholds: Record<string, ThresholdRule> = {};
  for (const [name, rule] of Object.entries(compiled.thresholds)) thresholds[display(name)] = rule;
  const record: ShotRecord = {
    uid: uuidv7(),
    shotNumber: facts.shotNumber,
    campaign: compiled.campaign,
    receivedAt: facts.receivedAt,
    channels,
    triggeredBy: facts.triggeredBy.map(display),
    thresholds,
    source: facts.source,
  };
  if (facts.laserTime !== undefined) record.laserTime = facts.laserTime;
  if (compiled.nicknames.size > 0) {
    const aliases: Record<string, string> = {};
    for (const [name, nick] of compiled.nicknames) aliases[nick] = name;
    record.aliases = aliases;
  }
  return record;
}
