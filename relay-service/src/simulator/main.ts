// Standalone laser simulator:
//   node relay-service/src/simulator/main.ts --endpoint tcp://127.0.0.1:5556 --rate 10
// Publishes simulated shot metadata until Ctrl-C (or --duration).
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LaserSimulator, MIN_RATE } from './laser-simulator.ts';
import type { LogSink } from '../ingest/debug-buffer.ts';

const USAGE = `usage: node src/simulator/main.ts [options]

  --endpoint <addr>        PUB endpoint to bind (default tcp://127.0.0.1:5556; tcp://host:* picks a port)
  --rate <hz|max>          shots per second, ${MIN_RATE} … 10000000, or 'max' (default 1)
  --topic <name>           topic frame (default laser)
  --single-frame           send [payload] without a topic frame
  --seed <int>             PRNG seed (default 1)
  --start-shot-id <int>    first shot_id (default 1)
  --spike-fraction <0-1>   shots with an energy spike (default 0.05)
  --malformed-fraction <0-1>  messages replaced by malformed ones (default 0)
  --hwm <int>              send high-water mark (default 10000)
  --duration <s>           stop after this many seconds (default: run until Ctrl-C)
  --status-every <s>       print a status line this often, 0 = never (default 5)
  --quiet                  only errors
  --help`;

class UsageError extends Error {}

const ZMQ_ADDRESS = /^(tcp:\/\/[^\s#,|]+:([0-9]+|\*)|ipc:\/\/[^\s#,|]+|inproc:\/\/[^\s#,|]+)$/;

function number(flag: string, raw: string | undefined, check: (n: number) => boolean, rule: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!check(n)) throw new UsageError(`--${flag}: expected ${rule}, got ${JSON.stringify(raw)}`);
  return n;
}

export interface CliOptions {
  endpoint: string;
  rate: number;
  topic: string;
  singleFrame: boolean;
  seed: number;
  startShotId: number;
  spikeFraction: number;
  malformedFraction: number;
  hwm: number;
  durationS: number | undefined;
  statusEveryS: number;
  quiet: boolean;
  help: boolean;
}

/** Parses and validates the command line; throws UsageError naming the bad flag. */
export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        endpoint: { type: 'string' },
        rate: { type: 'string' },
        topic: { type: 'string' },
        'single-frame': { type: 'boolean' },
        seed: { type: 'string' },
        'start-shot-id': { type: 'string' },
        'spike-fraction': { type: 'string' },
        'malformed-fraction': { type: 'string' },
        hwm: { type: 'string' },
        duration: { type: 'string' },
        'status-every': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  const endpoint = v.endpoint ?? 'tcp://127.0.0.1:5556';
  if (!ZMQ_ADDRESS.test(endpoint)) throw new UsageError(`--endpoint: expected tcp://host:port, ipc://path or inproc://name, got ${JSON.stringify(endpoint)}`);
  const rate =
    v.rate === 'max' ? Infinity : (number('rate', v.rate, (n) => n >= MIN_RATE && n <= 10_000_000, `shots per second between ${MIN_RATE} and 10000000, or 'max'`) ?? 1);
  const topic = v.topic ?? 'laser';
  if (topic.length === 0 && !v['single-frame']) throw new UsageError('--topic: must not be empty (use --single-frame for messages without a topic)');
  const int = (n: number) => Number.isSafeInteger(n);
  const fraction = (n: number) => n >= 0 && n <= 1;
  return {
    endpoint,
    rate,
    topic,
    singleFrame: v['single-frame'] ?? false,
    seed: number('seed', v.seed, (n) => int(n) && Math.abs(n) <= 2 ** 32, 'an integer') ?? 1,
    startShotId: number('start-shot-id', v['start-shot-id'], (n) => int(n) && n >= 0, 'an integer ≥ 0') ?? 1,
    spikeFraction: number('spike-fraction', v['spike-fraction'], fraction, 'a number between 0 and 1') ?? 0.05,
    malformedFraction: number('malformed-fraction', v['malformed-fraction'], fraction, 'a number between 0 and 1') ?? 0,
    hwm: number('hwm', v.hwm, (n) => int(n) && n >= 0, 'an integer ≥ 0 (0 = unlimited)') ?? 10_000,
    durationS: number('duration', v.duration, (n) => n > 0 && Number.isFinite(n), 'a number of seconds > 0'),
    statusEveryS: number('status-every', v['status-every'], (n) => n >= 0 && Number.isFinite(n), 'a number of seconds ≥ 0') ?? 5,
    quiet: v.quiet ?? false,
    help: v.help ?? false,
  };
}

function consoleLog(quiet: boolean): LogSink {
  const line = (obj: object, msg?: string) => `${msg ?? ''} ${JSON.stringify(obj)}`;
  return {
    info: (obj, msg) => {
      if (!quiet) console.log(line(obj, msg));
    },
    warn: (obj, msg) => console.warn(line(obj, msg)),
    error: (obj, msg) => console.error(line(obj, msg)),
  };
}

async function main(): Promise<number> {
  let cli: CliOptions;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`laser-simulator: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (cli.help) {
    console.log(USAGE);
    return 0;
  }
  const logger = consoleLog(cli.quiet);
  const sim = new LaserSimulator({
    endpoint: cli.endpoint,
    rate: cli.rate,
    topic: cli.topic,
    singleFrame: cli.singleFrame,
    seed: cli.seed,
    startShotId: cli.startShotId,
    spikeFraction: cli.spikeFraction,
    malformedFraction: cli.malformedFraction,
    sendHwm: cli.hwm,
    logger,
  });
  try {
    await sim.start();
  } catch (err) {
    console.error(`laser-simulator: ${(err as Error).message}`);
    return 1;
  }
  if (!cli.quiet) {
    const what = cli.singleFrame ? 'single-frame messages' : `topic '${cli.topic}'`;
    const rate = cli.rate === Infinity ? 'as fast as possible' : `at ${cli.rate} shots/s`;
    console.log(`laser-simulator: publishing ${what} on ${sim.endpoint} ${rate} (seed ${cli.seed}, first shot_id ${cli.startShotId}); Ctrl-C to stop`);
  }
  const started = performance.now();
  let lastSent = 0;
  let lastAt = started;
  const status =
    cli.statusEveryS > 0 && !cli.quiet
      ? setInterval(() => {
          const s = sim.stats();
          const now = performance.now();
          const rate = ((s.sent - lastSent) * 1000) / (now - lastAt);
          lastSent = s.sent;
          lastAt = now;
          console.log(`laser-simulator: sent ${s.sent} messages (${s.shots} shots, ${s.malformed} malformed), ${rate.toFixed(1)}/s, next shot_id ${s.nextShotId}`);
        }, cli.statusEveryS * 1000)
      : undefined;

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    if (cli.durationS !== undefined) setTimeout(resolve, cli.durationS * 1000);
  });
  if (status) clearInterval(status);
  await sim.stop();
  const s = sim.stats();
  const seconds = (performance.now() - started) / 1000;
  console.log(`laser-simulator: stopped after ${seconds.toFixed(1)} s: ${s.sent} messages (${(s.sent / seconds).toFixed(1)}/s), ${s.shots} shots, ${s.malformed} malformed, ${s.errors} send errors`);
  return 0;
}

// Run only as the entry point, so tests can import parseCli.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
