import {
  runStackContainerJob,
  runStackDestroy,
  runStackMachine,
  runStackStep,
  runStackVolume,
  type StackJobData,
  stackMachinesDone,
} from '@overcast/core/stacks';
import type { Job } from 'bullmq';
import type { JobContext } from '../context';

/**
 * A stack's jobs: a machine (made once, then waited for over SSH), a volume (made once, attached
 * once its machine exists), the flow's parent once every machine and volume is done, a step, a
 * container (once the steps it comes after succeeded), a destroy. Each records its outcome on its row; only a failure of the
 * job itself (the database gone) throws, and BullMQ's retry resumes from the rows.
 */
export function stackProcessor(ctx: JobContext) {
  return async (job: Job<StackJobData>) => {
    const { stackId, resourceId, stepId } = job.data;
    switch (job.name) {
      case 'machine':
        return runStackMachine(ctx, stackId, resourceId!);
      case 'volume':
        return runStackVolume(ctx, stackId, resourceId!);
      case 'container':
        return runStackContainerJob(ctx, stackId, resourceId!);
      case 'machines-ready':
        return stackMachinesDone(ctx, stackId);
      case 'step':
        return runStackStep(ctx, stackId, stepId!);
      case 'destroy':
        return runStackDestroy(ctx, stackId);
      default:
        ctx.logger.warn({ job: job.name }, 'unknown stack job');
    }
  };
}
