// Old → new as a list of leaf changes, for showing who changed what: a
// channel's settings object becomes `nickname: E → Energy` rather than two
// JSON blobs to compare by eye.

export interface Change {
  /** dotted path inside the value; '' for the value as a whole */
  path: string;
  old: unknown;
  new: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function diffValues(oldValue: unknown, newValue: unknown, path = ''): Change[] {
  if (isObject(oldValue) && isObject(newValue)) {
    const keys = [...new Set([...Object.keys(oldValue), ...Object.keys(newValue)])].sort();
    return keys.flatMap((k) => diffValues(oldValue[k], newValue[k], path ? `${path}.${k}` : k));
  }
  if (JSON.stringify(oldValue) === JSON.stringify(newValue)) {
    return [];
  }
  // An object that appears or goes (a channel's first settings, a campaign started or ended) is shown
  // member by member, each from or to nothing.
  if (isObject(newValue) && (oldValue === null || oldValue === undefined)) {
    return Object.keys(newValue).flatMap((k) => diffValues(undefined, newValue[k], path ? `${path}.${k}` : k));
  }
  if (isObject(oldValue) && (newValue === null || newValue === undefined)) {
    return Object.keys(oldValue).flatMap((k) => diffValues(oldValue[k], undefined, path ? `${path}.${k}` : k));
  }
  return [{ path, old: oldValue, new: newValue }];
}

export function showValue(v: unknown): string {
  if (v === undefined) {
    return '—';
  }
  if (typeof v === 'string') {
    return v;
  }
  return JSON.stringify(v);
}
