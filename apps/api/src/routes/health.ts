import { Health, Readiness } from '@overcast/contracts';
import { pingRedis } from '@overcast/core';
import type { App, AppDeps } from '../context';

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return 'ok';
  } catch (err) {
    return (err as Error).message || 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/healthz',
    {
      schema: { tags: ['health'], summary: 'The process is up', response: { 200: Health } },
      config: { auth: 'public' },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Postgres and Redis are reachable',
        response: { 200: Readiness, 503: Readiness },
      },
      config: { auth: 'public' },
    },
    async (_request, reply) => {
      const [postgres, redis] = await Promise.all([
        check(() => deps.db.pool.query('SELECT 1')),
        check(() => pingRedis(deps.redis, CHECK_TIMEOUT_MS)),
      ]);
      const ok = postgres === 'ok' && redis === 'ok';
      return reply
        .status(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'unavailable', checks: { postgres, redis } });
    },
  );
}
