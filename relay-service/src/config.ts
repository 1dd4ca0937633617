// Configuration comes from environment variables only. Each variable is
// declared once below with its default and its JSON Schema; a bad value stops
// the start with a message naming the variable, its value and the rule broken.
import { Type, type TSchema, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthFailureLimits } from './auth/failure-limiter.ts';

export const ROLES = ['all', 'relay', 'watcher', 'api'] as const;
export type Role = (typeof ROLES)[number];

export interface ZmqEndpoint {
  endpoint: string;
  /** empty: subscribe to every topic */
  topics: string[];
}

const ZMQ_ADDRESS = '^(tcp://[^\\s#,|]+:[0-9]+|ipc://[^\\s#,|]+|inproc://[^\\s#,|]+)$';

const Endpoint = Type.Object({
  endpoint: Type.String({ pattern: ZMQ_ADDRESS }),
  topics: Type.Array(Type.String({ minLength: 1 })),
});

interface VarSpec {
  env: string;
  schema: TSchema;
  default?: string;
  /** turns the raw string into the value the schema checks */
  parse?: (raw: string) => unknown;
  doc: string;
  /** never shown in an error message */
  secret?: boolean;
}

const list = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** `tcp://host:5556#laser|amp,ipc:///tmp/x` → endpoints with topic filters */
function parseEndpoints(raw: string): ZmqEndpoint[] {
  return list(raw).map((item) => {
    const [endpoint = '', topics = ''] = item.split('#', 2);
    return { endpoint, topics: topics.split('|').filter((t) => t.length > 0) };
  });
}

const bool = (raw: string) => (/^(1|true|yes|on)$/i.test(raw) ? true : /^(0|false|no|off)$/i.test(raw) ? false : raw);
const num = (raw: string) => (raw.trim() === '' ? raw : Number(raw));

/** Where `npm run build:console` (grafana-plugins/shotline-app) puts the console, in this repository. */
export const CONSOLE_DIR_DEFAULT = fileURLToPath(new URL('../../grafana-plugins/shotline-app/dist-console', import.meta.url));

// The table is the documentation too: README's configuration table lists these.
export const VARIABLES = {
  role: { env: 'SHOTLINE_ROLE', default: 'all', schema: Type.Union(ROLES.map((r) => Type.Literal(r))), doc: 'all | relay | watcher | api' },
  host: { env: 'SHOTLINE_HOST', default: '127.0.0.1', schema: Type.String({ minLength: 1 }), doc: 'HTTP listen address (0.0.0.0 to serve the network)' },
  port: { env: 'SHOTLINE_PORT', default: '8080', parse: num, schema: Type.Integer({ minimum: 0, maximum: 65535 }), doc: 'HTTP port (0 picks a free one)' },
  dataDir: { env: 'SHOTLINE_DATA_DIR', default: './data', schema: Type.String({ minLength: 1 }), doc: 'shot journal, relay state, embedded store' },
  logLevel: { env: 'SHOTLINE_LOG_LEVEL', default: 'info', schema: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))), doc: 'log level' },
  mongoUrl: { env: 'MONGO_URL', schema: Type.String({ pattern: '^mongodb(\\+srv)?://' }), doc: 'MongoDB URL; unset: embedded file-backed store in the data dir' },
  kafkaBrokers: { env: 'KAFKA_BROKERS', parse: list, schema: Type.Array(Type.String({ pattern: '^[^\\s:]+:[0-9]+$' }), { minItems: 1 }), doc: 'host:port,…; unset (role all only): in-process bus' },
  kafkaTopic: { env: 'KAFKA_TOPIC', default: 'shotline.shots', schema: Type.String({ pattern: '^[A-Za-z0-9._-]{1,249}$' }), doc: 'topic of triggered shots' },
  kafkaTelemetryTopic: { env: 'KAFKA_TELEMETRY_TOPIC', default: 'shotline.telemetry', schema: Type.String({ pattern: '^[A-Za-z0-9._-]{1,249}$' }), doc: 'topic of live channel values and relay status' },
  kafkaLingerMs: { env: 'KAFKA_LINGER_MS', default: '2', parse: num, schema: Type.Integer({ minimum: 0, maximum: 1000 }), doc: 'how long the relay lets triggered shots gather before a Kafka request' },
  kafkaGroup: { env: 'KAFKA_GROUP', default: 'shotline-watcher', schema: Type.String({ minLength: 1 }), doc: 'consumer group of the watcher' },
  zmqEndpoints: { env: 'SHOTLINE_ZMQ_ENDPOINTS', parse: parseEndpoints, schema: Type.Array(Endpoint, { minItems: 1 }), doc: 'laser endpoints to SUB, `tcp://host:port[#topic|topic]`,…; unset: built-in simulator' },
  zmqPublish: { env: 'SHOTLINE_ZMQ_PUBLISH', default: 'tcp://127.0.0.1:5557', schema: Type.String({ pattern: ZMQ_ADDRESS }), doc: 'PUB endpoint (bound) where every message is republished' },
  zmqReceiveHwm: { env: 'SHOTLINE_ZMQ_RCVHWM', default: '100000', parse: num, schema: Type.Integer({ minimum: 0 }), doc: 'receive high-water mark (messages) per SUB socket' },
  maxMessageBytes: { env: 'SHOTLINE_MAX_MESSAGE_BYTES', default: '1048576', parse: num, schema: Type.Integer({ minimum: 64 }), doc: 'larger laser messages are refused as oversized' },
  laserCounterField: { env: 'SHOTLINE_LASER_COUNTER_FIELD', default: 'shot_id', schema: Type.String({ minLength: 1 }), doc: "field holding the laser's own shot counter" },
  laserTimeField: { env: 'SHOTLINE_LASER_TIME_FIELD', default: 'timestamp', schema: Type.String({ minLength: 1 }), doc: "field holding the laser's timestamp (epoch s/ms/µs or ISO 8601)" },
  simulator: { env: 'SHOTLINE_SIMULATOR', default: 'auto', schema: Type.Union(['auto', 'on', 'off'].map((l) => Type.Literal(l))), doc: 'auto: on when no ZeroMQ endpoint is configured' },
  simulatorEndpoint: { env: 'SHOTLINE_SIMULATOR_ENDPOINT', default: 'tcp://127.0.0.1:5556', schema: Type.String({ pattern: ZMQ_ADDRESS }), doc: 'where the built-in simulator publishes' },
  simulatorRate: { env: 'SHOTLINE_SIMULATOR_RATE', default: '1', parse: num, schema: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 }), doc: 'simulated shots per second' },
  settingsPollMs: { env: 'SHOTLINE_SETTINGS_POLL_MS', default: '1000', parse: num, schema: Type.Integer({ minimum: 50 }), doc: 'how often a separate relay re-reads thresholds and campaign from the store' },
  liveChannelHz: { env: 'SHOTLINE_LIVE_CHANNEL_HZ', default: '10', parse: num, schema: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }), doc: 'channel-value updates per second per live client' },
  debugBufferSize: { env: 'SHOTLINE_DEBUG_BUFFER', default: '200', parse: num, schema: Type.Integer({ minimum: 1, maximum: 100000 }), doc: 'raw messages kept for the debug view' },
  adminToken: {
    env: 'SHOTLINE_ADMIN_TOKEN',
    secret: true,
    schema: Type.String({ minLength: 16, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' }),
    doc: 'the first admin API token (16 to 256 printable ASCII characters, no spaces); unset: one is generated into <data dir>/admin-token when no token exists',
  },
  corsOrigins: {
    env: 'SHOTLINE_CORS_ORIGINS',
    default: '',
    parse: list,
    schema: Type.Array(Type.String({ pattern: '^https?://[^/\\s,]+$', description: 'scheme://host[:port], no path' })),
    doc: "browser origins allowed to call the API cross-origin (Grafana's, e.g. https://grafana.lab:3000), comma-separated; unset: none",
  },
  authMaxFailures: { env: 'SHOTLINE_AUTH_MAX_FAILURES', default: '10', parse: num, schema: Type.Integer({ minimum: 1, maximum: 10000 }), doc: 'refused API tokens from one client address within the window before it gets 429 for a window' },
  authFailureWindowMs: { env: 'SHOTLINE_AUTH_FAILURE_WINDOW_MS', default: '60000', parse: num, schema: Type.Integer({ minimum: 1000, maximum: 86_400_000 }), doc: 'the window of SHOTLINE_AUTH_MAX_FAILURES, and how long a lockout lasts' },
  authFailureAddresses: { env: 'SHOTLINE_AUTH_FAILURE_ADDRESSES', default: '10000', parse: num, schema: Type.Integer({ minimum: 100, maximum: 1_000_000 }), doc: 'client addresses with failed authentications tracked at most (the least recently active one is dropped beyond)' },
  consoleDir: {
    env: 'SHOTLINE_CONSOLE_DIR',
    default: CONSOLE_DIR_DEFAULT,
    // relative to the working directory, like SHOTLINE_DATA_DIR; absolute from here on
    parse: (raw: string) => (raw.includes('\0') ? raw : resolve(raw)),
    schema: Type.String({ minLength: 1, pattern: '^[^\\x00]+$' }),
    doc: 'the built console served at / (roles all and api); unset: grafana-plugins/shotline-app/dist-console of this repository',
  },
  spoolMaxBytes: { env: 'SHOTLINE_SPOOL_MAX_BYTES', default: String(256 * 1024 * 1024), parse: num, schema: Type.Integer({ minimum: 1024 }), doc: 'bound of the on-disk shot journal awaiting Kafka: /readyz alarms at 80 %, new shots are refused at 100 %' },
  ingestQueueMax: {
    env: 'SHOTLINE_INGEST_QUEUE_MAX',
    default: '10000',
    parse: num,
    schema: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    doc: 'laser messages the relay holds in memory ahead of the journal write; at the bound it stops reading ZeroMQ until half have gone through',
  },
  ingestQueueMaxBytes: {
    env: 'SHOTLINE_INGEST_QUEUE_MAX_BYTES',
    default: String(32 * 1024 * 1024),
    parse: num,
    schema: Type.Integer({ minimum: 1024 }),
    doc: 'the same bound in bytes of laser messages',
  },
} satisfies Record<string, VarSpec>;

type Vars = typeof VARIABLES;
type Optional = 'mongoUrl' | 'kafkaBrokers' | 'zmqEndpoints' | 'adminToken';
export type Config = { [K in Exclude<keyof Vars, Optional>]: Static<Vars[K]['schema']> } & {
  [K in Optional]?: Static<Vars[K]['schema']>;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(VARIABLES) as [string, VarSpec][]) {
    const raw = env[spec.env] !== undefined && env[spec.env] !== '' ? env[spec.env] : spec.default;
    if (raw === undefined) continue;
    const value = spec.parse ? spec.parse(raw) : raw;
    const first = Value.Errors(spec.schema, value).First();
    if (first) {
      const where = first.path ? ` (at ${first.path})` : '';
      problems.push(`${spec.env}=${spec.secret ? '<hidden>' : JSON.stringify(raw)}: ${first.message}${where}`);
      continue;
    }
    out[key] = value;
  }
  const config = out as Config;
  if (config.role !== 'all' && config.role !== 'api' && !config.kafkaBrokers) {
    problems.push(`KAFKA_BROKERS: required for SHOTLINE_ROLE=${config.role} (the in-process bus only joins roles inside one process)`);
  }
  if (config.role !== 'all' && !config.mongoUrl) {
    problems.push(`MONGO_URL: required for SHOTLINE_ROLE=${config.role} (separate processes share settings and shots only through MongoDB)`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return config;
}

/** The limits on repeated authentication failures (auth/failure-limiter.ts). */
export function authFailureLimits(config: Pick<Config, 'authMaxFailures' | 'authFailureWindowMs' | 'authFailureAddresses'>): AuthFailureLimits {
  return { maxFailures: config.authMaxFailures, windowMs: config.authFailureWindowMs, maxAddresses: config.authFailureAddresses };
}

/** Whether the built-in laser simulator runs in this process. */
export function simulatorEnabled(config: Config): boolean {
  if (config.role !== 'all' && config.role !== 'relay') return false;
  return config.simulator === 'on' || (config.simulator === 'auto' && !config.zmqEndpoints);
}
