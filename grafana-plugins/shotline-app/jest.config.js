// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  // A ceiling for slow shared CI machines (rendering @grafana/ui is heavy), not a timing.
  testTimeout: 60000,
  transform: {
    ...base.transform,
    // @grafana/data 13.1 loads ESM-only `.mjs` files (d3-color, …); the scaffold transforms only .js/.ts(x).
    '^.+\\.mjs$': base.transform['^.+\\.(t|j)sx?$'],
  },
};
