import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DebugBuffer, RateLimitedLog, safePreview, type LogSink } from '../../src/ingest/debug-buffer.ts';

const b = (s: string) => Buffer.from(s, 'utf8');
const T0 = 1_764_064_800_000_000; // 2025-11-25T10:00:00Z in µs

// Anything a browser, a terminal or a JSON viewer could trip on.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

describe('DebugBuffer', () => {
  it('keeps the newest `capacity` messages, newest first', () => {
    const buf = new DebugBuffer({ capacity: 3 });
    for (let i = 1; i <= 5; i++) buf.record(T0 + i, 'tcp://laser:5556', [b('laser'), b(`{"n":${i}}`)], 'ok');
    assert.equal(buf.size, 3);
    assert.equal(buf.written, 5);
    const list = buf.list();
    assert.deepEqual(list.map((e) => e.preview), ['{"n":5}', '{"n":4}', '{"n":3}']);
    const [newest] = list;
    assert.deepEqual(newest, {
      receivedAt: '2025-11-25T10:00:00.000005Z',
      endpoint: 'tcp://laser:5556',
      topic: 'laser',
      frames: 2,
      size: 12,
      status: 'ok',
      preview: '{"n":5}',
      previewEncoding: 'text',
      truncated: false,
    });
  });

  it('filters rejected messages and honours limit', () => {
    const buf = new DebugBuffer({ capacity: 10 });
    buf.record(T0, 'e', [b('{}')], 'ok');
    buf.record(T0, 'e', [b('[1]')], 'not-object', 'top-level JSON is an array, not an object');
    buf.record(T0, 'e', [b('{}')], 'ok');
    buf.record(T0, 'e', [b('nope')], 'not-json', 'Unexpected token');
    const rejected = buf.list({ rejectedOnly: true });
    assert.deepEqual(rejected.map((e) => [e.status, e.preview]), [['not-json', 'nope'], ['not-object', '[1]']]);
    assert.equal(rejected[1]!.detail, 'top-level JSON is an array, not an object');
    assert.equal(buf.list({ limit: 1 }).length, 1);
    assert.equal(buf.list({ limit: 0 }).length, 0);
    assert.equal(buf.list({ limit: 1, rejectedOnly: true })[0]!.status, 'not-json');
    assert.equal(buf.list()[0]!.detail, 'Unexpected token');
    assert.ok(!('detail' in buf.list()[1]!), 'ok messages carry no detail');
  });

  it('bounded memory: a huge message keeps only its preview', () => {
    const buf = new DebugBuffer({ capacity: 2, previewBytes: 16 });
    const huge = Buffer.alloc(10 * 1024 * 1024, 'a');
    buf.record(T0, 'e', [b('t'.repeat(1000)), huge], 'oversized', '10485760 bytes > limit 1048576');
    const [e] = buf.list();
    assert.equal(e!.size, 10 * 1024 * 1024 + 1000);
    assert.equal(e!.preview, 'a'.repeat(16));
    assert.equal(e!.truncated, true);
    assert.equal(e!.topic, `${'t'.repeat(128)}…`, 'the topic is cut too');
    // the buffer copied the bytes: changing the original does not change the preview
    huge.fill('b');
    assert.equal(buf.list()[0]!.preview, 'a'.repeat(16));
  });

  it('shows binary as hex and escapes control characters in text', () => {
    const buf = new DebugBuffer({ capacity: 10 });
    buf.record(T0, 'e', [Buffer.from([0xde, 0xad, 0xbe, 0xef, 0xff])], 'invalid-utf8', 'payload is not valid UTF-8');
    buf.record(T0, 'e', [b('{"a":\n"line\u0007bell\u202Eevil"}\r\t')], 'not-json');
    buf.record(T0, 'e', [Buffer.alloc(64)], 'not-json');
    buf.record(T0, 'e', [Buffer.from([0xff, 0xfe]), b('{}')], 'invalid-utf8', 'topic frame is not valid UTF-8');
    const [badTopic, zeros, text, binary] = buf.list();
    assert.equal(binary!.previewEncoding, 'hex');
    assert.equal(binary!.preview, 'deadbeefff');
    assert.equal(text!.previewEncoding, 'text');
    assert.equal(text!.preview, '{"a":\\n"line\\u{0007}bell\\u{202e}evil"}\\r\\t');
    assert.equal(zeros!.previewEncoding, 'hex', 'valid UTF-8 made of NULs is still binary');
    assert.equal(zeros!.preview, '00'.repeat(64));
    assert.equal(badTopic!.topic, 'hex:fffe');
    for (const e of buf.list()) {
      assert.doesNotMatch(e.preview, UNSAFE);
      assert.doesNotMatch(e.topic, UNSAFE);
    }
  });

  it('cuts text at a character boundary instead of falling back to hex', () => {
    const buf = new DebugBuffer({ capacity: 1, previewBytes: 8 });
    buf.record(T0, 'e', [b('µµµµµµ')], 'ok'); // 12 bytes: 8 bytes are 4 whole characters
    assert.equal(buf.list()[0]!.preview, 'µµµµ');
    const odd = new DebugBuffer({ capacity: 1, previewBytes: 7 });
    odd.record(T0, 'e', [b('µµµµµµ')], 'ok');
    assert.equal(odd.list()[0]!.preview, 'µµµ');
    assert.equal(odd.list()[0]!.previewEncoding, 'text');
  });

  it('records frameless and empty messages', () => {
    const buf = new DebugBuffer({ capacity: 4 });
    buf.record(T0, 'e', [], 'empty', 'no frames');
    buf.record(T0, 'e', [b('laser'), Buffer.alloc(0)], 'empty', 'empty payload frame');
    const [emptyPayload, none] = buf.list();
    assert.deepEqual([none!.frames, none!.size, none!.preview, none!.topic], [0, 0, '', '']);
    assert.deepEqual([emptyPayload!.frames, emptyPayload!.preview, emptyPayload!.topic], [2, '', 'laser']);
  });

  it('rejects a nonsensical capacity', () => {
    assert.throws(() => new DebugBuffer({ capacity: 0 }), /capacity/);
    assert.throws(() => new DebugBuffer({ capacity: 1.5 }), /capacity/);
    assert.equal(new DebugBuffer().capacity, 200);
    assert.equal(new DebugBuffer().previewBytes, 512);
  });

  it('property: previews of arbitrary bytes are safe and bounded', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 700 }), fc.string({ maxLength: 700, unit: 'binary' }).map((s) => new Uint8Array(b(s)))), (bytes) => {
        const buf = new DebugBuffer({ capacity: 1, previewBytes: 512 });
        buf.record(T0, 'e', [Buffer.from(bytes), Buffer.from(bytes)], 'ok');
        const [e] = buf.list();
        assert.doesNotMatch(e!.preview, UNSAFE);
        assert.doesNotMatch(e!.topic, UNSAFE);
        // hex is 2 chars per byte; escapes are at most 8 chars per byte-ish character
        assert.ok(e!.preview.length <= 512 * 8);
        assert.equal(e!.truncated, bytes.length > 512);
      }),
      { numRuns: 1000 },
    );
  });

  it('safePreview of plain text is the text itself', () => {
    assert.deepEqual(safePreview(b('{"energy_J": 3.1, "note": "Strahl ✓"}')), { text: '{"energy_J": 3.1, "note": "Strahl ✓"}', encoding: 'text' });
  });
});

describe('RateLimitedLog', () => {
  function fakeLogger() {
    const lines: { level: string; obj: object; msg: string | undefined }[] = [];
    const logger: LogSink = {
      info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
    };
    return { lines, logger };
  }

  it('logs at most `max` lines per interval, then one summary line', async () => {
    const { lines, logger } = fakeLogger();
    const log = new RateLimitedLog({ logger, max: 3, intervalMs: 100 });
    for (let i = 0; i < 50; i++) log.log({ i }, 'malformed laser message');
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.map((l) => (l.obj as { i: number }).i), [0, 1, 2]);
    // the summary comes when the interval ends, even with no further message
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(lines.length, 4);
    assert.equal(lines[3]!.msg, 'suppressed 47 similar messages');
    assert.equal(lines[3]!.level, 'warn');
    assert.equal(log.suppressedTotal, 47);
    // a new interval logs again
    log.log({ i: 99 }, 'malformed laser message');
    assert.equal(lines.length, 5);
  });

  it('flush writes the pending summary at once, and nothing when nothing was suppressed', () => {
    const { lines, logger } = fakeLogger();
    const log = new RateLimitedLog({ logger, max: 1, intervalMs: 60_000, level: 'error' });
    log.flush();
    assert.equal(lines.length, 0);
    log.log({}, 'a');
    log.log({}, 'b');
    log.log({}, 'c');
    log.flush();
    assert.deepEqual(lines.map((l) => [l.level, l.msg]), [['error', 'a'], ['error', 'suppressed 2 similar messages']]);
    log.flush();
    assert.equal(lines.length, 2);
  });
});
