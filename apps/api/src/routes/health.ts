import { Health, Readiness } from '@overcast/contracts';
import type { Runtime } from '@overcast/runtime';
import { pingRedis } from '@overcast/runtime';
import type { App } from '../context';

const CHECK_TIMEOUT_MS = 2_000;

/** 'ok' or 'down'; why it is down goes to the log, never into the public answer. */
async function check(what: string, log: App['log'], probe: () => Promise<unknown>): Promise<'ok' | 'down'> {
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
    log.warn({ check: what, err: (err as Error).message }, 'readiness check failed');
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: App, runtime: Runtime): void {
  app.get(
    '/healthz',
    {
      schema: { tags: ['health'], summary: 'The process is up', response: { 200: Health } },
      config: { authz: 'public' },
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
      config: { authz: 'public' },
    },
    async (request, reply) => {
      const [database, redis] = await Promise.all([
        check('database', request.log, () => runtime.db.pool.query('SELECT 1')),
        check('redis', request.log, () => pingRedis(runtime.redis, CHECK_TIMEOUT_MS)),
      ]);
      const ok = database === 'ok' && redis === 'ok';
      return reply
        .status(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'unavailable', checks: { database, redis } });
    },
  );
}
