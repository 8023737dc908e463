import type { Notifier } from '@overcast/core/notifications';
import { type OutboundRules, outboundRules } from '@overcast/core/outbound';
import type { Runtime } from '@overcast/runtime';
import type { Queue } from 'bullmq';
import type { WorkerMetrics } from './metrics';

/**
 * What every job processor is given: the worker's runtime, the outbound guard's rules, the
 * notifier, and the queues under the names core functions take them by.
 */
export interface JobContext extends Runtime {
  outbound: OutboundRules;
  notifier: Notifier;
  /** This process's Prometheus metrics, which processors add their measures to. */
  metrics: WorkerMetrics;
  pollQueue: Queue;
  scriptQueue: Queue;
  scheduleQueue: Queue;
}

export const jobContext = (runtime: Runtime, notifier: Notifier, metrics: WorkerMetrics): JobContext => ({
  ...runtime,
  outbound: outboundRules(runtime.settings),
  notifier,
  metrics,
  pollQueue: runtime.queues.poll,
  scriptQueue: runtime.queues.scripts,
  scheduleQueue: runtime.queues.schedules,
});
