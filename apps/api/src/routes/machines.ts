import {
  CreateMachineRequest,
  IdParams,
  Machine,
  MachineActionRequest,
  MachineDetail,
  MachineListQuery,
  MachinePage,
  TagKeyParams,
  TagsRequest,
} from '@overcast/contracts';
import { rightForMachineAction } from '@overcast/core/authz';
import {
  checkTagLimits,
  createMachine,
  listMachines,
  machineAction,
  machineDetail,
  removeMachineTag,
  setMachineTags,
} from '@overcast/core/machines';
import { outboundRules } from '@overcast/core/outbound';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import { authorize, ERROR_RESPONSES, orgActorOf } from './shared';

const errors = ERROR_RESPONSES;
const tags = ['machines'];

export function machineRoutes(app: App, deps: AppDeps): void {
  const { db, box, redis, pollQueue } = deps;
  const actionDeps = { db, box, redis, pollQueue, outbound: outboundRules(deps.settings) };
  app.addSchema(Machine);

  app.get(
    '/api/v1/machines',
    {
      schema: {
        tags,
        summary:
          'Machines across every cloud: filter, search, sort, cursor pagination (terminated ones only when asked for)',
        querystring: MachineListQuery,
        response: { 200: MachinePage, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'machines', 'read');
      return listMachines(db, auth.organizationId, request.query, auth);
    },
  );

  app.get(
    '/api/v1/machines/:id',
    {
      schema: {
        tags,
        summary: 'One machine with its raw fields and history',
        params: IdParams,
        response: { 200: MachineDetail, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'machines', 'read', { id: request.params.id });
      return machineDetail(db, auth.organizationId, request.params.id);
    },
  );

  app.post(
    '/api/v1/machines/:id/actions',
    {
      schema: {
        tags,
        summary: 'Start, stop, reboot, destroy or rename; the new state arrives on the event stream',
        params: IdParams,
        body: MachineActionRequest,
        response: { 202: T.Object({ accepted: T.Boolean() }), ...errors },
      },
    },
    async (request, reply) => {
      const auth = await authorize(request, 'machines', rightForMachineAction(request.body.action), {
        id: request.params.id,
      });
      await machineAction(actionDeps, orgActorOf(request), request.params.id, request.body, {
        label: 'you',
        principal: auth,
      });
      return reply.status(202).send({ accepted: true });
    },
  );

  app.post(
    '/api/v1/machines/:id/tags',
    {
      schema: {
        tags,
        summary: 'Set Overcast tags on a machine',
        params: IdParams,
        body: TagsRequest,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const auth = await authorize(request, 'machines', 'edit', { id: request.params.id });
      await setMachineTags(
        db,
        redis,
        orgActorOf(request),
        request.params.id,
        request.body.tags,
        deps.settings.limits,
        auth,
      );
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/machines/:id/tags/:key',
    {
      schema: {
        tags,
        summary: 'Remove an Overcast tag from a machine',
        params: TagKeyParams,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const auth = await authorize(request, 'machines', 'edit', { id: request.params.id });
      await removeMachineTag(db, redis, orgActorOf(request), request.params.id, request.params.key, auth);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/clouds/:id/machines',
    {
      schema: {
        tags,
        summary: 'Create a machine in a cloud; it appears pending and the stream reports it running',
        params: IdParams,
        body: CreateMachineRequest,
        response: { 201: T.Ref(Machine), ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'machines', 'create', { cloudId: request.params.id });
      if (request.body.tags) checkTagLimits(deps.settings.limits, [], request.body.tags);
      return reply
        .status(201)
        .send(await createMachine(actionDeps, orgActorOf(request), request.params.id, request.body));
    },
  );
}
