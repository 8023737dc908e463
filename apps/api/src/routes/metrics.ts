import { METRICS_TOKEN_REFUSED } from '@overcast/contracts';
import { DomainError } from '@overcast/core/errors';
import { METRICS_OFF, METRICS_REFUSAL, metricsAccess, type Settings } from '@overcast/runtime';
import type { Registry } from 'prom-client';
import type { App } from '../context';

/**
 * /metrics in Prometheus' text format. Public to the login machinery: Prometheus holds no
 * session, so the route guards itself with metrics.token, and is off (404) without one.
 */
export function metricsRoutes(app: App, settings: Settings, registry: Registry): void {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics of this api process; send Authorization: Bearer <metrics.token>',
      },
      config: { authz: 'public' },
    },
    async (request, reply) => {
      const access = metricsAccess(settings.metrics.token, request.headers.authorization);
      if (access === 'off') throw new DomainError('not_found', 'not_found', METRICS_OFF.message);
      if (access === 'refused')
        throw new DomainError('unauthenticated', METRICS_TOKEN_REFUSED, METRICS_REFUSAL.message);
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
