import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeMessage, extractChannels, readLaserCounter, readLaserTime, formatEpochMicros, REJECT_REASONS, type DecodeResult } from '../../src/ingest/decoder.ts';

const LIMITS = { maxBytes: 1024 };
const b = (s: string) => Buffer.from(s, 'utf8');

function rejected(r: DecodeResult) {
  assert.equal(r.ok, false, `expected a reject, got ${JSON.stringify(r)}`);
  return r as Extract<DecodeResult, { ok: false }>;
}

function accepted(r: DecodeResult) {
  assert.equal(r.ok, true, `expected ok, got ${JSON.stringify(r)}`);
  return r as Extract<DecodeResult, { ok: true }>;
}

describe('decodeMessage', () => {
  it('decodes a single-frame message with topic ""', () => {
    const r = accepted(decodeMessage([b('{"shot_id":7,"energy_J":3.1}')], LIMITS));
    assert.equal(r.topic, '');
    assert.deepEqual(r.payload, { shot_id: 7, energy_J: 3.1 });
  });

  it('decodes a multipart [topic, payload] message', () => {
    const r = accepted(decodeMessage([b('laser'), b('{"a":{"b":1}}')], LIMITS));
    assert.equal(r.topic, 'laser');
    assert.deepEqual(r.payload, { a: { b: 1 } });
  });

  it('accepts an empty topic frame and UTF-8 text in topic and payload', () => {
    assert.equal(accepted(decodeMessage([b(''), b('{}')], LIMITS)).topic, '');
    const r = accepted(decodeMessage([b('läser/µ'), b('{"note":"Strahl ✓"}')], LIMITS));
    assert.equal(r.topic, 'läser/µ');
    assert.equal(r.payload.note, 'Strahl ✓');
  });

  it('empty: no frames, or an empty payload frame', () => {
    assert.equal(rejected(decodeMessage([], LIMITS)).reason, 'empty');
    assert.equal(rejected(decodeMessage([b('')], LIMITS)).reason, 'empty');
    assert.equal(rejected(decodeMessage([b('laser'), b('')], LIMITS)).reason, 'empty');
  });

  it('too-many-frames: more than [topic, payload]', () => {
    const r = rejected(decodeMessage([b('laser'), b('{}'), b('{}')], LIMITS));
    assert.equal(r.reason, 'too-many-frames');
    assert.match(r.detail, /3 frames/);
  });

  it('oversized: topic and payload together over maxBytes, checked before parsing', () => {
    const payload = b(`{"x":"${'a'.repeat(1100)}"}`);
    assert.equal(rejected(decodeMessage([payload], LIMITS)).reason, 'oversized');
    assert.equal(rejected(decodeMessage([b('t'.repeat(100)), b(`{"x":"${'a'.repeat(920)}"}`)], LIMITS)).reason, 'oversized');
    const exact = b(`{"x":"${'a'.repeat(1024 - 8)}"}`);
    assert.equal(exact.length, 1024);
    assert.equal(decodeMessage([exact], LIMITS).ok, true, 'exactly maxBytes is fine');
    // not even valid: size wins, so a flood of huge garbage costs no parsing
    assert.equal(rejected(decodeMessage([Buffer.alloc(5000, 0xff)], LIMITS)).reason, 'oversized');
  });

  it('invalid-utf8: in the payload or in the topic', () => {
    const r = rejected(decodeMessage([Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])], LIMITS));
    assert.equal(r.reason, 'invalid-utf8');
    assert.match(r.detail, /payload/);
    const t = rejected(decodeMessage([Buffer.from([0xc3, 0x28]), b('{}')], LIMITS));
    assert.equal(t.reason, 'invalid-utf8');
    assert.match(t.detail, /topic/);
    // an overlong encoding and a lone surrogate are not valid UTF-8 either
    assert.equal(rejected(decodeMessage([Buffer.from([0x7b, 0xc0, 0xaf, 0x7d])], LIMITS)).reason, 'invalid-utf8');
    assert.equal(rejected(decodeMessage([Buffer.from([0x7b, 0xed, 0xa0, 0x80, 0x7d])], LIMITS)).reason, 'invalid-utf8');
  });

  it('not-json: truncated, trailing garbage, NaN, plain text', () => {
    for (const s of ['{"shot_id": 1, "energy_J": 3.0', '{"a":1} x', '{"a":NaN}', 'hello', '{\'a\':1}', ' ']) {
      const r = rejected(decodeMessage([b(s)], LIMITS));
      assert.equal(r.reason, 'not-json', s);
      assert.ok(r.detail.length > 0 && r.detail.length <= 161);
    }
  });

  it('not-object: arrays, null, numbers, strings, booleans', () => {
    for (const [s, what] of [['[1,2]', 'array'], ['null', 'null'], ['3.5', 'number'], ['"x"', 'string'], ['true', 'boolean']] as const) {
      const r = rejected(decodeMessage([b(s)], LIMITS));
      assert.equal(r.reason, 'not-object', s);
      assert.match(r.detail, new RegExp(what));
    }
  });

  it('keeps a "__proto__" key as data, not as a prototype', () => {
    const r = accepted(decodeMessage([b('{"__proto__":{"polluted":1},"a":2}')], LIMITS));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(r.payload), Object.prototype);
  });

  it('property: never throws for arbitrary frames and limits; ok payloads are plain objects', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 5 }), fc.integer({ min: 0, max: 400 }), (arrays, maxBytes) => {
        const frames = arrays.map((a) => Buffer.from(a));
        const r = decodeMessage(frames, { maxBytes });
        if (r.ok) {
          assert.ok(frames.length === 1 || frames.length === 2);
          assert.equal(typeof r.payload, 'object');
          assert.ok(r.payload !== null && !Array.isArray(r.payload));
          assert.equal(typeof r.topic, 'string');
        } else {
          assert.ok(REJECT_REASONS.includes(r.reason), r.reason);
          assert.equal(typeof r.detail, 'string');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: any JSON text is accepted exactly when it is an object', () => {
    fc.assert(
      fc.property(fc.json(), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), (json, topic) => {
        const frames = topic === undefined ? [b(json)] : [b(topic), b(json)];
        const r = decodeMessage(frames, { maxBytes: 1 << 20 });
        const value: unknown = JSON.parse(json);
        const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
        // lone surrogates in fc strings become U+FFFD in UTF-8 and still decode
        assert.equal(r.ok, isObject, json);
        if (r.ok) assert.deepEqual(r.payload, value);
        else assert.equal(r.reason, 'not-object');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('extractChannels', () => {
  it('takes every finite number, flattening nested objects with "/"', () => {
    const channels = extractChannels({ energy_J: 3.1, pointing: { x: 1, y: -2.5, meta: { gain: 4 } }, n: 0 });
    assert.deepEqual(Object.fromEntries(channels), { energy_J: 3.1, 'pointing/x': 1, 'pointing/y': -2.5, 'pointing/meta/gain': 4, n: 0 });
  });

  it('skips booleans, strings, null, arrays (and what they contain)', () => {
    const channels = extractChannels({ ok: true, mode: 'full', s: '3.5', nothing: null, list: [1, 2, { a: 3 }], x: 1 });
    assert.deepEqual([...channels.keys()], ['x']);
  });

  it('skips non-finite numbers', () => {
    // JSON cannot carry them, but objects built in code can
    const channels = extractChannels({ a: NaN, b: Infinity, c: -Infinity, d: 1e308, e: -0 });
    assert.deepEqual([...channels.keys()], ['d', 'e']);
  });

  it("replaces '.' and a leading '$' in every key with '_'", () => {
    const channels = extractChannels({ 'energy.J': 1, $cost: 2, 'a$b': 3, nested: { '$x.y': 4, 'k.': 5 }, $: 6 });
    assert.deepEqual(Object.fromEntries(channels), { energy_J: 1, _cost: 2, a$b: 3, 'nested/_x_y': 4, 'nested/k_': 5, _: 6 });
    assert.deepEqual(Object.fromEntries(extractChannels({ '': 1, a: { '': 2 } })), { _: 1, 'a/_': 2 }, "an empty key becomes '_'");
  });

  it('limits depth (default 4 levels) and takes maxDepth', () => {
    const payload = { a: { b: { c: { d: 4, e: { f: 5 } }, c1: 3 }, b1: 2 }, a1: 1 };
    assert.deepEqual(Object.fromEntries(extractChannels(payload)), { 'a/b/c/d': 4, 'a/b/c1': 3, 'a/b1': 2, a1: 1 });
    assert.deepEqual(Object.fromEntries(extractChannels(payload, new Map(), { maxDepth: 1 })), { a1: 1 });
    assert.deepEqual(Object.fromEntries(extractChannels(payload, new Map(), { maxDepth: 2 })), { 'a/b1': 2, a1: 1 });
  });

  it('fills a given Map or record, returning it', () => {
    const map = new Map([['old', 1]]);
    assert.equal(extractChannels({ x: 2 }, map), map);
    assert.deepEqual(Object.fromEntries(map), { old: 1, x: 2 });
    const rec: Record<string, number> = {};
    assert.equal(extractChannels({ x: 2, y: { z: 3 } }, rec), rec);
    assert.deepEqual(rec, { x: 2, 'y/z': 3 });
  });

  it('never turns a "__proto__" key into a prototype change', () => {
    const payload = JSON.parse('{"__proto__": 5, "a": {"__proto__": 6}}') as Record<string, unknown>;
    const rec: Record<string, number> = {};
    extractChannels(payload, rec);
    assert.equal(Object.getPrototypeOf(rec), Object.prototype);
    assert.deepEqual(Object.keys(rec), ['a/__proto__']);
  });

  it('property: names are store-safe and values finite for any JSON object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 6 })), (obj) => {
        const channels = extractChannels(obj);
        for (const [name, value] of channels) {
          assert.ok(Number.isFinite(value));
          assert.ok(!name.includes('.'), name);
          assert.ok(!name.startsWith('$'), name);
          assert.notEqual(name, '__proto__');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('readLaserCounter', () => {
  it('reads a non-negative integer, as number or digit string', () => {
    assert.equal(readLaserCounter({ shot_id: 42 }, 'shot_id'), 42);
    assert.equal(readLaserCounter({ shot_id: 0 }, 'shot_id'), 0);
    assert.equal(readLaserCounter({ shot_id: '1234' }, 'shot_id'), 1234);
    assert.equal(readLaserCounter({ header: { n: 9 } }, 'header/n'), 9, 'a path into nested objects');
  });

  it('gives undefined for missing or bad values, never throws', () => {
    for (const v of [undefined, null, -1, 1.5, NaN, 2 ** 60, '12a', '', '-3', true, {}, [3]]) {
      assert.equal(readLaserCounter({ shot_id: v }, 'shot_id'), undefined, String(v));
    }
    assert.equal(readLaserCounter({}, 'shot_id'), undefined);
    assert.equal(readLaserCounter({ a: 1 }, 'a/b/c'), undefined);
    assert.equal(readLaserCounter({}, 'toString'), undefined, 'inherited properties are not fields');
  });
});

describe('readLaserTime', () => {
  const t = (v: unknown) => readLaserTime({ timestamp: v }, 'timestamp');

  it('reads epoch seconds, milliseconds and microseconds (and nanoseconds)', () => {
    assert.equal(t(1764064800), '2025-11-25T10:00:00.000000Z');
    assert.equal(t(1764064800.123456), '2025-11-25T10:00:00.123456Z');
    assert.equal(t(1764064800123), '2025-11-25T10:00:00.123000Z');
    assert.equal(t(1764064800123456), '2025-11-25T10:00:00.123456Z');
    assert.equal(t(1764064800123456789), '2025-11-25T10:00:00.123457Z');
    assert.equal(t('1764064800123'), '2025-11-25T10:00:00.123000Z', 'a numeric string');
  });

  it('reads ISO 8601 strings, keeping microseconds and applying offsets', () => {
    assert.equal(t('2025-11-25T10:00:00Z'), '2025-11-25T10:00:00.000000Z');
    assert.equal(t('2025-11-25T10:00:00.123456Z'), '2025-11-25T10:00:00.123456Z');
    assert.equal(t('2025-11-25T11:00:00.5+01:00'), '2025-11-25T10:00:00.500000Z');
    assert.equal(t('2025-11-25 05:30:00-0430'), '2025-11-25T10:00:00.000000Z');
    assert.equal(t('2025-11-25T10:00'), '2025-11-25T10:00:00.000000Z', 'no zone: UTC');
    assert.equal(t('2025-11-25T10:00:00.1234567Z'), '2025-11-25T10:00:00.123457Z');
  });

  it('gives undefined for bad values, never throws', () => {
    for (const v of [undefined, null, true, {}, [], '', 'yesterday', 'March 7 2025', '2025-02-30T00:00:00Z', '2025-13-01T00:00:00Z', '2025-11-25T24:00:00Z', -5, 0, NaN, Infinity, 1e25, '1e5', '1969-12-31T23:59:59Z']) {
      assert.equal(t(v), undefined, JSON.stringify(v));
    }
  });

  it('property: never throws; always undefined or an ISO string with microseconds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.double(), fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), (v) => {
        const r = readLaserTime({ timestamp: v } as Record<string, unknown>, 'timestamp');
        if (r !== undefined) assert.match(r, /^[+-]?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('formatEpochMicros pads the microseconds', () => {
    assert.equal(formatEpochMicros(1_764_064_800_000_007), '2025-11-25T10:00:00.000007Z');
    assert.equal(formatEpochMicros(1_764_064_800_123_450), '2025-11-25T10:00:00.123450Z');
  });
});
