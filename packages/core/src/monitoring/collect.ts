import type { Database, Machine } from '@overcast/db';
import type { Runtime } from '@overcast/runtime';
import type { CloudRuntime } from '../runtime';
import { gatherMachineMetrics } from './gather';
import { insertSamples, type SampleRow } from './store';

export interface CollectResult {
  machines: number;
  succeeded: number;
  failed: { machineId: string; error: string }[];
  samples: number;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** Machines whose metrics are gathered: monitoring on, and not known to be gone or off. */
export function monitoredMachines(db: Database, machineIds?: string[]): Promise<Machine[]> {
  return db.prisma.machine.findMany({
    where: {
      monitoringEnabled: true,
      state: { notIn: ['terminated', 'missing', 'stopped'] },
      ...(machineIds ? { id: { in: machineIds } } : {}),
    },
  });
}

/** Keeps each machine's last collection error for its page; only changes are written. */
async function recordErrors(
  db: Database,
  machines: Machine[],
  failed: CollectResult['failed'],
): Promise<void> {
  const errors = new Map(failed.map((f) => [f.machineId, f.error.slice(0, 1000)]));
  const changed = machines.filter((m) => (errors.get(m.id) ?? null) !== m.monitoringError);
  if (changed.length === 0) return;
  await db.pool.query(
    `UPDATE machines m SET monitoring_error = u.e FROM unnest($1::uuid[], $2::text[]) AS u(id, e) WHERE m.id = u.id`,
    [changed.map((m) => m.id), changed.map((m) => errors.get(m.id) ?? null)],
  );
}

/**
 * One collection round: every monitored machine, at most `maxConnections` at once. A machine that
 * cannot be read just has no sample this round (the "no data" rule condition notices); its error
 * is logged once per round.
 */
export async function collectMetrics(
  runtime: CloudRuntime & Pick<Runtime, 'logger'>,
  machineIds?: string[],
): Promise<CollectResult> {
  const { monitoring } = runtime.settings;
  const machines = await monitoredMachines(runtime.db, machineIds);
  const result: CollectResult = { machines: machines.length, succeeded: 0, failed: [], samples: 0 };
  let pending: SampleRow[] = [];
  const flush = async () => {
    const rows = pending;
    pending = [];
    result.samples += await insertSamples(runtime.db, rows);
  };
  await eachLimited(machines, monitoring.maxConnections, async (machine) => {
    try {
      const values = await gatherMachineMetrics(runtime, machine, monitoring.timeoutSeconds * 1000);
      const time = new Date();
      for (const v of values)
        pending.push({ ...v, time, organizationId: machine.organizationId, machineId: machine.id });
      result.succeeded += 1;
      if (pending.length >= 2_000) await flush();
    } catch (err) {
      const error = (err as Error).message;
      result.failed.push({ machineId: machine.id, error });
      runtime.logger.debug({ machineId: machine.id, err: error }, 'metrics not gathered');
    }
  });
  await flush();
  await recordErrors(runtime.db, machines, result.failed);
  return result;
}
