import type { StreamEvent } from '@overcast/contracts';
import type { Redis } from 'ioredis';
import type { InventoryEvent } from './inventory';

/** Redis pub/sub channel carrying one organization's live events. */
export const orgChannel = (organizationId: string) => `org:${organizationId}:events`;
export const ORG_CHANNEL_PATTERN = 'org:*:events';

/** Beyond this many changes in one poll, browsers get one summary and refetch instead. */
const MAX_DETAILED_EVENTS = 200;

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

/** Stream events for what one machine poll changed. */
export function inventoryStreamEvents(cloudId: string, events: InventoryEvent[]): StreamEvent[] {
  if (events.length > MAX_DETAILED_EVENTS) {
    const counts: Record<string, number> = {};
    for (const e of events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    return [{ type: 'inventory.changed', cloudId, counts }];
  }
  return events.map((e) => ({
    type: 'machine.changed',
    cloudId,
    machineId: e.machineId,
    kind: e.kind,
    data: e.data,
  }));
}
