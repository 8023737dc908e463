import type { ReachedAt } from '@overcast/contracts';
import type { Cloud } from '@overcast/db';
import { DomainError } from '../errors';
import { machineRoute } from './route';

/** The route of a machine as the API shows it: no secret, and a reason when there is no route. */
export function reachedAt(
  machine: Parameters<typeof machineRoute>[0],
  cloud: Pick<Cloud, 'provider' | 'config' | 'title'>,
): ReachedAt {
  try {
    const route = machineRoute(machine, cloud);
    if (route.via === 'docker-exec')
      return { via: 'docker-exec', address: null, port: null, user: null, reason: route.reason };
    return {
      via: 'ssh',
      address: route.address,
      port: route.port,
      user: route.user,
      reason: route.reason,
    };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { via: 'none', address: null, port: null, user: null, reason: err.message };
  }
}
