import {
  CreateNetworkRequest,
  CreateSubnetRequest,
  IdParams,
  NetworkDetail,
  NetworkList,
  NetworkListQuery,
  SubnetParams,
} from '@overcast/contracts';
import {
  createNetwork,
  createSubnet,
  deleteNetwork,
  deleteSubnet,
  getNetwork,
  listNetworks,
} from '@overcast/core/networks';
import type { RoutePlugin } from '../context';
import { byId, may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { created, NoContent, noContent } from '../http/reply';
import { route } from '../http/route';

/** Networks (VPCs) and their subnets, across the clouds whose providers manage them. */
export const networkRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    '',
    route('Networks across every cloud, with subnet and machine counts', may('networks', 'read'), {
      querystring: NetworkListQuery,
      response: { 200: NetworkList },
    }),
    async (request) => listNetworks(ctx.db, request.caller.organizationId, request.caller, request.query),
  );

  app.post(
    '',
    route(
      'Create a network in a cloud',
      may('networks', 'create', (request) => ({ cloudId: (request.body as CreateNetworkRequest).cloudId })),
      { body: CreateNetworkRequest, response: { 201: NetworkDetail } },
    ),
    async (request, reply) => created(reply, createNetwork(ctx, orgActorOf(request), request.body)),
  );

  app.get(
    '/:id',
    route('One network: its subnets, machines and firewalls', may('networks', 'read', byId), {
      params: IdParams,
      response: { 200: NetworkDetail },
    }),
    async (request) => getNetwork(ctx.db, request.caller.organizationId, request.params.id),
  );

  app.delete(
    '/:id',
    route('Delete a network with nothing left in it', may('networks', 'delete', byId), {
      params: IdParams,
      response: NoContent,
    }),
    async (request, reply) => noContent(reply, deleteNetwork(ctx, orgActorOf(request), request.params.id)),
  );

  app.post(
    '/:id/subnets',
    route('Create a subnet in a network', may('networks', 'edit', byId), {
      params: IdParams,
      body: CreateSubnetRequest,
      response: { 201: NetworkDetail },
    }),
    async (request, reply) =>
      created(reply, createSubnet(ctx, orgActorOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/:id/subnets/:subnetId',
    route('Delete a subnet with no machines in it', may('networks', 'edit', byId), {
      params: SubnetParams,
      response: NoContent,
    }),
    async (request, reply) =>
      noContent(reply, deleteSubnet(ctx, orgActorOf(request), request.params.id, request.params.subnetId)),
  );
};
