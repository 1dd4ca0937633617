// What a threshold rule means, for showing and drawing it: the same decision
// the relay makes (relay-service/src/trigger/rules.ts), and the one wording of
// rules and values every relay-side page uses.
import type { ThresholdRule } from '../../api/relayTypes';

/** Whether `value` meets the rule, as the relay decides it. */
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
