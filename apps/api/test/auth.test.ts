import { setTimeout as sleep } from 'node:timers/promises';
import { base32Decode, totpCode } from '@overcast/core/auth';
import { hashToken } from '@overcast/core/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import { apiTokenOf, createOrgWithUser, login, startTestApi, uniqueEmail, uniqueIp } from './support/harness';

let api: TestApi;
let user: TestUser;

beforeAll(async () => {
  api = await startTestApi({
    OVERCAST_LOGIN_MAX_ATTEMPTS: '5',
    OVERCAST_LOGIN_WINDOW_SECONDS: '60',
    OVERCAST_LOGIN_BACKOFF_MAX_SECONDS: '2',
    OVERCAST_TOKENS_MAX_INVALID_PER_WINDOW: '3',
  });
  user = await createOrgWithUser(api.db);
});
afterAll(() => api.close());

const loginAs = (
  email: string,
  password: string,
  ip = uniqueIp(),
  extra: { otp?: string; forwardedFor?: string } = {},
) =>
  api.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password, ...(extra.otp ? { otp: extra.otp } : {}) },
    headers: extra.forwardedFor ? { 'x-forwarded-for': extra.forwardedFor } : {},
    remoteAddress: ip,
  });

const retryAfter = (res: { headers: Record<string, unknown> }) => Number(res.headers['retry-after']);

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
    // Different accounts each time: this is the address's limit, not an account's.
    for (let i = 0; i < 5; i++)
      expect((await loginAs(uniqueEmail('guess'), 'wrong-password', ip)).statusCode).toBe(401);
    const limited = await loginAs(user.email, user.password, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await loginAs(user.email, user.password)).statusCode).toBe(200);
  });
});

describe('client address', () => {
  it('a rotating X-Forwarded-For does not dodge the per-address login limit', async () => {
    const ip = uniqueIp();
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await loginAs(uniqueEmail('guess'), 'wrong-password', ip, {
        forwardedFor: `198.51.100.${i}`,
      });
      answers.push(res.statusCode);
    }
    expect(answers).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('a rotating X-Forwarded-For does not dodge the limit on bad API tokens', async () => {
    const ip = uniqueIp();
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await api.app.inject({
        url: '/api/v1/me',
        headers: { authorization: `Bearer oc_guess${i}`, 'x-forwarded-for': `198.51.100.${i}` },
        remoteAddress: ip,
      });
      answers.push(res.statusCode);
    }
    expect(answers).toEqual([401, 401, 401, 429]);
  });

  it('the audit trail records the connecting address, not one a header claims', async () => {
    const ip = uniqueIp();
    const res = await loginAs(user.email, user.password, ip, { forwardedFor: '203.0.113.66' });
    expect(res.statusCode).toBe(200);
    const events = await api.db.prisma.auditEvent.findMany({
      where: { action: 'auth.login', actorUserId: user.userId, ip: { in: [ip, '203.0.113.66'] } },
    });
    expect(events.map((e) => e.ip)).toEqual([ip]);
    const sessionId = events[0]!.resourceId!;
    expect((await api.db.prisma.session.findUniqueOrThrow({ where: { id: sessionId } })).ip).toBe(ip);
  });

  it('behind a trusted proxy, the address it forwards is the client', async () => {
    const proxy = '192.0.2.10';
    const behind = await startTestApi({ OVERCAST_TRUSTED_PROXIES: `${proxy}, 192.0.2.128/25` });
    try {
      const someone = await createOrgWithUser(behind.db);
      const via = (remoteAddress: string, forwardedFor: string) =>
        behind.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: someone.email, password: someone.password },
          headers: { 'x-forwarded-for': forwardedFor },
          remoteAddress,
        });
      // A client may send its own X-Forwarded-For; the proxy appends the address it saw.
      expect((await via(proxy, '203.0.113.1, 203.0.113.7')).statusCode).toBe(200);
      // An untrusted peer's header is ignored.
      const direct = uniqueIp();
      expect((await via(direct, '203.0.113.8')).statusCode).toBe(200);
      const ips = await behind.db.prisma.auditEvent.findMany({
        where: { action: 'auth.login', actorUserId: someone.userId },
        orderBy: { id: 'asc' },
        select: { ip: true },
      });
      expect(ips.map((e) => e.ip)).toEqual(['203.0.113.7', direct]);
    } finally {
      await behind.close();
    }
  });
});

describe('per-account backoff', () => {
  it('wrong passwords from many addresses back the account off; the owner gets in after the wait', async () => {
    const victim = await createOrgWithUser(api.db);
    const answers: number[] = [];
    // Every guess from another address, as a botnet (or a forged header) would.
    for (let i = 0; i < 5; i++) answers.push((await loginAs(victim.email, `wrong-${i}-password`)).statusCode);
    const guess = await loginAs(victim.email, 'wrong-5-password');
    const right = await loginAs(victim.email, victim.password);
    expect(answers).toEqual([401, 401, 401, 401, 401]);
    expect(guess.statusCode).toBe(429);
    // Even the right password waits: otherwise the guesser would learn it.
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe('rate_limited');
    expect(retryAfter(right)).toBeGreaterThanOrEqual(1);

    await sleep(retryAfter(right) * 1000 + 100);
    // Each further failure doubles the wait, up to login.backoffMaxSeconds (2 here).
    expect((await loginAs(victim.email, 'wrong-6-password')).statusCode).toBe(401);
    const doubled = await loginAs(victim.email, victim.password);
    expect(doubled.statusCode).toBe(429);
    expect(retryAfter(doubled)).toBe(2);
    await sleep(2100);
    expect((await loginAs(victim.email, 'wrong-7-password')).statusCode).toBe(401);
    const capped = await loginAs(victim.email, victim.password);
    expect(retryAfter(capped)).toBe(2);

    await sleep(2100);
    expect((await loginAs(victim.email, victim.password)).statusCode).toBe(200);
    // A success clears the count: the next wrong guess is answered, not delayed.
    expect((await loginAs(victim.email, 'wrong-8-password')).statusCode).toBe(401);
  });

  it('an unknown email backs off like a real one, so a 429 tells nothing', async () => {
    const ghost = uniqueEmail('ghost');
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await loginAs(ghost, `wrong-${i}-password`)).statusCode);
    expect(answers).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('changing the password and turning off two-factor share the account backoff', async () => {
    const victim = await createOrgWithUser(api.db);
    const cookie = await login(api, victim);
    const change = (currentPassword: string) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: { cookie },
        payload: { currentPassword, newPassword: 'a-brand-new-passphrase' },
        remoteAddress: uniqueIp(),
      });
    for (let i = 0; i < 3; i++) expect((await change(`wrong-${i}-password`)).statusCode).toBe(403);
    for (let i = 3; i < 5; i++)
      expect((await loginAs(victim.email, `wrong-${i}-password`)).statusCode).toBe(401);
    const disable = await api.app.inject({
      method: 'POST',
      url: '/api/v1/me/totp/disable',
      headers: { cookie },
      payload: { password: 'wrong-5-password' },
      remoteAddress: uniqueIp(),
    });
    expect(disable.statusCode).toBe(429);
    expect((await change(victim.password)).statusCode).toBe(429);
  });
});

/** Turns two-factor on for a user through the API; returns the key and the recovery codes. */
async function enrolTotp(cookie: string): Promise<{ key: Buffer; codes: string[] }> {
  const start = await api.app.inject({ method: 'POST', url: '/api/v1/me/totp', headers: { cookie } });
  const key = base32Decode(start.json().secret);
  const confirmed = await api.app.inject({
    method: 'POST',
    url: '/api/v1/me/totp/confirm',
    headers: { cookie },
    payload: { code: totpCode(key) },
  });
  expect(confirmed.statusCode).toBe(200);
  return { key, codes: confirmed.json().codes };
}

/** A six-digit code that is not the right one at any step a login would accept. */
function wrongCode(key: Buffer, i: number): string {
  const valid = new Set([-1, 0, 1].map((d) => totpCode(key, Date.now() + d * 30_000)));
  let n = 100_000 + i * 7919;
  while (valid.has(String(n))) n++;
  return String(n);
}

describe('two-factor', () => {
  it('a code logs in once: replaying it, even at once, is refused', async () => {
    const someone = await createOrgWithUser(api.db);
    const { key } = await enrolTotp(await login(api, someone));
    // The enrolment spent this step's code; the next step's is accepted (clock drift).
    expect(
      (await loginAs(someone.email, someone.password, uniqueIp(), { otp: totpCode(key) })).statusCode,
    ).toBe(401);
    const next = totpCode(key, Date.now() + 30_000);
    expect((await loginAs(someone.email, someone.password, uniqueIp(), { otp: next })).statusCode).toBe(200);
    const replay = await loginAs(someone.email, someone.password, uniqueIp(), { otp: next });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('invalid_totp');
  });

  it('wrong codes from many addresses back the account off, and so do wrong recovery codes', async () => {
    const someone = await createOrgWithUser(api.db);
    const { key, codes } = await enrolTotp(await login(api, someone));
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await loginAs(someone.email, someone.password, uniqueIp(), { otp: wrongCode(key, i) });
      answers.push(res.statusCode);
    }
    expect(answers).toEqual([401, 401, 401, 401, 401]);
    const right = await loginAs(someone.email, someone.password, uniqueIp(), {
      otp: totpCode(key, Date.now() + 30_000),
    });
    expect(right.statusCode).toBe(429);
    const recovery = await loginAs(someone.email, someone.password, uniqueIp(), { otp: codes[0] });
    expect(recovery.statusCode).toBe(429);
    await sleep(retryAfter(recovery) * 1000 + 100);

    // After the wait, wrong recovery codes count the same way; the refused one was not spent.
    expect(
      (await loginAs(someone.email, someone.password, uniqueIp(), { otp: 'aaaaa-bbbbb' })).statusCode,
    ).toBe(401);
    expect((await loginAs(someone.email, someone.password, uniqueIp(), { otp: codes[0] })).statusCode).toBe(
      429,
    );
    await sleep(2100);
    expect((await loginAs(someone.email, someone.password, uniqueIp(), { otp: codes[0] })).statusCode).toBe(
      200,
    );
  });
});

describe('account', () => {
  const changePassword = (cookie: string, currentPassword: string, newPassword: string) =>
    api.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: { cookie },
      payload: { currentPassword, newPassword },
      remoteAddress: uniqueIp(),
    });

  it('changing the password needs the current one, refuses weak ones and logs out the other sessions', async () => {
    const someone = await createOrgWithUser(api.db);
    const here = await login(api, someone);
    const elsewhere = await login(api, someone);
    const before = (await api.db.prisma.user.findUniqueOrThrow({ where: { id: someone.userId } }))
      .passwordHash;

    for (const weak of ['password12', 'aaaaaaaaaa', 'short']) {
      const res = await changePassword(here, someone.password, weak);
      expect(res.statusCode, weak).toBe(400);
      expect(res.json().error.code).toBe('weak_password');
    }
    const wrong = await changePassword(here, 'not-my-password', 'a-brand-new-passphrase');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.message).toMatch(/current password/);
    expect((await api.db.prisma.user.findUniqueOrThrow({ where: { id: someone.userId } })).passwordHash).toBe(
      before,
    );
    expect((await api.app.inject({ url: '/api/v1/me', headers: { cookie: elsewhere } })).statusCode).toBe(
      200,
    );

    const changed = await changePassword(here, someone.password, 'a-brand-new-passphrase');
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ endedSessions: 1 });
    expect((await api.app.inject({ url: '/api/v1/me', headers: { cookie: elsewhere } })).statusCode).toBe(
      401,
    );
    expect((await api.app.inject({ url: '/api/v1/me', headers: { cookie: here } })).statusCode).toBe(200);
    expect((await loginAs(someone.email, someone.password)).statusCode).toBe(401);
    expect((await loginAs(someone.email, 'a-brand-new-passphrase')).statusCode).toBe(200);
    const event = await api.db.prisma.auditEvent.findFirst({
      where: { action: 'auth.password_change', actorUserId: someone.userId },
    });
    expect(event?.details).toEqual({ endedSessions: 1 });
  });

  it('an API token cannot change the password', async () => {
    const { token } = await apiTokenOf(api, user, 'full');
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: { authorization: `Bearer ${token}` },
      payload: { currentPassword: user.password, newPassword: 'a-brand-new-passphrase' },
    });
    expect(res.statusCode).toBe(403);
    expect((await loginAs(user.email, user.password)).statusCode).toBe(200);
  });

  it('one changes one’s name; a bad one is refused and changes nothing', async () => {
    const someone = await createOrgWithUser(api.db);
    const cookie = await login(api, someone);
    const rename = (payload: object) =>
      api.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { cookie }, payload });
    const renamed = await rename({ name: '  Ada Lovelace ' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().user.name).toBe('Ada Lovelace');
    expect((await api.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().user.name).toBe(
      'Ada Lovelace',
    );
    for (const bad of [
      { name: 'x'.repeat(201) },
      { name: 'tab\there' },
      { name: 3 },
      { name: 'A', email: 'x@y' },
    ]) {
      expect((await rename(bad)).statusCode, JSON.stringify(bad)).toBe(400);
    }
    const members = await api.app.inject({ url: '/api/v1/members', headers: { cookie } });
    expect(members.json().items.find((m: { userId: string }) => m.userId === someone.userId).name).toBe(
      'Ada Lovelace',
    );
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
    const { token, id } = await apiTokenOf(api, user, 'ci');
    const res = await api.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json().via).toBe('token');
    const row = await api.db.prisma.apiToken.findUniqueOrThrow({ where: { id } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.tokenHash).not.toContain(token);
  });

  it('refuse unknown, revoked and expired tokens, and a malformed header', async () => {
    const revoked = await apiTokenOf(api, user, 'revoked');
    await api.db.prisma.apiToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    const expired = await apiTokenOf(api, user, 'expired', 'full', new Date(Date.now() - 1000));
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
    const { token } = await apiTokenOf(api, user, 'read', 'read');
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
