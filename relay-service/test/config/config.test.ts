import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, simulatorEnabled } from '../../src/config.ts';

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
});
