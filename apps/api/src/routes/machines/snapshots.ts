import {
  CloneRequest,
  CreateSnapshotRequest,
  IdParams,
  Machine,
  ResizeOptions,
  ResizeRequest,
  SnapshotList,
  SnapshotParams,
} from '@overcast/contracts';
import {
  cloneMachine,
  createSnapshot,
  deleteSnapshot,
  listSnapshots,
  resizeMachine,
  resizeOptions,
  revertSnapshot,
} from '@overcast/core/machines';
import { Type as T } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../../context';
import { byId, inCloudOfMachine, may } from '../../http/authz';
import { orgActorOf } from '../../http/caller';
import { Accepted, accepted, created, NoContent, noContent } from '../../http/reply';
import { route } from '../../http/route';

/** Who the change is done for: the caller, checked again by core as it runs. */
const you = (request: FastifyRequest) => ({ label: 'you', principal: request.caller });

/**
 * A machine's snapshots, resizing and cloning, where its provider has them (`features.snapshots`,
 * `features.resize`, `features.clone`); a provider without them answers 400 with the reason.
 */
export const machineSnapshotRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    '/:id/snapshots',
    route("The machine's snapshots at its provider, newest first", may('machines', 'read', byId), {
      params: IdParams,
      response: { 200: SnapshotList },
    }),
    async (request) => listSnapshots(ctx, orgActorOf(request), request.params.id, you(request)),
  );

  app.post(
    '/:id/snapshots',
    route(
      'Take a snapshot; it is listed as creating until the provider is done',
      may('machines', 'act', byId),
      {
        params: IdParams,
        body: CreateSnapshotRequest,
        response: Accepted,
      },
    ),
    async (request, reply) =>
      accepted(
        reply,
        createSnapshot(ctx, orgActorOf(request), request.params.id, request.body.name, you(request)),
      ),
  );

  // Reverting replaces the machine's disk as it is now: as final as destroying it.
  app.post(
    '/:id/snapshots/:sid/revert',
    route(
      'Bring the machine back to a snapshot (its current disk is lost)',
      may('machines', 'delete', byId),
      {
        params: SnapshotParams,
        response: NoContent,
      },
    ),
    async (request, reply) => {
      const { id, sid } = request.params;
      return noContent(reply, revertSnapshot(ctx, orgActorOf(request), id, sid, you(request)));
    },
  );

  app.delete(
    '/:id/snapshots/:sid',
    route("Delete one of the machine's snapshots", may('machines', 'delete', byId), {
      params: SnapshotParams,
      response: NoContent,
    }),
    async (request, reply) => {
      const { id, sid } = request.params;
      return noContent(reply, deleteSnapshot(ctx, orgActorOf(request), id, sid, you(request)));
    },
  );

  app.get(
    '/:id/resize-options',
    route(
      'Sizes the machine can be resized to (same cloud and location), cheapest first, with the price difference',
      may('machines', 'read', byId),
      { params: IdParams, response: { 200: ResizeOptions } },
    ),
    async (request) => resizeOptions(ctx, orgActorOf(request), request.params.id, you(request)),
  );

  app.post(
    '/:id/resize',
    route('Resize a stopped machine; answers once the provider is done', may('machines', 'edit', byId), {
      params: IdParams,
      body: ResizeRequest,
      response: NoContent,
    }),
    async (request, reply) =>
      noContent(
        reply,
        resizeMachine(ctx, orgActorOf(request), request.params.id, request.body.size, you(request)),
      ),
  );

  // A clone is a new machine in the source's cloud: seeing the source and creating machines there.
  // Core checks the latter again as it runs, with the quotas every creation passes.
  app.post(
    '/:id/clone',
    route(
      'Copy a stopped machine, disks included, into a new stopped machine',
      [may('machines', 'read', byId), may('machines', 'create', inCloudOfMachine)],
      { params: IdParams, body: CloneRequest, response: { 201: T.Ref(Machine) } },
    ),
    async (request, reply) =>
      created(
        reply,
        cloneMachine(ctx, orgActorOf(request), request.params.id, request.body.name, you(request)),
      ),
  );
};
