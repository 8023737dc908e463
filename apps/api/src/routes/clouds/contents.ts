import { CreateMachineRequest, CreateVolumeRequest, IdParams, Machine } from '@overcast/contracts';
import { checkTagLimits, createMachine } from '@overcast/core/machines';
import { createVolume } from '@overcast/core/volumes';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../../context';
import { inCloud, may } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { route } from '../../http/route';

/** Machines and volumes created in a cloud: the right to create that kind there decides. */
export const contentRoutes: RoutePlugin = (app, ctx) => {
  app.post(
    '/:id/machines',
    route(
      'Create a machine in a cloud; it appears pending and the stream reports it running',
      may('machines', 'create', inCloud),
      { tags: ['machines'], params: IdParams, body: CreateMachineRequest, response: { 201: T.Ref(Machine) } },
    ),
    async (request, reply) => {
      if (request.body.tags) checkTagLimits(ctx.settings.limits, [], request.body.tags);
      return reply
        .status(201)
        .send(await createMachine(ctx, orgActorOf(request), request.params.id, request.body));
    },
  );

  app.post(
    '/:id/volumes',
    route('Create a volume', may('volumes', 'create', inCloud), {
      tags: ['volumes'],
      params: IdParams,
      body: CreateVolumeRequest,
      response: { 202: T.Object({ accepted: T.Boolean() }) },
    }),
    async (request, reply) => {
      await createVolume(ctx, orgActorOf(request), request.params.id, request.body);
      return reply.status(202).send({ accepted: true });
    },
  );
};
