import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AttemptLimiter, AuthContext } from '@overcast/core/auth';
import type { Database } from '@overcast/db';
import type { Logger, Queues, Redis, SecretBox, Settings } from '@overcast/runtime';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { RouteAuthz } from './http/authz';

/** What the api needs from the outside world; tests build it against real services. */
export interface AppDeps {
  settings: Settings;
  db: Database;
  /** Fail-fast connection for readiness and rate limits. */
  redis: Redis;
  logger: Logger;
  /** Opens and seals credentials with the key from settings. */
  box: SecretBox;
  /** Where polls, script runs and schedule jobs are handed to the worker; opened on first use. */
  queues: Queues;
}

/** What route plugins are given: the outside world, plus the api's own long-lived parts. */
export interface ApiContext extends AppDeps {
  /** Open terminals and streams, closed when their holder's access ends. */
  sockets: import('./events/socket-access').SocketAccess;
  hub: import('./events/hub').EventHub;
  /** This process's Prometheus metrics: open terminals and streams are counted where they open. */
  metrics: import('./metrics').ApiMetrics;
}

/** One resource's routes, mounted under `/api/v1/<prefix>` (see routes/index.ts). */
export type RoutePlugin = (app: App, ctx: ApiContext) => void;

/** The api's Fastify instance: request types flow from the TypeBox route schemas. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Null when the request carries no valid session or token. */
    auth: AuthContext | null;
    /** The logged-in caller, on routes whose authz is not 'public' (answers 401 otherwise). */
    readonly caller: AuthContext;
  }
  interface FastifyInstance {
    /** Every route the app serves with its authorization, so tests can hold the whole table to rules. */
    routeTable: { method: string; url: string; authz: RouteAuthz | undefined }[];
    /** For authorization, which loads a resource's cloud and tags when a limited policy needs them. */
    db: Database;
    eventHub: import('./events/hub').EventHub;
    /** Rate limits and backoffs for everything guessable: passwords, codes, tokens, invite links. */
    attempts: AttemptLimiter;
  }
  interface FastifyContextConfig {
    /** Who may call the route; required on every /api/v1 route (http/authz.ts). */
    authz?: RouteAuthz;
  }
}
