// Generated search queries (fast-check), shared by the compiler's property
// tests (query.test.ts) and the HTTP fuzz (fuzz-http.test.ts): mostly valid
// parts (weights 8–12) and some invalid ones, so that both accepting and
// refusing are explored.
import fc from 'fast-check';

const goodField = fc.constantFrom('shotNumber', 'campaign', 'receivedAt', 'status', 'fields.a', 'fields.b', 'diagnostics.d.active', 'diagnostics.d.settings.g', 'channels.energy_J', 'daq.cam.exp');

/** A field name: mostly one the language knows, sometimes a refused or random one. */
export const fieldName = fc.oneof(
  { weight: 10, arbitrary: goodField },
  { weight: 1, arbitrary: fc.constantFrom('$where', 'fields.$gt', 'fields..a', '__proto__', 'fields.__proto__', '_id', 'text', 'daq') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((s) => `fields.${s}`) },
);

const value = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 3, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constantFrom('2026-11-01T00:00:00Z', '2026-11-01', 'x') },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null)), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constant({ $gt: 1 }) },
);

const op = fc.oneof({ weight: 10, arbitrary: fc.constantFrom('=', '!=', '<', '<=', '>', '>=', 'in', 'contains', 'exists') }, { weight: 1, arbitrary: fc.string({ maxLength: 3 }) });
const condition = fc.record({ field: fieldName, op, value }, { requiredKeys: ['field', 'op'] });
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });

/** A query-shaped body: every member optional, each mostly valid. */
export const searchQuery = fc.record(
  {
    sheet: mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), fc.array(fc.string({ minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 3 })), fc.constantFrom('', [], 3)),
    campaign: mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), fc.constant(null)), fc.constant(7)),
    from: mostly(fc.constantFrom('2026-11-01T00:00:00Z', '2026-11-01', '2026-11-01T00:00:00.123+02:00'), fc.string({ maxLength: 10 })),
    to: mostly(fc.constantFrom('2026-12-01T00:00:00Z', '2026-12-01'), fc.constantFrom('2026-10-01', 'bad')),
    shotNumber: fc.record({ from: fc.integer({ min: -1, max: 100 }), to: fc.integer({ min: 0, max: 100 }) }, { requiredKeys: [] }),
    where: fc.array(condition, { maxLength: 3 }),
    text: fc.string({ maxLength: 30 }),
    sort: fc.array(fc.record({ field: fieldName, dir: mostly(fc.constantFrom('asc', 'desc'), fc.constant('up')) }, { requiredKeys: ['field'] }), { maxLength: 3 }),
    limit: mostly(fc.integer({ min: 1, max: 1000 }), fc.oneof(fc.integer({ min: -1, max: 1200 }), fc.constant('10'))),
    cursor: mostly(fc.constant(null), fc.string({ maxLength: 20 })),
    includeDeleted: fc.boolean(),
  },
  { requiredKeys: [] },
);
