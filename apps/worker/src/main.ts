import { setTimeout as sleep } from 'node:timers/promises';
import {
  bullConnection,
  createLogger,
  createNotifier,
  createRedis,
  EngineWatchers,
  type LoadedSettings,
  loadSettings,
  QUEUE_PREFIX,
  QUEUES,
  reconcilePollSchedules,
  reconcileSchedules,
  resumeScriptRuns,
  ruleEvaluatorDeps,
  type ScheduleJobData,
  SecretBox,
  SettingsError,
  scheduleMonitoring,
} from '@overcast/core';
import { createDatabase } from '@overcast/db';
import { type Job, Queue, Worker } from 'bullmq';
import { startHeartbeat } from './heartbeat';
import { collectMetricsProcessor } from './jobs/collect-metrics';
import { evaluateRulesProcessor } from './jobs/evaluate-rules';
import { EXPIRATION_SCHEDULER_ID, expirationJob } from './jobs/expiration';
import { MAINTENANCE_SCHEDULES, maintenanceProcessor } from './jobs/maintenance';
import { pollProcessor } from './jobs/poll';
import { rollupMetricsProcessor } from './jobs/rollup-metrics';
import { fireScheduleJob } from './jobs/schedule-fire';
import { scriptRunProcessor } from './jobs/script-run';
import { noticeNotifier } from './notifier';

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
  // Automation: script runs, schedule firings, machine expiration.
  const scriptQueue = new Queue(QUEUES.scripts, { connection, prefix: QUEUE_PREFIX });
  const scheduleQueue = new Queue(QUEUES.schedules, { connection, prefix: QUEUE_PREFIX });
  const notifier = noticeNotifier(db, redis, createNotifier({ db, box: pollDeps.box, settings, logger }));
  const automationDeps = { ...pollDeps, pollQueue, scriptQueue, scheduleQueue, notifier, logger };
  const evaluate = evaluateRulesProcessor(
    ruleEvaluatorDeps({ ...pollDeps, pollQueue, scriptQueue, logger }),
    logger,
  );
  const rebuildSchedules = async (why: string) => {
    try {
      await scheduleQueue.upsertJobScheduler(
        EXPIRATION_SCHEDULER_ID,
        { every: settings.automation.expirationCheckSeconds * 1000 },
        { name: EXPIRATION_SCHEDULER_ID, opts: { removeOnComplete: 10, removeOnFail: 50 } },
      );
      const removed = await reconcileSchedules(db, scheduleQueue);
      const runs = await resumeScriptRuns(db, scriptQueue);
      logger.info(
        { why, removed, unfinishedRuns: runs },
        'schedules and script runs rebuilt from the database',
      );
    } catch (err) {
      logger.warn({ why, err: (err as Error).message }, 'could not rebuild schedules');
    }
  };
  await rebuildSchedules('start');
  // A Redis that restarted empty has lost every scheduler: rebuild as soon as it is back.
  const scheduleClient = await scheduleQueue.client;
  let seenReady = false;
  scheduleClient.on('ready', () => {
    if (seenReady) void rebuildSchedules('redis reconnected');
    seenReady = true;
  });
  if (scheduleClient.status === 'ready') seenReady = true;
  const scheduleReconcile = setInterval(() => void rebuildSchedules('periodic'), RECONCILE_MS);

  const workers = [
    new Worker(QUEUES.scripts, scriptRunProcessor(automationDeps, logger), {
      connection,
      prefix: QUEUE_PREFIX,
      concurrency: settings.worker.concurrency,
    }),
    new Worker(
      QUEUES.schedules,
      async (job: Job) =>
        job.name === EXPIRATION_SCHEDULER_ID
          ? expirationJob(automationDeps, logger)
          : fireScheduleJob(automationDeps, logger, job as Job<ScheduleJobData>),
      // Firings are short and mostly waiting on Postgres and providers: many at once keeps a
      // minute boundary where many schedules fall due from queueing them behind each other.
      { connection, prefix: QUEUE_PREFIX, concurrency: Math.max(16, settings.worker.concurrency) },
    ),
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
    clearInterval(scheduleReconcile);
    await stopHeartbeat();
    await Promise.allSettled([
      maintenance.close(),
      pollQueue.close(),
      metricsQueue.close(),
      rulesQueue.close(),
      scriptQueue.close(),
      scheduleQueue.close(),
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
