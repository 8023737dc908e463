import {
  CreateMachineRequest,
  CreateVolumeRequest,
  DeployRequest,
  EstimateMachineRequest,
  IdParams,
  Machine,
  MachineEstimate,
} from '@overcast/contracts';
import { estimateMachine } from '@overcast/core/governance';
import { checkTagLimits } from '@overcast/core/machines';
import { createMachineOrRequest } from '@overcast/core/stacks';
import { createVolume } from '@overcast/core/volumes';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../../context';
import { inCloud, may } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { Accepted, accepted } from '../../http/reply';
import { route } from '../../http/route';

/** Machines and volumes created in a cloud: the right to create that kind there decides. */
export const contentRoutes: RoutePlugin = (app, ctx) => {
  app.post(
    '/:id/machines',
    route(
      'Create a machine in a cloud; it appears pending and the stream reports it running. Over a budget that asks for approval: 202 with the request kept for an admin',
      may('machines', 'create', inCloud),
      {
        tags: ['machines'],
        params: IdParams,
        body: CreateMachineRequest,
        response: { 201: T.Ref(Machine), 202: DeployRequest },
      },
    ),
    async (request, reply) => {
      if (request.body.tags) checkTagLimits(ctx.settings.limits, [], request.body.tags);
      const outcome = await createMachineOrRequest(ctx, orgActorOf(request), request.params.id, request.body);
      if ('request' in outcome) return reply.code(202).send(outcome.request);
      return reply.code(201).send(outcome.machine);
    },
  );

  app.post(
    '/:id/machines/estimate',
    route(
      "A machine's estimated monthly cost, what would remain of your budgets, and any limit that would refuse it",
      may('machines', 'create', inCloud),
      {
        tags: ['machines'],
        params: IdParams,
        body: EstimateMachineRequest,
        response: { 200: MachineEstimate },
      },
    ),
    async (request) => estimateMachine(ctx.db, orgActorOf(request), request.params.id, request.body),
  );

  app.post(
    '/:id/volumes',
    route('Create a volume', may('volumes', 'create', inCloud), {
      tags: ['volumes'],
      params: IdParams,
      body: CreateVolumeRequest,
      response: Accepted,
    }),
    async (request, reply) =>
      accepted(reply, createVolume(ctx, orgActorOf(request), request.params.id, request.body)),
  );
};
