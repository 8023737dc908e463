import {
  ExpiringMachineList,
  ExpiringQuery,
  IdParams,
  MachineExpiration,
  SetExpirationRequest,
} from '@overcast/contracts';
import { listExpiringMachines, setMachineExpiration } from '@overcast/core/automation';
import type { RoutePlugin } from '../../context';
import { byId, may } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { changeById, NoContent, noContent } from '../../http/reply';
import { route } from '../../http/route';

/** When machines stop or go away by themselves. */
export const expirationRoutes: RoutePlugin = (app, { db }) => {
  app.get(
    '/expiring',
    route('Machines that expire within the window (default a week), soonest first', may('machines', 'read'), {
      querystring: ExpiringQuery,
      response: { 200: ExpiringMachineList },
    }),
    async (request) => ({
      items: await listExpiringMachines(
        db,
        request.caller.organizationId,
        request.query.withinHours,
        request.caller,
      ),
    }),
  );

  app.put(
    '/:id/expiration',
    route(
      'Stop or destroy the machine at a date, with an optional notice before',
      may('machines', 'edit', byId),
      changeById(SetExpirationRequest, MachineExpiration),
    ),
    async (request) =>
      (await setMachineExpiration(db, orgActorOf(request), request.params.id, request.body, request.caller))!,
  );

  app.delete(
    '/:id/expiration',
    route("Clear the machine's expiration", may('machines', 'edit', byId), {
      params: IdParams,
      response: NoContent,
    }),
    async (request, reply) =>
      noContent(reply, setMachineExpiration(db, orgActorOf(request), request.params.id, null)),
  );
};
