// The form state a channel is edited in, and the PATCH body it makes. Kept
// free of React so the validation and the body can be tested on their own.
import type { ChannelSettings, ThresholdRule } from '../../api/relayTypes';

export type RuleKind = 'none' | ThresholdRule['kind'];

/** What the operator typed: numbers stay text until saved, so nothing typed is lost to parsing. */
export interface ChannelDraft {
  nickname: string;
  unit: string;
  enabled: boolean;
  kind: RuleKind;
  above: string;
  below: string;
  low: string;
  high: string;
}

export type DraftField = keyof ChannelDraft;
export type DraftErrors = Partial<Record<DraftField | 'form', string>>;

/** The relay's field names (PATCH relay/channels/{name}) → the draft's, for placing its refusals. */
export const FIELD_OF: Record<string, DraftField> = {
  nickname: 'nickname',
  unit: 'unit',
  enabled: 'enabled',
  rule: 'kind',
  'rule.kind': 'kind',
  'rule.above': 'above',
  'rule.below': 'below',
  'rule.low': 'low',
  'rule.high': 'high',
};

/** The draft of a channel's settings; a channel the relay has only seen (no settings) starts enabled, without a rule. */
export function draftOf(settings: ChannelSettings | undefined): ChannelDraft {
  const rule = settings?.rule ?? null;
  return {
    nickname: settings?.nickname ?? '',
    unit: settings?.unit ?? '',
    enabled: settings?.enabled ?? true,
    kind: rule ? rule.kind : 'none',
    above: rule?.kind === 'above' ? String(rule.above) : '',
    below: rule?.kind === 'below' ? String(rule.below) : '',
    low: rule?.kind === 'outside' ? String(rule.low) : '',
    high: rule?.kind === 'outside' ? String(rule.high) : '',
  };
}

function parseNumber(text: string, label: string): number | string {
  const t = text.trim();
  if (t === '') {
    return `${label} is required`;
  }
  const n = Number(t);
  return Number.isFinite(n) ? n : `${label} must be a number (e.g. 2.5 or 1e-4), not "${t}"`;
}

// The relay's own limits (ChannelSettingsSchema): checked here so the operator hears of them before saving.
const NICKNAME_PATTERN = /^[^.$][^.]*$/;

function ruleOf(draft: ChannelDraft, errors: DraftErrors): ThresholdRule | null | undefined {
  if (draft.kind === 'none') {
    return null;
  }
  if (draft.kind === 'above' || draft.kind === 'below') {
    const v = parseNumber(draft[draft.kind], 'Threshold');
    if (typeof v === 'string') {
      errors[draft.kind] = v;
      return undefined;
    }
    return draft.kind === 'above' ? { kind: 'above', above: v } : { kind: 'below', below: v };
  }
  const low = parseNumber(draft.low, 'Band low');
  const high = parseNumber(draft.high, 'Band high');
  if (typeof low === 'string') {
    errors.low = low;
  }
  if (typeof high === 'string') {
    errors.high = high;
  }
  if (typeof low !== 'number' || typeof high !== 'number') {
    return undefined;
  }
  if (low >= high) {
    errors.high = `Band high (${high}) must be above band low (${low})`;
    return undefined;
  }
  return { kind: 'outside', low, high };
}

/**
 * The PATCH body for relay/channels/{name}: only what changed. Returns the
 * field errors instead when the draft is not valid.
 */
export function patchOf(
  draft: ChannelDraft,
  current: ChannelSettings | undefined
): { body: Record<string, unknown> } | { errors: DraftErrors } {
  const errors: DraftErrors = {};
  const body: Record<string, unknown> = {};

  const nickname = draft.nickname.trim();
  if (nickname !== (current?.nickname ?? '')) {
    if (nickname === '') {
      // The relay's PATCH cannot remove a nickname (it takes a non-empty string or nothing).
      errors.nickname = 'A nickname cannot be removed here, only changed: type the new nickname';
    } else if (nickname.length > 64) {
      errors.nickname = `Nickname is ${nickname.length} characters; at most 64`;
    } else if (!NICKNAME_PATTERN.test(nickname)) {
      errors.nickname = 'Nickname may not contain "." nor start with "$"';
    } else {
      body.nickname = nickname;
    }
  }

  const unit = draft.unit.trim();
  if (unit !== (current?.unit ?? '')) {
    if (unit.length > 32) {
      errors.unit = `Unit is ${unit.length} characters; at most 32`;
    } else {
      body.unit = unit;
    }
  }

  if (draft.enabled !== (current?.enabled ?? true)) {
    body.enabled = draft.enabled;
  }

  const rule = ruleOf(draft, errors);
  if (rule !== undefined && JSON.stringify(rule) !== JSON.stringify(current?.rule ?? null)) {
    body.rule = rule;
  }

  return Object.keys(errors).length > 0 ? { errors } : { body };
}
