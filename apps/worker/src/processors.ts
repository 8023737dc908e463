import type { ScheduleJobData } from '@overcast/core/automation';
import type { QueueKey } from '@overcast/runtime';
import type { Job } from 'bullmq';
import type { JobContext } from './context';
import { collectMetricsProcessor } from './jobs/collect-metrics';
import { evaluateRulesProcessor } from './jobs/evaluate-rules';
import { EXPIRATION_SCHEDULER_ID, expirationJob } from './jobs/expiration';
import { maintenanceProcessor } from './jobs/maintenance';
import { pollProcessor } from './jobs/poll';
import { rollupMetricsProcessor } from './jobs/rollup-metrics';
import { fireScheduleJob } from './jobs/schedule-fire';
import { scriptRunProcessor } from './jobs/script-run';
import { stackProcessor } from './jobs/stack';

type Processor = (job: Job, token?: string, signal?: AbortSignal) => Promise<unknown>;

/** One queue the worker serves: what runs a job of it, and how many at once. */
export interface QueueProcessing {
  queue: QueueKey;
  concurrency: number;
  process: Processor;
}

/** Every queue the worker serves; main.ts opens one BullMQ worker per row. */
export function processingTable(ctx: JobContext): QueueProcessing[] {
  const collect = collectMetricsProcessor(ctx);
  const rollup = rollupMetricsProcessor(ctx);
  const evaluate = evaluateRulesProcessor(ctx);
  const perSetting = ctx.settings.worker.concurrency;
  return [
    { queue: 'scripts', concurrency: perSetting, process: scriptRunProcessor(ctx) },
    {
      queue: 'schedules',
      // Firings are short and mostly waiting on Postgres and providers: many at once keeps a
      // minute boundary where many schedules fall due from queueing them behind each other.
      concurrency: Math.max(16, perSetting),
      process: async (job) =>
        job.name === EXPIRATION_SCHEDULER_ID
          ? expirationJob(ctx)
          : fireScheduleJob(ctx, job as Job<ScheduleJobData>),
    },
    // Machine jobs mostly wait (on providers, then for SSH) and step jobs on their script runs:
    // many at once is what makes a stack's machines come up in parallel.
    { queue: 'stacks', concurrency: Math.max(64, perSetting), process: stackProcessor(ctx) },
    { queue: 'maintenance', concurrency: 1, process: maintenanceProcessor(ctx) },
    { queue: 'poll', concurrency: perSetting, process: pollProcessor(ctx) },
    // One collection round at a time: a round already bounds its own connections.
    {
      queue: 'metrics',
      concurrency: 1,
      process: (job) => (job.name === 'rollup' ? rollup() : collect()),
    },
    { queue: 'rules', concurrency: 1, process: () => evaluate() },
  ];
}
