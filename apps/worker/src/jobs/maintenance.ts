import { deleteStaleSessions } from '@overcast/core/auth';
import { snapshotCosts } from '@overcast/core/cost';
import { pruneMachineListChanges } from '@overcast/core/machines';
import { cleanupRecordings } from '@overcast/core/terminal';
import type { Job } from 'bullmq';
import type { JobContext } from '../context';

export const MAINTENANCE_SCHEDULES = [
  { id: 'sessions-cleanup', everyMs: 3_600_000, name: 'sessions-cleanup' },
  { id: 'recordings-cleanup', everyMs: 3_600_000, name: 'recordings-cleanup' },
  { id: 'machine-list-changes-prune', everyMs: 600_000, name: 'machine-list-changes-prune' },
] as const;

/**
 * Housekeeping: stale sessions go after a week; costs are snapshotted for the history chart;
 * terminal recordings go after shell.recordingRetentionDays; the change rows behind cached list
 * totals are kept to the last few minutes.
 */
export function maintenanceProcessor(ctx: JobContext) {
  const { db, logger } = ctx;
  return async (job: Job): Promise<Record<string, number>> => {
    switch (job.name) {
      case 'sessions-cleanup': {
        const deleted = await deleteStaleSessions(db);
        if (deleted) logger.info({ deleted }, 'removed stale sessions');
        return { deleted };
      }
      case 'cost-snapshot':
        return { clouds: await snapshotCosts(db) };
      case 'recordings-cleanup': {
        const { deleted } = await cleanupRecordings(ctx);
        if (deleted) logger.info({ deleted }, 'removed old terminal recordings');
        return { deleted };
      }
      case 'machine-list-changes-prune':
        return { deleted: await pruneMachineListChanges(db) };
      default:
        throw new Error(`unknown maintenance job "${job.name}"`);
    }
  };
}
