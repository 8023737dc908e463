import { IdParams, Incident, IncidentList, IncidentListQuery } from '@overcast/contracts';
import { getIncident, listIncidents } from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { may } from '../http/authz';
import { authOf } from '../http/caller';
import { route } from '../http/route';

/** Incidents follow the rules right; core shows only those about what the caller may read. */
export const incidentRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    route('Incidents, newest first', may('rules', 'read'), {
      querystring: IncidentListQuery,
      response: { 200: IncidentList },
    }),
    async (request) => {
      const auth = authOf(request);
      return { items: await listIncidents(db, auth.organizationId, request.query, auth) };
    },
  );

  app.get(
    '/:id',
    route('One incident with its timeline', may('rules', 'read'), {
      params: IdParams,
      response: { 200: T.Ref(Incident) },
    }),
    async (request) => {
      const auth = authOf(request);
      return getIncident(db, auth.organizationId, request.params.id, auth);
    },
  );
};
