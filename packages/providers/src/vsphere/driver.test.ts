// The vSphere driver against the vCenter emulator, over HTTPS with a certificate no system
// trusts, through the real client: inventory host by host, pinning, sessions that expire, every
// power action, throttling, and refusals in vSphere's words.

import { request } from 'node:https';
import { ProviderError, type RemoteMachine } from '@overcast/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startVsphereSim, type VsphereSim } from '../../../cloud-sim/src/vsphere/index';
import { collect } from '../common/json-api';
import type { VsphereCredentials } from './config';
import { createVsphereDriver } from './index';

const USER = { username: 'overcast@vsphere.local', password: 'Correct horse 1!' };
const AUDITOR = { username: 'audit@vsphere.local', password: 'look only' };
const FAST = { retryBaseDelayMs: 5, retryMaxDelayMs: 50 };

/** A raw call as any client would make it, for what the driver must avoid asking. */
function raw(sim: VsphereSim, method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${sim.url}${path}`, { method, headers, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function refusal(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('vSphere driver on the vCenter emulator', () => {
  let sim: VsphereSim;
  const driver = (credentials: VsphereCredentials = USER, config: Record<string, unknown> = {}) =>
    createVsphereDriver({
      credentials,
      endpoint: sim.url,
      config: { certificateFingerprint: sim.fingerprint, ...FAST, ...config },
    });
  const machines = (d = driver()) => collect(d.listMachines(new AbortController().signal));
  const byId = async (id: string): Promise<RemoteMachine | undefined> =>
    (await machines()).find((m) => m.externalId === id);

  beforeAll(async () => {
    // 25 VMs on 3 hosts, with vCenter's 4,000 cap lowered to 10: no single list may hold them all.
    sim = await startVsphereSim({
      machines: 25,
      namePrefix: 'lab',
      users: [USER, { ...AUDITOR, readOnly: true }],
      listLimit: 10,
    });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.knobs.clearFaults());

  it('lists every VM host by host, past the cap on one list, with its host, cluster and Tools address', async () => {
    const session = JSON.parse(
      (
        await raw(sim, 'POST', '/api/session', {
          authorization: `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`,
        })
      ).body,
    );
    const unfiltered = await raw(sim, 'GET', '/api/vcenter/vm', { 'vmware-api-session-id': session });
    expect(unfiltered.status).toBe(400);
    expect(JSON.parse(unfiltered.body).error_type).toBe('UNABLE_TO_ALLOCATE_RESOURCE');

    const all = await machines();
    expect(all).toHaveLength(25);
    expect(new Set(all.map((m) => m.externalId)).size).toBe(25);
    expect(new Set(all.map((m) => m.location))).toEqual(new Set(['host-10', 'host-11', 'host-12']));
    const first = all.find((m) => m.name === 'lab-0000')!;
    const simVm = sim.inventory.vms.get(first.externalId)!;
    expect(first).toMatchObject({
      state: 'running',
      rawState: 'POWERED_ON',
      size: '1c-1024m',
      image: 'UBUNTU_64',
      location: 'host-10',
      publicIps: [simVm.address],
      extra: {
        host: 'esx-01.lab.local',
        cluster: 'Cluster-A',
        datacenter: 'DC1',
        diskGb: 40,
        hostName: 'lab-0000',
      },
    });
    expect(first.publicIps[0]).toMatch(/^127\./);
    // Powered off: no Tools, no address. Running without Tools: running, but no address either.
    expect(all.find((m) => m.name === 'lab-0003')).toMatchObject({
      state: 'stopped',
      rawState: 'POWERED_OFF',
      publicIps: [],
      privateIps: [],
    });
    expect(all.find((m) => m.name === 'lab-0006')).toMatchObject({
      state: 'running',
      publicIps: [],
      privateIps: [],
    });
    // The standalone host has no cluster.
    expect(all.find((m) => m.location === 'host-12')!.extra.cluster).toBeNull();
    expect(
      sim.requestLog.filter((r) => r.path === '/api/vcenter/vm' && r.user === USER.username).length,
    ).toBe(1);
  });

  it('gives hosts as locations and datastores as volumes, with the VMs whose disks they hold', async () => {
    const locations = await driver().listLocations();
    expect(locations.map((l) => l.name)).toEqual([
      'esx-01.lab.local (DC1 / Cluster-A)',
      'esx-02.lab.local (DC1 / Cluster-A)',
      'esx-03.lab.local (DC1)',
    ]);
    const volumes = await collect(driver().listVolumes(new AbortController().signal));
    const vsan = volumes.find((v) => v.name === 'vsanDatastore')!;
    expect(vsan).toMatchObject({
      externalId: 'datastore-20',
      sizeGb: 4096,
      state: 'in-use',
      extra: { type: 'VSAN' },
    });
    expect(vsan.attachedTo).toHaveLength(sim.inventory.vms.size);
    expect(volumes.find((v) => v.name === 'nfs-templates')).toMatchObject({
      state: 'available',
      attachedTo: [],
    });
    await expect(driver().volumeAction({ op: 'delete', volumeId: 'datastore-20' })).rejects.toMatchObject({
      kind: 'invalid',
    });
  });

  it('stops, starts, resets and destroys, and treats the state already reached as done', async () => {
    const d = driver();
    const vm = [...sim.inventory.vms.values()].find((v) => v.power === 'POWERED_ON')!;
    await d.machineAction(vm.vm, 'stop');
    expect((await byId(vm.vm))?.state).toBe('stopped');
    await d.machineAction(vm.vm, 'stop');
    const reset = await refusal(d.machineAction(vm.vm, 'reboot'));
    expect(reset).toMatchObject({ kind: 'conflict', message: 'Virtual machine is powered off.' });
    await d.machineAction(vm.vm, 'start');
    await d.machineAction(vm.vm, 'start');
    expect((await byId(vm.vm))?.state).toBe('running');
    await d.machineAction(vm.vm, 'reboot');
    expect(sim.requestLog.some((r) => r.path === `/api/vcenter/vm/${vm.vm}/power?action=reset`)).toBe(true);

    // A running VM is powered off first: vCenter deletes only a powered-off one.
    await d.machineAction(vm.vm, 'destroy');
    expect(sim.inventory.vms.has(vm.vm)).toBe(false);
    expect(await byId(vm.vm)).toBeUndefined();
    const gone = await refusal(d.machineAction(vm.vm, 'start'));
    expect(gone).toMatchObject({ kind: 'not-found', options: { code: 'NOT_FOUND' } });
    expect(gone.message).toMatch(/has already been deleted/);
  });

  it('refuses what it cannot do before asking vCenter', async () => {
    const before = sim.knobs.requests;
    await expect(driver().machineAction('../session', 'start')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(driver().machineAction('vm-1000', 'rename', { name: '  ' })).rejects.toMatchObject({
      kind: 'invalid',
    });
    await expect(
      driver().createMachine({ name: 'a', size: 's', image: 'i', location: 'l' }),
    ).rejects.toMatchObject({ kind: 'invalid' });
    expect(sim.knobs.requests).toBe(before);
  });

  it('opens a console ticket for a running VM', async () => {
    const vm = [...sim.inventory.vms.values()].find((v) => v.power === 'POWERED_ON')!;
    expect(await driver().consoleTicket(vm.vm)).toMatch(
      new RegExp(`^vmrc://clone:cst-\\w+@.*moid=${vm.vm}$`),
    );
    const off = [...sim.inventory.vms.values()].find((v) => v.power === 'POWERED_OFF')!;
    await expect(driver().consoleTicket(off.vm)).rejects.toMatchObject({
      kind: 'conflict',
      message: 'Virtual machine is not powered on.',
    });
  });

  it('says in vSphere words when the password or the rights are wrong', async () => {
    const wrong = await refusal(driver({ ...USER, password: 'nope' }).validate());
    expect(wrong).toMatchObject({
      kind: 'auth',
      message: 'Authentication required.',
      options: { status: 401, code: 'UNAUTHENTICATED' },
    });
    const vm = [...sim.inventory.vms.values()].find((v) => v.power === 'POWERED_ON')!;
    const denied = await refusal(driver(AUDITOR).machineAction(vm.vm, 'stop'));
    expect(denied).toMatchObject({
      kind: 'auth',
      message: 'Permission to perform this operation was denied.',
    });
    expect(sim.inventory.vms.get(vm.vm)?.power).toBe('POWERED_ON');
  });

  it('logs in again once when its session expires, and not more', async () => {
    const d = driver();
    await d.validate();
    const logins = () =>
      sim.requestLog.filter((r) => r.path === '/api/session' && r.method === 'POST').length;
    const before = logins();
    sim.expireSessions();
    expect(await collect(d.listMachines(new AbortController().signal))).not.toHaveLength(0);
    expect(logins()).toBe(before + 1);
    await d.validate();
    expect(logins()).toBe(before + 1);
  });

  it('waits out throttling and outages with Retry-After, and reports them when they last', async () => {
    sim.knobs.burst({ status: 429, count: 2, retryAfterSeconds: 1 });
    sim.knobs.burst({ status: 503, count: 1, retryAfterSeconds: 1 });
    await driver().validate();

    sim.knobs.burst({ status: 429, count: 1, retryAfterSeconds: 7 });
    const throttled = await refusal(driver(USER, { retryAttempts: 1 }).validate());
    expect(throttled).toMatchObject({ kind: 'throttled', retryAfterMs: 7000 });

    sim.knobs.burst({ status: 503, count: 1, retryAfterSeconds: 2 });
    const down = await refusal(driver(USER, { retryAttempts: 1 }).validate());
    expect(down).toMatchObject({
      kind: 'unavailable',
      retryAfterMs: 2000,
      message: 'The service is unavailable. Try again later.',
    });
  });

  it('pins the certificate on first use and refuses another before sending the password', async () => {
    const first = createVsphereDriver({ credentials: USER, endpoint: sim.url, config: FAST });
    await first.validate();
    expect(first.learnedConfig?.()).toEqual({ certificateFingerprint: sim.fingerprint });
    expect(driver().learnedConfig?.()).toEqual({});

    const logged = sim.requestLog.length;
    const other = createVsphereDriver({
      credentials: USER,
      endpoint: sim.url,
      config: { ...FAST, certificateFingerprint: 'AB'.repeat(32) },
    });
    const mismatch = await refusal(other.validate());
    expect(mismatch).toMatchObject({ kind: 'auth', options: { code: 'certificate_mismatch' } });
    expect(sim.requestLog.length).toBe(logged);
  });

  it('refuses an address that is not HTTPS', () => {
    expect(() => createVsphereDriver({ credentials: USER, endpoint: 'http://vcenter.example.com' })).toThrow(
      /only over HTTPS/,
    );
    expect(() => createVsphereDriver({ credentials: USER, endpoint: '' })).toThrow(
      /vCenter Server is required/,
    );
  });

  it('offers CPU and memory presets, and the VM templates of the content libraries (not ISOs)', async () => {
    const d = driver();
    // Each preset at the hosts that can power it on: the standalone esx-03 has 4 threads.
    const all = ['host-10', 'host-11', 'host-12'];
    expect((await d.listSizes()).map((s) => [s.externalId, s.cpus, s.memoryMb, s.locations])).toEqual([
      ['1c-2048m', 1, 2048, all],
      ['2c-4096m', 2, 4096, all],
      ['4c-8192m', 4, 8192, all],
      ['8c-16384m', 8, 16384, ['host-10', 'host-11']],
    ]);
    expect((await d.listImages()).map((i) => i.name)).toEqual([
      'ubuntu-24.04-cloudimg',
      'debian-12-genericcloud',
    ]);
    expect((await d.listLocations()).map((l) => l.externalId)).toEqual(['host-10', 'host-11', 'host-12']);
  });

  it('deploys a VM from a template onto a host with the key as cloud-init, powered on with a Tools address', async () => {
    const d = driver();
    const [image] = await d.listImages();
    const made = await d.createMachine({
      name: 'made-1',
      size: '2c-4096m',
      image: image!.externalId,
      location: 'host-11',
      sshKey: { name: 'me', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMadeUpKeyForTheTest me@here\n' },
    });
    expect(made).toMatchObject({ name: 'made-1', state: 'running', size: '2c-4096m', location: 'host-11' });
    expect([...made.publicIps, ...made.privateIps][0]).toMatch(/^127\./);
    expect(sim.library.cloudInit.get(made.externalId)?.userdata).toContain(
      '"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMadeUpKeyForTheTest me@here"',
    );
    expect(await byId(made.externalId)).toMatchObject({ name: 'made-1', state: 'running' });
    expect(sim.inventory.get(made.externalId)).toMatchObject({ cpus: 2, memoryMb: 4096, host: 'host-11' });
  });

  it("refuses a placement, template, name or size vCenter would not take, in vCenter's words, making nothing", async () => {
    const d = driver();
    const [image] = await d.listImages();
    const spec = { name: 'made-2', size: '1c-2048m', image: image!.externalId, location: 'host-10' };
    const before = sim.inventory.vms.size;
    const host = await refusal(d.createMachine({ ...spec, location: 'host-99' }));
    expect(host).toMatchObject({ kind: 'invalid' });
    expect(host.message).toContain("Invalid value 'host-99' for field 'placement.host'");
    const iso = await refusal(d.createMachine({ ...spec, image: 'a1b2c3d4-0003-4000-8000-000000000003' }));
    expect(iso.message).toMatch(/only a VM template can be deployed/);
    const missing = await refusal(
      d.createMachine({ ...spec, image: 'a1b2c3d4-0009-4000-8000-000000000009' }),
    );
    expect(missing.kind).toBe('not-found');
    expect((await refusal(d.createMachine({ ...spec, image: '../../session' }))).kind).toBe('invalid');
    expect((await refusal(d.createMachine({ ...spec, size: '3c-1m' }))).message).toMatch(
      /not one of the vSphere sizes/,
    );
    expect((await refusal(d.createMachine({ ...spec, name: 'a/b' }))).kind).toBe('invalid');
    const tooBig = await refusal(d.createMachine({ ...spec, size: '8c-16384m', location: 'host-12' }));
    expect(tooBig).toMatchObject({ kind: 'invalid' });
    expect(tooBig.message).toContain('8c-16384m does not fit host esx-03.lab.local (4 logical CPUs');
    const readOnly = await refusal(driver(AUDITOR).createMachine(spec));
    expect(readOnly.kind).toBe('auth');
    expect(sim.inventory.vms.size).toBe(before);
    // A vCenter without cloud-init customization: the key cannot reach the guest, so the VM goes.
    sim.library.cloudInitSupported = false;
    const old = await refusal(
      d.createMachine({ ...spec, sshKey: { name: 'me', publicKey: 'ssh-ed25519 AAAA me' } }),
    );
    sim.library.cloudInitSupported = true;
    expect(old.kind).toBe('not-found');
    expect(sim.inventory.vms.size).toBe(before);
    await d.createMachine(spec);
    const again = await refusal(d.createMachine(spec));
    expect(again).toMatchObject({ kind: 'conflict' });
    expect(again.message).toContain("The name 'made-2' already exists.");
  });
});
