// The search language fuzzed over real HTTP: generated bodies POSTed to
// /api/v1/search of the real server (auth, body parser, error handler, route)
// on the embedded store holding entries of mixed field types. Whatever the
// body — query-shaped, nearly valid, junk of any type, `$`-keys at any depth,
// strings and arrays as large as the body limit allows, any unicode (lone
// surrogates included), nesting thousands deep — the answer is never a 5xx:
// a refusal is 400 `{ error, details: [{ field, message }] }` naming a field,
// an accepted query 200 `{ items, total, nextCursor }` whose nextCursor is
// accepted in turn; and the server still answers afterwards.
//
// The runs are bounded (a few seconds) and seeded: a failure prints the seed
// and fast-check's counterexample; replay with SHOTLINE_FUZZ_SEED=<seed>.
// The client is an admin, so `includeDeleted` is allowed and no 403 arises.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { EntryDoc } from '../../src/search/service.ts';
import { searchQuery } from './arbitraries.ts';
import { BACKENDS, startHarness, type Harness } from './harness.ts';

const SEED = process.env.SHOTLINE_FUZZ_SEED ? Number(process.env.SHOTLINE_FUZZ_SEED) : 20261120;
/** Below the server's body limit (256 KiB): a larger body is a 413 before any parsing, which is not what this explores. */
const MAX_BODY_BYTES = 240 * 1024;

interface Body {
  /** the JSON text sent */
  text: string;
  /** the value, when the text is JSON.stringify of one (to follow its nextCursor) */
  value?: unknown;
}

const json = (value: unknown): Body => ({ text: JSON.stringify(value), value });

// ---------------------------------------------------------------------------
// Stored entries: fields of several types, so that sorts and cursors meet mixed values.

function entries(): EntryDoc[] {
  const values = [1, 2.5, -3, 'Cu', 'ti', '', null, true, false, ['a', 'b'], 0, 'Ünïcødé ✓', 1e300];
  return Array.from({ length: 40 }, (_, i) => {
    const createdAt = new Date(Date.UTC(2026, 10, 1 + (i % 28), i % 24)).toISOString();
    const fields: Record<string, unknown> = { a: values[i % values.length], comment: `entry ${i}` };
    if (i % 3 !== 0) fields.b = values[(i * 7) % values.length];
    return {
      _id: `e${String(i).padStart(3, '0')}`,
      sheet: i % 4 === 0 ? 'xray' : 'ions',
      shotNumber: i % 5 === 0 ? null : i,
      shotUid: null,
      campaign: i % 6 === 0 ? null : '2026-11-run3',
      receivedAt: i % 5 === 0 ? null : createdAt.replace(/Z$/, '000Z'),
      fields,
      diagnostics: { d: { active: i % 2 === 0, settings: { g: values[(i * 3) % values.length] } } },
      daq: { cam: { exp: i % 2 ? i : String(i) } },
      channels: { energy_J: i / 3 },
      status: i % 7 === 0 ? 'draft' : 'complete',
      layoutVersion: 1,
      revision: 1,
      deleted: i % 9 === 0,
      createdAt,
      createdBy: 'alice',
      updatedAt: createdAt,
      updatedBy: 'alice',
      text: `entry ${i} ${String(fields.a).toLowerCase()}`,
      shotKey: `u:e${i}`,
    };
  });
}

// ---------------------------------------------------------------------------
// Generated bodies.

const MEMBERS = ['sheet', 'campaign', 'from', 'to', 'shotNumber', 'where', 'text', 'sort', 'limit', 'cursor', 'includeDeleted'];
const anyMember = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...MEMBERS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) });
const junkValue = fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 });
const dollarKey = fc.oneof(fc.constantFrom('$where', '$gt', '$ne', '$regex', '$expr', '$function', '$'), fc.string({ unit: 'binary', maxLength: 8 }).map((s) => `$${s}`));

/** `inner` wrapped in `depth` alternating objects and arrays. */
function nest(inner: unknown, depth: number, key: string): unknown {
  let v = inner;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { [key]: v };
  return v;
}

/** Query-shaped, mostly valid. */
const valid = searchQuery.map(json);

/** Valid queries over the stored entries' fields, small pages: accepted, with cursors to follow through mixed-type sorts. */
const scalar = fc.oneof(fc.integer({ min: -5, max: 50 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('Cu', 'ti', '', 'Ünïcødé ✓'), fc.boolean(), fc.constant(null));
const wellFormed = fc
  .record(
    {
      sheet: fc.constantFrom('ions', 'xray', ['ions', 'xray']),
      campaign: fc.constantFrom('2026-11-run3', null),
      from: fc.constantFrom('2026-11-03', '2026-11-10T05:00:00Z', '2026-11-10T05:00:00.5+02:00'),
      where: fc.array(
        fc.oneof(
          fc.record({ field: fc.constantFrom('fields.a', 'fields.b', 'diagnostics.d.settings.g', 'daq.cam.exp'), op: fc.constantFrom('=', '!=', '<', '>=') as fc.Arbitrary<string>, value: scalar.filter((v) => typeof v !== 'boolean' && v !== null) }),
          fc.record({ field: fc.constantFrom('fields.a', 'fields.b'), op: fc.constant('in'), value: fc.array(scalar, { minLength: 1, maxLength: 5 }) }),
          fc.record({ field: fc.constantFrom('fields.comment', 'status'), op: fc.constant('contains'), value: fc.constantFrom('entry', '1', 'DRAFT', '.*') }),
          fc.record({ field: fc.constantFrom('fields.b', 'shotNumber'), op: fc.constant('exists'), value: fc.boolean() }),
          fc.record({ field: fc.constant('channels.energy_J'), op: fc.constantFrom('<', '>'), value: fc.double({ min: 0, max: 20, noNaN: true }) }),
        ),
        { maxLength: 3 },
      ),
      text: fc.constantFrom('entry', 'entry cu', '1'),
      // Not the fields that hold a list in some entry: a page ending there is a (documented) 400.
      sort: fc.uniqueArray(fc.record({ field: fc.constantFrom('shotNumber', 'receivedAt', 'createdAt', 'daq.cam.exp', 'status', 'fields.comment', 'channels.energy_J'), dir: fc.constantFrom('asc', 'desc') }), { minLength: 1, maxLength: 3, selector: (k) => k.field }),
      limit: fc.integer({ min: 1, max: 4 }),
      includeDeleted: fc.boolean(),
    },
    { requiredKeys: ['sort', 'limit'] },
  )
  .map(json);

/** A query-shaped body with one thing wrong (or odd): a member of the wrong type, a `$`-key somewhere, a condition of wrong types. */
const nearValid = fc
  .tuple(
    searchQuery,
    fc.oneof(
      fc.record({ kind: fc.constant('member' as const), member: anyMember, value: junkValue }),
      fc.record({ kind: fc.constant('dollar' as const), member: anyMember, key: dollarKey, depth: fc.integer({ min: 0, max: 12 }), value: junkValue }),
      fc.record({ kind: fc.constant('condition' as const), condition: fc.record({ field: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), junkValue), op: fc.oneof(fc.constantFrom('=', 'in', 'contains', 'exists', '>'), junkValue), value: junkValue }, { requiredKeys: [] }) }),
    ),
  )
  .map(([query, change]) => {
    const q: Record<string, unknown> = { ...query };
    if (change.kind === 'member') q[change.member] = change.value;
    else if (change.kind === 'dollar') q[change.member] = nest({ [change.key]: change.value }, change.depth, 'value');
    else q.where = [...((q.where as unknown[] | undefined) ?? []), change.condition];
    return json(q);
  });

/** Any JSON at all: scalars, arrays, objects with unicode and `$` keys. */
const junk = fc
  .oneof(
    junkValue,
    fc.dictionary(fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), dollarKey, fc.constantFrom(...MEMBERS, '__proto__', 'constructor')), junkValue, { maxKeys: 6 }),
  )
  .map(json);

/** Strings and arrays up to what the body limit allows, in every member. */
const huge = fc
  .tuple(
    fc.constantFrom('text', 'sheet', 'sheets', 'cursor', 'value', 'contains', 'field', 'in', 'where', 'sort', 'unknown'),
    fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1_000, max: 30_000 })),
    fc.constantFrom('x', 'é', '✓', '😀', '\ud800', '$', '.', ' ', '"', '\u0000'),
  )
  .map(([where, n, ch]) => {
    const s = ch.repeat(n);
    const few = Math.min(n, 4_000);
    switch (where) {
      case 'text':
        return json({ text: s });
      case 'sheet':
        return json({ sheet: s });
      case 'sheets':
        return json({ sheet: Array.from({ length: few }, (_, i) => `s${i}`) });
      case 'cursor':
        return json({ cursor: s });
      case 'value':
        return json({ where: [{ field: 'fields.a', op: '=', value: s }] });
      case 'contains':
        return json({ where: [{ field: 'fields.comment', op: 'contains', value: s }] });
      case 'field':
        return json({ where: [{ field: `fields.${s}`, op: 'exists' }] });
      case 'in':
        return json({ where: [{ field: 'fields.a', op: 'in', value: Array.from({ length: few }, (_, i) => (i % 2 ? i : `v${i}`)) }] });
      case 'where':
        return json({ where: Array.from({ length: Math.min(few, 3_000) }, (_, i) => ({ field: 'fields.a', op: '!=', value: i })) });
      case 'sort':
        return json({ sort: Array.from({ length: Math.min(few, 3_000) }, () => ({ field: 'shotNumber' })) });
      default:
        return json({ [s.slice(0, 5_000)]: s });
    }
  });

/** Nesting hundreds to tens of thousands deep, built as text (JSON.stringify would recurse), anywhere in the body. */
const deep = fc
  .tuple(fc.integer({ min: 100, max: 30_000 }), fc.constantFrom('array', 'object'), fc.constantFrom('body', 'value', 'member', 'sort', 'cursor', 'in'), fc.boolean())
  .map(([depth, kind, where, dollar]): Body => {
    const inner = dollar ? '{"$gt":1}' : '1';
    const nested = kind === 'array' ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
    switch (where) {
      case 'body':
        return { text: nested };
      case 'value':
        return { text: `{"where":[{"field":"fields.a","op":"=","value":${nested}}]}` };
      case 'member':
        return { text: `{"limit":10,"deep":${nested}}` };
      case 'sort':
        return { text: `{"sort":${nested}}` };
      case 'cursor':
        return { text: `{"cursor":${nested}}` };
      default:
        return { text: `{"where":[{"field":"fields.a","op":"in","value":[1,${nested}]}]}` };
    }
  });

// ---------------------------------------------------------------------------

const STACK = /\n\s+at |node_modules|\.ts:\d+/;

describe('search language fuzzed over HTTP (embedded store)', () => {
  let h: Harness;
  const outcomes: Record<string, { accepted: number; refused: number }> = {};
  let followed = 0;

  before(async () => {
    h = await startHarness(BACKENDS[0]!, 'fuzz');
    await h.store.collection<EntryDoc>('entries').insertMany(entries());
  });

  after(async () => {
    await h?.close();
  });

  /** Checks an answer: 400 naming fields, or 200 with a page (returned). */
  function answerOf(status: number, raw: string, what: string): { items: unknown[]; total: number; nextCursor: string | null } | null {
    assert.ok(status < 500, what);
    assert.doesNotMatch(raw, STACK, what);
    const answer = JSON.parse(raw);
    if (status === 400) {
      assert.equal(typeof answer.error, 'string', what);
      assert.ok(answer.error.length > 0, what);
      assert.ok(Array.isArray(answer.details) && answer.details.length > 0, `no details: ${what}`);
      for (const d of answer.details) {
        assert.equal(typeof d.field, 'string', what);
        assert.ok(d.field.length > 0, `a detail naming no field: ${what}`);
        assert.equal(typeof d.message, 'string', what);
        assert.ok(d.message.length > 0, what);
      }
      return null;
    }
    assert.equal(status, 200, what);
    assert.deepEqual(Object.keys(answer).sort(), ['items', 'nextCursor', 'total'], what);
    assert.ok(Array.isArray(answer.items), what);
    assert.ok(Number.isInteger(answer.total) && answer.total >= answer.items.length, what);
    assert.ok(answer.nextCursor === null || typeof answer.nextCursor === 'string', what);
    return answer;
  }

  async function post(text: string): Promise<{ status: number; raw: string }> {
    const res = await fetch(`${h.url}/api/v1/search`, { method: 'POST', headers: { ...h.admin.headers, 'content-type': 'application/json' }, body: text });
    return { status: res.status, raw: await res.text() };
  }

  const describeBody = (text: string) => `${text.slice(0, 200)}${text.length > 200 ? '…' : ''}`;

  /** Sends `body`, checks the answer; follows an accepted page's nextCursor once. */
  async function check(category: string, body: Body): Promise<void> {
    const bytes = Buffer.byteLength(body.text);
    assert.ok(bytes <= MAX_BODY_BYTES, `generator made a ${bytes}-byte body, over the limit this test keeps to`);
    const { status, raw } = await post(body.text);
    const page = answerOf(status, raw, `${category} body ${describeBody(body.text)} → ${status} ${raw.slice(0, 300)}`);
    const tally = (outcomes[category] ??= { accepted: 0, refused: 0 });
    if (!page) {
      tally.refused++;
      if (category === 'well-formed') assert.fail(`a valid query was refused: ${describeBody(body.text)} → ${raw.slice(0, 300)}`);
      return;
    }
    tally.accepted++;
    if (page.nextCursor !== null && body.value && typeof body.value === 'object' && !Array.isArray(body.value)) {
      followed++;
      const text = JSON.stringify({ ...body.value, cursor: page.nextCursor });
      const next = await post(text);
      const nextPage = answerOf(next.status, next.raw, `next page of ${category} body ${describeBody(text)} → ${next.status} ${next.raw.slice(0, 300)}`);
      if (category === 'well-formed') assert.ok(nextPage, `the nextCursor of a valid query was refused: ${describeBody(text)} → ${next.raw.slice(0, 300)}`);
    }
  }

  async function fuzz(category: string, arbitrary: fc.Arbitrary<Body>, numRuns: number): Promise<void> {
    try {
      await fc.assert(
        fc.asyncProperty(arbitrary, (body) => check(category, body)),
        { seed: SEED, numRuns, endOnFailure: true },
      );
    } catch (err) {
      (err as Error).message = `search fuzz (${category}) failed with seed ${SEED} (replay: SHOTLINE_FUZZ_SEED=${SEED}):\n${(err as Error).message}`;
      throw err;
    }
  }

  it('valid queries over the stored fields: 200 with a page whose nextCursor is accepted in turn', () => fuzz('well-formed', wellFormed, 60));
  it('query-shaped bodies: 200 with a page, or 400 naming the field', () => fuzz('valid', valid, 80));
  it('nearly valid bodies: a member of the wrong type, a $-key at any depth, a mistyped condition', () => fuzz('near-valid', nearValid, 100));
  it('junk JSON of any type, with unicode and $-keys', () => fuzz('junk', junk, 80));
  it('strings and arrays as large as the body limit allows', () => fuzz('huge', huge, 25));
  it('nesting up to 30,000 deep anywhere in the body', () => fuzz('deep', deep, 20));

  it('explored both outcomes, and the server still answers', async (t) => {
    t.diagnostic(`seed ${SEED}: ${JSON.stringify(outcomes)}; ${followed} nextCursors followed`);
    assert.equal(outcomes['well-formed']!.refused, 0, 'valid queries were refused');
    assert.ok(outcomes.valid!.accepted > 5 && outcomes.valid!.refused > 5, `too one-sided: ${JSON.stringify(outcomes.valid)}`);
    assert.ok(outcomes['near-valid']!.refused > 60, JSON.stringify(outcomes['near-valid']));
    assert.ok(followed > 5, `only ${followed} nextCursors followed`);
    assert.equal((await fetch(`${h.url}/healthz`)).status, 200);
    // Every limit at its maximum is accepted (one more is refused, as the huge bodies show).
    const word = (i: number) => `${i}`.padEnd(99, 'w'); // 20 words and their spaces within text's 2000 characters
    for (const body of [
      { where: [{ field: 'fields.a', op: 'in', value: Array.from({ length: 1000 }, (_, i) => (i % 2 ? i : `v${i}`)) }] },
      { where: Array.from({ length: 50 }, (_, i) => ({ field: 'fields.a', op: '!=', value: i })) },
      { where: [{ field: 'fields.a', op: '=', value: 'é'.repeat(1000) }, { field: 'fields.comment', op: 'contains', value: '😀'.repeat(100) }] },
      { text: Array.from({ length: 20 }, (_, i) => word(i)).join(' '), sheet: Array.from({ length: 50 }, (_, i) => `s${i}`.padEnd(128, 'x')) },
      { where: [{ field: `daq.${Array.from({ length: 8 }, () => 'p'.repeat(30)).join('.')}`, op: 'exists' }], sort: [{ field: 'shotNumber' }, { field: 'createdAt' }, { field: 'status' }, { field: 'fields.comment' }], limit: 1000 },
    ]) {
      const res = await h.admin.post('/api/v1/search', body);
      assert.equal(res.status, 200, `${JSON.stringify(body).slice(0, 200)}: ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    const page = await h.admin.post('/api/v1/search', { sheet: 'ions', sort: [{ field: 'fields.a' }], limit: 5 });
    assert.equal(page.status, 200);
    assert.equal(page.body.items.length, 5);
  });
});
