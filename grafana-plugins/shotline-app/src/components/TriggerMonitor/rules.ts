// Threshold rules as the relay stores them (relay-service/src/settings/types.ts),
// and the form state an operator edits them in. Kept free of React so the
// validation and the PATCH body can be tested on their own.
import type { FieldProblem } from '../../api/client';

export type ThresholdRule =
  { kind: 'above'; above: number } | { kind: 'below'; below: number } | { kind: 'outside'; low: number; high: number };

export type RuleKind = 'none' | ThresholdRule['kind'];

export interface ChannelSettings {
  nickname?: string;
  unit?: string;
  enabled: boolean;
  rule: ThresholdRule | null;
  counterResetAt?: string;
}

export interface Campaign {
  name: string;
  startedAt: string;
  startedBy: string;
  note?: string;
}

/** GET relay/settings (and the answer of every settings change). */
export interface RelaySettings {
  version: number;
  channels: Record<string, ChannelSettings>;
  campaign: Campaign | null;
}

/** One item of GET relay/channels. */
export interface ChannelView {
  name: string;
  nickname: string | null;
  unit: string | null;
  enabled: boolean;
  rule: ThresholdRule | null;
  triggerCount: number;
  counterResetAt: string | null;
  value: number | null;
}

/** Whether `value` meets the rule, as the relay decides it (src/trigger/rules.ts). */
export function crosses(rule: ThresholdRule, value: number): boolean {
  if (!Number.isFinite(value)) {
    return false;
  }
  switch (rule.kind) {
    case 'above':
      return value > rule.above;
    case 'below':
      return value < rule.below;
    case 'outside':
      return value < rule.low || value > rule.high;
  }
}

export function describeRule(rule: ThresholdRule | null, unit?: string | null): string {
  if (!rule) {
    return 'no threshold';
  }
  const u = unit ? ` ${unit}` : '';
  switch (rule.kind) {
    case 'above':
      return `triggers above ${formatValue(rule.above)}${u}`;
    case 'below':
      return `triggers below ${formatValue(rule.below)}${u}`;
    case 'outside':
      return `triggers outside ${formatValue(rule.low)} … ${formatValue(rule.high)}${u}`;
  }
}

/** The rule's threshold values, for drawing. */
export function thresholdsOf(rule: ThresholdRule | null): number[] {
  if (!rule) {
    return [];
  }
  return rule.kind === 'above' ? [rule.above] : rule.kind === 'below' ? [rule.below] : [rule.low, rule.high];
}

/** Short and stable: four significant digits, exponent form for very large or small magnitudes. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) {
    return '—';
  }
  if (!Number.isFinite(v)) {
    return v > 0 ? '∞' : '−∞';
  }
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) {
    return v.toExponential(3).replace(/\.?0+e/, 'e');
  }
  return String(Number(v.toPrecision(4)));
}

// ---------------------------------------------------------------------------
// The inline editor's form

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

  let rule: ThresholdRule | null | undefined;
  if (draft.kind === 'none') {
    rule = null;
  } else if (draft.kind === 'above' || draft.kind === 'below') {
    const v = parseNumber(draft[draft.kind], 'Threshold');
    if (typeof v === 'string') {
      errors[draft.kind] = v;
    } else {
      rule = draft.kind === 'above' ? { kind: 'above', above: v } : { kind: 'below', below: v };
    }
  } else {
    const low = parseNumber(draft.low, 'Band low');
    const high = parseNumber(draft.high, 'Band high');
    if (typeof low === 'string') {
      errors.low = low;
    }
    if (typeof high === 'string') {
      errors.high = high;
    }
    if (typeof low === 'number' && typeof high === 'number') {
      if (low >= high) {
        errors.high = `Band high (${high}) must be above band low (${low})`;
      } else {
        rule = { kind: 'outside', low, high };
      }
    }
  }
  if (rule !== undefined && JSON.stringify(rule) !== JSON.stringify(current?.rule ?? null)) {
    body.rule = rule;
  }

  return Object.keys(errors).length > 0 ? { errors } : { body };
}

const FIELD_OF: Record<string, DraftField> = {
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

/**
 * The relay's refusal placed next to the fields it names. Schema refusals
 * come as `details`; the settings service's own (a nickname already taken)
 * only as `error: "nickname: …"`, so that prefix is read too.
 */
export function errorsFromProblem(
  message: string,
  details: FieldProblem[],
  fieldOf: Record<string, string> = FIELD_OF
) {
  const errors: Record<string, string> = {};
  const add = (key: string, text: string) => {
    errors[key] = errors[key] ? `${errors[key]}; ${text}` : text;
  };
  for (const d of details) {
    const key = fieldOf[d.field.replace(/^body\./, '')];
    add(key ?? 'form', key ? d.message : `${d.field}: ${d.message}`);
  }
  if (details.length === 0) {
    const m = /^([\w.]+): (.+)$/s.exec(message);
    const key = m ? fieldOf[m[1]] : undefined;
    add(key ?? 'form', key ? m![2] : message);
  }
  return errors;
}
