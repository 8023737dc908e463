import { startVsphereSim, type VsphereSim } from '@overcast/cloud-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollNow } from './support/clouds';
import { memberCookie, outsiderCookie, send, startOrgApi, type TestApi } from './support/harness';

// A vSphere machine made the way the create wizard makes it: the cloud's sizes (presets), images
// (content library templates) and locations (hosts) polled, then POST /clouds/:id/machines
// deploys a template whose post-deploy script reaches the guest as cloud-init; the new VM is
// listed running after a poll. A host vCenter does not have is refused, making nothing.

const USER = { username: 'overcast@vsphere.local', password: 'api-vcenter-password' };

let api: TestApi;
let cookie: string;
let sim: VsphereSim;
let organizationId: string;

beforeAll(async () => {
  const started = await startOrgApi();
  api = started.api;
  cookie = started.ownerCookie;
  organizationId = started.owner.organizationId;
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

// vCenter offers no console a browser speaks; it hands out VMware Remote Console tickets, which
// the VMRC application on the person's computer opens. Overcast asks for one on the person's click,
// with the shell right, and audits it without the ticket (a credential).
describe('the console of a vSphere VM', () => {
  it('is a one-time VMRC link for a running VM, for those who may open a shell, audited without the ticket; the VM renames', async () => {
    const added = await send(api, cookie, 'POST', '/api/v1/clouds', {
      provider: 'vsphere',
      title: 'vcenter console',
      credentials: USER,
      endpoint: sim.url,
    });
    expect(added.statusCode, added.body).toBe(201);
    const cloudId = added.json().id as string;
    await pollNow(api, cloudId);
    const rows = await api.db.prisma.machine.findMany({ where: { cloudId } });
    const on = rows.find((r) => r.state === 'running')!;
    const ticket = (id: string, who = cookie) =>
      send(api, who, 'POST', `/api/v1/machines/${id}/console/ticket`);

    const res = await ticket(on.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      url: expect.stringMatching(new RegExp(`^vmrc://clone:cst-\\w+@.*moid=${on.externalId}$`)),
      expiresInSeconds: 60,
    });
    const audit = await api.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'machine.console.ticket', resourceId: on.id },
    });
    expect(audit.result).toBe('success');
    expect(JSON.stringify(audit.details)).not.toContain(res.json().url.split('@')[0]);

    expect((await ticket(on.id, await memberCookie(api, organizationId, 'viewer'))).statusCode).toBe(403);
    expect((await ticket(on.id, await outsiderCookie(api))).statusCode).toBe(404);
    // Renamed through Overcast: vCenter's Rename_Task, the new name kept at once.
    const renamed = await send(api, cookie, 'POST', `/api/v1/machines/${on.id}/actions`, {
      action: 'rename',
      name: 'console-renamed',
    });
    expect(renamed.statusCode, renamed.body).toBe(202);
    expect(sim.inventory.vms.get(on.externalId)!.name).toBe('console-renamed');
    expect((await api.db.prisma.machine.findUniqueOrThrow({ where: { id: on.id } })).name).toBe(
      'console-renamed',
    );

    // Powered off at vCenter since the poll: vCenter's refusal, in its words.
    const off = rows.find((r) => r.id !== on.id)!;
    sim.inventory.vms.get(off.externalId)!.power = 'POWERED_OFF';
    const refused = await ticket(off.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/not powered on/);
  });
});
