import { CreateMachineRequest, CreateVolumeRequest, IdParams, Machine } from '@overcast/contracts';
import { checkTagLimits, createMachine, createVolume } from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../../context';
import { inCloud } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { actionDepsOf } from '../machines/action-deps';

/** Machines and volumes created in a cloud: the right to create that kind there decides. */
export const contentRoutes: RoutePlugin = (app, ctx) => {
  const actionDeps = actionDepsOf(ctx);

  app.post(
    '/:id/machines',
    {
      schema: {
        tags: ['machines'],
        summary: 'Create a machine in a cloud; it appears pending and the stream reports it running',
        params: IdParams,
        body: CreateMachineRequest,
        response: { 201: T.Ref(Machine) },
      },
      config: { authz: { kind: 'machines', action: 'create', target: inCloud } },
    },
    async (request, reply) => {
      if (request.body.tags) checkTagLimits(ctx.settings.limits, [], request.body.tags);
      return reply
        .status(201)
        .send(await createMachine(actionDeps, orgActorOf(request), request.params.id, request.body));
    },
  );

  app.post(
    '/:id/volumes',
    {
      schema: {
        tags: ['volumes'],
        summary: 'Create a volume',
        params: IdParams,
        body: CreateVolumeRequest,
        response: { 202: T.Object({ accepted: T.Boolean() }) },
      },
      config: { authz: { kind: 'volumes', action: 'create', target: inCloud } },
    },
    async (request, reply) => {
      await createVolume(actionDeps, orgActorOf(request), request.params.id, request.body);
      return reply.status(202).send({ accepted: true });
    },
  );
};
