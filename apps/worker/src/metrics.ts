import { POLL_KINDS, type PollKind, type PollOutcome } from '@overcast/core/polling';
import { createMetricsRegistry, QUEUES, type QueueKey, type Queues } from '@overcast/runtime';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The job states a queue's depth is reported in. */
const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** A scrape gives up on Redis after this long and reports the depths it read last. */
const DEPTH_TIMEOUT_MS = 2_000;

/** A job processor as BullMQ calls it. */
export type Processor = (job: never, token?: string, signal?: AbortSignal) => Promise<unknown>;

/** What ended a script run: its recorded status, or `error` when the run itself failed. */
export type ScriptRunOutcome = 'succeeded' | 'failed' | 'error';

/** Which poll a measurement is about. Cloud ids are bounded by the inventory. */
export interface PollLabels {
  cloudId: string;
  provider: string;
  kind: PollKind;
}

const SECONDS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** What the worker process exports at /metrics (served by metrics-server.ts). */
export class WorkerMetrics {
  readonly registry = createMetricsRegistry('worker');

  readonly jobSeconds = new Histogram({
    name: 'overcast_job_duration_seconds',
    help: 'Time a job took in this worker, by queue and outcome (completed or failed).',
    labelNames: ['queue', 'outcome'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });

  readonly jobFailures = new Counter({
    name: 'overcast_job_failures_total',
    help: 'Jobs that failed in this worker (BullMQ retries or keeps them as failed), by queue.',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  readonly pollSeconds = new Histogram({
    name: 'overcast_poll_duration_seconds',
    help: 'Time one poll of a cloud took, failed ones included, by cloud id, provider and what was listed.',
    labelNames: ['cloud_id', 'provider', 'kind'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });

  readonly pollFailures = new Counter({
    name: 'overcast_poll_failures_total',
    help: 'Polls of a cloud that failed (provider error or timeout), by cloud id, provider and what was listed.',
    labelNames: ['cloud_id', 'provider', 'kind'] as const,
    registers: [this.registry],
  });

  readonly ruleEvaluationSeconds = new Histogram({
    name: 'overcast_rule_evaluation_duration_seconds',
    help: 'Time one evaluation round of every enabled alert rule took.',
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });

  readonly scriptRuns = new Counter({
    name: 'overcast_script_runs_total',
    help: 'Script runs this worker finished, by outcome: succeeded, failed (on some machine) or error (the run itself).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(queues: Queues) {
    new Gauge({
      name: 'overcast_queue_jobs',
      help: 'Jobs in each queue by state (waiting, active, delayed, failed), read from BullMQ at each scrape.',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        await Promise.all(
          (Object.keys(QUEUES) as QueueKey[]).map(async (key) => {
            const counts = await withinDepthTimeout(queues[key].getJobCounts(...DEPTH_STATES));
            if (!counts) return;
            for (const state of DEPTH_STATES) this.set({ queue: QUEUES[key], state }, counts[state] ?? 0);
          }),
        );
      },
    });
  }

  /** `process`, timed and its failures counted under `queue`. */
  timeJobs<P extends Processor>(queue: QueueKey, process: P): P {
    const name = QUEUES[queue];
    return (async (job, token, signal) => {
      const end = this.jobSeconds.startTimer({ queue: name });
      try {
        const result = await process(job, token, signal);
        end({ outcome: 'completed' });
        return result;
      } catch (err) {
        end({ outcome: 'failed' });
        this.jobFailures.inc({ queue: name });
        throw err;
      }
    }) as P;
  }

  observePoll(labels: PollLabels, outcome: PollOutcome): void {
    if (outcome.status === 'skipped') return;
    const series = { cloud_id: labels.cloudId, provider: labels.provider, kind: labels.kind };
    this.pollSeconds.observe(series, outcome.durationMs / 1000);
    if (outcome.status === 'error') this.pollFailures.inc(series);
  }

  /** Drops a deleted cloud's series, so they do not linger until the worker restarts. */
  forgetCloud(cloudId: string, provider: string): void {
    for (const kind of POLL_KINDS) {
      const series = { cloud_id: cloudId, provider, kind };
      this.pollSeconds.remove(series);
      this.pollFailures.remove(series);
    }
  }
}

async function withinDepthTimeout<T>(read: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), DEPTH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([read.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}
