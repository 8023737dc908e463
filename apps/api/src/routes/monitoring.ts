import { FleetQuery, FleetUsage, MonitoringBulkRequest, type RuleTarget } from '@overcast/contracts';
import { fleetUsage, setMonitoringForTarget } from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { authOf, orgActorOf } from '../http/caller';

/** Monitoring across machines; one machine's is under /machines/:id. */
export const monitoringRoutes: RoutePlugin = (app, { db }) => {
  app.post(
    '/machines',
    {
      schema: {
        summary: 'Turn monitoring on or off for many machines at once: by id, tag, cloud, or all',
        body: MonitoringBulkRequest,
        response: { 200: T.Object({ machines: T.Integer({ description: 'Machines changed' }) }) },
      },
      // Kind-wide here; core changes only the targeted machines the caller may edit.
      config: { authz: { kind: 'machines', action: 'edit' } },
    },
    async (request) =>
      setMonitoringForTarget(
        db,
        orgActorOf(request),
        request.body.target as RuleTarget,
        request.body.enabled,
        authOf(request),
      ),
  );

  app.get(
    '/fleet',
    {
      schema: {
        summary: 'The busiest and idlest monitored machines by average CPU, with their monthly cost',
        querystring: FleetQuery,
        response: { 200: FleetUsage },
      },
      config: { authz: { kind: 'machines', action: 'read' } },
    },
    async (request) => {
      const auth = authOf(request);
      const { hours, limit } = request.query;
      return fleetUsage(db, auth.organizationId, { hours: hours ?? 24, limit: limit ?? 10 }, auth);
    },
  );
};
