// `npm start`: reads the environment, starts the configured role, and stops
// cleanly on Ctrl-C / SIGTERM (ingest stops first, triggered shots are
// journaled and flushed, then the rest shuts down).
import module from 'node:module';

// A restarted relay is blind to the laser until it ingests again; reusing
// compiled code (Node's compile cache, in the OS temp dir) saves ~0.4 s of
// that. The modules are imported after it is on, hence the dynamic imports.
module.enableCompileCache?.();
const { ConfigError, loadConfig } = await import('./config.ts');
const { createLogger, startShotline } = await import('./shotline.ts');

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`shotline: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const logger = createLogger(config);
const shotline = await startShotline(config, logger).catch((err: unknown) => {
  logger.fatal({ err }, 'shotline could not start');
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      logger.warn('second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    shotline.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  });
}
