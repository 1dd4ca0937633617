import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { authFailureLimits, ConfigError, loadConfig, simulatorEnabled, VARIABLES } from '../../src/config.ts';

describe('configuration from the environment', () => {
  it('has working defaults on a machine with nothing configured', () => {
    const c = loadConfig({});
    assert.equal(c.role, 'all');
    assert.equal(c.port, 8080);
    assert.equal(c.dataDir, './data');
    assert.equal(c.kafkaTopic, 'shotline.shots');
    assert.equal(c.mongoUrl, undefined);
    assert.equal(c.kafkaBrokers, undefined);
    assert.equal(simulatorEnabled(c), true);
  });

  it('parses endpoints with topic filters and broker lists', () => {
    const c = loadConfig({ SHOTLINE_ZMQ_ENDPOINTS: 'tcp://10.0.0.5:5556#laser|amp, tcp://10.0.0.6:5556', KAFKA_BROKERS: 'k1:9092,k2:9092' });
    assert.deepEqual(c.zmqEndpoints, [
      { endpoint: 'tcp://10.0.0.5:5556', topics: ['laser', 'amp'] },
      { endpoint: 'tcp://10.0.0.6:5556', topics: [] },
    ]);
    assert.deepEqual(c.kafkaBrokers, ['k1:9092', 'k2:9092']);
    assert.equal(simulatorEnabled(c), false);
  });

  it('refuses a bad value, naming the variable and the value', () => {
    assert.throws(() => loadConfig({ SHOTLINE_PORT: 'eighty' }), (err: Error) => err instanceof ConfigError && /SHOTLINE_PORT="eighty"/.test(err.message));
    assert.throws(() => loadConfig({ SHOTLINE_PORT: '70000' }), /SHOTLINE_PORT="70000"/);
    assert.throws(() => loadConfig({ SHOTLINE_ROLE: 'boss' }), /SHOTLINE_ROLE="boss"/);
    assert.throws(() => loadConfig({ MONGO_URL: 'postgres://x' }), /MONGO_URL/);
    assert.throws(() => loadConfig({ SHOTLINE_ZMQ_ENDPOINTS: 'laser:5556' }), /SHOTLINE_ZMQ_ENDPOINTS/);
  });

  it('names every bad variable at once', () => {
    assert.throws(
      () => loadConfig({ SHOTLINE_PORT: 'x', SHOTLINE_SIMULATOR_RATE: '-1' }),
      (err: Error) => /SHOTLINE_PORT/.test(err.message) && /SHOTLINE_SIMULATOR_RATE/.test(err.message),
    );
  });

  it('requires Kafka for the separate relay and watcher roles', () => {
    assert.throws(() => loadConfig({ SHOTLINE_ROLE: 'watcher', MONGO_URL: 'mongodb://m/x' }), /KAFKA_BROKERS: required for SHOTLINE_ROLE=watcher/);
    assert.equal(loadConfig({ SHOTLINE_ROLE: 'relay', KAFKA_BROKERS: 'k:9092', MONGO_URL: 'mongodb://m/x' }).role, 'relay');
  });

  it('requires MongoDB for separate roles, which share settings and shots only through it', () => {
    assert.throws(() => loadConfig({ SHOTLINE_ROLE: 'api' }), /MONGO_URL: required for SHOTLINE_ROLE=api/);
  });

  it('limits repeated authentication failures by default, within validated bounds', () => {
    assert.deepEqual(authFailureLimits(loadConfig({})), { maxFailures: 10, windowMs: 60_000, maxAddresses: 10_000 });
    assert.deepEqual(authFailureLimits(loadConfig({ SHOTLINE_AUTH_MAX_FAILURES: '5', SHOTLINE_AUTH_FAILURE_WINDOW_MS: '300000', SHOTLINE_AUTH_FAILURE_ADDRESSES: '500' })), { maxFailures: 5, windowMs: 300_000, maxAddresses: 500 });
    for (const [env, bad] of [['SHOTLINE_AUTH_MAX_FAILURES', '0'], ['SHOTLINE_AUTH_MAX_FAILURES', 'ten'], ['SHOTLINE_AUTH_FAILURE_WINDOW_MS', '10'], ['SHOTLINE_AUTH_FAILURE_ADDRESSES', '5'], ['SHOTLINE_AUTH_FAILURE_ADDRESSES', '1e9']] as const) {
      assert.throws(() => loadConfig({ [env]: bad }), (err: Error) => err instanceof ConfigError && err.message.includes(`${env}=${JSON.stringify(bad)}`), `${env}=${bad}`);
    }
  });

  it("README's configuration table lists every variable", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const spec of Object.values(VARIABLES)) assert.ok(readme.includes(`| \`${spec.env}\` |`), `README lacks a row for ${spec.env}`);
  });
});
