import type { FastifyRequest } from 'fastify';
import { authOf } from './caller';

/** Loads what the route's `:id` names in an organization; a row of another organization is a 404. */
export type LoadInOrg<Ctx, T> = (ctx: Ctx, organizationId: string, id: string) => Promise<T>;

const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

/** A handler that answers with the caller's organization's thing named by `:id`. */
export const oneInOrg =
  <Ctx, T>(ctx: Ctx, load: LoadInOrg<Ctx, T>) =>
  (request: FastifyRequest): Promise<T> =>
    load(ctx, authOf(request).organizationId, idOf(request));

/** A handler that answers `{ items }`: the list of what `:id` has in the caller's organization. */
export const itemsInOrg =
  <Ctx, T>(ctx: Ctx, list: LoadInOrg<Ctx, T[]>) =>
  async (request: FastifyRequest): Promise<{ items: T[] }> => ({
    items: await list(ctx, authOf(request).organizationId, idOf(request)),
  });
