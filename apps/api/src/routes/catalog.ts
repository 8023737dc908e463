import {
  CatalogDeployRequest,
  CatalogEstimate,
  CatalogEstimateRequest,
  CatalogItem,
  CatalogItemList,
  DeployRequest,
  IdParams,
  PublishCatalogItemRequest,
  Stack,
} from '@overcast/contracts';
import {
  deployFromCatalog,
  estimateCatalogDeploy,
  getCatalogItem,
  getStack,
  listCatalog,
  publishCatalogItem,
  unpublishCatalogItem,
} from '@overcast/core/stacks';
import type { RoutePlugin } from '../context';
import { adminsCan, may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { created, NoContent, noContent } from '../http/reply';
import { route } from '../http/route';

/**
 * The catalog: admins publish template versions to teams; members of those teams deploy them
 * with only the inputs. Reading is 'authenticated' because the right comes from team
 * membership, which core checks on the item (another team's item answers 404); deploying (and
 * its estimate) needs the right to create stacks, none on templates, and the machines are still
 * checked against the caller's cloud rights.
 */
export const catalogRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;
  app.get(
    '',
    route('The catalog items published to your teams (admins: all of them)', 'authenticated', {
      response: { 200: CatalogItemList },
    }),
    async (request) => ({ items: await listCatalog(db, request.caller) }),
  );

  app.post(
    '',
    route('Publish a template version to teams', adminsCan('publish to the catalog'), {
      body: PublishCatalogItemRequest,
      response: { 201: CatalogItem },
    }),
    async (request, reply) => created(reply, publishCatalogItem(ctx, orgActorOf(request), request.body)),
  );

  app.get(
    '/:id',
    route('One catalog item with its inputs', 'authenticated', {
      params: IdParams,
      response: { 200: CatalogItem },
    }),
    async (request) => getCatalogItem(db, request.caller, request.params.id),
  );

  app.delete(
    '/:id',
    route('Take an item out of the catalog (its stacks stay)', adminsCan('publish to the catalog'), {
      params: IdParams,
      response: NoContent,
    }),
    async (request, reply) =>
      noContent(reply, unpublishCatalogItem(ctx, orgActorOf(request), request.params.id)),
  );

  app.post(
    '/:id/estimate',
    route(
      'The monthly cost of deploying an item with these inputs, what remains of each budget, and the refusal it would meet',
      may('stacks', 'create'),
      { params: IdParams, body: CatalogEstimateRequest, response: { 200: CatalogEstimate } },
    ),
    async (request) =>
      estimateCatalogDeploy(
        db,
        { ...request.caller, label: orgActorOf(request).label },
        request.params.id,
        request.body.inputs,
      ),
  );

  app.post(
    '/:id/deploy',
    route(
      'Deploy an item: 201 with the stack, or 202 with the request kept for an admin when it goes over a budget that asks for approval',
      may('stacks', 'create'),
      {
        params: IdParams,
        body: CatalogDeployRequest,
        response: { 201: Stack, 202: DeployRequest },
      },
    ),
    async (request, reply) => {
      const outcome = await deployFromCatalog(
        ctx,
        orgActorOf(request),
        request.caller,
        request.params.id,
        request.body,
      );
      if ('request' in outcome) return reply.code(202).send(outcome.request);
      return reply.code(201).send(await getStack(db, request.caller.organizationId, outcome.stackId));
    },
  );
};
