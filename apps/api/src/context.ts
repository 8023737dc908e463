import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AttemptLimiter, AuthContext } from '@overcast/core/auth';
import type { Database } from '@overcast/db';
import type { Logger, Redis, SecretBox, Settings } from '@overcast/runtime';
import type { Queue } from 'bullmq';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';

/** What the api needs from the outside world; tests build it against real services. */
export interface AppDeps {
  settings: Settings;
  db: Database;
  /** Fail-fast connection for readiness and rate limits. */
  redis: Redis;
  logger: Logger;
  /** Opens and seals credentials with the key from settings. */
  box: SecretBox;
  /** Where "refresh now" and post-action polls are enqueued. */
  pollQueue: Queue;
}

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
  }
  interface FastifyInstance {
    routeTable: { method: string; url: string }[];
    /** For authorize(), which loads a resource's cloud and tags when a limited policy needs them. */
    db: Database;
    eventHub: import('./events/hub').EventHub;
    /** Rate limits and backoffs for everything guessable: passwords, codes, tokens, invite links. */
    attempts: AttemptLimiter;
  }
  interface FastifyContextConfig {
    /** 'public' routes need no login; every other /api route does. */
    auth?: 'public' | 'required';
  }
}
