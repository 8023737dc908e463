import { setTimeout as sleep } from 'node:timers/promises';
import {
  bullConnection,
  createLogger,
  createRedis,
  EngineWatchers,
  type LoadedSettings,
  loadSettings,
  QUEUE_PREFIX,
  QUEUES,
  reconcilePollSchedules,
  ruleEvaluatorDeps,
  SecretBox,
  SettingsError,
  scheduleMonitoring,
} from '@overcast/core';
import { createDatabase } from '@overcast/db';
import { Queue, Worker } from 'bullmq';
import { startHeartbeat } from './heartbeat';
import { collectMetricsProcessor } from './jobs/collect-metrics';
import { evaluateRulesProcessor } from './jobs/evaluate-rules';
import { MAINTENANCE_SCHEDULES, maintenanceProcessor } from './jobs/maintenance';
import { pollProcessor } from './jobs/poll';
import { rollupMetricsProcessor } from './jobs/rollup-metrics';

/** The api writes settings.json on its first start; a worker started beside it waits for the file. */
async function waitForSettings(): Promise<LoadedSettings> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return loadSettings();
    } catch (err) {
      const missing = err instanceof SettingsError && err.message.includes('does not exist yet');
      if (!missing || Date.now() > deadline) throw err;
      await sleep(1_000);
    }
  }
}

/** How often poll schedules are checked against the clouds in Postgres. */
const RECONCILE_MS = 60_000;

/**
 * How often Docker clouds are checked for event watchers to start or stop: a cloud added in
 * the api gets its live updates within this time (its first poll runs at once regardless).
 */
const WATCHERS_RECONCILE_MS = 5_000;

/** How long SIGTERM waits for running jobs before handing them back to the queue. */
const DRAIN_TIMEOUT_MS = 25_000;

async function main(): Promise<void> {
  const { settings } = await waitForSettings();
  const logger = createLogger(settings.logLevel, 'worker');
  const db = createDatabase({ url: settings.databaseUrl, applicationName: 'overcast-worker' });
  // BullMQ needs a connection that waits for Redis rather than failing fast.
  const connection = bullConnection(settings.redisUrl);
  const redis = createRedis(settings.redisUrl);

  const maintenance = new Queue(QUEUES.maintenance, { connection, prefix: QUEUE_PREFIX });
  for (const s of MAINTENANCE_SCHEDULES) {
    await maintenance.upsertJobScheduler(s.id, { every: s.everyMs }, { name: s.name });
  }
  const pollQueue = new Queue(QUEUES.poll, { connection, prefix: QUEUE_PREFIX });
  const pollDeps = { db, box: new SecretBox(settings.secrets.credentialsKey), redis, settings };
  // Postgres is the source of truth for schedules: rebuild them now, and keep checking.
  await reconcilePollSchedules(db, pollQueue, settings);
  const reconcile = setInterval(() => {
    reconcilePollSchedules(db, pollQueue, settings).catch((err) =>
      logger.warn({ err: (err as Error).message }, 'could not reconcile poll schedules'),
    );
  }, RECONCILE_MS);
  // Docker engines push their changes: one long-lived event watcher per Docker cloud.
  const engineWatchers = new EngineWatchers(pollDeps, logger);
  const reconcileWatchers = () =>
    engineWatchers
      .reconcile()
      .catch((err) => logger.warn({ err: (err as Error).message }, 'could not reconcile engine watchers'));
  await reconcileWatchers();
  const watchersTimer = setInterval(reconcileWatchers, WATCHERS_RECONCILE_MS);
  const metricsQueue = new Queue(QUEUES.metrics, { connection, prefix: QUEUE_PREFIX });
  const rulesQueue = new Queue(QUEUES.rules, { connection, prefix: QUEUE_PREFIX });
  await scheduleMonitoring({ metrics: metricsQueue, rules: rulesQueue }, settings);
  const collect = collectMetricsProcessor({ ...pollDeps, logger }, logger);
  const rollup = rollupMetricsProcessor(db, settings, logger);
  const evaluate = evaluateRulesProcessor(ruleEvaluatorDeps({ ...pollDeps, pollQueue, logger }), logger);
  const workers = [
    new Worker(QUEUES.maintenance, maintenanceProcessor(db, logger, settings), {
      connection,
      prefix: QUEUE_PREFIX,
      concurrency: 1,
    }),
    new Worker(QUEUES.poll, pollProcessor(pollDeps, logger), {
      connection,
      prefix: QUEUE_PREFIX,
      concurrency: settings.worker.concurrency,
    }),
    // One collection round at a time: a round already bounds its own connections.
    new Worker(QUEUES.metrics, (job) => (job.name === 'rollup' ? rollup() : collect()), {
      connection,
      prefix: QUEUE_PREFIX,
      concurrency: 1,
    }),
    new Worker(QUEUES.rules, () => evaluate(), { connection, prefix: QUEUE_PREFIX, concurrency: 1 }),
  ];
  for (const w of workers) {
    w.on('failed', (job, err) =>
      logger.warn({ queue: w.name, job: job?.name, err: err.message }, 'job failed'),
    );
    w.on('error', (err) => logger.error({ queue: w.name, err: err.message }, 'worker error'));
  }
  const stopHeartbeat = startHeartbeat(redis);
  logger.info({ queues: workers.map((w) => w.name) }, 'worker started');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'draining jobs');
    // Finish what is running; past the deadline, close forcibly so unfinished jobs
    // go back to the queue (BullMQ hands stalled jobs to the next worker).
    const drained = Promise.all(workers.map((w) => w.close()));
    const timedOut = await Promise.race([
      drained.then(() => false),
      sleep(DRAIN_TIMEOUT_MS).then(() => true),
    ]);
    if (timedOut) await Promise.all(workers.map((w) => w.close(true)));
    clearInterval(reconcile);
    clearInterval(watchersTimer);
    await engineWatchers.stopAll();
    await stopHeartbeat();
    await Promise.allSettled([
      maintenance.close(),
      pollQueue.close(),
      metricsQueue.close(),
      rulesQueue.close(),
      db.close(),
      redis.quit(),
    ]);
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(
    err instanceof SettingsError
      ? `overcast worker: ${err.message}\n`
      : `overcast worker: ${(err as Error)?.stack ?? err}\n`,
  );
  process.exit(1);
});
