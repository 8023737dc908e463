import { CostHistory, CostHistoryQuery, CostSummary } from '@overcast/contracts';
import { costHistory, costSummary } from '@overcast/core';
import type { RoutePlugin } from '../context';
import { authOf } from '../http/caller';

/** What machines cost: totals are over the machines the caller may read. */
export const costRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '/summary',
    {
      schema: { summary: 'Monthly run-rate: total, by cloud, by tag', response: { 200: CostSummary } },
      config: { authz: { kind: 'machines', action: 'read' } },
    },
    async (request) => {
      const auth = authOf(request);
      return costSummary(db, auth.organizationId, auth);
    },
  );

  app.get(
    '/history',
    {
      schema: {
        summary: 'Daily monthly run-rate over the last days (from the daily snapshots)',
        querystring: CostHistoryQuery,
        response: { 200: CostHistory },
      },
      config: { authz: { kind: 'machines', action: 'read' } },
    },
    async (request) => {
      const auth = authOf(request);
      return costHistory(db, auth.organizationId, request.query.days ?? 30, auth);
    },
  );
};
