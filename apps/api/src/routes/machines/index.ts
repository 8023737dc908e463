import {
  IdParams,
  MachineActionRequest,
  MachineDetail,
  MachineListQuery,
  MachinePage,
  TagKeyParams,
  TagsRequest,
} from '@overcast/contracts';
import { rightForMachineAction } from '@overcast/core/authz';
import {
  listMachines,
  machineAction,
  machineDetail,
  removeMachineTag,
  setMachineTags,
} from '@overcast/core/machines';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../../context';
import { byId, may } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { route } from '../../http/route';
import { mount } from '../mount';
import { expirationRoutes } from './expiration';
import { machineMonitoringRoutes } from './monitoring';
import { machineSshRoutes } from './ssh';
import { terminalRoutes } from './terminal';

/** Everything under /machines: the list, one machine, its actions and tags, and the parts below. */
export const machineRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;
  mount(app, ctx, '', 'machines', expirationRoutes);
  mount(app, ctx, '', 'monitoring', machineMonitoringRoutes);
  mount(app, ctx, '', 'ssh keys', machineSshRoutes);
  mount(app, ctx, '', 'terminal', terminalRoutes);

  app.get(
    '',
    route(
      'Machines across every cloud: filter, search, sort, cursor pagination (terminated ones only when asked for)',
      may('machines', 'read'),
      { querystring: MachineListQuery, response: { 200: MachinePage } },
    ),
    async (request) => listMachines(db, request.caller.organizationId, request.query, request.caller),
  );

  app.get(
    '/:id',
    route('One machine with its raw fields and history', may('machines', 'read', byId), {
      params: IdParams,
      response: { 200: MachineDetail },
    }),
    async (request) => machineDetail(db, request.caller.organizationId, request.params.id),
  );

  // Destroying needs the delete right, renaming edit, the rest act.
  app.post(
    '/:id/actions',
    route(
      'Start, stop, reboot, destroy or rename; the new state arrives on the event stream',
      {
        kind: 'machines',

        action: (request) => rightForMachineAction((request.body as MachineActionRequest).action),
        target: byId,
      },
      {
        params: IdParams,
        body: MachineActionRequest,
        response: { 202: T.Object({ accepted: T.Boolean() }) },
      },
    ),
    async (request, reply) => {
      await machineAction(ctx, orgActorOf(request), request.params.id, request.body, {
        label: 'you',
        principal: request.caller,
      });
      return reply.status(202).send({ accepted: true });
    },
  );

  app.post(
    '/:id/tags',
    route('Set Overcast tags on a machine', may('machines', 'edit', byId), {
      params: IdParams,
      body: TagsRequest,
      response: { 204: T.Null() },
    }),
    async (request, reply) => {
      const { id } = request.params;
      await setMachineTags(ctx, orgActorOf(request), id, request.body.tags, request.caller);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/:id/tags/:key',
    route('Remove an Overcast tag from a machine', may('machines', 'edit', byId), {
      params: TagKeyParams,
      response: { 204: T.Null() },
    }),
    async (request, reply) => {
      const { id, key } = request.params;
      await removeMachineTag(ctx, orgActorOf(request), id, key, request.caller);
      return reply.status(204).send(null);
    },
  );
};
