import {
  AddFirewallRuleRequest,
  AddFirewallRuleResult,
  CreateFirewallRequest,
  Exposure,
  ExposureQuery,
  Firewall,
  FirewallList,
  IdParams,
  NetworkListQuery,
  RemoveFirewallRuleRequest,
} from '@overcast/contracts';
import {
  addFirewallRule,
  cloudOfFirewall,
  createFirewall,
  deleteFirewall,
  exposedMachines,
  getFirewall,
  listFirewalls,
  removeFirewallRule,
} from '@overcast/core/networks';
import { Type as T } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../context';
import { may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { created, NoContent, noContent } from '../http/reply';
import { route } from '../http/route';

/** Firewalls (security groups) and their rules. */
export const firewallRoutes: RoutePlugin = (app, ctx) => {
  // A firewall is judged by its cloud; another organization's id is a 404 before anything else.
  const itsCloud = async (request: FastifyRequest) => ({
    cloudId: await cloudOfFirewall(
      ctx.db,
      request.caller.organizationId,
      (request.params as { id: string }).id,
    ),
  });

  app.get(
    '',
    route('Firewalls across every cloud, with their rules and machines', may('networks', 'read'), {
      querystring: NetworkListQuery,
      response: { 200: FirewallList },
    }),
    async (request) => listFirewalls(ctx.db, request.caller.organizationId, request.caller, request.query),
  );

  app.post(
    '',
    route(
      'Create a firewall for machines of one cloud (a KubeVirt NetworkPolicy), letting nothing in until rules are added',
      may('networks', 'create', (request) => ({ cloudId: (request.body as CreateFirewallRequest).cloudId })),
      { body: CreateFirewallRequest, response: { 201: T.Ref(Firewall) } },
    ),
    async (request, reply) => created(reply, createFirewall(ctx, orgActorOf(request), request.body)),
  );

  app.get(
    '/exposure',
    route(
      'Machines the whole internet reaches on SSH (22) or RDP (3389) through a firewall rule',
      may('networks', 'read'),
      { querystring: ExposureQuery, response: { 200: Exposure } },
    ),
    async (request) =>
      exposedMachines(ctx.db, request.caller.organizationId, request.caller, request.query.port ?? 22),
  );

  app.get(
    '/:id',
    route('One firewall with its rules', may('networks', 'read', itsCloud), {
      params: IdParams,
      response: { 200: T.Ref(Firewall) },
    }),
    async (request) => getFirewall(ctx.db, request.caller.organizationId, request.params.id),
  );

  app.delete(
    '/:id',
    route(
      'Delete a firewall made apart from its rules (a KubeVirt NetworkPolicy)',
      may('networks', 'delete', itsCloud),
      {
        params: IdParams,
        response: NoContent,
      },
    ),
    async (request, reply) => noContent(reply, deleteFirewall(ctx, orgActorOf(request), request.params.id)),
  );

  app.post(
    '/:id/rules',
    route(
      'Add an allow rule; one opening SSH or RDP to the internet needs acknowledgeExposure',
      may('networks', 'edit', itsCloud),
      { params: IdParams, body: AddFirewallRuleRequest, response: { 200: AddFirewallRuleResult } },
    ),
    async (request) => addFirewallRule(ctx, orgActorOf(request), request.params.id, request.body),
  );

  app.post(
    '/:id/rules/remove',
    route('Remove an allow rule', may('networks', 'edit', itsCloud), {
      params: IdParams,
      body: RemoveFirewallRuleRequest,
      response: { 200: T.Ref(Firewall) },
    }),
    async (request) => removeFirewallRule(ctx, orgActorOf(request), request.params.id, request.body.rule),
  );
};
