// The fault-injection suite (issue 7): the simulated laser at 100 Hz through
// relay → Kafka → watcher → MongoDB-wire server, every process separate,
// while the broker and the MongoDB-wire server are stopped and started and
// relay and watcher are killed with SIGKILL at seeded random moments; then a
// ledger of every triggered shot against MongoDB. See harness.ts.
//
// It runs its own Kafka broker and MongoDB-wire server (scripts/services.sh in
// a private state dir, on free ports), never the ones in KAFKA_BROKERS /
// MONGO_URL. About two minutes. Longer runs: `npm run faults -- --minutes N`.
//   SHOTLINE_FAULTS_SEED   replay a seed (printed with the figures)
//   SHOTLINE_FAULTS_SECONDS  length of the fault phase (default 70)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_KINDS, formatReport, runFaultScenario } from './harness.ts';
import { servicesUnavailable } from './services.ts';

const unavailable = servicesUnavailable();
const skip = unavailable ? `fault-injection suite needs its own Kafka and MongoDB-wire server: ${unavailable}` : false;
const seed = process.env.SHOTLINE_FAULTS_SEED ? Number(process.env.SHOTLINE_FAULTS_SEED) : Math.floor(Math.random() * 2 ** 31);
const seconds = Number(process.env.SHOTLINE_FAULTS_SECONDS ?? 70);

describe('nothing lost, nothing stored twice: the pipeline under injected faults', { skip }, () => {
  it(`every triggered shot is stored exactly once, numbered 1..n without gap or reuse (seed ${seed})`, { timeout: 300_000 }, async (t) => {
    const report = await runFaultScenario({ seconds, rate: 100, seed, log: (line) => line.startsWith('faults:') && t.diagnostic(line) });
    // The figures, in the test output (and on stderr, so a plain `npm test` shows them).
    const text = formatReport(report);
    process.stderr.write(`\n${text}\n\n`);
    for (const line of text.split('\n')) t.diagnostic(line);

    assert.ok(report.triggered > 1000, `enough shots to mean something (${report.triggered})`);
    for (const kind of FAULT_KINDS) assert.ok(report.faultCounts[kind] >= 1, `at least one ${kind} fault`);
    assert.deepEqual(report.restartFailures, [], 'relay and watcher start whatever is down');
    assert.equal(report.stored, report.triggered, `stored ${report.stored} of ${report.triggered} triggered`);
    assert.equal(report.duplicates, 0, 'duplicates');
    assert.deepEqual(report.missing, [], 'missing shot numbers');
    assert.deepEqual(report.unexpected, [], 'stored numbers the relay never handed out');
    assert.deepEqual(report.reused, [], 'shot numbers reused across relay restarts');
    assert.equal(report.laserDuplicates, 0, 'a laser message stored as two shots');
    assert.equal(report.outOfOrder, 0, "shot numbers follow the laser's counter");
    assert.ok(report.ok);
    // /readyz named the dependency that was down.
    const reasons = Object.keys(report.readyzReasons).join('\n');
    assert.match(reasons, /^relay bus: cannot send shots to Kafka/m);
    assert.match(reasons, /mongodb: |cannot store shots/);
  });
});
