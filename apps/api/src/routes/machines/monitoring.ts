import {
  IdParams,
  MachineMonitoring,
  MachineMonitoringRequest,
  MetricSeries,
  MetricSeriesQuery,
} from '@overcast/contracts';
import { DomainError } from '@overcast/core/errors';
import { machineMonitoringView, metricSeries, setMachineMonitoring } from '@overcast/core/monitoring';
import type { RoutePlugin } from '../../context';
import { byId, may } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { oneInOrg } from '../../http/in-org';
import { changeById } from '../../http/reply';
import { route } from '../../http/route';

const RANGES = { '1h': 3600, '24h': 86400, '7d': 7 * 86400, '30d': 30 * 86400 } as const;

/** One machine's monitoring: whether and how, and its metrics. */
export const machineMonitoringRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;

  app.get(
    '/:id/metrics',
    route(
      'One metric of a machine over a range (range=1h|24h|7d|30d, or from/to), at most ~500 points per series',
      may('machines', 'read', byId),
      { params: IdParams, querystring: MetricSeriesQuery, response: { 200: MetricSeries } },
    ),
    async (request) => {
      // Typed by a cast: the metric list is an enum schema the type provider cannot see through.
      const { metric, range, from, to } = request.query as MetricSeriesQuery;
      if (range && from) {
        throw new DomainError(
          'invalid',
          'validation_failed',
          'querystring: give either range or from/to, not both.',
          'query.range',
        );
      }
      const end = to ? new Date(to) : new Date();
      const start = from ? new Date(from) : new Date(end.getTime() - RANGES[range ?? '1h'] * 1000);
      return metricSeries(db, request.caller.organizationId, request.params.id, {
        metric,
        from: start,
        to: end,
      });
    },
  );

  app.get(
    '/:id/monitoring',
    route('Whether and how a machine is monitored, with its latest readings', may('machines', 'read', byId), {
      params: IdParams,
      response: { 200: MachineMonitoring },
    }),
    oneInOrg(db, machineMonitoringView),
  );

  app.put(
    '/:id/monitoring',
    route(
      'Turn monitoring of a machine on or off; gather over SSH (/proc) or from node_exporter',
      may('machines', 'edit', byId),
      changeById(MachineMonitoringRequest, MachineMonitoring),
    ),
    async (request) => setMachineMonitoring(ctx, orgActorOf(request), request.params.id, request.body),
  );
};
