// With the built-in simulator and no settings yet, arm one sensible rule so
// shots flow as soon as `npm start` runs. Real deployments start unarmed:
// thresholds are the lab's decision, made through the API.
import type { Logger } from 'pino';
import type { SettingsService } from './service.ts';

export async function seedSimulatorSettings(settings: SettingsService, logger: Logger): Promise<void> {
  const current = await settings.get();
  if (current.version > 0) return;
  await settings.setChannel('energy_J', { unit: 'J', enabled: true, rule: { kind: 'above', above: 1 } }, 'simulator');
  logger.info('simulator: armed energy_J > 1 J (change it through /api/v1/relay/channels/energy_J)');
}
