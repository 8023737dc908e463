import type { Notifier } from '@overcast/core/notifications';
import type { Runtime } from '@overcast/runtime';

/**
 * What every job processor is given: the worker's runtime, and the notifier the worker alone
 * holds (channels, the audit log and the event stream; see notifier.ts).
 */
export interface JobContext extends Runtime {
  notifier: Notifier;
}

export const jobContext = (runtime: Runtime, notifier: Notifier): JobContext => ({ ...runtime, notifier });
