// `npm run faults -- --minutes N [--rate HZ] [--seed S] [--keep]`: the
// fault-injection scenario of test/faults/ledger.test.ts, for longer runs.
// Starts its own Kafka broker and MongoDB-wire server (private state dir,
// free ports) and stops them at the end; exit code 1 if the ledger fails.
import { parseArgs } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { formatReport, runFaultScenario } from './harness.ts';
import { servicesUnavailable } from './services.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    rate: { type: 'string', default: '200' },
    seed: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npm run faults -- [--minutes N (5)] [--rate HZ (200)] [--seed S (random)] [--keep (keep logs and data)]');
  process.exit(0);
}
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
if (!(minutes > 0) || !(rate >= 1 && rate <= 20_000) || !Number.isSafeInteger(seed)) {
  console.error('faults: --minutes > 0, --rate between 1 and 20000, --seed an integer');
  process.exit(2);
}
const why = servicesUnavailable();
if (why) {
  console.error(`faults: cannot start private services: ${why}`);
  process.exit(2);
}
const started = new Date();
const report = await runFaultScenario({ seconds: minutes * 60, rate, seed, keep: values.keep, log: (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`) });
console.log(formatReport(report));
const outDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
await mkdir(outDir, { recursive: true });
const file = join(outDir, `faults-${started.toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, JSON.stringify(report, null, 2));
console.log(`JSON: ${file}`);
process.exit(report.ok ? 0 : 1);
