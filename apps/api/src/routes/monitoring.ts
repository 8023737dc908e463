import {
  FleetQuery,
  FleetUsage,
  IdParams,
  MachineMonitoring,
  MachineMonitoringRequest,
  MetricSeries,
  MetricSeriesQuery,
  MonitoringBulkRequest,
  type RuleTarget,
} from '@overcast/contracts';
import { DomainError } from '@overcast/core/errors';
import {
  fleetUsage,
  machineMonitoringView,
  metricSeries,
  setMachineMonitoring,
  setMonitoringForTarget,
} from '@overcast/core/monitoring';
import { outboundRules } from '@overcast/core/outbound';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import { authorize, ERROR_RESPONSES, orgActorOf } from './shared';

const errors = ERROR_RESPONSES;
const tags = ['monitoring'];
const RANGES = { '1h': 3600, '24h': 86400, '7d': 7 * 86400, '30d': 30 * 86400 } as const;

export function monitoringRoutes(app: App, deps: AppDeps): void {
  const { db } = deps;
  const outbound = outboundRules(deps.settings);

  app.get(
    '/api/v1/machines/:id/metrics',
    {
      schema: {
        tags,
        summary:
          'One metric of a machine over a range (range=1h|24h|7d|30d, or from/to), at most ~500 points per series',
        params: IdParams,
        querystring: MetricSeriesQuery,
        response: { 200: MetricSeries, ...errors },
      },
    },
    async (request) => {
      // Typed by a cast: the metric list is an enum schema the type provider cannot see through.
      const { metric, range, from, to } = request.query as MetricSeriesQuery;
      const end = to ? new Date(to) : new Date();
      const start = from ? new Date(from) : new Date(end.getTime() - RANGES[range ?? '1h'] * 1000);
      if (range && from) {
        throw new DomainError(
          'invalid',
          'validation_failed',
          'querystring: give either range or from/to, not both.',
        );
      }
      const auth = await authorize(request, 'machines', 'read', { id: request.params.id });
      return metricSeries(db, auth.organizationId, request.params.id, {
        metric,
        from: start,
        to: end,
      });
    },
  );

  app.get(
    '/api/v1/machines/:id/monitoring',
    {
      schema: {
        tags,
        summary: 'Whether and how a machine is monitored, with its latest readings',
        params: IdParams,
        response: { 200: MachineMonitoring, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'machines', 'read', { id: request.params.id });
      return machineMonitoringView(db, auth.organizationId, request.params.id);
    },
  );

  app.put(
    '/api/v1/machines/:id/monitoring',
    {
      schema: {
        tags,
        summary: 'Turn monitoring of a machine on or off; gather over SSH (/proc) or from node_exporter',
        params: IdParams,
        body: MachineMonitoringRequest,
        response: { 200: MachineMonitoring, ...errors },
      },
    },
    async (request) => {
      await authorize(request, 'machines', 'edit', { id: request.params.id });
      return setMachineMonitoring(db, orgActorOf(request), request.params.id, request.body, outbound);
    },
  );

  app.post(
    '/api/v1/monitoring/machines',
    {
      schema: {
        tags,
        summary: 'Turn monitoring on or off for many machines at once: by id, tag, cloud, or all',
        body: MonitoringBulkRequest,
        response: { 200: T.Object({ machines: T.Integer({ description: 'Machines changed' }) }), ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'machines', 'edit');
      return setMonitoringForTarget(
        db,
        orgActorOf(request),
        request.body.target as RuleTarget,
        request.body.enabled,
        auth,
      );
    },
  );

  app.get(
    '/api/v1/monitoring/fleet',
    {
      schema: {
        tags,
        summary: 'The busiest and idlest monitored machines by average CPU, with their monthly cost',
        querystring: FleetQuery,
        response: { 200: FleetUsage, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'machines', 'read');
      return fleetUsage(
        db,
        auth.organizationId,
        { hours: request.query.hours ?? 24, limit: request.query.limit ?? 10 },
        auth,
      );
    },
  );
}
