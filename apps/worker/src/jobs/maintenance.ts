import { deleteStaleSessions, type Logger } from '@overcast/core';
import type { Database } from '@overcast/db';
import type { Job } from 'bullmq';

export const MAINTENANCE_SCHEDULES = [
  { id: 'sessions-cleanup', everyMs: 3_600_000, name: 'sessions-cleanup' },
] as const;

/** Housekeeping that keeps tables small: expired and revoked sessions go after a week. */
export function maintenanceProcessor(db: Database, logger: Logger) {
  return async (job: Job): Promise<{ deleted: number }> => {
    switch (job.name) {
      case 'sessions-cleanup': {
        const deleted = await deleteStaleSessions(db);
        if (deleted) logger.info({ deleted }, 'removed stale sessions');
        return { deleted };
      }
      default:
        throw new Error(`unknown maintenance job "${job.name}"`);
    }
  };
}
