import type { FastifySchema } from 'fastify';
import type { RouteAuthz } from './authz';

/**
 * A route's options from what differs between routes: its OpenAPI summary, who may call it
 * (`config.authz`, enforced before the handler) and the rest of its schema. Tags and the common
 * error answers are added where the resource is mounted (routes/mount.ts).
 *
 *   app.get('/:id', route('One rule', may('rules', 'read', byId), { params: IdParams }), handler)
 */
export const route = <S extends FastifySchema>(summary: string, authz: RouteAuthz, schema?: S) => ({
  schema: { summary, ...schema } as S & { summary: string },
  config: { authz },
});
