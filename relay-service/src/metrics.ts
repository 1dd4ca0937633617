// Prometheus metrics of one process, whatever its roles. Hot-path counters
// are prom-client Counters (an add, no allocation); values that live in other
// components (queue depths, spool size) are read when /metrics is scraped.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'shotline_process_' });
  const r = [registry];
  return {
    registry,
    messagesIn: new Counter({ name: 'shotline_messages_in_total', help: 'Laser messages received (all endpoints)', registers: r }),
    malformed: new Counter({ name: 'shotline_messages_malformed_total', help: 'Laser messages refused, by reason', labelNames: ['reason'] as const, registers: r }),
    laserGaps: new Counter({ name: 'shotline_laser_counter_gaps_total', help: "Messages missing according to the laser's own counter", registers: r }),
    triggers: new Counter({ name: 'shotline_triggers_total', help: 'Shots triggered by this relay', registers: r }),
    shotsSent: new Counter({ name: 'shotline_shots_sent_total', help: 'Shots acknowledged by the bus', registers: r }),
    produceErrors: new Counter({ name: 'shotline_produce_errors_total', help: 'Failed attempts to send a batch of shots to the bus', registers: r }),
    produceLatency: new Histogram({
      name: 'shotline_kafka_produce_seconds',
      help: 'Time for the bus to acknowledge a batch of shots',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: r,
    }),
    shotsStored: new Counter({ name: 'shotline_shots_stored_total', help: 'Shots newly written to the store by the watcher', registers: r }),
    shotsDuplicate: new Counter({ name: 'shotline_shots_duplicate_total', help: 'Redelivered shots the store already held (no-ops)', registers: r }),
    storeWriteLatency: new Histogram({
      name: 'shotline_mongodb_write_seconds',
      help: 'Time for the store to acknowledge a batch of shots',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: r,
    }),
    storeErrors: new Counter({ name: 'shotline_store_errors_total', help: 'Failed attempts to store a batch of shots', registers: r }),
    liveDrops: new Counter({ name: 'shotline_live_drops_total', help: 'Live messages not sent to a slow client, by stream', labelNames: ['stream'] as const, registers: r }),
    liveDisconnects: new Counter({ name: 'shotline_live_slow_disconnects_total', help: 'Live clients closed for being too slow', registers: r }),
    republishDrops: new Counter({ name: 'shotline_republish_drops_total', help: 'Messages the ZeroMQ republisher could not send', registers: r }),
    authFailures: new Counter({ name: 'shotline_auth_failures_total', help: 'Presented API tokens that were refused (unknown, revoked or malformed), counted against their address', registers: r }),
    authRefused: new Counter({ name: 'shotline_auth_refused_total', help: 'Requests answered 429 because their address had too many failed authentications (the token was not checked)', registers: r }),
    authEvictions: new Counter({ name: 'shotline_auth_evictions_total', help: 'Addresses dropped from authentication-failure tracking to keep it bounded (many addresses failing at once)', registers: r }),
    spoolRefused: new Counter({ name: 'shotline_spool_refused_shots_total', help: 'Triggered shots refused because the spool was full (SHOTLINE_SPOOL_MAX_BYTES of shots awaiting Kafka)', registers: r }),
    /** Registers a gauge read at scrape time. */
    gauge(name: string, help: string, read: () => number) {
      new Gauge({ name, help, registers: r, collect() { this.set(read()); } });
    },
    /** Registers a counter whose total lives elsewhere (it only grows), read at scrape time. */
    counter(name: string, help: string, read: () => number) {
      new Counter({
        name,
        help,
        registers: r,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    },
  };
}
