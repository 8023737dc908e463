import { createApiToken, hashToken } from '@overcast/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrgWithUser,
  login,
  startTestApi,
  type TestApi,
  type TestUser,
  uniqueIp,
} from './support/harness';

let api: TestApi;
let user: TestUser;

beforeAll(async () => {
  api = await startTestApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '5', OVERCAST_LOGIN_WINDOW_SECONDS: '60' });
  user = await createOrgWithUser(api.db);
});
afterAll(() => api.close());

const loginAs = (email: string, password: string, ip = uniqueIp()) =>
  api.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
  });

describe('login', () => {
  it('sets an HttpOnly SameSite session cookie and returns who logged in', async () => {
    const res = await loginAs(user.email.toUpperCase(), user.password);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user.email).toBe(user.email);
    expect(body.organization.id).toBe(user.organizationId);
    expect(body.role).toBe('owner');
    const cookie = res.cookies.find((c) => c.name === 'overcast_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    // Only a hash of the token is stored.
    const token = cookie.value.slice(0, cookie.value.lastIndexOf('.'));
    expect(await api.db.prisma.session.count({ where: { tokenHash: token } })).toBe(0);
    expect(await api.db.prisma.session.count({ where: { tokenHash: hashToken(token) } })).toBe(1);
  });

  it('refuses a wrong password and an unknown email with the same answer, and audits both', async () => {
    const wrong = await loginAs(user.email, 'not-the-password');
    const unknown = await loginAs('nobody-here@example.com', 'whatever-password');
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'invalid_credentials', message: 'Wrong email or password.' },
      });
      expect(res.cookies).toHaveLength(0);
    }
    const failures = await api.db.prisma.auditEvent.findMany({
      where: {
        action: 'auth.login',
        result: 'failure',
        actorLabel: { in: [user.email, 'nobody-here@example.com'] },
      },
    });
    expect(failures.map((f) => f.actorLabel).sort()).toEqual(['nobody-here@example.com', user.email].sort());
  });

  it('audits a successful login with the address it came from', async () => {
    const ip = uniqueIp();
    expect((await loginAs(user.email, user.password, ip)).statusCode).toBe(200);
    const event = await api.db.prisma.auditEvent.findFirst({
      where: { action: 'auth.login', result: 'success', actorUserId: user.userId, ip },
    });
    expect(event?.organizationId).toBe(user.organizationId);
  });

  it('rate-limits repeated attempts from one address with 429 and Retry-After', async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 5; i++)
      expect((await loginAs(user.email, 'wrong-password', ip)).statusCode).toBe(401);
    const limited = await loginAs(user.email, user.password, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await loginAs(user.email, user.password)).statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('/me answers for a session and 401 without one', async () => {
    const cookie = await login(api, user);
    const me = await api.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().via).toBe('session');
    const anon = await api.app.inject({ url: '/api/v1/me' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.code).toBe('unauthenticated');
  });

  it('an expired session is refused', async () => {
    const cookie = await login(api, user);
    const token = cookie.split('=')[1]!.split('.')[0]!;
    await api.db.prisma.session.update({
      where: { tokenHash: hashToken(token) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await api.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(res.statusCode).toBe(401);
  });

  it('a tampered cookie is refused', async () => {
    const cookie = await login(api, user);
    const res = await api.app.inject({ url: '/api/v1/me', headers: { cookie: `${cookie.slice(0, -2)}xx` } });
    expect(res.statusCode).toBe(401);
  });

  it('logout ends the session for good', async () => {
    const cookie = await login(api, user);
    const out = await api.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect((await api.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('API tokens', () => {
  it('authenticate with Authorization: Bearer and record last use', async () => {
    const { token, id } = await createApiToken(api.db, {
      organizationId: user.organizationId,
      userId: user.userId,
      name: 'ci',
      scope: 'full',
    });
    const res = await api.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json().via).toBe('token');
    const row = await api.db.prisma.apiToken.findUniqueOrThrow({ where: { id } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.tokenHash).not.toContain(token);
  });

  it('refuse unknown, revoked and expired tokens, and a malformed header', async () => {
    const revoked = await createApiToken(api.db, {
      organizationId: user.organizationId,
      userId: user.userId,
      name: 'revoked',
      scope: 'full',
    });
    await api.db.prisma.apiToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    const expired = await createApiToken(api.db, {
      organizationId: user.organizationId,
      userId: user.userId,
      name: 'expired',
      scope: 'full',
      expiresAt: new Date(Date.now() - 1000),
    });
    for (const header of [
      `Bearer oc_unknown`,
      `Bearer ${revoked.token}`,
      `Bearer ${expired.token}`,
      'Basic abc',
    ]) {
      const res = await api.app.inject({ url: '/api/v1/me', headers: { authorization: header } });
      expect(res.statusCode, header).toBe(401);
      expect(res.json().error.message).toBeTruthy();
    }
  });

  it('a read-only token reads but cannot change anything', async () => {
    const { token } = await createApiToken(api.db, {
      organizationId: user.organizationId,
      userId: user.userId,
      name: 'read',
      scope: 'read',
    });
    const headers = { authorization: `Bearer ${token}` };
    expect((await api.app.inject({ url: '/api/v1/clouds', headers })).statusCode).toBe(200);
    const write = await api.app.inject({
      method: 'POST',
      url: '/api/v1/clouds',
      headers,
      payload: { provider: 'digitalocean', title: 'nope', credentials: { token: 'x' } },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.message).toContain('read-only');
    expect(await api.db.prisma.cloud.count({ where: { organizationId: user.organizationId } })).toBe(0);
  });
});

describe('roles', () => {
  it('a member may not add clouds; the refusal says who may', async () => {
    const member = await createOrgWithUser(api.db, 'member');
    const cookie = await login(api, member);
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/clouds',
      headers: { cookie },
      payload: { provider: 'digitalocean', title: 'nope', credentials: { token: 'x' } },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/Only admins of .* can create clouds; you are a member/);
  });
});
