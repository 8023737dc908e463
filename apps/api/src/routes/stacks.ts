import {
  DeployRequest,
  DeployStackRequest,
  IdParams,
  Stack,
  StackList,
  StackPlan,
  StackStepParams,
  UpdateStackRequest,
} from '@overcast/contracts';
import {
  deployOrRequest,
  destroyStack,
  getStack,
  listStacks,
  planStackUpdate,
  retryStackStep,
  rollbackStack,
  updateStack,
} from '@overcast/core/stacks';
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
      'Deploy a template: machines are made in parallel, then the steps run in order; progress streams as stack.changed. Over a budget that asks for approval: 202 with the request kept for an admin',
      may('stacks', 'create'),
      { body: DeployStackRequest, response: { 201: Stack, 202: DeployRequest } },
    ),
    async (request, reply) => {
      const outcome = await deployOrRequest(ctx, orgActorOf(request), request.caller, request.body);
      if ('request' in outcome) return reply.code(202).send(outcome.request);
      return reply.code(201).send(await getStack(db, request.caller.organizationId, outcome.stackId));
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

  app.post(
    '/:id/plan',
    route(
      'What an update to another template version or other inputs would change, changing nothing',
      may('stacks', 'edit', byId),
      { params: IdParams, body: UpdateStackRequest, response: { 200: StackPlan } },
    ),
    async (request) => planStackUpdate(ctx, request.caller.organizationId, request.params.id, request.body),
  );

  // Core also checks, per cloud a new or replacing machine is in, that the caller may create there.
  app.post(
    '/:id/update',
    route(
      'Update a deployed or failed stack: new machines are made and replaced ones made anew, the steps that changed run again, and what was replaced or removed is destroyed once all of it succeeded',
      may('stacks', 'edit', byId),
      { params: IdParams, body: UpdateStackRequest, response: { 202: StackPlan } },
    ),
    async (request, reply) =>
      reply
        .code(202)
        .send(await updateStack(ctx, orgActorOf(request), request.caller, request.params.id, request.body)),
  );

  app.post(
    '/:id/rollback',
    route(
      'Return the stack to the template version and inputs it had before its last update',
      may('stacks', 'edit', byId),
      { params: IdParams, response: { 202: StackPlan } },
    ),
    async (request, reply) =>
      reply.code(202).send(await rollbackStack(ctx, orgActorOf(request), request.caller, request.params.id)),
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
