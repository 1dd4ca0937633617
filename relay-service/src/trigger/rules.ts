import type { ThresholdRule } from '../settings/types.ts';

/** Whether `value` meets the rule. Non-finite values never trigger. */
export function crosses(rule: ThresholdRule, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  switch (rule.kind) {
    case 'above':
      return value > rule.above;
    case 'below':
      return value < rule.below;
    case 'outside':
      return value < rule.low || value > rule.high;
  }
}

/** A short human form of a rule, for logs and labels: `> 2.5`, `< 1e-4`, `outside [1, 2]`. */
export function describeRule(rule: ThresholdRule): string {
  switch (rule.kind) {
    case 'above':
      return `> ${rule.above}`;
    case 'below':
      return `< ${rule.below}`;
    case 'outside':
      return `outside [${rule.low}, ${rule.high}]`;
  }
}
