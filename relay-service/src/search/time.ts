// Times in entries are ISO 8601 strings in UTC (`…Z`), with milliseconds
// (`toISOString`) or microseconds (the relay's receivedAt). Stored strings are
// compared as strings, so a bound given in a query is rewritten to UTC with
// exactly six fractional digits: `2026-11-01T00:00:00.000000Z`. Compared with
// such a bound, a stored time with 3 or 6 fractional digits orders exactly as
// the instants do (an equal instant with 3 digits compares as "not before"
// the bound, which is what `>=` and `<` need).

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** The bound as a UTC string with microseconds, or null when `value` is not an ISO 8601 date(-time). */
export function normalizeTime(value: string): string | null {
  if (value.length > 40) return null;
  const m = DATE_TIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  if (m[4] !== undefined && zone === undefined) return null; // a time of day needs its zone: Z or ±hh:mm
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null; // 2026-02-30
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2));
    const offM = Number(digits.slice(2, 4));
    if (offH > 23 || offM > 59) return null;
    ms -= sign * (offH * 60 + offM) * 60_000;
  }
  const shifted = new Date(ms);
  if (Number.isNaN(shifted.getTime()) || shifted.getUTCFullYear() < 0 || shifted.getUTCFullYear() > 9999) return null;
  const base = shifted.toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
  return `${base}.${frac.padEnd(6, '0').slice(0, 6)}Z`;
}

/** An instant (ms since the epoch) in the same form: UTC with six fractional digits. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}
