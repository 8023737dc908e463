import {
  CatalogQuery,
  Cloud,
  CloudList,
  createCloudRequestFor,
  DeleteCloudQuery,
  IdParams,
  ImageList,
  LocationList,
  SizeList,
  UpdateCloudRequest,
} from '@overcast/contracts';
import { recordAudit } from '@overcast/core/audit';
import { cloudCatalog } from '@overcast/core/catalog';
import {
  addCloud,
  deleteCloud,
  listClouds,
  PROVIDER_KINDS,
  toCloudView,
  updateCloud,
} from '@overcast/core/clouds';
import { refreshNow, schedulePolls, unschedulePolls } from '@overcast/core/polling';
import { repos } from '@overcast/core/repositories';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../../context';
import { byId, may } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { changeById, created, NoContent } from '../../http/reply';
import { route } from '../../http/route';
import { mount } from '../mount';
import { contentRoutes } from './contents';
import { dnsRoutes } from './dns';
import { engineRoutes } from './engine';

/** Clouds: accounts, their catalogs, and what is created in them (machines, volumes, containers). */
export const cloudRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;
  mount(app, ctx, '', 'clouds', contentRoutes);
  mount(app, ctx, '', 'containers', engineRoutes);
  mount(app, ctx, '', 'dns', dnsRoutes);

  app.get(
    '',
    route('Clouds with their status, last error, machine count and cost', may('clouds', 'read'), {
      response: { 200: CloudList },
    }),
    async (request) => ({ items: await listClouds(db, request.caller.organizationId, request.caller) }),
  );

  app.post(
    '',
    route(
      'Add a cloud; its credentials are checked with the provider first, and nothing is saved if they fail',
      may('clouds', 'create'),
      { body: createCloudRequestFor(PROVIDER_KINDS), response: { 201: T.Ref(Cloud) } },
    ),
    async (request, reply) => {
      const auth = request.caller;
      const actor = { ...orgActorOf(request), role: auth.role };
      const cloud = await addCloud(ctx, actor, request.body, auth);
      await schedulePolls(ctx, cloud);
      await refreshNow(ctx, cloud.id);
      return created(reply, toCloudView(db, cloud));
    },
  );

  app.get(
    '/:id',
    route('One cloud', may('clouds', 'read', byId), { params: IdParams, response: { 200: T.Ref(Cloud) } }),
    async (request) =>
      toCloudView(
        db,
        await repos(db).clouds.getInOrg(request.caller.organizationId, request.params.id),
        request.caller,
      ),
  );

  app.patch(
    '/:id',
    route(
      'Rename, enable/disable, change poll interval, cost override or credentials (checked first)',
      may('clouds', 'edit', byId),
      changeById(UpdateCloudRequest, T.Ref(Cloud)),
    ),
    async (request) => {
      const auth = request.caller;
      const actor = { ...orgActorOf(request), role: auth.role };
      const cloud = await updateCloud(ctx, actor, request.params.id, request.body, auth);
      await schedulePolls(ctx, cloud);
      return toCloudView(db, cloud);
    },
  );

  app.delete(
    '/:id',
    route("Delete a cloud and its inventory; confirm with the cloud's title", may('clouds', 'delete', byId), {
      params: IdParams,
      querystring: DeleteCloudQuery,
      response: NoContent,
    }),
    async (request, reply) => {
      await deleteCloud(ctx, orgActorOf(request), request.params.id, request.query.confirm);
      await unschedulePolls(ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:id/refresh',
    route('Poll the cloud now (machines, volumes, sizes, images, locations)', may('clouds', 'act', byId), {
      params: IdParams,
      response: { 202: T.Object({ queued: T.Boolean() }) },
    }),
    async (request, reply) => {
      const actor = orgActorOf(request);
      const cloud = await repos(db).clouds.getInOrg(actor.organizationId, request.params.id);
      const queued = await refreshNow(ctx, cloud.id);
      await recordAudit(db, actor, { action: 'cloud.refresh', resourceKind: 'cloud', resourceId: cloud.id });
      return reply.status(202).send({ queued });
    },
  );

  for (const kind of ['sizes', 'images', 'locations'] as const) {
    const schema = { sizes: SizeList, images: ImageList, locations: LocationList }[kind];
    app.get(
      `/:id/${kind}`,
      route(`The cloud's ${kind}, as last polled`, may('clouds', 'read', byId), {
        params: IdParams,
        querystring: CatalogQuery,
        response: { 200: schema },
      }),
      async (request) => {
        const { id } = request.params as { id: string };
        const { location } = request.query as { location?: string };
        const catalog = await cloudCatalog(db, request.caller.organizationId, id, location);
        // One handler serves three schemas; each branch returns the matching list.
        return { items: catalog[kind] } as never;
      },
    );
  }
};
