import {
  ExpiringMachineList,
  ExpiringQuery,
  IdParams,
  MachineExpiration,
  SetExpirationRequest,
} from '@overcast/contracts';
import { listExpiringMachines, setMachineExpiration } from '@overcast/core/automation';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import { authorize, ERROR_RESPONSES, orgActorOf } from './shared';

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
    async (request) => {
      const auth = await authorize(request, 'machines', 'read');
      return { items: await listExpiringMachines(db, auth.organizationId, request.query.withinHours, auth) };
    },
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
      const auth = await authorize(request, 'machines', 'edit', { id: request.params.id });
      return (await setMachineExpiration(db, orgActorOf(request), request.params.id, request.body, auth))!;
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
      await authorize(request, 'machines', 'edit', { id: request.params.id });
      await setMachineExpiration(db, orgActorOf(request), request.params.id, null);
      return reply.status(204).send(null);
    },
  );
}
