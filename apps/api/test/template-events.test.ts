import { randomBytes } from 'node:crypto';
import type { StreamEvent } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi, TestUser } from './support/harness';
import { addMember, send, startOrgApi, watchStream } from './support/harness';

// Every template write announces template.changed, to those who may read that template only: a
// member whose team may not read templates tagged "secret" hears nothing about the secret one.

let api: TestApi;
let owner: TestUser;
let ownerCookie: string;
let limitedCookie: string;
let plainCookie: string;
let teamId: string;

const hex = () => randomBytes(4).toString('hex');
const source = (say: string) => `description: One web server
resources:
  machines:
    web:
      cloud: do
      size: s-1vcpu-1gb
      image: ubuntu-24-04-x64
      location: nyc1
steps:
  hello:
    on: [web]
    script: echo ${say}
`;

const call = async (method: string, url: string, payload?: unknown) => {
  const res = await send(api, ownerCookie, method, url, payload);
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.body ? res.json() : null;
};

beforeAll(async () => {
  ({ api, owner, ownerCookie } = await startOrgApi());
  const limited = await addMember(api, owner.organizationId, 'member');
  limitedCookie = limited.cookie;
  plainCookie = (await addMember(api, owner.organizationId, 'member')).cookie;
  teamId = (await call('POST', '/api/v1/teams', { name: `limited-${hex()}` })).id;
  await call('PUT', `/api/v1/teams/${teamId}/members`, { userIds: [limited.userId] });
  await call('PUT', `/api/v1/teams/${teamId}/policies`, {
    policies: [
      { effect: 'allow', action: '*', kind: 'templates' },
      { effect: 'deny', action: '*', kind: 'templates', tags: { secret: '' } },
    ],
  });
});
afterAll(() => api?.close());

describe('template.changed on the live stream', () => {
  it('reaches readers of the template on each write, and no one who may not read it', async () => {
    const open = await call('POST', '/api/v1/templates', { name: `open-${hex()}`, source: source('a') });
    const secret = await call('POST', '/api/v1/templates', { name: `secret-${hex()}`, source: source('b') });
    await api.db.prisma.tag.create({
      data: {
        organizationId: owner.organizationId,
        resourceKind: 'template',
        resourceId: secret.id,
        key: 'secret',
        value: 'yes',
      },
    });
    const streams = {
      owner: await watchStream<StreamEvent>(api, ownerCookie),
      limited: await watchStream<StreamEvent>(api, limitedCookie),
      plain: await watchStream<StreamEvent>(api, plainCookie),
    };
    try {
      // The hub subscribes each socket as it opens: a moment for that, as the other stream tests.
      await new Promise((r) => setTimeout(r, 200));
      const changes = (list: StreamEvent[]) =>
        list.flatMap((e) => (e.type === 'template.changed' ? [`${e.templateId}:${e.change}`] : []));

      const made = await call('POST', '/api/v1/templates', { name: `new-${hex()}`, source: source('c') });
      const expected: string[] = [`${made.id}:created`];
      for (const t of [open, secret]) {
        await call('PATCH', `/api/v1/templates/${t.id}`, { source: source('changed') });
        await call('PATCH', `/api/v1/templates/${t.id}`, { name: `${t.name}-renamed` });
        // The same source again is no change: nothing is announced.
        await call('PATCH', `/api/v1/templates/${t.id}`, { source: source('changed') });
        const item = await call('POST', '/api/v1/catalog', {
          templateId: t.id,
          name: `item-${hex()}`,
          teamIds: [teamId],
        });
        await call('DELETE', `/api/v1/catalog/${item.id}`);
        // Readers are decided from the template as it is when the hub takes the event: once it is
        // deleted, only readers whose access no tag limits can be told of it (see below). So the
        // hub has the events so far (the owner hears each) and is done with them before the delete.
        await expect.poll(() => changes(streams.owner.events)).toContain(`${t.id}:unpublished`);
        await api.app.eventHub.settled();
        await call('DELETE', `/api/v1/templates/${t.id}`);
        expected.push(
          ...['version', 'renamed', 'published', 'unpublished', 'deleted'].map((c) => `${t.id}:${c}`),
        );
      }

      await expect.poll(() => changes(streams.owner.events)).toEqual(expected);
      await expect.poll(() => changes(streams.plain.events)).toEqual(expected);
      await api.app.eventHub.settled();
      await new Promise((r) => setTimeout(r, 100));
      // The limited reader: everything about the templates it may read, nothing about the secret
      // one. A deleted template's tags are gone, so whether it was theirs cannot be told: its
      // deletion reaches only readers whose access no tag limits.
      expect(changes(streams.limited.events)).toEqual(
        expected.filter((c) => !c.startsWith(secret.id) && !c.endsWith(':deleted')),
      );
      expect(JSON.stringify(streams.limited.events)).not.toContain(secret.id);
    } finally {
      for (const s of Object.values(streams)) s.close();
    }
  });
});
