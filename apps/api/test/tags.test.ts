import type { DigitalOceanSim } from '@overcast/cloud-sim';
import { resolveTargets } from '@overcast/core/automation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDigitalOceanApi } from './support/clouds';
import type { TestApi, TestUser } from './support/harness';

// One tag syntax, key=value, from the create wizard to DigitalOcean and back, to the machine
// list's filter and to schedule targets.

let api: TestApi;
let sim: DigitalOceanSim;
let owner: TestUser;
let cookie: string;
let cloudId: string;
let started: Awaited<ReturnType<typeof startDigitalOceanApi>> | undefined;
const TOKEN = 'do-token-tags-test';

beforeAll(async () => {
  started = await startDigitalOceanApi(TOKEN, 5);
  ({ api, owner, ownerCookie: cookie, sim } = started);
  const res = await call('POST', '/api/v1/clouds', {
    provider: 'digitalocean',
    title: 'DO',
    credentials: { token: TOKEN },
    endpoint: sim.url,
  });
  cloudId = res.json().id;
});
afterAll(() => started?.close());

const call = (method: string, url: string, payload?: unknown) =>
  api.app.inject({ method: method as 'GET', url, payload: payload as object, headers: { cookie } });

describe('tags on DigitalOcean', () => {
  it('a droplet created with env=qa reads back as env=qa: the list filter and a schedule target find it', async () => {
    const created = await call('POST', `/api/v1/clouds/${cloudId}/machines`, {
      name: 'qa-1',
      size: 's-1vcpu-1gb',
      image: 'debian-12-x64',
      location: 'fra1',
      tags: { env: 'qa', web: '' },
    });
    expect(created.statusCode, created.body).toBe(201);
    // DigitalOcean holds single-string tags; the valued one travels in its own form.
    const droplet = [...sim.account(TOKEN).droplets.values()].find((d) => d.name === 'qa-1')!;
    expect(droplet.tags).toEqual(['env:qa', 'web']);

    const poll = await started!.poll(cloudId);
    expect(poll.status).toBe('ok');
    const id = created.json().id;
    expect((await call('GET', `/api/v1/machines/${id}`)).json().machine.tags).toEqual({ env: 'qa', web: '' });

    for (const tag of ['env=qa', 'env = qa', 'env']) {
      const page = (await call('GET', `/api/v1/machines?tag=${encodeURIComponent(tag)}`)).json();
      expect(
        page.items.map((m: { name: string }) => m.name),
        tag,
      ).toEqual(['qa-1']);
    }
    const targets = await resolveTargets(api.db, owner.organizationId, { tags: { env: 'qa' } });
    expect(targets.map((t) => t.name)).toEqual(['qa-1']);
  });

  it("a tag set in DigitalOcean's own console as key:value is the same tag", async () => {
    const [first] = [...sim.account(TOKEN).droplets.values()];
    first!.tags.push('team:payments');
    await started!.poll(cloudId);
    const page = (await call('GET', `/api/v1/machines?tag=${encodeURIComponent('team=payments')}`)).json();
    expect(page.items.map((m: { externalId: string }) => m.externalId)).toEqual([String(first!.id)]);
  });
});
