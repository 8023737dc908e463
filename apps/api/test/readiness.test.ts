import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgWithUser, login, startTestApi, type TestApi } from './support/harness';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('health', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('/healthz answers while the process runs; /readyz when Postgres and Redis answer', async () => {
    expect((await api.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await api.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('/readyz fails with 503 naming Redis when Redis is unreachable', async () => {
    const broken = await startTestApi({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}/0` });
    try {
      const started = Date.now();
      const res = await broken.app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      const body = res.json();
      expect(body.status).toBe('unavailable');
      expect(body.checks.postgres).toBe('ok');
      expect(body.checks.redis).not.toBe('ok');
      expect(Date.now() - started).toBeLessThan(3_000);

      // Rate limits and backoffs live in Redis: while it is away they pause, and people still log in.
      const user = await createOrgWithUser(broken.db);
      const wrong = await broken.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: 'not-the-password' },
      });
      expect(wrong.statusCode).toBe(401);
      expect(await login(broken, user)).toMatch(/^overcast_session=/);
    } finally {
      await broken.close();
    }
  });

  it('/readyz fails with 503 naming Postgres when Postgres is unreachable', async () => {
    const broken = await startTestApi({
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${await closedPort()}/x`,
    });
    try {
      const res = await broken.app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.postgres).not.toBe('ok');
      expect(res.json().checks.redis).toBe('ok');
    } finally {
      await broken.close();
    }
  });
});
