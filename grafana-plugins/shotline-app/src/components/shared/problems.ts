import { ApiProblem } from '../../api/client';

/**
 * A refusal as messages by input, for showing each next to what it names.
 * `fieldOf` maps the relay's field names (`rule.above`) to the form's keys
 * (`above`); a field below a known one (`rule.x.y` under `rule`) goes there
 * with the rest of its path. Schema refusals name fields in `details`; the
 * settings service's own (a nickname already taken) only as `error: "field: …"`,
 * so that prefix is read too. Whatever names no input, and errors that are not
 * the relay's answer (it cannot be reached), go under `form`.
 */
export function problemsByField(err: unknown, fieldOf: Record<string, string>): Record<string, string> {
  if (!(err instanceof ApiProblem)) {
    return { form: err instanceof Error ? err.message : String(err) };
  }
  const errors: Record<string, string> = {};
  const add = (key: string, text: string) => {
    errors[key] = errors[key] ? `${errors[key]}; ${text}` : text;
  };
  const place = (field: string): { key: string; rest: string } | undefined => {
    if (fieldOf[field]) {
      return { key: fieldOf[field], rest: '' };
    }
    // The longest known field the named one lies under.
    const parent = Object.keys(fieldOf)
      .filter((k) => field.startsWith(`${k}.`))
      .sort((a, b) => b.length - a.length)[0];
    return parent ? { key: fieldOf[parent], rest: field.slice(parent.length + 1) } : undefined;
  };
  for (const d of err.details) {
    const field = d.field.replace(/^body\./, '');
    const at = place(field);
    if (at) {
      add(at.key, at.rest ? `${at.rest} ${d.message}` : d.message);
    } else {
      add('form', `${field}: ${d.message}`);
    }
  }
  if (err.details.length === 0) {
    const m = /^([A-Za-z][\w.]*): (.+)$/s.exec(err.message);
    const at = m ? place(m[1]) : undefined;
    if (m && at) {
      add(at.key, at.rest ? `${at.rest} ${m[2]}` : m[2]);
    } else {
      add('form', err.message);
    }
  }
  return errors;
}
