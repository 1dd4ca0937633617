import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nowMicros } from '../../src/ingest/clock.ts';

describe('nowMicros', () => {
  it('follows the wall clock, with sub-millisecond resolution, never going backwards in a burst', async () => {
    const before = Date.now() * 1000;
    const a = nowMicros();
    const after = Date.now() * 1000 + 1000;
    assert.ok(a >= before - 5_000 && a <= after + 5_000, `${a} vs [${before}, ${after}]`);
    let last = nowMicros();
    const fractions = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const t = nowMicros();
      assert.ok(t >= last, 'monotonic within a burst');
      fractions.add(Math.floor(t) % 1000);
      last = t;
    }
    assert.ok(fractions.size > 1, 'microseconds vary, not just milliseconds');
    await new Promise((r) => setTimeout(r, 1_100)); // past a re-anchoring check
    assert.ok(Math.abs(nowMicros() - Date.now() * 1000) < 6_000);
  });
});
