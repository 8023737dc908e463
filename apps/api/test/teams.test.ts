import { randomBytes } from 'node:crypto';
import { base32Decode, totpCode } from '@overcast/core/auth';
import { publishEvents } from '@overcast/core/events';
import type { Role } from '@overcast/db';
import { createRedis } from '@overcast/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../../test/support/smtp';
import type { Caller, TestApi, TestUser } from './support/harness';
import {
  addMember,
  createOrgWithUser,
  login,
  send,
  startOrgApi,
  startTestApi,
  watchStream,
} from './support/harness';

let api: TestApi;
let owner: TestUser;
let ownerCookie: string;

const hex = (n = 4) => randomBytes(n).toString('hex');

const call = (
  who: Caller,
  method: string,
  url: string,
  payload?: unknown,
  headers?: Record<string, string>,
) => send(api, who, method, url, payload, headers);

const addUser = (organizationId: string, role: Role) => addMember(api, organizationId, role);

async function addCloud(organizationId: string) {
  return api.db.prisma.cloud.create({
    data: { organizationId, provider: 'ssh_host', title: `hosts-${hex()}`, credentials: Buffer.from('x') },
  });
}

async function addMachine(
  organizationId: string,
  cloudId: string,
  name: string,
  tags: Record<string, string> = {},
) {
  const m = await api.db.prisma.machine.create({
    data: { organizationId, cloudId, externalId: `m-${hex()}`, name, state: 'running', providerTags: tags },
  });
  return m.id;
}

async function auditActions(organizationId: string): Promise<{ action: string; result: string }[]> {
  return api.db.prisma.auditEvent.findMany({
    where: { organizationId },
    orderBy: { id: 'asc' },
    select: { action: true, result: true },
  });
}

beforeAll(async () => {
  ({ api, owner, ownerCookie } = await startOrgApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '1000' }));
});
afterAll(() => api?.close());

describe('invitations and members', () => {
  it('an admin invites; the link makes an account, logs it in with the role; removal ends its session', async () => {
    const admin = await addUser(owner.organizationId, 'admin');
    const email = `new-${hex()}@example.com`;
    const invited = await call(admin.cookie, 'POST', '/api/v1/invitations', { email, role: 'member' });
    expect(invited.statusCode).toBe(201);
    const { url, emailed } = invited.json();
    expect(emailed).toBe(false);
    const token = new URL(url).searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(20);
    // Only the hash is stored.
    const stored = await api.db.prisma.invitation.findFirstOrThrow({ where: { email } });
    expect(stored.tokenHash).not.toContain(token);

    const lookup = await call(null, 'POST', '/api/v1/invitations/lookup', { token });
    expect(lookup.json()).toEqual({ organizationName: expect.any(String), email, role: 'member' });

    for (const password of ['short', 'password12', 'aaaaaaaaaa']) {
      const weak = await call(null, 'POST', '/api/v1/invitations/accept', { token, password });
      expect(weak.statusCode, password).toBe(400);
      expect(weak.json().error.code).toBe('weak_password');
    }
    expect(await api.db.prisma.user.count({ where: { email } })).toBe(0);
    const accepted = await call(null, 'POST', '/api/v1/invitations/accept', {
      token,
      password: 'a-long-password-1',
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ user: { email }, role: 'member' });
    const cookie = `overcast_session=${accepted.cookies.find((c) => c.name === 'overcast_session')!.value}`;
    expect((await call(cookie, 'GET', '/api/v1/me')).statusCode).toBe(200);

    const again = await call(null, 'POST', '/api/v1/invitations/accept', {
      token,
      password: 'a-long-password-1',
    });
    expect(again.statusCode).toBe(404);

    const members = (await call(ownerCookie, 'GET', '/api/v1/members')).json().items;
    const joined = members.find((m: { email: string }) => m.email === email);
    expect(joined.role).toBe('member');

    // A member may not invite or remove; an admin may not make owners.
    const member = await addUser(owner.organizationId, 'member');
    expect(
      (await call(member.cookie, 'POST', '/api/v1/invitations', { email: 'x@example.com', role: 'member' }))
        .statusCode,
    ).toBe(403);
    expect((await call(member.cookie, 'DELETE', `/api/v1/members/${joined.userId}`)).statusCode).toBe(403);
    expect(
      (await call(admin.cookie, 'PATCH', `/api/v1/members/${joined.userId}`, { role: 'owner' })).statusCode,
    ).toBe(403);

    const removed = await call(admin.cookie, 'DELETE', `/api/v1/members/${joined.userId}`);
    expect(removed.statusCode).toBe(204);
    expect((await call(cookie, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('with SMTP set, the invitation is emailed with its link', async () => {
    const smtp = await startSmtpSink();
    const mailing = await startTestApi({
      OVERCAST_SMTP_HOST: '127.0.0.1',
      OVERCAST_SMTP_PORT: String(smtp.port),
      OVERCAST_PUBLIC_URL: 'https://overcast.example.com',
    });
    try {
      const admin = await createOrgWithUser(mailing.db);
      const cookie = await login(mailing, admin);
      const email = `mailed-${hex()}@example.com`;
      const res = await mailing.app.inject({
        method: 'POST',
        url: '/api/v1/invitations',
        headers: { cookie },
        payload: { email, role: 'viewer' },
      });
      expect(res.statusCode).toBe(201);
      const { url, emailed } = res.json();
      expect(emailed).toBe(true);
      expect(url).toMatch(/^https:\/\/overcast\.example\.com\/invite\?token=/);
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]!.to).toEqual([`<${email}>`]);
      // Quoted-printable may wrap the long link; unfold it before looking.
      const body = smtp.messages[0]!.data.replace(/=\r\n/g, '').replace(/=3D/g, '=');
      expect(body).toContain(url);
    } finally {
      await mailing.close();
      await smtp.close();
    }
  });

  it('the last owner can be neither demoted nor removed', async () => {
    const org = await createOrgWithUser(api.db);
    const cookie = await login(api, org);
    const res = await call(cookie, 'PATCH', `/api/v1/members/${org.userId}`, { role: 'admin' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('last_owner');
    expect((await call(cookie, 'DELETE', `/api/v1/members/${org.userId}`)).statusCode).toBe(409);
  });

  it('an existing user joins a second organization with their password and switches between them', async () => {
    const other = await createOrgWithUser(api.db);
    const otherCookie = await login(api, other);
    const invited = (
      await call(otherCookie, 'POST', '/api/v1/invitations', { email: owner.email, role: 'viewer' })
    ).json();
    const token = new URL(invited.url).searchParams.get('token')!;
    // Whoever holds the link learns the organization, email and role, not that the account exists.
    const lookup = (await call(null, 'POST', '/api/v1/invitations/lookup', { token })).json();
    expect(lookup).toEqual({ organizationName: expect.any(String), email: owner.email, role: 'viewer' });
    const wrong = await call(null, 'POST', '/api/v1/invitations/accept', {
      token,
      password: 'not-the-password',
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await call(null, 'POST', '/api/v1/invitations/accept', { token, password: owner.password });
    expect(ok.statusCode).toBe(200);

    const orgs = (await call(ownerCookie, 'GET', '/api/v1/organizations')).json().items;
    expect(orgs.map((o: { id: string }) => o.id)).toEqual([owner.organizationId, other.organizationId]);
    const switched = await call(ownerCookie, 'POST', '/api/v1/auth/switch', {
      organizationId: other.organizationId,
    });
    expect(switched.json()).toMatchObject({ organization: { id: other.organizationId }, role: 'viewer' });
    const back = await call(ownerCookie, 'POST', '/api/v1/auth/switch', {
      organizationId: owner.organizationId,
    });
    expect(back.json()).toMatchObject({ organization: { id: owner.organizationId }, role: 'owner' });
    const stranger = await createOrgWithUser(api.db);
    const notMine = await call(ownerCookie, 'POST', '/api/v1/auth/switch', {
      organizationId: stranger.organizationId,
    });
    expect(notMine.statusCode).toBe(404);
  });
});

describe('team policies', () => {
  it('tag-limited grants: the member sees and changes only machines carrying the tag; a deny wins', async () => {
    const cloud = await addCloud(owner.organizationId);
    const prod = await addMachine(owner.organizationId, cloud.id, `prod-${hex()}`, { env: 'prod' });
    const locked = await addMachine(owner.organizationId, cloud.id, `locked-${hex()}`, { env: 'prod' });
    const dev = await addMachine(owner.organizationId, cloud.id, `dev-${hex()}`, { env: 'dev' });
    const member = await addUser(owner.organizationId, 'member');
    // An Overcast tag counts like a provider tag.
    expect(
      (await call(ownerCookie, 'POST', `/api/v1/machines/${locked}/tags`, { tags: { locked: 'yes' } }))
        .statusCode,
    ).toBe(204);

    const team = (await call(ownerCookie, 'POST', '/api/v1/teams', { name: `prod-${hex()}` })).json();
    expect(
      (await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/members`, { userIds: [member.userId] }))
        .statusCode,
    ).toBe(200);
    const set = await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/policies`, {
      policies: [
        { effect: 'allow', action: 'read', kind: 'machines', tags: { env: 'prod' } },
        { effect: 'allow', action: 'edit', kind: 'machines', tags: { env: 'prod' } },
        { effect: 'deny', action: 'edit', kind: 'machines', tags: { locked: '' } },
      ],
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().policies).toHaveLength(3);

    const list = (await call(member.cookie, 'GET', `/api/v1/machines?cloud=${cloud.id}`)).json();
    expect(list.items.map((m: { id: string }) => m.id).sort()).toEqual([prod, locked].sort());
    expect(list.total).toBe(2);
    expect((await call(member.cookie, 'GET', `/api/v1/machines/${dev}`)).statusCode).toBe(404);
    expect((await call(member.cookie, 'GET', `/api/v1/machines/${prod}`)).statusCode).toBe(200);

    expect(
      (await call(member.cookie, 'POST', `/api/v1/machines/${prod}/tags`, { tags: { owner: 'me' } }))
        .statusCode,
    ).toBe(204);
    const denied = await call(member.cookie, 'POST', `/api/v1/machines/${locked}/tags`, {
      tags: { owner: 'me' },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.message).toMatch(/policies/);
    expect(
      (await call(member.cookie, 'POST', `/api/v1/machines/${dev}/tags`, { tags: { owner: 'me' } }))
        .statusCode,
    ).toBe(404);
    // Nothing about clouds was granted.
    expect((await call(member.cookie, 'GET', '/api/v1/clouds')).statusCode).toBe(403);

    // Costs count only what the member may see.
    const costs = (await call(member.cookie, 'GET', '/api/v1/costs/summary')).json();
    expect(costs.byCloud.find((c: { cloudId: string }) => c.cloudId === cloud.id).machines).toBe(2);
    expect(costs.byCloud.every((c: { machines: number }) => c.machines > 0)).toBe(true);
    expect(
      costs.byTag.find((t: { key: string; value: string }) => t.key === 'env' && t.value === 'dev'),
    ).toBeUndefined();
    const me = (await call(member.cookie, 'GET', '/api/v1/me')).json();
    expect(me.permissions.machines).toEqual(['read', 'edit']);
    expect(me.permissions.clouds).toEqual([]);

    // Deleting the team gives the member their role's defaults back.
    expect((await call(ownerCookie, 'DELETE', `/api/v1/teams/${team.id}`)).statusCode).toBe(204);
    expect((await call(member.cookie, 'GET', `/api/v1/machines/${dev}`)).statusCode).toBe(200);
  });

  it('a script run by a member limited to one cloud reaches only that cloud’s machines', async () => {
    const [a, b] = [await addCloud(owner.organizationId), await addCloud(owner.organizationId)];
    const tag = `web-${hex()}`;
    const inA = await addMachine(owner.organizationId, a.id, `a-${hex()}`, { role: tag });
    await addMachine(owner.organizationId, b.id, `b-${hex()}`, { role: tag });
    const member = await addUser(owner.organizationId, 'member');
    const team = (await call(ownerCookie, 'POST', '/api/v1/teams', { name: `ops-${hex()}` })).json();
    await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/members`, { userIds: [member.userId] });
    await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/policies`, {
      policies: [
        { effect: 'allow', action: '*', kind: 'machines', cloudIds: [a.id] },
        { effect: 'allow', action: '*', kind: 'scripts' },
      ],
    });
    const script = (
      await call(ownerCookie, 'POST', '/api/v1/scripts', { name: `uptime-${hex()}`, body: 'uptime\n' })
    ).json();
    // The tag picks machines in both clouds; the member's run gets only the one they may see.
    const started = await call(member.cookie, 'POST', `/api/v1/scripts/${script.id}/runs`, {
      targets: { tags: { role: tag } },
    });
    expect(started.statusCode).toBe(202);
    const run = (await call(member.cookie, 'GET', `/api/v1/script-runs/${started.json().id}`)).json();
    expect(run.targets.map((t: { machineId: string }) => t.machineId)).toEqual([inA]);
    // The owner's run of the same script reaches both.
    const ownerRun = await call(ownerCookie, 'POST', `/api/v1/scripts/${script.id}/runs`, {
      targets: { tags: { role: tag } },
    });
    const full = (await call(ownerCookie, 'GET', `/api/v1/script-runs/${ownerRun.json().id}`)).json();
    expect(full.targets).toHaveLength(2);
  });

  it('the live stream carries only events about clouds the member’s teams cover', async () => {
    const [a, b] = [await addCloud(owner.organizationId), await addCloud(owner.organizationId)];
    const member = await addUser(owner.organizationId, 'member');
    const team = (await call(ownerCookie, 'POST', '/api/v1/teams', { name: `a-${hex()}` })).json();
    await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/members`, { userIds: [member.userId] });
    await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/policies`, {
      policies: [{ effect: 'allow', action: '*', kind: '*', cloudIds: [a.id] }],
    });
    const theirs = await watchStream<{ cloudId?: string }>(api, member.cookie);
    const ours = await watchStream<{ cloudId?: string }>(api, ownerCookie);
    const [got, all] = [theirs.events, ours.events];
    await new Promise((r) => setTimeout(r, 200));
    const redis = createRedis(api.settings.redisUrl, { enableOfflineQueue: true });
    try {
      for (const cloudId of [b.id, a.id]) {
        await publishEvents(redis, owner.organizationId, [
          { type: 'machine.changed', cloudId, machineId: cloudId, kind: 'state_changed', data: {} },
          { type: 'cloud.changed', cloudId },
        ]);
      }
    } finally {
      redis.disconnect();
    }
    const deadline = Date.now() + 3000;
    while (all.filter((e) => e.cloudId).length < 4 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 100));
    expect(all.filter((e) => e.cloudId).map((e) => e.cloudId)).toEqual([b.id, b.id, a.id, a.id]);
    expect(got.filter((e) => e.cloudId).map((e) => e.cloudId)).toEqual([a.id, a.id]);
    theirs.close();
    ours.close();
  });

  it('policies may only name the organization’s clouds, and only admins change them', async () => {
    const team = (await call(ownerCookie, 'POST', '/api/v1/teams', { name: `t-${hex()}` })).json();
    const stranger = await createOrgWithUser(api.db);
    const theirCloud = await addCloud(stranger.organizationId);
    const res = await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/policies`, {
      policies: [{ effect: 'allow', action: 'read', kind: 'machines', cloudIds: [theirCloud.id] }],
    });
    expect(res.statusCode).toBe(404);
    const bad = await call(ownerCookie, 'PUT', `/api/v1/teams/${team.id}/policies`, {
      policies: [{ effect: 'allow', action: 'fly', kind: 'machines' }],
    });
    expect(bad.statusCode).toBe(400);
    const member = await addUser(owner.organizationId, 'member');
    expect(
      (await call(member.cookie, 'PUT', `/api/v1/teams/${team.id}/policies`, { policies: [] })).statusCode,
    ).toBe(403);
    const dup = await call(ownerCookie, 'POST', '/api/v1/teams', { name: team.name });
    expect(dup.statusCode).toBe(409);
  });

  it('"owned by me" lists the machines the caller created', async () => {
    const cloud = await addCloud(owner.organizationId);
    const mine = await api.db.prisma.machine.create({
      data: {
        organizationId: owner.organizationId,
        cloudId: cloud.id,
        externalId: `m-${hex()}`,
        name: 'mine',
        createdById: owner.userId,
      },
    });
    await addMachine(owner.organizationId, cloud.id, 'theirs');
    const list = (await call(ownerCookie, 'GET', `/api/v1/machines?cloud=${cloud.id}&owner=me`)).json();
    expect(list.items.map((m: { id: string }) => m.id)).toEqual([mine.id]);
  });
});

describe('two-factor login', () => {
  it('enrols with a code, then asks for one at login; a recovery code works once', async () => {
    const user = await addUser(owner.organizationId, 'member');
    const start = await call(user.cookie, 'POST', '/api/v1/me/totp');
    expect(start.statusCode).toBe(200);
    const { secret, otpauthUrl } = start.json();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/.+secret=/);
    const key = base32Decode(secret);
    expect(
      (
        await call(user.cookie, 'POST', '/api/v1/me/totp/confirm', {
          code: '000000' === totpCode(key) ? '111111' : '000000',
        })
      ).statusCode,
    ).toBe(400);
    const confirmed = await call(user.cookie, 'POST', '/api/v1/me/totp/confirm', { code: totpCode(key) });
    expect(confirmed.statusCode).toBe(200);
    const { codes } = confirmed.json();
    expect(codes).toHaveLength(10);
    // The secret is sealed at rest.
    const row = await api.db.prisma.user.findUniqueOrThrow({ where: { id: user.userId } });
    expect(Buffer.from(row.totpSecret!).includes(key)).toBe(false);

    const creds = { email: user.email, password: user.password };
    const without = await call(null, 'POST', '/api/v1/auth/login', creds);
    expect(without.statusCode).toBe(401);
    expect(without.json().error.code).toBe('totp_required');
    expect(without.cookies.find((c) => c.name === 'overcast_session')).toBeUndefined();
    const wrong = await call(null, 'POST', '/api/v1/auth/login', {
      ...creds,
      otp: '123456' === totpCode(key) ? '654321' : '123456',
    });
    expect(wrong.json().error.code).toBe('invalid_totp');
    // Confirming spent this step's code; the next step's is accepted (clock drift).
    const next = totpCode(key, Date.now() + 30_000);
    expect((await call(null, 'POST', '/api/v1/auth/login', { ...creds, otp: next })).statusCode).toBe(200);
    expect((await call(null, 'POST', '/api/v1/auth/login', { ...creds, otp: codes[0] })).statusCode).toBe(
      200,
    );
    expect((await call(null, 'POST', '/api/v1/auth/login', { ...creds, otp: codes[0] })).statusCode).toBe(
      401,
    );
    expect((await call(user.cookie, 'GET', '/api/v1/me')).json().totpEnabled).toBe(true);

    expect(
      (await call(user.cookie, 'POST', '/api/v1/me/totp/disable', { password: 'wrong-password' })).statusCode,
    ).toBe(403);
    expect(
      (await call(user.cookie, 'POST', '/api/v1/me/totp/disable', { password: user.password })).statusCode,
    ).toBe(204);
    expect((await call(null, 'POST', '/api/v1/auth/login', creds)).statusCode).toBe(200);
  });
});

describe('API tokens and sessions', () => {
  it('a token is shown once, records its last use, and stops working when revoked', async () => {
    const created = await call(ownerCookie, 'POST', '/api/v1/me/tokens', {
      name: 'ci',
      scope: 'read',
      expiresInDays: 30,
    });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json();
    expect(token).toMatch(/^oc_/);
    expect(apiToken).toMatchObject({
      name: 'ci',
      scope: 'read',
      organizationId: owner.organizationId,
      lastUsedAt: null,
    });
    const listed = (await call(ownerCookie, 'GET', '/api/v1/me/tokens')).json().items;
    expect(JSON.stringify(listed)).not.toContain(token);

    expect((await call({ bearer: token }, 'GET', '/api/v1/machines')).statusCode).toBe(200);
    expect((await call({ bearer: token }, 'POST', '/api/v1/teams', { name: 'x' })).statusCode).toBe(403);
    // A token cannot mint tokens.
    expect(
      (await call({ bearer: token }, 'POST', '/api/v1/me/tokens', { name: 'y', scope: 'full' })).statusCode,
    ).toBe(403);
    const used = (await call(ownerCookie, 'GET', '/api/v1/me/tokens'))
      .json()
      .items.find((t: { id: string }) => t.id === apiToken.id);
    expect(used.lastUsedAt).not.toBeNull();
    expect(used.lastUsedIp).toMatch(/^10\./);

    expect((await call(ownerCookie, 'DELETE', `/api/v1/me/tokens/${apiToken.id}`)).statusCode).toBe(204);
    expect((await call({ bearer: token }, 'GET', '/api/v1/machines')).statusCode).toBe(401);
  });

  it('a token for all your organizations works in the one each request names; a one-organization token only in its own', async () => {
    const user = await createOrgWithUser(api.db);
    const cookie = await login(api, user);
    const second = await createOrgWithUser(api.db);
    await api.db.prisma.membership.create({
      data: { organizationId: second.organizationId, userId: user.userId, role: 'viewer' },
    });
    const { slug } = await api.db.prisma.organization.findUniqueOrThrow({
      where: { id: second.organizationId },
    });
    const cloud = await addCloud(second.organizationId);
    await addMachine(second.organizationId, cloud.id, 'in-second');
    const in_ = (org: string) => ({ 'x-overcast-organization': org });

    const all = (
      await call(cookie, 'POST', '/api/v1/me/tokens', { name: 'all', scope: 'full', allOrganizations: true })
    ).json();
    expect(all.apiToken.organizationId).toBeNull();
    const bearer = { bearer: all.token };
    // Two organizations: the request has to say which.
    const unnamed = await call(bearer, 'GET', '/api/v1/machines');
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.json().error.message).toContain('X-Overcast-Organization');
    expect(
      (await call(bearer, 'GET', '/api/v1/me', undefined, in_(user.organizationId))).json(),
    ).toMatchObject({
      organization: { id: user.organizationId },
      role: 'owner',
    });
    // By slug too, with the role the user has there (a viewer cannot make teams).
    const listed = (await call(bearer, 'GET', '/api/v1/machines', undefined, in_(slug))).json();
    expect(listed.items.map((m: { name: string }) => m.name)).toEqual(['in-second']);
    expect((await call(bearer, 'POST', '/api/v1/teams', { name: 'x' }, in_(slug))).statusCode).toBe(403);
    const stranger = await createOrgWithUser(api.db);
    const foreign = await call(bearer, 'GET', '/api/v1/machines', undefined, in_(stranger.organizationId));
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.message).toContain('do not belong');

    const one = (await call(cookie, 'POST', '/api/v1/me/tokens', { name: 'one', scope: 'read' })).json();
    expect(one.apiToken.organizationId).toBe(user.organizationId);
    expect((await call({ bearer: one.token }, 'GET', '/api/v1/machines')).statusCode).toBe(200);
    const elsewhere = await call({ bearer: one.token }, 'GET', '/api/v1/machines', undefined, in_(slug));
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error.message).toContain('works only in');

    // Removed from the second organization: the token stops working there, and with one
    // organization left a request need not name it.
    await api.db.prisma.membership.deleteMany({
      where: { organizationId: second.organizationId, userId: user.userId },
    });
    expect((await call(bearer, 'GET', '/api/v1/machines', undefined, in_(slug))).statusCode).toBe(403);
    expect((await call(bearer, 'GET', '/api/v1/machines')).statusCode).toBe(200);
  });

  it('lists sessions and logs out everywhere', async () => {
    const user = await addUser(owner.organizationId, 'member');
    const second = await login(api, user);
    const sessions = (await call(user.cookie, 'GET', '/api/v1/me/sessions')).json().items;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const res = await call(user.cookie, 'POST', '/api/v1/me/sessions/revoke-all');
    expect(res.json().revoked).toBe(2);
    expect((await call(user.cookie, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await call(second, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });
});

describe('hardening', () => {
  it('refuses cross-site changes made with a session cookie', async () => {
    const createTeamWith = (headers: Record<string, string>) =>
      call(ownerCookie, 'POST', '/api/v1/teams', { name: `x-${hex()}` }, headers);
    expect((await createTeamWith({ origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await createTeamWith({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await createTeamWith({ origin: 'http://localhost:80' })).statusCode).toBe(201);
    // A WebSocket opened from another site (cross-site WebSocket hijacking) is refused too.
    await expect(
      api.app.injectWS('/api/v1/stream', {
        headers: { cookie: ownerCookie, origin: 'https://evil.example' },
      }),
    ).rejects.toThrow();
    const ws = await api.app.injectWS('/api/v1/stream', { headers: { cookie: ownerCookie } });
    ws.terminate();
  });

  it('rate-limits token use and token guessing', async () => {
    const limited = await startTestApi({
      OVERCAST_TOKENS_MAX_REQUESTS_PER_MINUTE: '3',
      OVERCAST_TOKENS_MAX_INVALID_PER_WINDOW: '2',
    });
    try {
      const user = await createOrgWithUser(limited.db);
      const cookie = await login(limited, user);
      const { token } = (
        await limited.app.inject({
          method: 'POST',
          url: '/api/v1/me/tokens',
          headers: { cookie },
          payload: { name: 't', scope: 'full' },
        })
      ).json();
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push(
          (await limited.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } }))
            .statusCode,
        );
      }
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const guesses: number[] = [];
      for (let i = 0; i < 4; i++) {
        guesses.push(
          (
            await limited.app.inject({
              url: '/api/v1/me',
              headers: { authorization: `Bearer oc_guess${i}` },
              remoteAddress: '10.99.0.1',
            })
          ).statusCode,
        );
      }
      expect(guesses).toEqual([401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('audit log', () => {
  it('records logins, failed logins, changes and denials; filters; exports CSV and JSON lines; cannot be edited', async () => {
    const org = await createOrgWithUser(api.db);
    await call(null, 'POST', '/api/v1/auth/login', { email: org.email, password: 'wrong-password' });
    const cookie = await login(api, org);
    await call(cookie, 'POST', '/api/v1/teams', { name: 'audited' });
    const cloud = await addCloud(org.organizationId);
    const machine = await addMachine(org.organizationId, cloud.id, 'audited');
    await call(cookie, 'POST', `/api/v1/machines/${machine}/tags`, { tags: { env: 'x' } });
    await call(cookie, 'POST', '/api/v1/me/tokens', { name: 't', scope: 'read' });

    const actions = (await auditActions(org.organizationId)).map((a) => `${a.action}:${a.result}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'auth.login:success',
        'team.create:success',
        'machine.tag:success',
        'token.create:success',
      ]),
    );
    // The failed login shows in the organization of the account it was aimed at.
    const failed = await api.db.prisma.auditEvent.findFirst({
      where: {
        organizationId: org.organizationId,
        action: 'auth.login',
        result: 'failure',
        actorLabel: org.email,
      },
    });
    expect(failed).not.toBeNull();

    const page = (await call(cookie, 'GET', '/api/v1/audit?action=team.&limit=10')).json();
    expect(page.items.map((e: { action: string }) => e.action)).toEqual(['team.create']);
    const byResource = (await call(cookie, 'GET', `/api/v1/audit?resource=${machine}`)).json();
    expect(byResource.items.length).toBeGreaterThan(0);
    const future = (
      await call(cookie, 'GET', `/api/v1/audit?from=${new Date(Date.now() + 60_000).toISOString()}`)
    ).json();
    expect(future.items).toEqual([]);

    const csv = await call(cookie, 'GET', '/api/v1/audit/export?format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,createdAt,actorLabel/);
    expect(lines.length).toBe(actions.length + 1);
    const jsonl = await call(cookie, 'GET', '/api/v1/audit/export?format=jsonl&action=team.create');
    const events = jsonl.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'team.create', actorLabel: org.email });

    // A member sees their own actions only; their refusals are recorded too.
    const member = await addUser(org.organizationId, 'member');
    expect(
      (
        await call(member.cookie, 'POST', '/api/v1/clouds', {
          provider: 'ssh_host',
          title: 'x',
          credentials: {},
        })
      ).statusCode,
    ).toBe(403);
    const denials = (await call(cookie, 'GET', '/api/v1/audit?result=denied')).json().items;
    expect(denials).toMatchObject([
      { action: 'clouds.create', result: 'denied', actorUserId: member.userId },
    ]);
    const own = (await call(member.cookie, 'GET', '/api/v1/audit')).json().items;
    expect(own.every((e: { actorUserId: string }) => e.actorUserId === member.userId)).toBe(true);

    // Append-only: the database refuses edits and deletes.
    await expect(
      api.db.pool.query("UPDATE audit_events SET action = 'x' WHERE organization_id = $1", [
        org.organizationId,
      ]),
    ).rejects.toThrow();
    await expect(
      api.db.pool.query('DELETE FROM audit_events WHERE organization_id = $1', [org.organizationId]),
    ).rejects.toThrow();
  });
});
