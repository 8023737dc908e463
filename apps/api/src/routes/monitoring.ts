import { FleetQuery, FleetUsage, MonitoringBulkRequest, type RuleTarget } from '@overcast/contracts';
import { fleetUsage, setMonitoringForTarget } from '@overcast/core/monitoring';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { route } from '../http/route';

/** Monitoring across machines; one machine's is under /machines/:id. */
export const monitoringRoutes: RoutePlugin = (app, { db }) => {
  // Kind-wide here; core changes only the targeted machines the caller may edit.
  app.post(
    '/machines',
    route(
      'Turn monitoring on or off for many machines at once: by id, tag, cloud, or all',
      may('machines', 'edit'),
      {
        body: MonitoringBulkRequest,
        response: { 200: T.Object({ machines: T.Integer({ description: 'Machines changed' }) }) },
      },
    ),
    async (request) =>
      setMonitoringForTarget(
        db,
        orgActorOf(request),
        request.body.target as RuleTarget,
        request.body.enabled,
        request.caller,
      ),
  );

  app.get(
    '/fleet',
    route(
      'The busiest and idlest monitored machines by average CPU, with their monthly cost',
      may('machines', 'read'),
      { querystring: FleetQuery, response: { 200: FleetUsage } },
    ),
    async (request) => {
      const auth = request.caller;
      const { hours, limit } = request.query;
      return fleetUsage(db, auth.organizationId, { hours: hours ?? 24, limit: limit ?? 10 }, auth);
    },
  );
};
