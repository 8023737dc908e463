import { deleteStaleSessions, type Logger, snapshotCosts } from '@overcast/core';
import type { Database } from '@overcast/db';
import type { Job } from 'bullmq';

export const MAINTENANCE_SCHEDULES = [
  { id: 'sessions-cleanup', everyMs: 3_600_000, name: 'sessions-cleanup' },
] as const;

/** Housekeeping: stale sessions go after a week; costs are snapshotted for the history chart. */
export function maintenanceProcessor(db: Database, logger: Logger) {
  return async (job: Job): Promise<Record<string, number>> => {
    switch (job.name) {
      case 'sessions-cleanup': {
        const deleted = await deleteStaleSessions(db);
        if (deleted) logger.info({ deleted }, 'removed stale sessions');
        return { deleted };
      }
      case 'cost-snapshot':
        return { clouds: await snapshotCosts(db) };
      default:
        throw new Error(`unknown maintenance job "${job.name}"`);
    }
  };
}
