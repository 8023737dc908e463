import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/context';
import { mount } from '../src/routes/mount';
import type { TestApi, TestUser } from './support/harness';
import { addMember, apiTokenOf, memberCookie, seedMachine, send, startOrgApi } from './support/harness';

// Every /api/v1 route declares who may call it in config.authz, and the auth hook holds each
// request to that declaration before the handler runs.

let api: TestApi;
let owner: TestUser;
let ownerCookie: string;

beforeAll(async () => {
  ({ api, owner, ownerCookie } = await startOrgApi({ OVERCAST_LOGIN_MAX_ATTEMPTS: '1000' }));
});
afterAll(() => api.close());

describe('authorization declarations', () => {
  it('every /api/v1 route declares one, including the WebSockets', () => {
    const routes = api.app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(80);
    expect(routes.filter((r) => !r.authz).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    const of = (url: string) => routes.find((r) => r.method === 'GET' && r.url === url)?.authz;
    expect(of('/api/v1/machines/:id/shell')).toMatchObject({ kind: 'machines', action: 'shell' });
    expect(of('/api/v1/stream')).toBe('authenticated');
  });

  it('only the login, logout, invitation links and the Mattermost button callback are public', () => {
    const open = api.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/') && r.authz === 'public')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(open).toEqual([
      // Called by a Mattermost server; it answers the confirm link and acts on nothing.
      'POST /api/v1/action-links/mattermost',
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/logout',
      'POST /api/v1/invitations/accept',
      'POST /api/v1/invitations/lookup',
    ]);
  });

  it('each route carries the tag of its resource and the common error answers, added where it is mounted', async () => {
    const doc = (await api.app.inject({ url: '/api/openapi.json' })).json();
    const op = (path: string, method = 'get') => doc.paths[path][method];
    expect(op('/api/v1/machines').tags).toEqual(['machines']);
    expect(op('/api/v1/machines/{id}/shell').tags).toEqual(['terminal']);
    expect(op('/api/v1/clouds/{id}/containers', 'post').tags).toEqual(['containers']);
    expect(op('/api/v1/clouds/{id}/machines', 'post').tags).toEqual(['machines']);
    expect(op('/api/v1/auth/switch', 'post').tags).toEqual(['organizations']);
    const answers = Object.keys(op('/api/v1/teams').responses).map((k) => k.toLowerCase());
    expect(answers).toEqual(expect.arrayContaining(['200', '4xx', '5xx']));
  });

  it('a route mounted without one is refused at startup', async () => {
    const app = Fastify() as unknown as App;
    mount(app, {} as never, '/api/v1/things', 'things', (scoped) => {
      scoped.get('', async () => ({}));
    });
    await expect(app.ready()).rejects.toThrow(/GET \/api\/v1\/things declares no config.authz/);
  });
});

describe('the authorization hook', () => {
  it('refuses a viewer a change with 403 before the handler runs', async () => {
    const viewer = await memberCookie(api, owner.organizationId, 'viewer');
    const res = await send(api, viewer, 'POST', '/api/v1/ssh-keys', {
      name: `k-${randomBytes(3).toString('hex')}`,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('Viewers'),
    });
    expect(await api.db.prisma.sshKey.count({ where: { organizationId: owner.organizationId } })).toBe(0);
  });

  it('refuses a member a role-declared route, saying which role it takes', async () => {
    const member = await memberCookie(api, owner.organizationId, 'member');
    const res = await send(api, member, 'POST', '/api/v1/teams', { name: 'ops' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/Only an admin or above can create teams/);
    expect(await api.db.prisma.team.count({ where: { organizationId: owner.organizationId } })).toBe(0);
  });

  it('resolves the target: a machine a team policy hides is 404, one it allows is 200', async () => {
    const { cookie: member, userId: memberId } = await addMember(api, owner.organizationId, 'member');
    const shown = await seedMachine(api.db, owner.organizationId, { providerTags: { env: 'dev' } });
    const hidden = await seedMachine(api.db, owner.organizationId, { providerTags: { env: 'prod' } });
    const team = (
      await send(api, ownerCookie, 'POST', '/api/v1/teams', { name: `t-${randomBytes(3).toString('hex')}` })
    ).json();
    await send(api, ownerCookie, 'PUT', `/api/v1/teams/${team.id}/members`, { userIds: [memberId] });
    const set = await send(api, ownerCookie, 'PUT', `/api/v1/teams/${team.id}/policies`, {
      policies: [{ effect: 'allow', action: 'read', kind: 'machines', tags: { env: 'dev' } }],
    });
    expect(set.statusCode).toBe(200);
    expect((await send(api, member, 'GET', `/api/v1/machines/${shown}`)).statusCode).toBe(200);
    const res = await send(api, member, 'GET', `/api/v1/machines/${hidden}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('machine_not_found');
    // The action is read from the body: stopping needs the act right, which the policy does not give.
    const stop = await send(api, member, 'POST', `/api/v1/machines/${shown}/actions`, { action: 'stop' });
    expect(stop.statusCode).toBe(403);
  });

  it('refuses an API token what only a browser session may do', async () => {
    const { token } = await apiTokenOf(api, owner, 'ci');
    const res = await send(api, { bearer: token }, 'POST', '/api/v1/me/tokens', {
      name: 'more',
      scope: 'full',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/browser session to create API tokens/);
  });

  it('asks for a login on every declared route but the public ones', async () => {
    const res = await send(api, null, 'GET', '/api/v1/teams');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });
});
