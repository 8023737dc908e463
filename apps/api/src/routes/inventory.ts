import {
  AttachVolumeRequest,
  CostHistory,
  CostHistoryQuery,
  CostSummary,
  CreateVolumeRequest,
  IdParams,
  Volume,
  VolumeList,
  VolumeListQuery,
} from '@overcast/contracts';
import { costHistory, costSummary } from '@overcast/core/cost';
import { outboundRules } from '@overcast/core/outbound';
import { attachVolume, createVolume, deleteVolume, listVolumes } from '@overcast/core/volumes';
import { Type as T } from '@sinclair/typebox';
import type { App, AppDeps } from '../context';
import { authorize, ERROR_RESPONSES, orgActorOf } from './shared';

const errors = ERROR_RESPONSES;
const Accepted = { 202: T.Object({ accepted: T.Boolean() }), ...errors };

export function inventoryRoutes(app: App, deps: AppDeps): void {
  const { db, box, redis, pollQueue } = deps;
  const actionDeps = { db, box, redis, pollQueue, outbound: outboundRules(deps.settings) };
  app.addSchema(Volume);

  app.get(
    '/api/v1/volumes',
    {
      schema: {
        tags: ['volumes'],
        summary: 'Volumes across every cloud, a page at a time, with search and filters',
        querystring: VolumeListQuery,
        response: { 200: VolumeList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'volumes', 'read');
      return listVolumes(db, auth.organizationId, auth, request.query);
    },
  );

  app.post(
    '/api/v1/clouds/:id/volumes',
    {
      schema: {
        tags: ['volumes'],
        summary: 'Create a volume',
        params: IdParams,
        body: CreateVolumeRequest,
        response: Accepted,
      },
    },
    async (request, reply) => {
      await authorize(request, 'volumes', 'create', { cloudId: request.params.id });
      await createVolume(actionDeps, orgActorOf(request), request.params.id, request.body);
      return reply.status(202).send({ accepted: true });
    },
  );

  for (const attach of [true, false]) {
    app.post(
      `/api/v1/volumes/:id/${attach ? 'attach' : 'detach'}`,
      {
        schema: {
          tags: ['volumes'],
          summary: attach
            ? 'Attach a volume to a machine of the same cloud'
            : 'Detach a volume from a machine',
          params: IdParams,
          body: AttachVolumeRequest,
          response: Accepted,
        },
      },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        await authorize(request, 'volumes', 'act', { id });
        const { machineId } = request.body as { machineId: string };
        await attachVolume(actionDeps, orgActorOf(request), id, machineId, attach);
        return reply.status(202).send({ accepted: true });
      },
    );
  }

  app.delete(
    '/api/v1/volumes/:id',
    {
      schema: {
        tags: ['volumes'],
        summary: 'Delete a detached volume',
        params: IdParams,
        response: Accepted,
      },
    },
    async (request, reply) => {
      await authorize(request, 'volumes', 'delete', { id: request.params.id });
      await deleteVolume(actionDeps, orgActorOf(request), request.params.id);
      return reply.status(202).send({ accepted: true });
    },
  );

  app.get(
    '/api/v1/costs/summary',
    {
      schema: {
        tags: ['costs'],
        summary: 'Monthly run-rate: total, by cloud, by tag',
        response: { 200: CostSummary, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'machines', 'read');
      return costSummary(db, auth.organizationId, auth);
    },
  );

  app.get(
    '/api/v1/costs/history',
    {
      schema: {
        tags: ['costs'],
        summary: 'Daily monthly run-rate over the last days (from the daily snapshots)',
        querystring: CostHistoryQuery,
        response: { 200: CostHistory, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'machines', 'read');
      return costHistory(db, auth.organizationId, request.query.days ?? 30, auth);
    },
  );
}
