import { PassThrough } from 'node:stream';
import { type ContainerCreateLine, CreateContainerRequest, IdParams } from '@overcast/contracts';
import { createContainer, engineFacts } from '@overcast/core/containers';
import { DomainError } from '@overcast/core/errors';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../../context';
import { byId, inCloud, may } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { route } from '../../http/route';

/** A Docker cloud's engine: its facts, and containers created on it. */
export const engineRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    '/:id/engine',
    route(
      "A Docker cloud's engine: version, CPUs, memory and container counts, read live",
      may('clouds', 'read', byId),
      { params: IdParams, response: { 200: T.Ref('EngineFacts') } },
    ),
    async (request) => engineFacts(ctx, request.caller.organizationId, request.params.id),
  );

  // Progress lines must leave as they come, not wait in a compressor's buffer.
  app.post(
    '/:id/containers',
    {
      ...route(
        'Create a container on a Docker cloud, pulling its image when needed. Answers newline-delimited JSON: ' +
          '{"type":"progress",status,layer,current,total} lines while pulling, then {"type":"done",machineId,name} ' +
          'or {"type":"error",error:{code,message}}. Refusals found before any progress are plain HTTP errors.',
        may('machines', 'create', inCloud),
        {
          params: IdParams,
          body: CreateContainerRequest,
          response: {
            200: T.Unsafe<PassThrough>({ type: 'string', description: 'application/x-ndjson lines' }),
          },
        },
      ),
      compress: false,
    },
    async (request, reply) => {
      const out = new PassThrough();
      const line = (l: ContainerCreateLine) => out.write(`${JSON.stringify(l)}\n`);
      let streaming = false;
      let startStream: () => void = () => {};
      const started = new Promise<void>((resolve) => {
        startStream = resolve;
      });
      const work = createContainer(
        ctx,
        orgActorOf(request),
        request.params.id,
        request.body,
        request.caller,
        (p) => {
          streaming = true;
          startStream();
          line({ type: 'progress', ...p });
        },
      );
      // Until the first progress line, a failure is an ordinary HTTP error.
      const first = await Promise.race([work.then((m) => ({ m })), started.then(() => null)]);
      if (first && !streaming) {
        line({ type: 'done', machineId: first.m.id, name: first.m.name });
        out.end();
      } else {
        work
          .then((m) => line({ type: 'done', machineId: m.id, name: m.name }))
          .catch((err) => {
            const e =
              err instanceof DomainError
                ? { code: err.code, message: err.message }
                : { code: 'internal_error', message: 'Creating the container failed; try again.' };
            if (!(err instanceof DomainError)) request.log.error({ err }, 'container create failed');
            line({ type: 'error', error: e });
          })
          .finally(() => out.end());
      }
      return reply.status(200).type('application/x-ndjson; charset=utf-8').send(out);
    },
  );
};
