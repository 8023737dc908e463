import type { Redis } from 'ioredis';
import { publishEvents } from '../events';

/** Tells browsers a stack, one of its machines or one of its steps changed state. */
export const announceStack = (
  redis: Redis,
  organizationId: string,
  stackId: string,
  part: 'stack' | 'resource' | 'step',
  name: string,
  status: string,
) =>
  publishEvents(redis, organizationId, [{ type: 'stack.changed', stackId, part, name, status }]).catch(
    () => {},
  );
