import { AttachVolumeRequest, IdParams, VolumeList, VolumeListQuery } from '@overcast/contracts';
import { attachVolume, deleteVolume, listVolumes } from '@overcast/core/volumes';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { byId, may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { route } from '../http/route';

const Accepted = { 202: T.Object({ accepted: T.Boolean() }) };

/** Volumes across clouds; they are created in a cloud (clouds/contents.ts). */
export const volumeRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    '',
    route('Volumes across every cloud, a page at a time, with search and filters', may('volumes', 'read'), {
      querystring: VolumeListQuery,
      response: { 200: VolumeList },
    }),
    async (request) => listVolumes(ctx.db, request.caller.organizationId, request.caller, request.query),
  );

  for (const attach of [true, false]) {
    app.post(
      `/:id/${attach ? 'attach' : 'detach'}`,
      route(
        attach ? 'Attach a volume to a machine of the same cloud' : 'Detach a volume from a machine',
        may('volumes', 'act', byId),
        { params: IdParams, body: AttachVolumeRequest, response: Accepted },
      ),
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const { machineId } = request.body as { machineId: string };
        await attachVolume(ctx, orgActorOf(request), id, machineId, attach);
        return reply.status(202).send({ accepted: true });
      },
    );
  }

  app.delete(
    '/:id',
    route('Delete a detached volume', may('volumes', 'delete', byId), {
      params: IdParams,
      response: Accepted,
    }),
    async (request, reply) => {
      await deleteVolume(ctx, orgActorOf(request), request.params.id);
      return reply.status(202).send({ accepted: true });
    },
  );
};
