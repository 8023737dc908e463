import { setTimeout as sleep } from 'node:timers/promises';
import { reconcileSchedules, resumeScriptRuns } from '@overcast/core/automation';
import { EngineWatchers } from '@overcast/core/engine-events';
import { scheduleMonitoring } from '@overcast/core/monitoring';
import { createNotifier } from '@overcast/core/notifications';
import { reconcilePollSchedules } from '@overcast/core/polling';
import { resumeStacks } from '@overcast/core/stacks';
import { DEFAULT_POOL_SIZE, waitForSchema } from '@overcast/db';
import {
  bullConnection,
  createRuntime,
  type LoadedSettings,
  loadSettings,
  QUEUE_PREFIX,
  QUEUES,
  QueueConnection,
  type Runtime,
  SettingsError,
} from '@overcast/runtime';
import { Worker } from 'bullmq';
import { jobContext } from './context';
import { startHeartbeat } from './heartbeat';
import { EXPIRATION_SCHEDULER_ID } from './jobs/expiration';
import { MAINTENANCE_SCHEDULES } from './jobs/maintenance';
import { WorkerMetrics } from './metrics';
import { startMetricsServer } from './metrics-server';
import { noticeNotifier } from './notifier';
import { processingTable } from './processors';

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

/** Repeats `task` every `ms`, logging a failure instead of stopping; returns the stopper. */
function every(runtime: Runtime, ms: number, what: string, task: () => Promise<unknown>): () => void {
  const run = () =>
    task().catch((err) => runtime.logger.warn({ err: (err as Error).message }, `could not ${what}`));
  const timer = setInterval(run, ms);
  return () => clearInterval(timer);
}

/**
 * The job schedulers and watchers that Postgres is the source of truth for: built now, and kept
 * in step. Returns what stops them.
 */
async function startSchedulers(runtime: Runtime): Promise<() => Promise<void>> {
  const { settings, queues, logger } = runtime;
  // Schedulers that follow from settings and the clouds alone: upserts, so repeating them is safe.
  const scheduleFixed = async () => {
    for (const s of MAINTENANCE_SCHEDULES) {
      await queues.maintenance.upsertJobScheduler(s.id, { every: s.everyMs }, { name: s.name });
    }
    await reconcilePollSchedules(runtime);
    await scheduleMonitoring(runtime);
  };
  await scheduleFixed();
  const stopPolls = every(runtime, RECONCILE_MS, 'reconcile poll schedules', () =>
    reconcilePollSchedules(runtime),
  );
  // Docker engines push their changes: one long-lived event watcher per Docker cloud.
  const engineWatchers = new EngineWatchers(runtime);
  const reconcileWatchers = () => engineWatchers.reconcile();
  await reconcileWatchers().catch((err) =>
    logger.warn({ err: (err as Error).message }, 'could not reconcile engine watchers'),
  );
  const stopWatchers = every(runtime, WATCHERS_RECONCILE_MS, 'reconcile engine watchers', reconcileWatchers);
  const rebuildFromDatabase = async (why: string) => {
    try {
      await queues.schedules.upsertJobScheduler(
        EXPIRATION_SCHEDULER_ID,
        { every: settings.automation.expirationCheckSeconds * 1000 },
        { name: EXPIRATION_SCHEDULER_ID, opts: { removeOnComplete: 10, removeOnFail: 50 } },
      );
      const removed = await reconcileSchedules(runtime);
      const runs = await resumeScriptRuns(runtime);
      const stacks = await resumeStacks(runtime);
      logger.info(
        { why, removed, unfinishedRuns: runs, resumedStacks: stacks },
        'schedules, script runs and stacks rebuilt from the database',
      );
    } catch (err) {
      logger.warn(
        { why, err: (err as Error).message },
        'could not rebuild schedules, script runs and stacks',
      );
    }
  };
  await rebuildFromDatabase('start');
  // A Redis that restarted empty has lost every scheduler and job: rebuild all as soon as it is back.
  const scheduleClient = await queues.schedules.client;
  let seenReady = scheduleClient.status === 'ready';
  scheduleClient.on('ready', () => {
    if (seenReady)
      void scheduleFixed()
        .catch((err) => logger.warn({ err: (err as Error).message }, 'could not rebuild fixed schedulers'))
        .then(() => rebuildFromDatabase('redis reconnected'));
    seenReady = true;
  });
  const stopSchedules = every(runtime, RECONCILE_MS, 'rebuild schedules, script runs and stacks', () =>
    rebuildFromDatabase('periodic'),
  );
  return async () => {
    stopPolls();
    stopWatchers();
    await engineWatchers.stopAll();
    stopSchedules();
  };
}

async function main(): Promise<void> {
  const { settings } = await waitForSettings();
  const runtime = createRuntime(settings, {
    name: 'worker',
    // A machines poll holds a connection while the provider lists (the listing streams into
    // its transaction): one more per poll that can run, so polls never starve the other jobs.
    poolSize: DEFAULT_POOL_SIZE + settings.worker.concurrency,
  });
  const { logger } = runtime;
  // The api applies migrations; a worker that starts first waits for the schema it was built for.
  await waitForSchema(runtime.db.pool, {
    onWait: ({ pending, error, retryInMs }) =>
      logger.info(
        error ? { error, retryInMs } : { pending: pending?.length, next: pending?.[0], retryInMs },
        error ? 'waiting for the database' : 'waiting for the api to apply database migrations',
      ),
  });
  const metrics = new WorkerMetrics(runtime.queues);
  const stopMetrics = await startMetricsServer(settings, metrics.registry, logger);
  const stopSchedulers = await startSchedulers(runtime);
  const stopHeartbeat = startHeartbeat(runtime.redis);
  const notifier = noticeNotifier(runtime, createNotifier(runtime));
  // BullMQ's workers need a connection that waits for Redis rather than failing fast.
  const connection = bullConnection(settings.redisUrl);
  const workers = processingTable(jobContext(runtime, notifier, metrics)).map(
    ({ queue, concurrency, process }) =>
      new Worker(
        QUEUES[queue],
        metrics.timeJobs(queue, process),
        {
          connection,
          prefix: QUEUE_PREFIX,
          concurrency,
          // A crashed worker's jobs go back to the queue once their lock lapses (30 s) and the
          // next check for stalled jobs runs: every 10 s rather than BullMQ's 30, so a job
          // resumes within 40 s of a crash instead of a minute.
          stalledInterval: 10_000,
        },
        QueueConnection,
      ),
  );
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
    await stopSchedulers();
    await stopHeartbeat();
    await stopMetrics?.();
    await runtime.close();
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
