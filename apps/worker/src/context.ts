import type { Notifier } from '@overcast/core/notifications';
import type { Runtime } from '@overcast/runtime';
import type { WorkerMetrics } from './metrics';

/**
 * What every job processor is given: the worker's runtime, and the notifier the worker alone
 * holds (channels, the audit log and the event stream; see notifier.ts).
 */
export interface JobContext extends Runtime {
  notifier: Notifier;
  /** This process's Prometheus metrics, which processors add their measures to. */
  metrics: WorkerMetrics;
}

export const jobContext = (runtime: Runtime, notifier: Notifier, metrics: WorkerMetrics): JobContext => ({
  ...runtime,
  notifier,
  metrics,
});
