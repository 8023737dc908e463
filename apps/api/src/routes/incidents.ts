import { IdParams, Incident, IncidentList, IncidentListQuery } from '@overcast/contracts';
import { getIncident, listIncidents } from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { authOf } from '../http/caller';

/** Incidents follow the rules right; core shows only those about what the caller may read. */
export const incidentRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    {
      schema: {
        summary: 'Incidents, newest first',
        querystring: IncidentListQuery,
        response: { 200: IncidentList },
      },
      config: { authz: { kind: 'rules', action: 'read' } },
    },
    async (request) => {
      const auth = authOf(request);
      return { items: await listIncidents(db, auth.organizationId, request.query, auth) };
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        summary: 'One incident with its timeline',
        params: IdParams,
        response: { 200: T.Ref(Incident) },
      },
      config: { authz: { kind: 'rules', action: 'read' } },
    },
    async (request) => {
      const auth = authOf(request);
      return getIncident(db, auth.organizationId, request.params.id, auth);
    },
  );
};
