import {
  ExpiringMachineList,
  ExpiringQuery,
  IdParams,
  MachineExpiration,
  SetExpirationRequest,
} from '@overcast/contracts';
import { listExpiringMachines, setMachineExpiration } from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import { authOf, ERROR_RESPONSES, orgActorOf, requireRole } from './shared';

const errors = ERROR_RESPONSES;
const tags = ['machines'];

export function expirationRoutes(app: App, deps: AppDeps): void {
  const { db } = deps;

  app.get(
    '/api/v1/machines/expiring',
    {
      schema: {
        tags,
        summary: 'Machines that expire within the window (default a week), soonest first',
        querystring: ExpiringQuery,
        response: { 200: ExpiringMachineList, ...errors },
      },
    },
    async (request) => ({
      items: await listExpiringMachines(db, authOf(request).organizationId, request.query.withinHours),
    }),
  );

  app.put(
    '/api/v1/machines/:id/expiration',
    {
      schema: {
        tags,
        summary: 'Stop or destroy the machine at a date, with an optional notice before',
        params: IdParams,
        body: SetExpirationRequest,
        response: { 200: MachineExpiration, ...errors },
      },
    },
    async (request) => {
      requireRole(request, 'member', 'set machine expirations');
      return (await setMachineExpiration(db, orgActorOf(request), request.params.id, request.body))!;
    },
  );

  app.delete(
    '/api/v1/machines/:id/expiration',
    {
      schema: {
        tags,
        summary: "Clear the machine's expiration",
        params: IdParams,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      requireRole(request, 'member', 'clear machine expirations');
      await setMachineExpiration(db, orgActorOf(request), request.params.id, null);
      return reply.status(204).send(null);
    },
  );
}
