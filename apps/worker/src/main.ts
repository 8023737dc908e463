import { setTimeout as sleep } from 'node:timers/promises';
import {
  bullConnection,
  createLogger,
  createNotifier,
  createRedis,
  EngineWatchers,
  type LoadedSettings,
  loadSettings,
  outboundRules,
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
import { createDatabase, waitForSchema } from '@overcast/db';
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

/** Set once the worker runs jobs; a signal before that has nothing to drain. */
let shutdown: ((signal: string) => Promise<void>) | null = null;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => (shutdown ? void shutdown(signal) : process.exit(0)));
}

async function main(): Promise<void> {
  const { settings } = await waitForSettings();
  const logger = createLogger(settings.logLevel, 'worker');
  const db = createDatabase({ url: settings.databaseUrl, applicationName: 'overcast-worker' });
  // The api applies migrations; a worker that starts first waits for the schema it was built for.
  await waitForSchema(db.pool, {
    onWait: ({ pending, error, retryInMs }) =>
      logger.info(
        error ? { error, retryInMs } : { pending: pending?.length, next: pending?.[0], retryInMs },
        error ? 'waiting for the database' : 'waiting for the api to apply database migrations',
      ),
  });
  // BullMQ needs a connection that waits for Redis rather than failing fast.
  const connection = bullConnection(settings.redisUrl);
  const redis = createRedis(settings.redisUrl);
  // A queue's connection error (Redis restarting, or closing during shutdown) is logged, not fatal.
  const openQueue = (name: string) => {
    const queue = new Queue(name, { connection, prefix: QUEUE_PREFIX });
    queue.on('error', (err) => logger.warn({ queue: name, err: err.message }, 'queue connection error'));
    return queue;
  };

  const maintenance = openQueue(QUEUES.maintenance);
  for (const s of MAINTENANCE_SCHEDULES) {
    await maintenance.upsertJobScheduler(s.id, { every: s.everyMs }, { name: s.name });
  }
  const pollQueue = openQueue(QUEUES.poll);
  const pollDeps = {
    db,
    box: new SecretBox(settings.secrets.credentialsKey),
    redis,
    settings,
    outbound: outboundRules(settings),
  };
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
  const metricsQueue = openQueue(QUEUES.metrics);
  const rulesQueue = openQueue(QUEUES.rules);
  await scheduleMonitoring({ metrics: metricsQueue, rules: rulesQueue }, settings);
  const collect = collectMetricsProcessor({ ...pollDeps, logger }, logger);
  const rollup = rollupMetricsProcessor(db, settings, logger);
  // Automation: script runs, schedule firings, machine expiration.
  const scriptQueue = openQueue(QUEUES.scripts);
  const scheduleQueue = openQueue(QUEUES.schedules);
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

  const stopHeartbeat = startHeartbeat(redis);
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
  let closing = false;
  shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    // BullMQ helpers still connecting when we close (job schedulers) report the closed
    // connection as an 'error' nobody listens to; that one is expected now, anything else is not.
    process.on('uncaughtException', (err) => {
      if (err.message === 'Connection is closed.') return;
      logger.fatal({ err: err.stack ?? err.message }, 'uncaught exception while stopping');
      process.exit(1);
    });
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
  logger.info({ queues: workers.map((w) => w.name) }, 'worker started');
}

main().catch((err) => {
  process.stderr.write(
    err instanceof SettingsError
      ? `overcast worker: ${err.message}\n`
      : `overcast worker: ${(err as Error)?.stack ?? err}\n`,
  );
  process.exit(1);
});
