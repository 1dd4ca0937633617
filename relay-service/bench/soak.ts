// `npm run soak -- --rate 1000 --minutes N`: the whole pipeline (relay,
// Kafka, watcher, MongoDB; role `all` in this process, the simulated laser in
// another) at a steady rate, every message a shot, with live viewers and an
// HTTP reader beside it, for N minutes; then it stops by itself.
//
// Every --every seconds it reports throughput (shots stored per second),
// receive → stored latency (p50, p99, max of that interval), the process's RSS
// and heap, the event loop's p99 delay, and the queues. At the end: whether
// every shot was stored, and whether memory stayed flat (RSS and heap of the
// last third against the second third: the first third is warm-up). Writes
// JSON and an SVG plot to bench/results/ (--plot also copies the plot).
// Each report also has the relay's queue ahead of the journal, the share of
// the interval its ingest was paused (backpressure onto ZeroMQ), the messages
// the laser's counter shows lost, and the machine's load average.
//
// Options: --rate HZ (1000) --minutes N (10) --every S (10) --viewers N (2: one
// reading, one stalled) --http-hz N (10: an HTTP reader's rounds per second; 0:
// none) --laser-hwm N (10000: the simulated laser's send high-water mark; like
// a real laser's PUB it drops beyond it, and the relay counts those as gaps; 0:
// unlimited) --ingest-queue-max N (the relay's SHOTLINE_INGEST_QUEUE_MAX; unset:
// its default) --plot FILE; --replot RESULTS.json --plot FILE draws the plot
// of an earlier run again (nothing runs)
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { nowMicros } from '../src/ingest/clock.ts';
import { freePort } from '../test/support/net.ts';
import { arm, BENCH_TOKEN, dbUrl, dropDb, fmt, isoMicros, percentile, pipeline, requireServices, startSimulator, suffix } from './support.ts';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '10' },
    every: { type: 'string', default: '10' },
    viewers: { type: 'string', default: '2' },
    'http-hz': { type: 'string', default: '10' },
    'laser-hwm': { type: 'string', default: '10000' },
    'ingest-queue-max': { type: 'string' },
    plot: { type: 'string' },
    replot: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('usage: npm run soak -- [--rate HZ (1000)] [--minutes N (10)] [--every S (10)] [--viewers N (2)] [--http-hz N (10; 0: no HTTP reader)] [--laser-hwm N (10000; 0: unlimited)] [--ingest-queue-max N] [--plot FILE.svg]\n       npm run soak -- --replot bench/results/soak-….json --plot FILE.svg');
  process.exit(0);
}
if (args.replot) {
  if (!args.plot) {
    console.error('soak: --replot needs --plot FILE.svg');
    process.exit(2);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a results file written by this script
  await writeFile(args.plot, plot(JSON.parse(await readFile(args.replot, 'utf8')) as any));
  console.log(`plot of ${args.replot}: ${args.plot}`);
  process.exit(0);
}
const rate = Number(args.rate);
const minutes = Number(args.minutes);
const every = Number(args.every);
const viewers = Number(args.viewers);
const httpHz = Number(args['http-hz']);
const laserHwm = Number(args['laser-hwm']);
const ingestQueueMax = args['ingest-queue-max'];
if (!(rate > 0 && rate <= 100_000) || !(minutes > 0 && minutes <= 24 * 60) || !(every >= 1) || !(Number.isInteger(viewers) && viewers >= 0 && viewers <= 20) || !(httpHz >= 0 && httpHz <= 100) || !(Number.isInteger(laserHwm) && laserHwm >= 0)) {
  console.error('soak: --rate 1…100000, --minutes > 0 (at most a day), --every ≥ 1, --viewers 0…20, --http-hz 0…100, --laser-hwm an integer ≥ 0');
  process.exit(2);
}
const { KAFKA_BROKERS, MONGO_URL } = requireServices('soak');

interface Sample {
  t: number;
  storedPerSecond: number;
  sentPerSecond: number;
  p50ms: number;
  p99ms: number;
  maxMs: number;
  rssMB: number;
  heapMB: number;
  /** the JS heap's reserved size (what of it RSS holds) */
  heapTotalMB: number;
  /** Buffers and other memory outside the JS heap */
  externalMB: number;
  loopP99ms: number;
  /** messages the relay accepted that wait for the journal (theirs or an earlier shot's) */
  ingestQueue: number;
  /** triggered shots waiting for their journal write */
  journalQueue: number;
  /** messages waiting to be republished (behind a journal write, or for the socket) */
  republishQueue: number;
  /** shots Kafka acknowledged that the watcher has not stored yet (consumer lag and its queue) */
  kafkaLag: number;
  /** share of the interval the relay's ingest was paused (backpressure), % */
  pausedPct: number;
  /** messages lost per second by the laser's own counter (dropped before the relay took them) */
  gapsPerSecond: number;
  /** the machine's 1-minute load average */
  load1: number;
  pending: number;
  watcherQueue: number;
  liveClients: number;
  liveBufferedKB: number;
  httpRequests: number;
}

const db = dbUrl(MONGO_URL, `soak_${suffix()}`);
const topic = `soak.${suffix()}`;
const simEndpoint = `tcp://127.0.0.1:${await freePort()}`;
let windowLatencies: number[] = [];
let stored = 0;
const p = await pipeline(
  'all',
  KAFKA_BROKERS,
  { ...(ingestQueueMax !== undefined && { SHOTLINE_INGEST_QUEUE_MAX: ingestQueueMax }), MONGO_URL: db, SHOTLINE_ZMQ_ENDPOINTS: simEndpoint, SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}`, KAFKA_TOPIC: topic, KAFKA_TELEMETRY_TOPIC: `${topic}.t`, KAFKA_GROUP: `soak-${suffix()}` },
  (batch) => {
    const now = nowMicros();
    for (const s of batch) windowLatencies.push((now - isoMicros(s.receivedAt)) / 1000);
    stored += batch.length;
  },
);
const url = p.running.url;
const relay = p.running.relay!;
await arm(url, 'energy_J', { kind: 'above', above: 0 });

// Beside the pipeline, in the same process: live viewers (one reading, the others stalled,
// their sockets paused so the server's buffers fill) and an HTTP reader.
const sockets: WebSocket[] = [];
for (let i = 0; i < viewers; i++) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/live?streams=shots,channels,status`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  ws.on('error', () => {});
  if (i > 0) ws.on('open', () => ws.pause());
  else ws.on('message', () => {});
  sockets.push(ws);
}
// The HTTP reader asks what a dashboard asks of this process: relay status, channels,
// readiness, metrics. (Not stored shots: on the test server, FerretDB v1 on SQLite, every
// query scans the whole collection, no index is used — 0.4 s by _id and 3 s for the newest
// 100 at 30,000 shots — so reading a growing collection ten times a second measures
// FerretDB, not Shotline; on MongoDB those are index lookups.)
let httpRequests = 0;
let reading = httpHz > 0;
const H = { authorization: `Bearer ${BENCH_TOKEN}` };
const reader = (async () => {
  while (reading) {
    const paths = ['/api/v1/relay/status', '/api/v1/relay/channels', '/readyz', '/metrics'];
    for (const path of paths) {
      await fetch(`${url}${path}`, { headers: H })
        .then((r) => r.arrayBuffer())
        .catch(() => {});
      httpRequests++;
    }
    await new Promise((r) => setTimeout(r, 1000 / httpHz));
  }
})();

await new Promise((r) => setTimeout(r, 1500)); // settings applied, consumer joined
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const sim = await startSimulator(simEndpoint, rate, laserHwm);
const t0 = performance.now();
const endAt = t0 + minutes * 60_000;
const samples: Sample[] = [];
let lastStored = 0;
let lastMessages = relay.status().messages;
let lastAt = t0;
let lastRequests = 0;
let lastGaps = relay.status().gaps;
let lastPaused = 0;

/** A metric from /metrics, summed over its labels. */
const metric = async (name: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
};

console.log(`soak: ${fmt(rate)} Hz for ${minutes} min, every message a shot; ${viewers} live viewer(s) (${Math.max(0, viewers - 1)} stalled) and ${httpHz > 0 ? `an HTTP reader (status, channels, readyz, metrics) ${httpHz}× a second` : 'no HTTP reader'} beside it; laser send HWM ${laserHwm === 0 ? 'unlimited' : fmt(laserHwm)}`);
console.log(
  `${'t (s)'.padStart(6)} ${'stored/s'.padStart(9)} ${'in/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'RSS MB'.padStart(7)} ${'heap MB'.padStart(8)} ${'heap tot'.padStart(8)} ${'ext MB'.padStart(7)} ${'loop p99'.padStart(9)} ${'ingest q'.padStart(9)} ${'journal q'.padStart(10)} ${'repub q'.padStart(8)} ${'paused'.padStart(7)} ${'gaps/s'.padStart(7)} ${'spool'.padStart(6)} ${'kafka lag'.padStart(10)} ${'watcher q'.padStart(10)} ${'load'.padStart(5)}`,
);
while (performance.now() < endAt) {
  await new Promise((r) => setTimeout(r, Math.min(every * 1000, endAt - performance.now())));
  const now = performance.now();
  const seconds = (now - lastAt) / 1000;
  const lat = windowLatencies.sort((a, b) => a - b);
  windowLatencies = [];
  const status = relay.status();
  const mem = process.memoryUsage();
  const paused = await metric('shotline_ingest_paused_seconds_total');
  const sample: Sample = {
    t: Math.round((now - t0) / 1000),
    storedPerSecond: (stored - lastStored) / seconds,
    sentPerSecond: (status.messages - lastMessages) / seconds,
    p50ms: percentile(lat, 50),
    p99ms: percentile(lat, 99),
    maxMs: lat.at(-1) ?? Number.NaN,
    rssMB: mem.rss / 2 ** 20,
    heapMB: mem.heapUsed / 2 ** 20,
    heapTotalMB: mem.heapTotal / 2 ** 20,
    externalMB: (mem.external + mem.arrayBuffers) / 2 ** 20,
    loopP99ms: loop.percentile(99) / 1e6,
    ingestQueue: await metric('shotline_ingest_queue_depth'),
    journalQueue: await metric('shotline_journal_write_queue'),
    republishQueue: await metric('shotline_republish_queue_depth'),
    kafkaLag: (await metric('shotline_shots_sent_total')) - (stored - (await metric('shotline_shots_duplicate_total'))),
    pausedPct: (100 * (paused - lastPaused)) / seconds,
    gapsPerSecond: (status.gaps - lastGaps) / seconds,
    load1: loadavg()[0]!,
    pending: status.spool.pendingShots,
    watcherQueue: await metric('shotline_watcher_queue_depth'),
    liveClients: await metric('shotline_live_clients'),
    liveBufferedKB: (await metric('shotline_live_buffered_bytes')) / 1024,
    httpRequests: (httpRequests - lastRequests) / seconds,
  };
  loop.reset();
  samples.push(sample);
  lastStored = stored;
  lastMessages = status.messages;
  lastAt = now;
  lastRequests = httpRequests;
  lastGaps = status.gaps;
  lastPaused = paused;
  console.log(
    `${String(sample.t).padStart(6)} ${fmt(sample.storedPerSecond).padStart(9)} ${fmt(sample.sentPerSecond).padStart(8)} ${fmt(sample.p50ms, 1).padStart(7)} ${fmt(sample.p99ms, 1).padStart(7)} ${fmt(sample.maxMs, 0).padStart(7)} ${fmt(sample.rssMB, 0).padStart(7)} ${fmt(sample.heapMB, 0).padStart(8)} ${fmt(sample.heapTotalMB, 0).padStart(8)} ${fmt(sample.externalMB, 0).padStart(7)} ${fmt(sample.loopP99ms, 1).padStart(9)} ${fmt(sample.ingestQueue).padStart(9)} ${fmt(sample.journalQueue).padStart(10)} ${fmt(sample.republishQueue).padStart(8)} ${`${fmt(sample.pausedPct)} %`.padStart(7)} ${fmt(sample.gapsPerSecond).padStart(7)} ${String(sample.pending).padStart(6)} ${fmt(sample.kafkaLag).padStart(10)} ${String(sample.watcherQueue).padStart(10)} ${fmt(sample.load1, 1).padStart(5)}`,
  );
}
await sim.stop();
const sentSeconds = (performance.now() - t0) / 1000;
const drainStart = performance.now();
while (stored < relay.status().triggers && performance.now() - drainStart < 30_000) await new Promise((r) => setTimeout(r, 100));
const final = relay.status();
const sentToBus = await metric('shotline_shots_sent_total');
// redeliveries (a consumer that rejoined its group reads from the committed offsets): counted in `stored` too
const duplicates = await metric('shotline_shots_duplicate_total');
const liveDrops = await metric('shotline_live_drops_total');
const slowClosed = await metric('shotline_live_slow_disconnects_total');
const ingest = {
  pausedSeconds: await metric('shotline_ingest_paused_seconds_total'),
  pauses: await metric('shotline_ingest_pauses_total'),
  queueLimit: await metric('shotline_ingest_queue_limit'),
  maxQueueDepth: Math.max(0, ...samples.map((s) => s.ingestQueue)),
  republishDrops: await metric('shotline_republish_drops_total'),
};
reading = false;
await reader;
for (const ws of sockets) ws.terminate();
await p.stop();
await dropDb(db);

// Memory: the first third is warm-up (JIT, pools, caches filling); compare the last third with the
// second: the median RSS, and the lowest heap used (after collections).
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const third = Math.floor(samples.length / 3);
const second = samples.slice(third, 2 * third);
const last = samples.slice(2 * third);
const rss2 = median(second.map((s) => s.rssMB));
const rss3 = median(last.map((s) => s.rssMB));
// Heap used is a saw-tooth (garbage until the next collection): compare its troughs.
const heap2 = Math.min(...second.map((s) => s.heapMB));
const heap3 = Math.min(...last.map((s) => s.heapMB));
const growth = (a: number, b: number) => (b - a) / a;
// Flat: the last third within 10 % (or 16 MB) of the second, for RSS and heap alike.
const flat = (a: number, b: number) => b - a <= Math.max(0.1 * a, 16);
const memoryFlat = samples.length >= 3 ? flat(rss2, rss3) && flat(heap2, heap3) : null;
const allLat = samples.filter((s) => !Number.isNaN(s.p99ms));
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  rate,
  minutes,
  viewers,
  sentSeconds,
  triggered: final.triggers,
  stored,
  missing: final.triggers - (stored - duplicates),
  /** of those: acknowledged by Kafka (durable there, the watcher had not stored them yet), and not yet sent (in the relay's journal) */
  missingInKafka: sentToBus - (stored - duplicates),
  missingInJournal: final.triggers - sentToBus,
  /** redelivered shots the store already held (no-ops), included in `stored` */
  duplicates,
  laserGaps: final.gaps,
  meanStoredPerSecond: samples.reduce((a, s) => a + s.storedPerSecond, 0) / Math.max(1, samples.length),
  worstP99ms: Math.max(...allLat.map((s) => s.p99ms)),
  medianP99ms: median(allLat.map((s) => s.p99ms)),
  rss: { secondThirdMB: rss2, lastThirdMB: rss3, growth: growth(rss2, rss3), firstMB: samples[0]?.rssMB, lastMB: samples.at(-1)?.rssMB, maxMB: Math.max(...samples.map((s) => s.rssMB)) },
  heap: { secondThirdMinMB: heap2, lastThirdMinMB: heap3, growth: growth(heap2, heap3) },
  memoryFlat,
  laserHwm,
  ingest,
  loadAverage: { min: Math.min(...samples.map((s) => s.load1)), mean: samples.reduce((a, s) => a + s.load1, 0) / Math.max(1, samples.length), max: Math.max(...samples.map((s) => s.load1)) },
  live: { drops: liveDrops, slowClientsClosed: slowClosed },
  samples,
};
console.log(
  `\nsoak: ${fmt(final.triggers)} shots triggered, ${fmt(stored)} stored (${fmt(summary.missing)} missing after the drain: ${fmt(summary.missingInKafka)} acknowledged by Kafka and not yet stored by the watcher, ${fmt(summary.missingInJournal)} in the relay's journal; ${fmt(duplicates)} redeliveries counted in stored), ${fmt(final.gaps)} laser-counter gaps; ` +
    `${fmt(summary.meanStoredPerSecond)} shots/s; p99 median ${fmt(summary.medianP99ms, 1)} ms, worst ${fmt(summary.worstP99ms, 1)} ms`,
);
console.log(
  `memory: RSS ${fmt(rss2)} → ${fmt(rss3)} MB (${fmt(100 * summary.rss.growth, 1)} %), heap troughs ${fmt(heap2)} → ${fmt(heap3)} MB (${fmt(100 * summary.heap.growth, 1)} %), second third → last third: ` +
    (memoryFlat === null ? 'too short to tell' : memoryFlat ? 'FLAT' : 'GROWING'),
);
console.log(
  `ingest: paused ${fmt(ingest.pausedSeconds, 1)} s in ${fmt(ingest.pauses)} pauses (queue ahead of the journal at most ${fmt(ingest.maxQueueDepth)} at the reports, limit ${fmt(ingest.queueLimit)}); ${fmt(ingest.republishDrops)} republish drops; ` +
    `load average ${fmt(summary.loadAverage.min, 1)}–${fmt(summary.loadAverage.max, 1)} (mean ${fmt(summary.loadAverage.mean, 1)}); RSS ${fmt(summary.rss.firstMB ?? 0)} → ${fmt(summary.rss.lastMB ?? 0)} MB, max ${fmt(summary.rss.maxMB)} MB`,
);
console.log(`live viewers: ${fmt(liveDrops)} messages skipped for the stalled ones, ${fmt(slowClosed)} closed as too slow; HTTP reader ${fmt(httpRequests)} requests`);

const outDir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const jsonFile = join(outDir, `soak-${stamp}.json`);
const svgFile = join(outDir, `soak-${stamp}.svg`);
await writeFile(jsonFile, JSON.stringify(summary, null, 2));
await writeFile(svgFile, plot(summary));
if (args.plot) await copyFile(svgFile, args.plot);
console.log(`JSON: ${jsonFile}\nplot: ${svgFile}${args.plot ? ` (and ${args.plot})` : ''}`);
process.exit(summary.missing === 0 && memoryFlat !== false ? 0 : 1);

/** Three stacked panels over time: throughput, p99 latency, RSS and heap. Plain SVG, no dependencies. */
function plot(s: typeof summary): string {
  const W = 760;
  const H = 170;
  const left = 60;
  const right = 20;
  const xs = s.samples.map((x) => x.t);
  const xMax = Math.max(1, ...xs);
  const x = (t: number) => left + ((W - left - right) * t) / xMax;
  const panels: { title: string; unit: string; series: { name: string; color: string; values: number[] }[] }[] = [
    { title: `throughput (target ${fmt(s.rate)}/s)`, unit: 'shots/s', series: [{ name: 'stored/s', color: '#1f77b4', values: s.samples.map((x) => x.storedPerSecond) }] },
    { title: 'receive → stored latency', unit: 'ms', series: [{ name: 'p99', color: '#d62728', values: s.samples.map((x) => x.p99ms) }, { name: 'p50', color: '#ff9896', values: s.samples.map((x) => x.p50ms) }] },
    { title: 'memory', unit: 'MB', series: [{ name: 'RSS', color: '#2ca02c', values: s.samples.map((x) => x.rssMB) }, { name: 'heap used', color: '#98df8a', values: s.samples.map((x) => x.heapMB) }] },
    {
      title: `relay backpressure: ingest paused ${fmt(s.ingest.pausedSeconds)} s in all; ${fmt(s.laserGaps)} messages lost at the laser (counted gaps)`,
      unit: '% / per s',
      series: [{ name: 'ingest paused %', color: '#9467bd', values: s.samples.map((x) => x.pausedPct) }, { name: 'laser gaps/s', color: '#8c564b', values: s.samples.map((x) => x.gapsPerSecond) }],
    },
    { title: 'backlog in Kafka: shots Kafka acknowledged that the watcher has not stored yet', unit: 'shots', series: [{ name: 'Kafka → store lag', color: '#e377c2', values: s.samples.map((x) => x.kafkaLag) }] },
    { title: `queue ahead of the journal (limit ${fmt(s.ingest.queueLimit)})`, unit: 'messages', series: [{ name: 'ingest queue', color: '#17becf', values: s.samples.map((x) => x.ingestQueue) }, { name: 'journal write queue', color: '#bcbd22', values: s.samples.map((x) => x.journalQueue) }] },
  ];
  const parts: string[] = [];
  panels.forEach((panel, i) => {
    const top = 54 + i * (H + 30);
    const all = panel.series.flatMap((se) => se.values).filter((v) => Number.isFinite(v));
    const yMax = Math.max(1, ...all) * 1.1;
    const y = (v: number) => top + H - (H * v) / yMax;
    parts.push(`<text x="${left}" y="${top - 8}" font-size="13" font-weight="bold">${esc(panel.title)}</text>`);
    parts.push(`<rect x="${left}" y="${top}" width="${W - left - right}" height="${H}" fill="none" stroke="#ccc"/>`);
    for (const frac of [0, 0.5, 1]) {
      const v = yMax * frac;
      parts.push(`<text x="${left - 6}" y="${y(v) + 4}" font-size="10" text-anchor="end">${fmt(v, v < 10 ? 1 : 0)}</text>`);
      parts.push(`<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
    }
    parts.push(`<text x="14" y="${top + H / 2}" font-size="10" transform="rotate(-90 14 ${top + H / 2})" text-anchor="middle">${esc(panel.unit)}</text>`);
    panel.series.forEach((se, k) => {
      const pts = se.values.map((v, j) => (Number.isFinite(v) ? `${x(xs[j]!).toFixed(1)},${y(v).toFixed(1)}` : '')).filter(Boolean).join(' ');
      parts.push(`<polyline fill="none" stroke="${se.color}" stroke-width="1.8" points="${pts}"/>`);
      parts.push(`<text x="${W - right - 4}" y="${top + 14 + 13 * k}" font-size="11" text-anchor="end" fill="${se.color}">${esc(se.name)}</text>`);
    });
  });
  const bottom = 54 + panels.length * (H + 30) - 14;
  for (const frac of [0, 0.25, 0.5, 0.75, 1]) parts.push(`<text x="${x(xMax * frac)}" y="${bottom}" font-size="10" text-anchor="middle">${fmt(xMax * frac)} s</text>`);
  const verdict = s.memoryFlat === null ? 'too short to judge memory' : s.memoryFlat ? 'memory flat' : 'memory GROWING';
  const title = `Shotline soak: ${fmt(s.rate)} Hz for ${s.minutes} min, every message a shot; ${fmt(s.stored)} of ${fmt(s.triggered)} stored; ${verdict}; load ${fmt(s.loadAverage.mean, 1)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${bottom + 16}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${left}" y="18" font-size="13">${esc(title)}</text>
${parts.join('\n')}
</svg>
`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
