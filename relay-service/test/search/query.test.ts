// The search compiler on its own: every operator, every refusal, cursors, and
// property tests (arbitrary JSON never crashes it; what compiles holds only
// the allowed operators and fields).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  afterFilter,
  compileSearch,
  cursorAfter,
  escapeRegExp,
  findDollarKeys,
  pageFilter,
  positionOf,
  SearchQueryError,
  type CompiledSearch,
} from '../../src/search/query.ts';
import { decodeCursor, encodeCursor, sortSignature } from '../../src/search/cursor.ts';
import { parseField } from '../../src/search/fields.ts';
import { normalizeTime } from '../../src/search/time.ts';
import { assertFilter } from '../../src/store/support.ts';
import { searchQuery } from './arbitraries.ts';

const NOT_DELETED = { deleted: { $ne: true } };

/** The filter without the clause every search has (deleted entries excluded). */
function conditions(c: CompiledSearch): unknown[] {
  const f = c.filter as { $and?: unknown[] };
  const all = f.$and ?? [c.filter];
  return all.filter((x) => JSON.stringify(x) !== JSON.stringify(NOT_DELETED));
}

function where(field: string, op: string, value?: unknown) {
  return compileSearch({ where: [value === undefined ? { field, op } : { field, op, value }] });
}

function refused(input: unknown, field: string | RegExp, message?: RegExp): SearchQueryError {
  let error: unknown;
  try {
    compileSearch(input);
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof SearchQueryError, `expected a refusal of ${JSON.stringify(input)}, got ${String(error)}`);
  const hit = error.details.find((d) => (typeof field === 'string' ? d.field === field : field.test(d.field)));
  assert.ok(hit, `no detail for ${field} in ${JSON.stringify(error.details)}`);
  if (message) assert.match(hit.message, message);
  return error;
}

const ALLOWED_OPERATORS = new Set(['$and', '$or', '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$exists', '$regex', '$options']);

/** Every key of a compiled filter: operators from the allowed set, paths that are searchable fields (or _id, deleted, text). */
function assertOnlyAllowed(filter: unknown): void {
  const stack: unknown[] = [filter];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node && typeof node === 'object' && !(node instanceof Date)) {
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('$')) assert.ok(ALLOWED_OPERATORS.has(key), `operator ${key}`);
        else assert.ok(['_id', 'deleted', 'text'].includes(key) || typeof parseField(key) !== 'string', `path ${key}`);
        stack.push(value);
      }
    }
  }
  assertFilter(filter);
}

describe('search compiler: the example query', () => {
  it('compiles the documented example', () => {
    const c = compileSearch({
      sheet: 'ions',
      campaign: '2026-11-run3',
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-30T00:00:00Z',
      shotNumber: { from: 10, to: 500 },
      where: [
        { field: 'fields.target_thickness', op: '>', value: 1 },
        { field: 'fields.target_material', op: 'in', value: ['Cu', 'Ti'] },
      ],
      text: 'pointing drift',
      sort: [{ field: 'shotNumber', dir: 'desc' }],
      limit: 50,
      cursor: null,
    });
    const range = { $gte: '2026-11-01T00:00:00.000000Z', $lt: '2026-11-30T00:00:00.000000Z' };
    assert.deepEqual(c.filter, {
      $and: [
        { sheet: 'ions' },
        { campaign: '2026-11-run3' },
        { $or: [{ receivedAt: range }, { receivedAt: null, createdAt: range }] },
        { shotNumber: { $gte: 10, $lte: 500 } },
        { 'fields.target_thickness': { $gt: 1 } },
        { 'fields.target_material': { $in: ['Cu', 'Ti'] } },
        { text: { $regex: 'pointing', $options: 'i' } },
        { text: { $regex: 'drift', $options: 'i' } },
        NOT_DELETED,
      ],
    });
    assert.deepEqual(c.sort, [{ field: 'shotNumber', dir: -1 }, { field: '_id', dir: -1 }]);
    assert.deepEqual(c.sortSpec, { shotNumber: -1, _id: -1 });
    assert.equal(c.limit, 50);
    assert.equal(c.after, null);
    assert.deepEqual(c.sheets, ['ions']);
    assertOnlyAllowed(c.filter);
  });

  it('an empty query: every entry not deleted, newest shot first, 50 a page', () => {
    const c = compileSearch({});
    assert.deepEqual(c.filter, NOT_DELETED);
    assert.deepEqual(c.sortSpec, { shotNumber: -1, _id: -1 });
    assert.equal(c.limit, 50);
    assert.equal(c.sheets, null);
  });
});

describe('search compiler: operators', () => {
  it('= and != (null: absent or null)', () => {
    assert.deepEqual(conditions(where('fields.a', '=', 'x')), [{ 'fields.a': { $eq: 'x' } }]);
    assert.deepEqual(conditions(where('fields.a', '=', 2.5)), [{ 'fields.a': { $eq: 2.5 } }]);
    assert.deepEqual(conditions(where('fields.a', '=', true)), [{ 'fields.a': { $eq: true } }]);
    assert.deepEqual(conditions(where('fields.a', '=', null)), [{ 'fields.a': null }]);
    assert.deepEqual(conditions(where('fields.a', '!=', 'x')), [{ 'fields.a': { $ne: 'x' } }]);
    assert.deepEqual(conditions(where('campaign', '!=', null)), [{ campaign: { $ne: null } }]);
  });

  it('< <= > >= on numbers and strings', () => {
    assert.deepEqual(conditions(where('shotNumber', '<', 5)), [{ shotNumber: { $lt: 5 } }]);
    assert.deepEqual(conditions(where('channels.energy_J', '<=', 5)), [{ 'channels.energy_J': { $lte: 5 } }]);
    assert.deepEqual(conditions(where('fields.a', '>', 'm')), [{ 'fields.a': { $gt: 'm' } }]);
    assert.deepEqual(conditions(where('daq.camera.exposure', '>=', 0.5)), [{ 'daq.camera.exposure': { $gte: 0.5 } }]);
  });

  it('range operators on times compare normalised UTC strings', () => {
    assert.deepEqual(conditions(where('createdAt', '>=', '2026-11-01T01:00:00+01:00')), [{ createdAt: { $gte: '2026-11-01T00:00:00.000000Z' } }]);
    assert.deepEqual(conditions(where('updatedAt', '<', '2026-11-02')), [{ updatedAt: { $lt: '2026-11-02T00:00:00.000000Z' } }]);
    refused({ where: [{ field: 'receivedAt', op: '>', value: 'last week' }] }, 'where.0.value', /ISO 8601/);
    refused({ where: [{ field: 'receivedAt', op: '>', value: 5 }] }, 'where.0.value');
  });

  it('in (duplicates dropped)', () => {
    assert.deepEqual(conditions(where('fields.m', 'in', ['Cu', 'Ti', 'Cu'])), [{ 'fields.m': { $in: ['Cu', 'Ti'] } }]);
    assert.deepEqual(conditions(where('shotNumber', 'in', [1, 2, null])), [{ shotNumber: { $in: [1, 2, null] } }]);
    refused({ where: [{ field: 'fields.m', op: 'in', value: 'Cu' }] }, 'where.0.value', /list/);
    refused({ where: [{ field: 'fields.m', op: 'in', value: [] }] }, 'where.0.value', /at least one/);
    refused({ where: [{ field: 'shotNumber', op: 'in', value: [1, 'two'] }] }, 'where.0.value.1', /number/);
  });

  it('contains: a case-insensitive literal substring', () => {
    assert.deepEqual(conditions(where('fields.comment', 'contains', 'a.b*(c)')), [{ 'fields.comment': { $regex: 'a\\.b\\*\\(c\\)', $options: 'i' } }]);
    const re = new RegExp(escapeRegExp('x^$.*+?()[]{}|\\-/y'), 'i');
    assert.ok(re.test('X^$.*+?()[]{}|\\-/Y'));
    assert.ok(!re.test('xy'));
    refused({ where: [{ field: 'shotNumber', op: 'contains', value: '1' }] }, 'where.0.value', /text/);
    refused({ where: [{ field: 'fields.a', op: 'contains', value: 1 }] }, 'where.0.value', /string/);
    refused({ where: [{ field: 'fields.a', op: 'contains', value: '' }] }, 'where.0.value');
  });

  it('exists (true when no value is given)', () => {
    assert.deepEqual(conditions(where('fields.a', 'exists', true)), [{ 'fields.a': { $exists: true } }]);
    assert.deepEqual(conditions(where('fields.a', 'exists', false)), [{ 'fields.a': { $exists: false } }]);
    assert.deepEqual(conditions(where('fields.a', 'exists')), [{ 'fields.a': { $exists: true } }]);
    refused({ where: [{ field: 'fields.a', op: 'exists', value: 'yes' }] }, 'where.0.value', /true or false/);
  });

  it('refuses values of the wrong kind, naming the condition', () => {
    refused({ where: [{ field: 'shotNumber', op: '=', value: '12' }] }, 'where.0.value', /number/);
    refused({ where: [{ field: 'diagnostics.espec.active', op: '>', value: 1 }] }, 'where.0.value', /true or false/);
    refused({ where: [{ field: 'diagnostics.espec.active', op: '=', value: 'on' }] }, 'where.0.value');
    refused({ where: [{ field: 'fields.a', op: '=', value: [1] }] }, 'where.0.value', /single value/);
    refused({ where: [{ field: 'fields.a', op: '<', value: null }] }, 'where.0.value');
    refused({ where: [{ field: 'fields.a', op: '=' }] }, 'where.0.value', /required/);
    refused({ where: [{ field: 'fields.a', op: '=', value: { a: 1 } }] }, 'where.0.value');
  });

  it('sheet lists, campaign lists and null, shot number ranges', () => {
    assert.deepEqual(conditions(compileSearch({ sheet: ['ions', 'xray', 'ions'] })), [{ sheet: { $in: ['ions', 'xray'] } }]);
    assert.deepEqual(compileSearch({ sheet: ['ions', 'xray'] }).sheets, ['ions', 'xray']);
    assert.deepEqual(conditions(compileSearch({ campaign: null })), [{ campaign: null }]);
    assert.deepEqual(conditions(compileSearch({ campaign: ['a', 'b'] })), [{ campaign: { $in: ['a', 'b'] } }]);
    assert.deepEqual(conditions(compileSearch({ shotNumber: { from: 3 } })), [{ shotNumber: { $gte: 3 } }]);
    refused({ shotNumber: { from: 5, to: 4 } }, 'shotNumber.to');
    refused({ sheet: [] }, 'sheet');
    refused({ sheet: '' }, 'sheet');
  });

  it('time range: receivedAt, or createdAt for entries without one', () => {
    assert.deepEqual(conditions(compileSearch({ from: '2026-11-01' })), [
      { $or: [{ receivedAt: { $gte: '2026-11-01T00:00:00.000000Z' } }, { receivedAt: null, createdAt: { $gte: '2026-11-01T00:00:00.000000Z' } }] },
    ]);
    refused({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'to', /after/);
    refused({ from: '2026-11-01T00:00:00' }, 'from', /zone/);
    refused({ to: 'tomorrow' }, 'to');
  });

  it('text: every word, lower-cased and escaped', () => {
    assert.deepEqual(conditions(compileSearch({ text: '  Pointing   DRIFT (x) pointing ' })), [
      { text: { $regex: 'pointing', $options: 'i' } },
      { text: { $regex: 'drift', $options: 'i' } },
      { text: { $regex: '\\(x\\)', $options: 'i' } },
    ]);
    assert.deepEqual(conditions(compileSearch({ text: '   ' })), []);
    refused({ text: Array.from({ length: 21 }, (_, i) => `w${i}`).join(' ') }, 'text', /20 words/);
  });

  it('includeDeleted drops the deleted filter', () => {
    assert.deepEqual(compileSearch({ includeDeleted: true }).filter, {});
    assert.equal(compileSearch({ includeDeleted: true }).includeDeleted, true);
  });
});

describe('search compiler: fields and refusals', () => {
  it('accepts the searchable fields', () => {
    for (const f of [
      'shotNumber', 'shotUid', 'campaign', 'sheet', 'receivedAt', 'createdAt', 'updatedAt', 'status', 'createdBy', 'updatedBy',
      'fields.target_thickness', 'fields.Ziel Dicke µm', 'diagnostics.espec.active', 'diagnostics.espec.settings.gain',
      'channels.amplifier/pump_energy_J', 'daq.camera', 'daq.a.b.c.d.e.f.g.h',
    ]) assert.equal(typeof parseField(f), 'object', f);
  });

  it('refuses any other field, naming it', () => {
    for (const f of [
      '$where', 'fields.$gt', 'fields..x', 'fields.', 'fields', 'fields.a.b', 'channels', 'diagnostics.x', 'diagnostics.x.settings',
      'diagnostics.x.other', 'daq', 'daq.a.b.c.d.e.f.g.h.i', 'foo', '_id', 'text', 'deleted', '__proto__', 'fields.__proto__',
      'fields.constructor', 'fields.a\u0000', `fields.${'x'.repeat(129)}`, 'x'.repeat(300),
    ]) {
      refused({ where: [{ field: f, op: '=', value: 1 }] }, 'where.0.field');
      refused({ sort: [{ field: f }] }, 'sort.0.field');
    }
  });

  it("refuses '$' keys anywhere, naming where", () => {
    const e = refused({ $where: 'sleep(1000)', where: [{ field: 'fields.a', op: '=', value: { $gt: '' } }] }, '$where', /'\$'/);
    assert.ok(e.details.some((d) => d.field === 'where.0.value.$gt'));
    refused({ sort: [{ field: 'shotNumber', $natural: 1 }] }, 'sort.0.$natural');
    refused({ where: [{ field: 'fields.a', op: 'in', value: [1, { $function: {} }] }] }, 'where.0.value.1.$function');
    refused({ shotNumber: { $expr: {} } }, 'shotNumber.$expr');
    refused({ a: [[[{ b: { $accumulator: 1 } }]]] }, 'a.0.0.0.b.$accumulator');
  });

  it('findDollarKeys survives very deep input', () => {
    let deep: unknown = { $x: 1 };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(findDollarKeys(deep).length, 1);
  });

  it('refuses what the schema does not allow', () => {
    refused('not an object', 'body');
    refused([], 'body');
    refused({ colour: 'red' }, 'colour', /not a property/);
    refused({ limit: 0 }, 'limit');
    refused({ limit: 1001 }, 'limit');
    refused({ limit: 2.5 }, 'limit');
    refused({ where: [{ field: 'fields.a', op: 'like', value: 1 }] }, 'where.0.op', /one of/);
    refused({ where: [{ field: 'fields.a', op: '=', value: 1, extra: 1 }] }, 'where.0.extra');
    refused({ where: Array.from({ length: 51 }, () => ({ field: 'fields.a', op: 'exists' })) }, 'where');
    refused({ sort: [{ field: 'shotNumber', dir: 'up' }] }, 'sort.0.dir');
    refused({ sort: [{ field: 'fields.a' }, { field: 'fields.b' }, { field: 'fields.c' }, { field: 'fields.d' }, { field: 'fields.e' }] }, 'sort');
    refused({ sort: [{ field: 'fields.a' }, { field: 'fields.a', dir: 'desc' }] }, 'sort.1.field', /already/);
    refused({ cursor: 5 }, 'cursor');
    refused({ includeDeleted: 'yes' }, 'includeDeleted');
  });
});

describe('search compiler: times', () => {
  it('normalises ISO 8601 bounds to UTC with microseconds', () => {
    assert.equal(normalizeTime('2026-11-01T00:00:00Z'), '2026-11-01T00:00:00.000000Z');
    assert.equal(normalizeTime('2026-11-01T00:00:00.123456789Z'), '2026-11-01T00:00:00.123456Z');
    assert.equal(normalizeTime('2026-11-01T00:30:00.5-02:30'), '2026-11-01T03:00:00.500000Z');
    assert.equal(normalizeTime('2026-11-01T08:00Z'), '2026-11-01T08:00:00.000000Z');
    assert.equal(normalizeTime('2026-11-01'), '2026-11-01T00:00:00.000000Z');
    for (const bad of ['2026-02-30', '2026-13-01', '2026-11-01T24:00:00Z', '2026-11-01T00:00:00', 'now', '', '2026-11-01T00:00:00+25:00']) {
      assert.equal(normalizeTime(bad), null, bad);
    }
  });

  it('a stored time with 3 or 6 digits compares with a bound as the instants do', () => {
    const bound = normalizeTime('2026-11-01T00:00:00.100Z') as string;
    assert.ok('2026-11-01T00:00:00.100Z' >= bound); // equal instant: in [from, …), out of […, to)
    assert.ok('2026-11-01T00:00:00.099Z' < bound);
    assert.ok('2026-11-01T00:00:00.099999Z' < bound);
    assert.ok('2026-11-01T00:00:00.100001Z' > bound);
    assert.ok('2026-11-01T00:00:00.101Z' > bound);
  });
});

describe('search compiler: cursors', () => {
  const sort = compileSearch({ sort: [{ field: 'fields.a' }, { field: 'receivedAt', dir: 'desc' }] }).sort;

  it('round-trips every kind of sort value', () => {
    for (const values of [[1.5, 'x'], [null, null], ['é ✓ 𝄞', '2026-11-01T00:00:00.000Z'], [true, false], [new Date("2026-01-01T00:00:00Z"), 0]]) {
      const position = { values, id: '0190f5c2-0000-7000-8000-000000000000' };
      assert.deepEqual(decodeCursor(encodeCursor(sort, position), sort), position);
    }
  });

  it('cursorAfter encodes the last entry: absent values as null', () => {
    const doc = { _id: 'e1', fields: { a: 7 } };
    const cursor = cursorAfter(doc, sort);
    assert.deepEqual(decodeCursor(cursor, sort), { values: [7, null], id: 'e1' });
    const next = compileSearch({ sort: [{ field: 'fields.a' }, { field: 'receivedAt', dir: 'desc' }], cursor });
    assert.deepEqual(next.after, { values: [7, null], id: 'e1' });
  });

  it('refuses a tampered, truncated, foreign or differently sorted cursor with 400 naming cursor', () => {
    const body = { sort: [{ field: 'fields.a' }, { field: 'receivedAt', dir: 'desc' }] };
    const cursor = cursorAfter({ _id: 'e1', fields: { a: 7 }, receivedAt: '2026-11-01T00:00:00Z' }, sort);
    const [payload, sum] = cursor.split('.') as [string, string];
    const json = Buffer.from(payload, 'base64url').toString();
    const forged = `${Buffer.from(json.replace('7', '8')).toString('base64url')}.${sum}`;
    for (const bad of [forged, cursor.slice(0, -1), `${payload}.${'A'.repeat(16)}`, 'abc', '', 'x'.repeat(70_000), `${cursor}x`]) {
      refused({ ...body, cursor: bad }, 'cursor');
    }
    refused({ sort: [{ field: 'fields.a' }], cursor }, 'cursor', /different sort/);
    refused({ cursor }, 'cursor', /different sort/);
  });

  it('refuses a well-formed cursor holding something other than scalars', () => {
    const sig = sortSignature(sort);
    const mk = (content: unknown) => {
      const json = JSON.stringify(content);
      return `${Buffer.from(json).toString('base64url')}.${require_checksum(json)}`;
    };
    for (const content of [[1, sig, [{ $gt: 1 }, null], 'e'], [1, sig, [[1], null], 'e'], [1, sig, [1], 'e'], [1, sig, [1, 2], ''], [2, sig, [1, 2], 'e'], { a: 1 }]) {
      refused({ sort: [{ field: 'fields.a' }, { field: 'receivedAt', dir: 'desc' }], cursor: mk(content) }, 'cursor');
    }
  });

  it('cannot page past an entry whose sort field holds a list', () => {
    assert.throws(() => positionOf({ _id: 'e', fields: { a: [1, 2] } }, sort), (err: unknown) => err instanceof SearchQueryError && err.details[0]!.field === 'sort.0.field');
  });

  it('the keyset condition: after the position in every key, _id last', () => {
    const s = compileSearch({ sort: [{ field: 'shotNumber', dir: 'asc' }] }).sort;
    assert.deepEqual(afterFilter(s, { values: [5], id: 'm' }), {
      $or: [{ shotNumber: { $gt: 5 } }, { $and: [{ shotNumber: { $eq: 5 } }, { _id: { $gt: 'm' } }] }],
    });
    const d = compileSearch({ sort: [{ field: 'shotNumber', dir: 'desc' }] }).sort;
    assert.deepEqual(afterFilter(d, { values: [5], id: 'm' }), {
      $or: [{ $or: [{ shotNumber: { $lt: 5 } }, { shotNumber: null }] }, { $and: [{ shotNumber: { $eq: 5 } }, { _id: { $lt: 'm' } }] }],
    });
    // Descending past null: nothing sorts lower, only ties on _id.
    assert.deepEqual(afterFilter(d, { values: [null], id: 'm' }), { $and: [{ shotNumber: null }, { _id: { $lt: 'm' } }] });
  });
});

// The checksum as cursor.ts computes it (to forge well-formed cursors with bad content).
import { createHash } from 'node:crypto';
function require_checksum(json: string): string {
  return createHash('sha256').update(json).digest('base64url').slice(0, 16);
}

describe('search compiler: properties', () => {
  let compiledCount = 0;
  const check = (input: unknown): void => {
    let compiled: CompiledSearch;
    try {
      compiled = compileSearch(input);
      compiledCount++;
    } catch (err) {
      assert.ok(err instanceof SearchQueryError, `not a refusal: ${String(err)}`);
      assert.ok(err.details.length > 0);
      for (const d of err.details) {
        assert.equal(typeof d.field, 'string');
        assert.ok(d.field.length > 0);
        assert.ok(d.message.length > 0);
      }
      return;
    }
    assertOnlyAllowed(compiled.filter);
    assertOnlyAllowed(pageFilter(compiled, { values: compiled.sort.slice(0, -1).map(() => null), id: 'x' }));
  };

  it('arbitrary JSON never crashes the compiler', () => {
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 500 });
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), check), { numRuns: 300 });
  });

  it('query-shaped JSON either compiles to allowed operators only or is refused naming a field', () => {
    compiledCount = 0;
    fc.assert(fc.property(fc.tuple(searchQuery, fc.integer({ min: 0, max: 9 }).map((n) => n === 0)).map(([q, dollar]) => (dollar ? { ...q, $where: '1' } : q)), check), { numRuns: 1500 });
    assert.ok(compiledCount > 100, `only ${compiledCount} of 1500 generated queries compiled: the generator explores too little`);
  });

  it('a cursor made from any entry compiles back to a keyset filter of allowed operators', () => {
    const scalar = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string({ maxLength: 10 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
    fc.assert(
      fc.property(scalar, scalar, fc.constantFrom('asc', 'desc'), fc.uuid(), (a, b, dir, id) => {
        const body = { sort: [{ field: 'fields.a', dir }, { field: 'shotNumber', dir: 'desc' }] };
        const doc = { _id: id, fields: { a }, shotNumber: typeof b === 'number' ? b : undefined };
        const cursor = cursorAfter(doc, compileSearch(body).sort);
        const next = compileSearch({ ...body, cursor });
        assertOnlyAllowed(pageFilter(next, next.after));
      }),
      { numRuns: 300 },
    );
  });
});
