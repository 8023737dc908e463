import { Readable } from 'node:stream';
import { AuditExportQuery, AuditPage, AuditQuery } from '@overcast/contracts';
import { exportAudit, queryAudit } from '@overcast/core/audit';
import { roleAtLeast } from '@overcast/core/auth';
import { Type as T } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../context';
import { route } from '../http/route';

/** What of the audit log the caller reads: admins the organization's, others their own actions. */
const readerOf = (request: FastifyRequest) => {
  const auth = request.caller;
  return { organizationId: auth.organizationId, userId: auth.userId, all: roleAtLeast(auth.role, 'admin') };
};

export const auditRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    route(
      'The audit log, newest first: admins see the organization, others their own actions. Filter by user, resource, action, result, time',
      'authenticated',
      { querystring: AuditQuery, response: { 200: AuditPage } },
    ),
    async (request) => queryAudit(db, readerOf(request), request.query),
  );

  app.get(
    '/export',
    route('Export the matching audit events, oldest first, as CSV or JSON lines', 'authenticated', {
      querystring: AuditExportQuery,
      response: { 200: T.String({ description: 'text/csv or application/x-ndjson' }) },
    }),
    async (request, reply) => {
      const { format } = request.query;
      const stamp = new Date().toISOString().slice(0, 10);
      return (
        reply
          .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
          .header(
            'content-disposition',
            `attachment; filename="overcast-audit-${stamp}.${format === 'csv' ? 'csv' : 'jsonl'}"`,
          )
          // A stream of text; the schema above describes its content for the OpenAPI document.
          .send(Readable.from(exportAudit(db, readerOf(request), request.query)) as never)
      );
    },
  );
};
