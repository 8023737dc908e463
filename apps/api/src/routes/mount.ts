import { ErrorBody } from '@overcast/contracts';
import type { RouteOptions } from 'fastify';
import type { ApiContext, App, RoutePlugin } from '../context';

/**
 * The error answers every /api/v1 route can give, for its OpenAPI response list. By class rather
 * than by status: one serializer each per route keeps startup quick.
 */
const ERROR_RESPONSES = { '4xx': ErrorBody, '5xx': ErrorBody };

/** Marks a tag given by a mount rather than by the route, so a nested mount may replace it. */
const DEFAULT_TAG = Symbol('defaultTag');

/**
 * Mounts a resource's routes under `prefix` (relative to the parent's). Each route gets the
 * resource's tag (unless it names its own) and the common error answers, and must declare its
 * authorization: a route without `config.authz` is an error at startup.
 */
export function mount(app: App, ctx: ApiContext, prefix: string, tag: string, plugin: RoutePlugin): void {
  app.register(
    async (scoped) => {
      scoped.addHook('onRoute', (route: RouteOptions) => {
        if (!route.config?.authz) throw new Error(`${route.method} ${route.url} declares no config.authz`);
        route.schema ??= {};
        const schema = route.schema as NonNullable<RouteOptions['schema']> & { [DEFAULT_TAG]?: true };
        if (!schema.tags || schema[DEFAULT_TAG]) {
          schema.tags = [tag];
          schema[DEFAULT_TAG] = true;
        }
        schema.response = { ...ERROR_RESPONSES, ...(schema.response as object | undefined) };
      });
      plugin(scoped as unknown as App, ctx);
    },
    { prefix },
  );
}
