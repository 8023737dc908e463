import type { StreamEvent } from '@overcast/contracts';
import type { Redis } from 'ioredis';
import { DETAILED_EVENT_LIMIT, type MachineSyncResult } from './inventory';

/** Redis pub/sub channel carrying one organization's live events. */
export const orgChannel = (organizationId: string) => `org:${organizationId}:events`;
export const ORG_CHANNEL_PATTERN = 'org:*:events';

export async function publishEvents(
  redis: Redis,
  organizationId: string,
  events: StreamEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const channel = orgChannel(organizationId);
  const pipeline = redis.pipeline();
  for (const e of events) pipeline.publish(channel, JSON.stringify(e));
  await pipeline.exec();
}

/**
 * Stream events for what one machine poll changed: one per change, or, beyond a few hundred,
 * one summary so browsers refetch instead of drowning.
 */
export function inventoryStreamEvents(cloudId: string, result: MachineSyncResult): StreamEvent[] {
  if (result.summarized || result.events.length > DETAILED_EVENT_LIMIT) {
    const { created, updated, missing, terminated } = result;
    return [{ type: 'inventory.changed', cloudId, counts: { created, updated, missing, terminated } }];
  }
  return result.events.map((e) => ({
    type: 'machine.changed',
    cloudId,
    machineId: e.machineId,
    kind: e.kind,
    data: e.data,
  }));
}
