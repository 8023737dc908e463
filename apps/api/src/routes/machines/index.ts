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
import type { RoutePlugin } from '../../context';
import { byId, may } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { oneInOrg } from '../../http/in-org';
import { Accepted, accepted, NoContent, noContent } from '../../http/reply';
import { route } from '../../http/route';
import { mount } from '../mount';
import { consoleRoutes } from './console';
import { expirationRoutes } from './expiration';
import { machineMonitoringRoutes } from './monitoring';
import { machineSnapshotRoutes } from './snapshots';
import { machineSshRoutes } from './ssh';
import { terminalRoutes } from './terminal';

/** Everything under /machines: the list, one machine, its actions and tags, and the parts below. */
export const machineRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;
  mount(app, ctx, '', 'machines', expirationRoutes);
  mount(app, ctx, '', 'monitoring', machineMonitoringRoutes);
  mount(app, ctx, '', 'ssh keys', machineSshRoutes);
  mount(app, ctx, '', 'terminal', terminalRoutes);
  mount(app, ctx, '', 'machines', machineSnapshotRoutes);
  mount(app, ctx, '', 'terminal', consoleRoutes);

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
    oneInOrg(db, machineDetail),
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
        response: Accepted,
      },
    ),
    async (request, reply) =>
      accepted(
        reply,
        machineAction(ctx, orgActorOf(request), request.params.id, request.body, {
          label: 'you',
          principal: request.caller,
        }),
      ),
  );

  app.post(
    '/:id/tags',
    route('Set Overcast tags on a machine', may('machines', 'edit', byId), {
      params: IdParams,
      body: TagsRequest,
      response: NoContent,
    }),
    async (request, reply) =>
      noContent(
        reply,
        setMachineTags(ctx, orgActorOf(request), request.params.id, request.body.tags, request.caller),
      ),
  );

  app.delete(
    '/:id/tags/:key',
    route('Remove an Overcast tag from a machine', may('machines', 'edit', byId), {
      params: TagKeyParams,
      response: NoContent,
    }),
    async (request, reply) => {
      const { id, key } = request.params;
      return noContent(reply, removeMachineTag(ctx, orgActorOf(request), id, key, request.caller));
    },
  );
};
