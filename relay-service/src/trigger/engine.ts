// Decides, per laser message, whether it is a shot. The settings are compiled
// into a flat list of armed channels once per settings version, so evaluating
// a message touches only the channels that have an enabled rule.
import type { RelaySettings, ThresholdRule, TriggerPolicy } from '../settings/types.ts';
import { crosses } from './rules.ts';

interface Armed {
  name: string;
  rule: ThresholdRule;
}

export interface CompiledSettings {
  version: number;
  armed: Armed[];
  policy: TriggerPolicy;
  /** channel name → display name, for channels with a nickname */
  nicknames: Map<string, string>;
  /** rules in force, as recorded in each shot */
  thresholds: Record<string, ThresholdRule>;
  campaign: string | null;
}

export function compileSettings(settings: RelaySettings): CompiledSettings {
  const armed: Armed[] = [];
  const nicknames = new Map<string, string>();
  const thresholds: Record<string, ThresholdRule> = {};
  for (const [name, channel] of Object.entries(settings.channels)) {
    if (channel.nickname) nicknames.set(name, channel.nickname);
    if (channel.enabled && channel.rule) {
      armed.push({ name, rule: channel.rule });
      thresholds[name] = channel.rule;
    }
  }
  return { version: settings.version, armed, policy: settings.policy, nicknames, thresholds, campaign: settings.campaign?.name ?? null };
}

/**
 * The names of the channels that crossed their threshold, when these make a
 * shot under the policy; null otherwise.
 */
export function evaluate(compiled: CompiledSettings, channels: ReadonlyMap<string, number>): string[] | null {
  let crossed: string[] | null = null;
  for (const { name, rule } of compiled.armed) {
    const value = channels.get(name);
    if (value !== undefined && crosses(rule, value)) (crossed ??= []).push(name);
  }
  if (crossed === null) return null;
  const policy = compiled.policy;
  if (policy.mode === 'any') return crossed;
  if (crossed.length < (policy.count ?? 1)) return null;
  if (policy.required && !policy.required.every((r) => crossed.includes(r))) return null;
  return crossed;
}
