import { executeScriptRun, type ScriptRunJobData } from '@overcast/core/automation';
import type { Job } from 'bullmq';
import type { JobContext } from '../context';

/**
 * One script run, fanned out to its machines. Per-machine failures end up in their records; only
 * a failure of the run itself (the database gone) fails the job, and a retry resumes it.
 */
export function scriptRunProcessor(ctx: JobContext) {
  const { logger } = ctx;
  return async (job: Job<ScriptRunJobData>, _token?: string, signal?: AbortSignal) => {
    const started = Date.now();
    await executeScriptRun(ctx, job.data.runId, signal);
    logger.info({ runId: job.data.runId, ms: Date.now() - started }, 'script run finished');
  };
}
