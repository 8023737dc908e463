import { CostHistory, CostHistoryQuery, CostSummary } from '@overcast/contracts';
import { costHistory, costSummary } from '@overcast/core/cost';
import type { RoutePlugin } from '../context';
import { may } from '../http/authz';
import { route } from '../http/route';

/** What machines cost: totals are over the machines the caller may read. */
export const costRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '/summary',
    route('Monthly run-rate: total, by cloud, by tag', may('machines', 'read'), {
      response: { 200: CostSummary },
    }),
    async (request) => costSummary(db, request.caller.organizationId, request.caller),
  );

  app.get(
    '/history',
    route('Daily monthly run-rate over the last days (from the daily snapshots)', may('machines', 'read'), {
      querystring: CostHistoryQuery,
      response: { 200: CostHistory },
    }),
    async (request) =>
      costHistory(db, request.caller.organizationId, request.query.days ?? 30, request.caller),
  );
};
