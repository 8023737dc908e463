import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createOrgWithUser, login, startTestApi, useTestApi } from './support/harness';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('health', () => {
  const api = useTestApi();

  it('/healthz answers while the process runs; /readyz when Postgres and Redis answer', async () => {
    expect((await api().app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await api().app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  });

  it('/readyz fails with 503 naming Redis when Redis is unreachable', async () => {
    const broken = await startTestApi({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}/0` });
    try {
      const started = Date.now();
      const res = await broken.app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      const body = res.json();
      expect(body).toEqual({ status: 'unavailable', checks: { database: 'ok', redis: 'down' } });
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

  it('with Postgres down: /readyz says only "database down"; database routes answer 503 with Retry-After', async () => {
    const port = await closedPort();
    const broken = await startTestApi({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/x` });
    try {
      const res = await broken.app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      // A public page: the error text (address, port, errno) is for the logs, not for anyone asking.
      expect(res.json()).toEqual({ status: 'unavailable', checks: { database: 'down', redis: 'ok' } });
      expect(res.body).not.toMatch(/ECONN|127\.0\.0\.1|5432|\d{4,5}/);

      const requests = [
        {
          method: 'POST' as const,
          url: '/api/v1/auth/login',
          payload: { email: 'a@example.com', password: 'pw' },
        },
        {
          method: 'GET' as const,
          url: '/api/v1/me',
          headers: { authorization: 'Bearer oc_0123456789abcdef' },
        },
        {
          method: 'POST' as const,
          url: '/api/v1/invitations/lookup',
          payload: { token: '0123456789abcdef0123456789abcdef' },
        },
      ];
      for (const r of requests) {
        const answer = await broken.app.inject({ ...r, remoteAddress: '10.1.2.3' });
        expect(answer.statusCode, r.url).toBe(503);
        expect(answer.headers['retry-after'], r.url).toMatch(/^\d+$/);
        expect(answer.json(), r.url).toEqual({
          error: {
            code: 'database_unavailable',
            message: expect.stringContaining('database is unavailable'),
          },
        });
        expect(answer.body).not.toContain(String(port));
      }
    } finally {
      await broken.close();
    }
  });
});
