import { executeScriptRun, type ScriptRunJobData } from '@overcast/core/automation';
import type { Job } from 'bullmq';
import type { JobContext } from '../context';

/**
 * One script run, fanned out to its machines. Per-machine failures end up in their records; only
 * a failure of the run itself (the database gone) fails the job, and a retry resumes it.
 */
export function scriptRunProcessor(ctx: JobContext) {
  const { logger, metrics, db } = ctx;
  return async (job: Job<ScriptRunJobData>, _token?: string, signal?: AbortSignal) => {
    const started = new Date();
    try {
      await executeScriptRun(ctx, job.data.runId, signal);
    } catch (err) {
      metrics.scriptRuns.inc({ outcome: 'error' });
      throw err;
    }
    // Counted once, by the job that finished it: a resumed job finding the run done counts nothing.
    const run = await db.prisma.scriptRun.findUnique({
      where: { id: job.data.runId },
      select: { status: true, finishedAt: true },
    });
    if (run?.finishedAt && run.finishedAt >= started) {
      metrics.scriptRuns.inc({ outcome: run.status === 'succeeded' ? 'succeeded' : 'failed' });
    }
    logger.info({ runId: job.data.runId, ms: Date.now() - started.getTime() }, 'script run finished');
  };
}
