import { DeployStackRequest, IdParams, Stack, StackList, StackStepParams } from '@overcast/contracts';
import { deployStack, destroyStack, getStack, listStacks, retryStackStep } from '@overcast/core/stacks';
import type { RoutePlugin } from '../context';
import { byId, may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { oneInOrg } from '../http/in-org';
import { Accepted, accepted } from '../http/reply';
import { route } from '../http/route';

/** Stacks: what a template deployed, its machines and steps, their progress and outputs. */
export const stackRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;
  app.get(
    '',
    route("The organization's stacks, newest first", may('stacks', 'read'), { response: { 200: StackList } }),
    async (request) => ({ items: await listStacks(db, request.caller.organizationId, request.caller) }),
  );

  // Core also checks, per cloud the template names, that the caller may create machines there.
  app.post(
    '',
    route(
      'Deploy a template: machines are made in parallel, then the steps run in order; progress streams as stack.changed',
      may('stacks', 'create'),
      { body: DeployStackRequest, response: { 201: Stack } },
    ),
    async (request, reply) => {
      const id = await deployStack(ctx, orgActorOf(request), request.caller, request.body);
      return reply.code(201).send(await getStack(db, request.caller.organizationId, id));
    },
  );

  app.get(
    '/:id',
    route('One stack with its machines and steps', may('stacks', 'read', byId), {
      params: IdParams,
      response: { 200: Stack },
    }),
    oneInOrg(db, getStack),
  );

  app.post(
    '/:id/steps/:step/retry',
    route('Run a failed step again, then the steps after it', may('stacks', 'edit', byId), {
      params: StackStepParams,
      response: Accepted,
    }),
    async (request, reply) =>
      accepted(reply, retryStackStep(ctx, orgActorOf(request), request.params.id, request.params.step)),
  );

  // The machines are destroyed for the stack's person, each checked as it goes.
  app.post(
    '/:id/destroy',
    route('Destroy every machine the stack made, and nothing else', may('stacks', 'delete', byId), {
      params: IdParams,
      response: Accepted,
    }),
    async (request, reply) => accepted(reply, destroyStack(ctx, orgActorOf(request), request.params.id)),
  );
};
