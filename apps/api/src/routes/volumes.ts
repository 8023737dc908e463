import { AttachVolumeRequest, IdParams, VolumeList, VolumeListQuery } from '@overcast/contracts';
import { attachVolume, deleteVolume, listVolumes } from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { byId } from '../http/authz';
import { authOf, orgActorOf } from '../http/caller';
import { actionDepsOf } from './machines/action-deps';

const Accepted = { 202: T.Object({ accepted: T.Boolean() }) };

/** Volumes across clouds; they are created in a cloud (clouds/contents.ts). */
export const volumeRoutes: RoutePlugin = (app, ctx) => {
  const actionDeps = actionDepsOf(ctx);

  app.get(
    '',
    {
      schema: {
        summary: 'Volumes across every cloud, a page at a time, with search and filters',
        querystring: VolumeListQuery,
        response: { 200: VolumeList },
      },
      config: { authz: { kind: 'volumes', action: 'read' } },
    },
    async (request) => {
      const auth = authOf(request);
      return listVolumes(ctx.db, auth.organizationId, auth, request.query);
    },
  );

  for (const attach of [true, false]) {
    app.post(
      `/:id/${attach ? 'attach' : 'detach'}`,
      {
        schema: {
          summary: attach
            ? 'Attach a volume to a machine of the same cloud'
            : 'Detach a volume from a machine',
          params: IdParams,
          body: AttachVolumeRequest,
          response: Accepted,
        },
        config: { authz: { kind: 'volumes', action: 'act', target: byId } },
      },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const { machineId } = request.body as { machineId: string };
        await attachVolume(actionDeps, orgActorOf(request), id, machineId, attach);
        return reply.status(202).send({ accepted: true });
      },
    );
  }

  app.delete(
    '/:id',
    {
      schema: { summary: 'Delete a detached volume', params: IdParams, response: Accepted },
      config: { authz: { kind: 'volumes', action: 'delete', target: byId } },
    },
    async (request, reply) => {
      await deleteVolume(actionDeps, orgActorOf(request), request.params.id);
      return reply.status(202).send({ accepted: true });
    },
  );
};
