// Relay answers for the relay-side components' tests: one way to make them, the rest as each test needs.
import type { ChannelView, RelaySettingsDoc } from '../../api/relayTypes';

/** A GET relay/channels row: enabled, no rule, nothing counted, unless overridden. */
export function channelView(name: string, overrides: Partial<ChannelView> = {}): ChannelView {
  return {
    name,
    nickname: null,
    unit: null,
    enabled: true,
    rule: null,
    triggerCount: 0,
    counterResetAt: null,
    value: null,
    ...overrides,
  };
}

/** A GET relay/settings answer: no channels, policy `any`, no campaign, unless overridden. */
export function settingsDoc(overrides: Partial<RelaySettingsDoc> = {}): RelaySettingsDoc {
  return {
    version: 1,
    channels: {},
    policy: { mode: 'any' },
    campaign: null,
    updatedAt: '2026-11-20T08:00:00.000Z',
    updatedBy: 'alice',
    ...overrides,
  };
}
