import { outboundRules } from '@overcast/core/outbound';
import type { AppDeps } from '../../context';

/** What core needs to act on machines, volumes and containers through their providers. */
export const actionDepsOf = ({ db, box, redis, queues, settings }: AppDeps) => ({
  db,
  box,
  redis,
  pollQueue: queues.poll,
  outbound: outboundRules(settings),
});
