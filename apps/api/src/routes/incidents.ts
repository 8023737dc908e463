import { IdParams, Incident, IncidentList, IncidentListQuery } from '@overcast/contracts';
import { getIncident, listIncidents } from '@overcast/core/rules';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { may } from '../http/authz';
import { route } from '../http/route';

/** Incidents follow the rules right; core shows only those about what the caller may read. */
export const incidentRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '',
    route('Incidents, newest first', may('rules', 'read'), {
      querystring: IncidentListQuery,
      response: { 200: IncidentList },
    }),
    async (request) => ({
      items: await listIncidents(db, request.caller.organizationId, request.query, request.caller),
    }),
  );

  app.get(
    '/:id',
    route('One incident with its timeline', may('rules', 'read'), {
      params: IdParams,
      response: { 200: T.Ref(Incident) },
    }),
    async (request) => getIncident(db, request.caller.organizationId, request.params.id, request.caller),
  );
};
