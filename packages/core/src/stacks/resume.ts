import type { JobType } from 'bullmq';
import {
  enqueueDestroy,
  enqueueStep,
  type StackJobData,
  type StackRuntime,
  startMachinesFlow,
  unreadyResources,
} from './deploy';
import { advanceStack } from './workflow';

/** Job states in which a stack's job is still to run, or running. */
const PENDING: JobType[] = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children', 'paused'];

/**
 * Stacks still deploying or destroying that have no job left in the queue (Redis restarted
 * empty, or lost its data) get their jobs again from what Postgres recorded. Job ids come from
 * the rows, so a job queued meanwhile is not doubled, and a machine already made is found rather
 * than made again. Returns how many stacks were resumed.
 */
export async function resumeStacks(runtime: StackRuntime): Promise<number> {
  const { prisma } = runtime.db;
  const unfinished = await prisma.stack.findMany({
    where: { status: { in: ['deploying', 'destroying'] } },
    select: { id: true, status: true },
  });
  if (!unfinished.length) return 0;
  const jobs = await runtime.queues.stacks.getJobs(PENDING);
  const queued = new Set(jobs.map((job) => (job?.data as StackJobData | undefined)?.stackId));
  let resumed = 0;
  for (const stack of unfinished) {
    if (queued.has(stack.id)) continue;
    resumed++;
    if (stack.status === 'destroying') {
      await enqueueDestroy(runtime, stack.id);
      continue;
    }
    const unready = await prisma.stackResource.count({ where: unreadyResources(stack.id) });
    if (unready) {
      await startMachinesFlow(runtime, stack.id);
      continue;
    }
    // A running step waits again for its script run (which resumes on its own); waiting ones
    // whose steps before them succeeded, and containers, are started as when a step ends.
    const running = await prisma.stackStep.findMany({ where: { stackId: stack.id, status: 'running' } });
    for (const step of running) await enqueueStep(runtime, stack.id, step);
    await advanceStack(runtime, stack.id);
  }
  return resumed;
}
