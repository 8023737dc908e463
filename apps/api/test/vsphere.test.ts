import { startVsphereSim, type VsphereSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { send, startOrgApi, type TestApi } from './support/harness';

// A vSphere machine made the way the create wizard makes it: the cloud's sizes (presets), images
// (content library templates) and locations (hosts) polled, then POST /clouds/:id/machines
// deploys a template whose post-deploy script reaches the guest as cloud-init; the new VM is
// listed running after a poll. A host vCenter does not have is refused, making nothing.

const USER = { username: 'overcast@vsphere.local', password: 'api-vcenter-password' };

let api: TestApi;
let cookie: string;
let sim: VsphereSim;

beforeAll(async () => {
  const started = await startOrgApi();
  api = started.api;
  cookie = started.ownerCookie;
  sim = await startVsphereSim({ machines: 2, namePrefix: 'old', users: [USER] });
});
afterAll(async () => {
  await sim?.close();
  await api?.close();
});

interface Listed {
  externalId: string;
  name: string;
}

describe('a vSphere machine from the create form', () => {
  it('is deployed from a template onto a host and listed running after a poll', async () => {
    const added = await send(api, cookie, 'POST', '/api/v1/clouds', {
      provider: 'vsphere',
      title: 'vcenter',
      credentials: USER,
      endpoint: sim.url,
    });
    expect(added.statusCode, added.body).toBe(201);
    const cloudId = added.json().id as string;
    await pollNow(api, cloudId, 'catalog');
    const catalog = async (what: string) =>
      (await send(api, cookie, 'GET', `/api/v1/clouds/${cloudId}/${what}`)).json().items as Listed[];
    const sizes = await catalog('sizes');
    const images = await catalog('images');
    const locations = await catalog('locations');
    expect(sizes.map((s) => s.externalId)).toContain('2c-4096m');
    expect(images.map((i) => i.name).sort()).toEqual(['debian-12-genericcloud', 'ubuntu-24.04-cloudimg']);
    expect(locations.map((l) => l.externalId)).toContain('host-12');

    const create = (location: string, name: string) =>
      send(api, cookie, 'POST', `/api/v1/clouds/${cloudId}/machines`, {
        name,
        size: '2c-4096m',
        image: images[0]!.externalId,
        location,
        postDeployScript: '#!/bin/sh\necho made > /etc/motd\n',
      });
    const made = await create('host-12', 'wizard-1');
    expect(made.statusCode, made.body).toBe(201);
    const vm = [...sim.inventory.vms.values()].find((v) => v.name === 'wizard-1')!;
    expect(vm).toMatchObject({ host: 'host-12', cpus: 2, memoryMb: 4096 });
    expect(sim.library.cloudInit.get(vm.vm)?.userdata).toContain('echo made > /etc/motd');

    await pollNow(api, cloudId);
    const listed = (await send(api, cookie, 'GET', `/api/v1/machines?cloud=${cloudId}&q=wizard-1`)).json()
      .items as {
      name: string;
      state: string;
      location: string;
      publicIps: string[];
      privateIps: string[];
    }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ name: 'wizard-1', state: 'running', location: 'host-12' });
    expect([...listed[0]!.publicIps, ...listed[0]!.privateIps][0]).toMatch(/^127\./);

    const before = sim.inventory.vms.size;
    const refused = await create('host-99', 'wizard-2');
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    expect(refused.json().error.message).toMatch(/host-99/);
    expect(sim.inventory.vms.size).toBe(before);
  });
});
