import {
  ExpiringMachineList,
  ExpiringQuery,
  IdParams,
  MachineExpiration,
  SetExpirationRequest,
} from '@overcast/contracts';
import { listExpiringMachines, setMachineExpiration } from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../../context';
import { byId } from '../../http/authz';
import { authOf, orgActorOf } from '../../http/caller';

/** When machines stop or go away by themselves. */
export const expirationRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '/expiring',
    {
      schema: {
        summary: 'Machines that expire within the window (default a week), soonest first',
        querystring: ExpiringQuery,
        response: { 200: ExpiringMachineList },
      },
      config: { authz: { kind: 'machines', action: 'read' } },
    },
    async (request) => {
      const auth = authOf(request);
      return { items: await listExpiringMachines(db, auth.organizationId, request.query.withinHours, auth) };
    },
  );

  app.put(
    '/:id/expiration',
    {
      schema: {
        summary: 'Stop or destroy the machine at a date, with an optional notice before',
        params: IdParams,
        body: SetExpirationRequest,
        response: { 200: MachineExpiration },
      },
      config: { authz: { kind: 'machines', action: 'edit', target: byId } },
    },
    async (request) =>
      (await setMachineExpiration(
        db,
        orgActorOf(request),
        request.params.id,
        request.body,
        authOf(request),
      ))!,
  );

  app.delete(
    '/:id/expiration',
    {
      schema: { summary: "Clear the machine's expiration", params: IdParams, response: { 204: T.Null() } },
      config: { authz: { kind: 'machines', action: 'edit', target: byId } },
    },
    async (request, reply) => {
      await setMachineExpiration(db, orgActorOf(request), request.params.id, null);
      return reply.status(204).send(null);
    },
  );
};
