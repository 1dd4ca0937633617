// A stand-in for the laser: publishes per-shot metadata of a Draco-class
// Ti:sapphire system (~3 J, ~30 fs) as JSON on a bound ZeroMQ PUB socket, one
// message per shot, like the laser's own DAQ.
//
// Values follow slow drifts (AR(1) random walks) plus shot-to-shot noise,
// with occasional events: energy spikes (~5 % of shots by default, so
// thresholds trigger), long pulses, vacuum bursts. Everything random comes
// from a seeded PRNG, so a seed and a clock give the same shots every time.
//
// Rates from 0.1 Hz to "as fast as possible": at high rates each timer tick
// sends the batch of shots that are due, so 100k+ messages/s is reachable.
import { performance } from 'node:perf_hooks';
import { Publisher } from 'zeromq';
import type { LogSink } from '../ingest/debug-buffer.ts';

/** One simulated shot, as published (JSON). */
export interface LaserShot {
  /** the laser's own shot counter */
  shot_id: number;
  /** epoch milliseconds */
  timestamp: number;
  energy_J: number;
  pulse_duration_fs: number;
  pointing_x_urad: number;
  pointing_y_urad: number;
  chamber_pressure_mbar: number;
  /** ns ASE contrast (intensity ratio; lower is better) */
  contrast: number;
  central_wavelength_nm: number;
  bandwidth_nm: number;
  amplifier: { pump_energy_J: number; crystal_temperature_K: number };
  shutter_open: boolean;
  mode: 'full-power';
}

export interface ShotGeneratorOptions {
  /** PRNG seed (any 32-bit integer); default 1 */
  seed?: number;
  /** first shot_id; default 1 */
  startShotId?: number;
  /** fraction of shots with an energy spike; default 0.05 */
  spikeFraction?: number;
  /** epoch-ms clock for `timestamp`; default Date.now */
  now?: () => number;
}

export type MalformedKind = 'not-json' | 'not-object' | 'invalid-utf8' | 'too-many-frames' | 'empty';
export const MALFORMED_KINDS: readonly MalformedKind[] = ['not-json', 'not-object', 'invalid-utf8', 'too-many-frames', 'empty'];

/** sfc32 seeded through splitmix32: small, fast, good enough for noise. */
class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spare: number | undefined;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    for (let i = 0; i < 12; i++) this.uniform();
  }

  /** [0, 1) */
  uniform(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** standard normal (Box–Muller, pairs) */
  normal(): number {
    if (this.#spare !== undefined) {
      const v = this.#spare;
      this.#spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * this.uniform();
    this.#spare = r * Math.sin(th);
    return r * Math.cos(th);
  }
}

/** AR(1) drift with stationary standard deviation `sigma` and correlation time ~1/(1-a) shots. */
class Drift {
  readonly #a: number;
  readonly #step: number;
  value = 0;
  constructor(a: number, sigma: number) {
    this.#a = a;
    this.#step = sigma * Math.sqrt(1 - a * a);
  }
  next(rng: Prng): number {
    this.value = this.#a * this.value + this.#step * rng.normal();
    return this.value;
  }
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
const sig = (x: number, digits: number) => Number(x.toPrecision(digits));

/** The shot physics, without any socket: deterministic for a seed and a clock. */
export class ShotGenerator {
  readonly #rng: Prng;
  readonly #spike: number;
  readonly #now: () => number;
  #shotId: number;
  readonly #energyDrift = new Drift(0.995, 0.03);
  readonly #durationDrift = new Drift(0.99, 0.8);
  readonly #pointX = new Drift(0.98, 3);
  readonly #pointY = new Drift(0.98, 2.5);
  readonly #pumpDrift = new Drift(0.99, 0.01);
  #burst = 1;

  constructor(options: ShotGeneratorOptions = {}) {
    this.#rng = new Prng(options.seed ?? 1);
    this.#spike = options.spikeFraction ?? 0.05;
    this.#now = options.now ?? Date.now;
    this.#shotId = options.startShotId ?? 1;
  }

  /** shot_id of the next shot */
  get nextShotId(): number {
    return this.#shotId;
  }

  next(): LaserShot {
    const r = this.#rng;
    const pump = 12 * (1 + this.#pumpDrift.next(r)) * (1 + 0.005 * r.normal());
    let energy = 3.0 * (1 + this.#energyDrift.next(r)) * (1 + 0.02 * r.normal()) * (pump / 12);
    if (r.uniform() < this.#spike) energy *= 1.25 + 0.15 * r.uniform();
    let duration = 30 + this.#durationDrift.next(r) + 0.6 * r.normal();
    if (r.uniform() < 0.01) duration += 10 + 10 * r.uniform(); // compressor hiccup
    // Vacuum: ~2e-5 mbar with log-normal noise; a burst now and then (a
    // valve, outgassing) that decays over ~10 shots.
    if (r.uniform() < 0.005) this.#burst = 20 + 180 * r.uniform();
    else this.#burst = 1 + (this.#burst - 1) * 0.7;
    const pressure = 2e-5 * Math.exp(0.15 * r.normal()) * this.#burst;
    return {
      shot_id: this.#shotId++,
      timestamp: this.#now(),
      energy_J: round(energy, 4),
      pulse_duration_fs: round(duration, 2),
      pointing_x_urad: round(this.#pointX.next(r) + 1.5 * r.normal(), 2),
      pointing_y_urad: round(this.#pointY.next(r) + 1.5 * r.normal(), 2),
      chamber_pressure_mbar: sig(pressure, 3),
      contrast: sig(1e-10 * Math.exp(0.3 * r.normal()), 3),
      central_wavelength_nm: round(800 + 0.4 * r.normal(), 2),
      bandwidth_nm: round(45 + 0.8 * r.normal(), 2),
      amplifier: { pump_energy_J: round(pump, 3), crystal_temperature_K: round(100 + 0.2 * r.normal(), 2) },
      shutter_open: true,
      mode: 'full-power',
    };
  }

  /** A malformed message (frames as sent with `topic`, '' for single-frame), for tests. */
  malformed(topic: string, kind?: MalformedKind): { kind: MalformedKind; frames: (string | Buffer)[] } {
    const k = kind ?? MALFORMED_KINDS[Math.floor(this.#rng.uniform() * MALFORMED_KINDS.length)]!;
    const wrap = (payload: string | Buffer) => (topic === '' ? [payload] : [topic, payload]);
    switch (k) {
      case 'not-json':
        return { kind: k, frames: wrap(`{"shot_id": ${this.#shotId}, "energy_J": 3.0`) };
      case 'not-object':
        return { kind: k, frames: wrap('[3.01, 29.8, "energy"]') };
      case 'invalid-utf8':
        return { kind: k, frames: wrap(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])) };
      case 'too-many-frames':
        return { kind: k, frames: [topic || 'laser', '{}', '{"extra":1}'] };
      case 'empty':
        return { kind: k, frames: wrap('') };
    }
  }

  /** Draws a uniform number from the generator's PRNG (keeps malformed choices reproducible). */
  uniform(): number {
    return this.#rng.uniform();
  }
}

export interface LaserSimulatorOptions extends ShotGeneratorOptions {
  /** bound PUB endpoint; `tcp://127.0.0.1:*` picks a free port (see `endpoint`) */
  endpoint: string;
  /** shots per second; default 1; Infinity: as fast as possible */
  rate?: number;
  /** topic frame; default 'laser' */
  topic?: string;
  /** send `[payload]` without a topic frame */
  singleFrame?: boolean;
  /** fraction of messages replaced by a malformed one (tests); default 0. These do not use up a shot_id. */
  malformedFraction?: number;
  /** send high-water mark; default 10,000 */
  sendHwm?: number;
  logger?: LogSink;
}

export interface SimulatorStats {
  /** messages sent, good and malformed */
  sent: number;
  shots: number;
  malformed: number;
  /** sends that failed */
  errors: number;
  /** shot_id the next shot will carry */
  nextShotId: number;
}

export const MIN_RATE = 0.1;
/** shots per tick at most when running flat out or catching up */
const MAX_BATCH = 5_000;

export class LaserSimulator {
  readonly #o: LaserSimulatorOptions;
  readonly #rate: number;
  readonly #topic: string;
  readonly #malformed: number;
  readonly #gen: ShotGenerator;
  #socket: Publisher | undefined;
  #bound: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #running = false;
  /** built but refused because the socket was busy: sent next, so no shot_id is skipped */
  #pending: (string | Buffer)[] | undefined;
  #pendingIsShot = false;
  /** the most recent send handed to the socket (the one in progress when it says busy) */
  #lastSend: Promise<void> = Promise.resolve();
  #t0 = 0;
  /** ticks of the schedule consumed (shots or malformed) */
  #ticks = 0;
  #sent = 0;
  #shots = 0;
  #bad = 0;
  #errors = 0;
  readonly #onSendError = (): void => {
    this.#errors++;
  };

  constructor(options: LaserSimulatorOptions) {
    const rate = options.rate ?? 1;
    if (!(rate >= MIN_RATE)) throw new RangeError(`LaserSimulator: rate must be ≥ ${MIN_RATE} shots/s (or Infinity), got ${rate}`);
    const mf = options.malformedFraction ?? 0;
    if (!(mf >= 0 && mf <= 1)) throw new RangeError(`LaserSimulator: malformedFraction must be within [0, 1], got ${mf}`);
    const sf = options.spikeFraction ?? 0.05;
    if (!(sf >= 0 && sf <= 1)) throw new RangeError(`LaserSimulator: spikeFraction must be within [0, 1], got ${sf}`);
    this.#o = options;
    this.#rate = rate;
    this.#topic = options.singleFrame ? '' : (options.topic ?? 'laser');
    this.#malformed = mf;
    this.#gen = new ShotGenerator(options);
  }

  get endpoint(): string {
    return this.#bound ?? this.#o.endpoint;
  }

  get rate(): number {
    return this.#rate;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Binds and starts publishing (the first shot goes out at once). */
  async start(): Promise<void> {
    if (this.#running) return;
    const socket = new Publisher({ sendHighWaterMark: this.#o.sendHwm ?? 10_000, linger: 0 });
    try {
      await socket.bind(this.#o.endpoint);
    } catch (err) {
      socket.close();
      throw new Error(`laser simulator cannot bind ${this.#o.endpoint}: ${(err as Error).message}`, { cause: err });
    }
    this.#socket = socket;
    this.#bound = socket.lastEndpoint ?? this.#o.endpoint;
    this.#running = true;
    this.#t0 = performance.now();
    this.#ticks = 0;
    this.#o.logger?.info(
      { endpoint: this.#bound, rate: this.#rate === Infinity ? 'max' : this.#rate, topic: this.#topic, firstShotId: this.#gen.nextShotId, malformedFraction: this.#malformed },
      'laser simulator publishing',
    );
    this.#loop = this.#pump();
  }

  /**
   * Sends what is due, then sleeps until the next shot is due. zeromq.js
   * defers every 513th synchronous send to the next event-loop turn and
   * throws EBUSY for sends meanwhile; then the pump waits for that send and
   * goes on, so at high rates batches are as large as the socket allows and
   * no shot is lost or skipped.
   */
  async #pump(): Promise<void> {
    let waited: Promise<void> | undefined;
    while (this.#running) {
      let n = MAX_BATCH;
      if (this.#rate !== Infinity) {
        const due = Math.floor(((performance.now() - this.#t0) / 1000) * this.#rate) + 1;
        n = due - this.#ticks;
        if (n > MAX_BATCH) {
          // Far behind (process was paused, or the socket cannot keep up): skip ahead rather than burst.
          this.#ticks = due - MAX_BATCH;
          n = MAX_BATCH;
        }
      }
      let busy = false;
      for (let i = 0; i < n; i++) {
        if (!this.#emit()) {
          busy = true;
          break;
        }
        this.#ticks++;
      }
      if (!this.#running) break;
      if (busy) {
        if (waited === this.#lastSend) await new Promise((r) => setImmediate(r));
        else await (waited = this.#lastSend).then(noop, noop);
        continue;
      }
      if (this.#rate === Infinity) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      const nextAt = this.#t0 + (this.#ticks / this.#rate) * 1000;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, Math.max(0, nextAt - performance.now()));
      });
      this.#timer = undefined;
      this.#wake = undefined;
    }
  }

  /** Sends one message; false when the socket is busy (the message is kept for the next try). */
  #emit(): boolean {
    const socket = this.#socket!;
    if (this.#pending === undefined) {
      if (this.#malformed > 0 && this.#gen.uniform() < this.#malformed) {
        this.#pending = this.#gen.malformed(this.#topic).frames;
        this.#pendingIsShot = false;
      } else {
        const json = JSON.stringify(this.#gen.next());
        this.#pending = this.#topic === '' ? [json] : [this.#topic, json];
        this.#pendingIsShot = true;
      }
    }
    let sent: Promise<void>;
    try {
      sent = socket.send(this.#pending);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'EBUSY') return false;
      this.#errors++;
      this.#pending = undefined;
      return true;
    }
    this.#pending = undefined;
    this.#lastSend = sent;
    // A PUB socket does not block (it drops for a subscriber at its HWM), so
    // sends are not awaited here; a failure is only counted.
    sent.catch(this.#onSendError);
    this.#sent++;
    if (this.#pendingIsShot) this.#shots++;
    else this.#bad++;
    return true;
  }

  stats(): SimulatorStats {
    return { sent: this.#sent, shots: this.#shots, malformed: this.#bad, errors: this.#errors, nextShotId: this.#gen.nextShotId };
  }

  /** Stops publishing and closes the socket. */
  async stop(): Promise<void> {
    const wasRunning = this.#running;
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    this.#socket?.close();
    this.#socket = undefined;
    if (wasRunning) this.#o.logger?.info({ endpoint: this.endpoint, ...this.stats() }, 'laser simulator stopped');
  }
}

function noop(): void {}
