import { executeScriptRun, type ScriptExecDeps, type ScriptRunJobData } from '@overcast/core/automation';
import type { Logger } from '@overcast/runtime';
import type { Job } from 'bullmq';

/**
 * One script run, fanned out to its machines. Per-machine failures end up in their records; only
 * a failure of the run itself (the database gone) fails the job, and a retry resumes it.
 */
export function scriptRunProcessor(deps: ScriptExecDeps, logger: Logger) {
  return async (job: Job<ScriptRunJobData>, _token?: string, signal?: AbortSignal) => {
    const started = Date.now();
    await executeScriptRun(deps, job.data.runId, signal);
    logger.info({ runId: job.data.runId, ms: Date.now() - started }, 'script run finished');
  };
}
