import {
  cleanupRecordings,
  deleteStaleSessions,
  type Logger,
  type Settings,
  snapshotCosts,
} from '@overcast/core';
import type { Database } from '@overcast/db';
import type { Job } from 'bullmq';

export const MAINTENANCE_SCHEDULES = [
  { id: 'sessions-cleanup', everyMs: 3_600_000, name: 'sessions-cleanup' },
  { id: 'recordings-cleanup', everyMs: 3_600_000, name: 'recordings-cleanup' },
] as const;

/**
 * Housekeeping: stale sessions go after a week; costs are snapshotted for the history chart;
 * terminal recordings go after shell.recordingRetentionDays.
 */
export function maintenanceProcessor(db: Database, logger: Logger, settings: Pick<Settings, 'shell'>) {
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
        const { deleted } = await cleanupRecordings(db, settings);
        if (deleted) logger.info({ deleted }, 'removed old terminal recordings');
        return { deleted };
      }
      default:
        throw new Error(`unknown maintenance job "${job.name}"`);
    }
  };
}
