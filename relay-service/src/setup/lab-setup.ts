// One-shot preparation of a lab stack (docker-compose.yml's `setup` service),
// run before Grafana starts and safe to run again at every `docker compose up`:
//
// 1. the first admin token, as every role makes it (SHOTLINE_ADMIN_TOKEN, or
//    one generated into <data dir>/admin-token when no token exists yet). It
//    comes first because the Grafana token below would count as "a token
//    exists" and no role would then generate an admin token;
// 2. a `service` token for Grafana's datasource backend, written to a file
//    that the Grafana container reads into SHOTLINE_GRAFANA_TOKEN (the relay
//    can only issue tokens, not accept chosen ones). A working token is kept;
//    otherwise a new one is issued and the earlier ones of that name revoked,
//    so exactly one Grafana token is valid;
// 3. with a separate simulated laser, the same trigger rule the built-in
//    simulator arms (settings/seed.ts), only while nothing is configured.
//
// It talks to the store directly (like the roles at start), so it needs no
// running API and no admin token of its own.
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { TokenService } from '../auth/tokens.ts';
import { SettingsService } from '../settings/service.ts';
import { seedSimulatorSettings } from '../settings/seed.ts';
import type { Store } from '../store/types.ts';

/** The name of Grafana's token in the token list (GET /api/v1/tokens). */
export const GRAFANA_TOKEN_NAME = 'grafana (lab setup)';

export interface LabSetupOptions {
  store: Store;
  /** where the first admin token is generated when none exists (the data dir, as for the roles) */
  dataDir: string;
  /** SHOTLINE_ADMIN_TOKEN, if set */
  adminToken?: string | undefined;
  /** the file Grafana reads its service token from */
  grafanaTokenFile: string;
  /** arm the simulated laser's energy_J rule when the relay settings are still empty */
  armSimulator: boolean;
  logger: Logger;
}

export interface LabSetupResult {
  /** the file a generated admin token was written to, or null (SHOTLINE_ADMIN_TOKEN set, or a token existed) */
  adminTokenFile: string | null;
  grafanaToken: 'kept' | 'issued';
  /** earlier Grafana tokens revoked now */
  revoked: number;
  /** relay settings version after the setup */
  settingsVersion: number;
}

export async function prepareLab(options: LabSetupOptions): Promise<LabSetupResult> {
  const { store, logger } = options;
  const tokens = new TokenService(store);
  const settings = new SettingsService(store);
  await Promise.all([tokens.init(), settings.init()]);

  const adminTokenFile = await tokens.bootstrap({ adminToken: options.adminToken, dataDir: options.dataDir, logger });

  const current = await readTokenFile(options.grafanaTokenFile);
  const doc = current === null ? null : await tokens.verify(current);
  let grafanaToken: LabSetupResult['grafanaToken'] = 'kept';
  let keepId = doc?.role === 'service' && doc.name === GRAFANA_TOKEN_NAME ? doc._id : null;
  if (keepId === null) {
    const issued = await tokens.create({ name: GRAFANA_TOKEN_NAME, role: 'service' }, 'lab setup');
    await writeTokenFile(options.grafanaTokenFile, issued.token);
    keepId = issued.id;
    grafanaToken = 'issued';
    logger.info({ file: options.grafanaTokenFile, id: issued.id }, 'issued a service token for Grafana');
  }
  let revoked = 0;
  for (const t of await tokens.list()) {
    if (t.name === GRAFANA_TOKEN_NAME && t.id !== keepId) {
      await tokens.revoke(t.id, 'lab setup');
      revoked++;
    }
  }
  if (revoked > 0) logger.info({ revoked }, 'revoked earlier Grafana tokens');

  if (options.armSimulator) await seedSimulatorSettings(settings, logger);
  return { adminTokenFile, grafanaToken, revoked, settingsVersion: (await settings.get()).version };
}

async function readTokenFile(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text.length > 0 ? text : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Written whole or not at all (temp file, fsync, rename). Mode 0644: Grafana
 * runs as another user (uid 472) and must read it; the file lives in a volume
 * that only the setup and Grafana containers mount.
 */
async function writeTokenFile(file: string, token: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.chmod(0o644);
    await handle.writeFile(`${token}\n`);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(tmp, file);
}
