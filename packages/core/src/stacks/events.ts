import type { StreamEvent } from '@overcast/contracts';
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

export type TemplateChange = Extract<StreamEvent, { type: 'template.changed' }>['change'];

/**
 * Tells open Templates pages and catalogs a template changed. The write is done: a Redis
 * failure only costs those pages their live refresh, so it is not the caller's error.
 */
export const announceTemplate = (
  redis: Redis,
  organizationId: string,
  templateId: string,
  change: TemplateChange,
) => publishEvents(redis, organizationId, [{ type: 'template.changed', templateId, change }]).catch(() => {});
