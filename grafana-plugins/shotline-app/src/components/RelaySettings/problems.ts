import { ApiProblem } from '../../api/client';

/**
 * A refusal as messages by field: the relay's `details` when it sent them; a
 * settings refusal without details says "field: why" in its message (the
 * relay's SettingsValidationError), so that prefix places it; anything else
 * goes under `_` for the form as a whole.
 */
export function problemsByField(err: unknown, known: string[]): Record<string, string> {
  if (!(err instanceof ApiProblem)) {
    return { _: err instanceof Error ? err.message : String(err) };
  }
  const out: Record<string, string> = {};
  // `known` lists the most specific fields first (rule.above before rule).
  const put = (field: string, message: string) => {
    const key = known.find((k) => field === k || field.startsWith(`${k}.`));
    const text = key === field ? message : `${key ? field.slice(key.length + 1) : field} ${message}`;
    const at = key ?? '_';
    out[at] = out[at] ? `${out[at]}; ${text}` : text;
  };
  if (err.details.length > 0) {
    err.details.forEach((d) => put(d.field, d.message));
    return out;
  }
  const m = /^([A-Za-z][\w.]*): (.+)$/.exec(err.message);
  if (m && known.some((k) => m[1] === k || m[1].startsWith(`${k}.`))) {
    put(m[1], m[2]);
  } else {
    out._ = err.message;
  }
  return out;
}
