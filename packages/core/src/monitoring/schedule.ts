import type { Runtime } from '@overcast/runtime';

/** How often hourly rollups are refreshed and retention applied. */
const ROLLUP_EVERY_MS = 5 * 60_000;

/** The repeating monitoring jobs: intervals come from settings, so a changed setting takes effect on restart. */
export async function scheduleMonitoring(runtime: Pick<Runtime, 'queues' | 'settings'>): Promise<void> {
  const { queues, settings } = runtime;
  const opts = { removeOnComplete: 50, removeOnFail: 50 };
  await queues.metrics.upsertJobScheduler(
    'metrics:collect',
    { every: settings.monitoring.intervalSeconds * 1000 },
    { name: 'collect', opts },
  );
  await queues.metrics.upsertJobScheduler(
    'metrics:rollup',
    { every: ROLLUP_EVERY_MS },
    { name: 'rollup', opts },
  );
  await queues.rules.upsertJobScheduler(
    'rules:evaluate',
    { every: settings.monitoring.evaluateSeconds * 1000 },
    { name: 'evaluate', opts },
  );
}
