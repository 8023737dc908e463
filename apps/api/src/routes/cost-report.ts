import { CostReport, CostReportQuery, CostSavings } from '@overcast/contracts';
import {
  costReport,
  costReportCsv,
  costReportFilename,
  costSavings,
  parseReportRange,
} from '@overcast/core/cost';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { may } from '../http/authz';
import { route } from '../http/route';

/** The cost report and the savings of idle machines: over the machines and volumes the caller may read. */
export const costReportRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '/report',
    route(
      'Spend by day or month over a range, grouped by cloud, tag value, team or owner, with month-over-month changes',
      may('machines', 'read'),
      { querystring: CostReportQuery, response: { 200: CostReport } },
    ),
    async (request) =>
      costReport(db, request.caller.organizationId, parseReportRange(request.query), request.caller),
  );

  app.get(
    '/report.csv',
    route('The cost report as CSV: one line per period and group', may('machines', 'read'), {
      querystring: CostReportQuery,
      response: { 200: T.String({ description: 'text/csv' }) },
    }),
    async (request, reply) => {
      const report = await costReport(
        db,
        request.caller.organizationId,
        parseReportRange(request.query),
        request.caller,
      );
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${costReportFilename(report)}"`)
        .send(costReportCsv(report));
    },
  );

  app.get(
    '/savings',
    route('What stopping the idle machines would save a month, with the machines', may('machines', 'read'), {
      response: { 200: CostSavings },
    }),
    async (request) => costSavings(db, request.caller.organizationId, request.caller),
  );
};
