import {
  CatalogQuery,
  Cloud,
  CloudList,
  CreateCloudRequest,
  DeleteCloudQuery,
  IdParams,
  ImageList,
  LocationList,
  SizeList,
  UpdateCloudRequest,
} from '@overcast/contracts';
import { recordAudit } from '@overcast/core/audit';
import { cloudCatalog } from '@overcast/core/catalog';
import { addCloud, deleteCloud, listClouds, toCloudView, updateCloud } from '@overcast/core/clouds';
import { outboundRules } from '@overcast/core/outbound';
import { refreshNow, schedulePolls, unschedulePolls } from '@overcast/core/polling';
import { repos } from '@overcast/core/repositories';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import { authorize, ERROR_RESPONSES, orgActorOf } from './shared';

const errors = ERROR_RESPONSES;
const tags = ['clouds'];

export function cloudRoutes(app: App, deps: AppDeps): void {
  const { db, box, pollQueue, settings } = deps;
  const outbound = outboundRules(settings);
  app.addSchema(Cloud);

  app.get(
    '/api/v1/clouds',
    {
      schema: {
        tags,
        summary: 'Clouds with their status, last error, machine count and cost',
        response: { 200: CloudList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'clouds', 'read');
      return { items: await listClouds(db, auth.organizationId, auth) };
    },
  );

  app.post(
    '/api/v1/clouds',
    {
      schema: {
        tags,
        summary:
          'Add a cloud; its credentials are checked with the provider first, and nothing is saved if they fail',
        body: CreateCloudRequest,
        response: { 201: T.Ref(Cloud), ...errors },
      },
    },
    async (request, reply) => {
      const auth = await authorize(request, 'clouds', 'create');
      const actor = { ...orgActorOf(request), role: auth.role };
      const cloud = await addCloud({ db, box, outbound }, actor, request.body, auth);
      await schedulePolls(pollQueue, cloud, settings);
      await refreshNow(pollQueue, cloud.id);
      return reply.status(201).send(await toCloudView(db, cloud));
    },
  );

  app.get(
    '/api/v1/clouds/:id',
    { schema: { tags, summary: 'One cloud', params: IdParams, response: { 200: T.Ref(Cloud), ...errors } } },
    async (request) => {
      const auth = await authorize(request, 'clouds', 'read', { id: request.params.id });
      return toCloudView(db, await repos(db).clouds.getInOrg(auth.organizationId, request.params.id), auth);
    },
  );

  app.patch(
    '/api/v1/clouds/:id',
    {
      schema: {
        tags,
        summary: 'Rename, enable/disable, change poll interval, cost override or credentials (checked first)',
        params: IdParams,
        body: UpdateCloudRequest,
        response: { 200: T.Ref(Cloud), ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'clouds', 'edit', { id: request.params.id });
      const actor = { ...orgActorOf(request), role: auth.role };
      const cloud = await updateCloud({ db, box, outbound }, actor, request.params.id, request.body, auth);
      await schedulePolls(pollQueue, cloud, settings);
      return toCloudView(db, cloud);
    },
  );

  app.delete(
    '/api/v1/clouds/:id',
    {
      schema: {
        tags,
        summary: "Delete a cloud and its inventory; confirm with the cloud's title",
        params: IdParams,
        querystring: DeleteCloudQuery,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'clouds', 'delete', { id: request.params.id });
      await deleteCloud({ db, box }, orgActorOf(request), request.params.id, request.query.confirm);
      await unschedulePolls(pollQueue, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/clouds/:id/refresh',
    {
      schema: {
        tags,
        summary: 'Poll the cloud now (machines, volumes, sizes, images, locations)',
        params: IdParams,
        response: { 202: T.Object({ queued: T.Boolean() }), ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'clouds', 'act', { id: request.params.id });
      const actor = orgActorOf(request);
      const cloud = await repos(db).clouds.getInOrg(actor.organizationId, request.params.id);
      const queued = await refreshNow(pollQueue, cloud.id);
      await recordAudit(db, actor, { action: 'cloud.refresh', resourceKind: 'cloud', resourceId: cloud.id });
      return reply.status(202).send({ queued });
    },
  );

  for (const kind of ['sizes', 'images', 'locations'] as const) {
    const schema = { sizes: SizeList, images: ImageList, locations: LocationList }[kind];
    app.get(
      `/api/v1/clouds/:id/${kind}`,
      {
        schema: {
          tags,
          summary: `The cloud's ${kind}, as last polled`,
          params: IdParams,
          querystring: CatalogQuery,
          response: { 200: schema, ...errors },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        const { location } = request.query as { location?: string };
        const auth = await authorize(request, 'clouds', 'read', { id });
        const catalog = await cloudCatalog(db, auth.organizationId, id, location);
        // One handler serves three schemas; each branch returns the matching list.
        return { items: catalog[kind] } as never;
      },
    );
  }
}
