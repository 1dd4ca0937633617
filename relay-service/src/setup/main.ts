// The lab setup as a command (docker-compose.yml's one-shot `setup` service):
//   node src/setup/main.ts --grafana-token-file /run/shotline/grafana-token [--arm-simulator]
// The store is the one the roles use: MONGO_URL, or the embedded store in
// SHOTLINE_DATA_DIR; SHOTLINE_ADMIN_TOKEN as for the roles. See lab-setup.ts.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../shotline.ts';
import { openStore } from '../store/index.ts';
import { prepareLab } from './lab-setup.ts';

const USAGE = `usage: node src/setup/main.ts --grafana-token-file <path> [--arm-simulator]

  --grafana-token-file <path>  where Grafana's service token is kept (issued when missing or no longer valid)
  --arm-simulator              arm energy_J > 1 J while the relay settings are empty (a simulated laser)
  --help

environment: MONGO_URL (unset: the embedded store in SHOTLINE_DATA_DIR), SHOTLINE_DATA_DIR,
SHOTLINE_ADMIN_TOKEN, SHOTLINE_LOG_LEVEL, as for the roles`;

class UsageError extends Error {}

export interface SetupCli {
  grafanaTokenFile: string;
  armSimulator: boolean;
  help: boolean;
}

/** Parses the command line; throws UsageError naming the bad flag. */
export function parseSetupCli(argv: string[]): SetupCli {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { 'grafana-token-file': { type: 'string' }, 'arm-simulator': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const help = values.help ?? false;
  const file = values['grafana-token-file'];
  if (!help && (file === undefined || file.trim() === '')) throw new UsageError('--grafana-token-file: required (the file Grafana reads its service token from)');
  return { grafanaTokenFile: file ?? '', armSimulator: values['arm-simulator'] ?? false, help };
}

async function main(): Promise<number> {
  let cli: SetupCli;
  let config;
  try {
    cli = parseSetupCli(process.argv.slice(2));
    if (cli.help) {
      console.log(USAGE);
      return 0;
    }
    config = loadConfig();
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      console.error(`shotline-setup: ${err.message}${err instanceof UsageError ? `\n\n${USAGE}` : ''}`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger(config).child({ component: 'setup' });
  const dataDir = resolve(config.dataDir);
  const store = await openStore({ dataDir: resolve(dataDir, 'store'), logger, ...(config.mongoUrl && { mongoUrl: config.mongoUrl }) });
  try {
    const result = await prepareLab({
      store,
      dataDir,
      adminToken: config.adminToken,
      grafanaTokenFile: resolve(cli.grafanaTokenFile),
      armSimulator: cli.armSimulator,
      logger,
    });
    logger.info(result, 'lab setup done');
    return 0;
  } catch (err) {
    logger.error({ err }, 'lab setup failed');
    return 1;
  } finally {
    await store.close();
  }
}

// Run only as the entry point, so tests can import parseSetupCli.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
