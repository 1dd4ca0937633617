// Fans stored shots, channel values and relay status out to live viewers.
// Nothing here can slow the pipeline: publishing only records the latest value
// or queues into a bounded per-client buffer; a client whose socket backs up
// is sampled (messages skipped, counted) and, if it stays backed up, closed.
import type { WebSocket } from 'ws';
import type { Metrics } from '../metrics.ts';
import type { ShotRecord } from '../shot.ts';
import type { RelayStatus, Telemetry } from '../bus/types.ts';

export const LIVE_STREAMS = ['shots', 'channels', 'status'] as const;
export type LiveStream = (typeof LIVE_STREAMS)[number];

/** Bytes queued in a socket above which messages are skipped (sampled). */
const SAMPLE_ABOVE = 256 * 1024;
/** Bytes queued above which the client is closed as too slow. */
const CLOSE_ABOVE = 4 * 1024 * 1024;
/** A client skipped (sampled) without a break for this long is closed as too slow: a stalled viewer must not hold its buffer for ever. */
const CLOSE_AFTER_BEHIND_MS = 30_000;

interface Client {
  socket: WebSocket;
  streams: Set<LiveStream>;
  dropped: number;
  /** since when every message to it has been skipped (0: it is keeping up) */
  behindSince: number;
  channelsDirty: boolean;
  statusDirty: boolean;
}

export class LiveHub {
  readonly #clients = new Set<Client>();
  readonly #metrics: Metrics;
  #values: Record<string, number> = {};
  #valuesAt: string | null = null;
  #status: (RelayStatus & { relayId: string; at: string }) | null = null;
  #timer: NodeJS.Timeout;

  constructor(options: { metrics: Metrics; channelHz: number }) {
    this.#metrics = options.metrics;
    this.#timer = setInterval(() => this.#tick(), Math.max(1, Math.round(1000 / options.channelHz)));
    this.#timer.unref();
    options.metrics.gauge('shotline_live_clients', 'Connected live viewers', () => this.#clients.size);
    options.metrics.gauge('shotline_live_buffered_bytes', `Bytes queued for live viewers, all clients (each bounded: sampled above ${SAMPLE_ABOVE}, closed above ${CLOSE_ABOVE})`, () => {
      let sum = 0;
      for (const c of this.#clients) sum += c.socket.bufferedAmount;
      return sum;
    });
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  add(socket: WebSocket, streams: readonly LiveStream[]): void {
    const client: Client = { socket, streams: new Set(streams), dropped: 0, behindSince: 0, channelsDirty: this.#valuesAt !== null, statusDirty: this.#status !== null };
    this.#clients.add(client);
    socket.on('close', () => this.#clients.delete(client));
    socket.on('error', () => this.#clients.delete(client));
    this.#send(client, 'hello', JSON.stringify({ type: 'hello', streams: [...client.streams] }));
  }

  publishShots(shots: readonly ShotRecord[]): void {
    if (this.#clients.size === 0) return;
    for (const shot of shots) {
      const text = JSON.stringify({ type: 'shot', shot });
      for (const c of this.#clients) if (c.streams.has('shots')) this.#send(c, 'shots', text);
    }
  }

  publishTelemetry(t: Telemetry): void {
    if (t.type === 'channels') {
      Object.assign(this.#values, t.values);
      this.#valuesAt = t.at;
      for (const c of this.#clients) c.channelsDirty = true;
    } else {
      this.#status = { ...t.status, relayId: t.relayId, at: t.at };
      for (const c of this.#clients) c.statusDirty = true;
    }
  }

  /** The latest channel values and relay status seen, for HTTP readers. */
  snapshot() {
    return { values: { ...this.#values }, valuesAt: this.#valuesAt, status: this.#status };
  }

  // Channel values and status are coalesced: a client gets the latest at most channelHz times a second.
  #tick(): void {
    if (this.#clients.size === 0) return;
    let channels: string | null = null;
    let status: string | null = null;
    for (const c of this.#clients) {
      if (c.channelsDirty && c.streams.has('channels')) {
        channels ??= JSON.stringify({ type: 'channels', at: this.#valuesAt, values: this.#values });
        if (this.#send(c, 'channels', channels)) c.channelsDirty = false;
      }
      if (c.statusDirty && c.streams.has('status')) {
        status ??= JSON.stringify({ type: 'status', status: this.#status });
        if (this.#send(c, 'status', status)) c.statusDirty = false;
      }
    }
  }

  #send(c: Client, stream: LiveStream | 'hello', text: string): boolean {
    const queued = c.socket.bufferedAmount;
    const stalled = c.behindSince !== 0 && Date.now() - c.behindSince > CLOSE_AFTER_BEHIND_MS;
    if (queued > CLOSE_ABOVE || (queued > SAMPLE_ABOVE && stalled)) {
      this.#metrics.liveDisconnects.inc();
      this.#clients.delete(c);
      c.socket.close(1013, 'too slow: live messages backed up');
      return false;
    }
    if (queued > SAMPLE_ABOVE && stream !== 'hello') {
      c.dropped++;
      if (c.behindSince === 0) c.behindSince = Date.now();
      this.#metrics.liveDrops.inc({ stream });
      return false;
    }
    c.behindSince = 0;
    c.socket.send(text);
    return true;
  }

  close(): void {
    clearInterval(this.#timer);
    for (const c of this.#clients) c.socket.close(1001, 'server shutting down');
    this.#clients.clear();
  }
}
