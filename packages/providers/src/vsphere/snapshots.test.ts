// Resizing, renaming and snapshots of vSphere VMs against the vCenter emulator, through the real clients:
// the REST API's hardware PATCHes with vSphere's hot-plug rules and the presets a host has room
// for; the VI/JSON API's snapshot tree, tasks waited on, reverts in place, and refusals in
// vSphere's words.

import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVsphereSim, type VsphereSim } from '../../../cloud-sim/src/vsphere/index';
import { collect } from '../common/json-api';
import { eventually } from '../common/test-support/eventually';
import { failure } from '../common/test-support/failure';
import type { VsphereCredentials } from './config';
import { createVsphereDriver } from './index';

const USER = { username: 'overcast@vsphere.local', password: 'snapshots and sizes' };
const AUDITOR = { username: 'audit@vsphere.local', password: 'look only' };
const FAST = { retryBaseDelayMs: 5, retryMaxDelayMs: 50, taskPollMs: 10 };
const ALL = ['1c-2048m', '2c-4096m', '4c-8192m', '8c-16384m'];

let sim: VsphereSim;
const driver = (credentials: VsphereCredentials = USER) =>
  createVsphereDriver({
    credentials,
    endpoint: sim.url,
    config: { certificateFingerprint: sim.fingerprint, ...FAST },
  });
const d = () => driver();
const vm = (id: string) => sim.inventory.vms.get(id)!;
const patches = () => sim.requestLog.filter((r) => r.method === 'PATCH').length;

/** A raw REST call, as any client would make it: vCenter's own refusals, not the driver's. */
async function rawPatch(path: string, body: unknown) {
  const login = await send('POST', '/api/session', undefined, {
    authorization: `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`,
  });
  return send('PATCH', path, body, { 'vmware-api-session-id': JSON.parse(login.body) });
}

function send(method: string, path: string, body: unknown, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${sim.url}${path}`,
      {
        method,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
        rejectUnauthorized: false,
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

beforeAll(async () => {
  // 12 VMs on 3 hosts: host-10 and host-11 have 32 threads and 256 GiB, host-12 4 and 16 GiB.
  sim = await startVsphereSim({
    machines: 12,
    namePrefix: 'app',
    users: [USER, { ...AUDITOR, readOnly: true }],
  });
});
afterAll(() => sim.close());

describe('vSphere resize', () => {
  it('resizes a powered-off VM to any preset its host fits, and the next list shows the new size', async () => {
    expect(vm('vm-1003')).toMatchObject({ power: 'POWERED_OFF', host: 'host-10', cpus: 4, memoryMb: 4096 });
    expect(await d().resizeTargets('vm-1003')).toEqual(ALL);
    await d().resizeMachine('vm-1003', '2c-4096m');
    expect(vm('vm-1003')).toMatchObject({ power: 'POWERED_OFF', cpus: 2, coresPerSocket: 1, memoryMb: 4096 });
    const listed = (await collect(d().listMachines(new AbortController().signal))).find(
      (m) => m.externalId === 'vm-1003',
    );
    expect(listed?.size).toBe('2c-4096m');
  });

  it('offers and takes only the presets the small host has the CPUs and memory for', async () => {
    expect(vm('vm-1011')).toMatchObject({ power: 'POWERED_OFF', host: 'host-12' });
    expect(await d().resizeTargets('vm-1011')).toEqual(['1c-2048m', '2c-4096m', '4c-8192m']);
    const before = patches();
    const err = await failure(d().resizeMachine('vm-1011', '8c-16384m'));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('does not fit host esx-03.lab.local (4 logical CPUs, 16384 MiB)');
    expect(patches()).toBe(before);
  });

  it('refuses a running VM without CPU Hot Plug before writing anything, as vCenter itself would', async () => {
    const running = vm('vm-1001');
    expect(running).toMatchObject({ power: 'POWERED_ON', cpuHotAdd: false, cpus: 2, memoryMb: 2048 });
    // Without hot plug it is stopped first: every preset its host fits, once off.
    expect(await d().resizesRunning('vm-1001')).toBe(false);
    expect(await d().resizeTargets('vm-1001')).toEqual(ALL);
    const before = patches();
    const err = await failure(d().resizeMachine('vm-1001', '4c-8192m'));
    expect(err.kind).toBe('conflict');
    expect(err.message).toBe(
      'app-0001 is powered on and CPU Hot Plug (Enable CPU Hot Add) is off for it: power it off, then resize it.',
    );
    expect(patches()).toBe(before);
    expect(running).toMatchObject({ cpus: 2, memoryMb: 2048 });

    // vCenter's own answer to the same change, in its error shape.
    const raw = await rawPatch('/api/vcenter/vm/vm-1001/hardware/cpu', { count: 4 });
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.body)).toMatchObject({
      error_type: 'UNSUPPORTED',
      messages: [{ default_message: 'CPU hot plug is not supported for this virtual machine.' }],
    });
    expect(running.cpus).toBe(2);
  });

  it('adds CPUs and memory to a running VM with hot plug on, but removes none', async () => {
    const hot = vm('vm-1000');
    expect(hot).toMatchObject({
      power: 'POWERED_ON',
      cpuHotAdd: true,
      memoryHotAdd: true,
      cpus: 1,
      memoryMb: 1024,
    });
    expect(await d().resizesRunning('vm-1000')).toBe(true);
    await d().resizeMachine('vm-1000', '2c-4096m');
    expect(hot).toMatchObject({ power: 'POWERED_ON', cpus: 2, memoryMb: 4096 });
    // Running, it is offered only what it can take running: nothing smaller.
    expect(await d().resizeTargets('vm-1000')).toEqual(['2c-4096m', '4c-8192m', '8c-16384m']);
    const err = await failure(d().resizeMachine('vm-1000', '1c-2048m'));
    expect(err.kind).toBe('conflict');
    expect(err.message).toContain('CPU Hot Remove is off');
    expect(hot).toMatchObject({ cpus: 2, memoryMb: 4096 });
  });

  it('refuses sizes and machines that are not vSphere ones, and a VM vCenter does not have', async () => {
    expect((await failure(d().resizeMachine('vm-1003', '3c-1000m'))).kind).toBe('invalid');
    expect((await failure(d().resizeMachine('../host-10', '2c-4096m'))).kind).toBe('invalid');
    const gone = await failure(d().resizeTargets('vm-999999'));
    expect(gone.kind).toBe('not-found');
    expect(gone.message).toContain("vm-999999' has already been deleted or has not been completely created");
  });
});

describe('vSphere snapshots', () => {
  it('takes one of a running VM with its memory, reverts to it in place, running, and deletes it', async () => {
    const target = vm('vm-1005');
    expect(target).toMatchObject({ power: 'POWERED_ON', cpus: 2 });
    expect(await d().listSnapshots('vm-1005')).toEqual([]);
    await d().createSnapshot('vm-1005', 'before upgrade');
    const [taken, ...rest] = await d().listSnapshots('vm-1005');
    expect(rest).toEqual([]);
    expect(taken).toEqual({
      externalId: expect.stringMatching(/^snapshot-\d+$/),
      name: 'before upgrade',
      state: 'available',
      createdAt: expect.any(Date),
      sizeGb: null,
    });
    expect(sim.vim.snapshots.get(taken!.externalId)).toMatchObject({ state: 'poweredOn', cpus: 2 });

    // Changed since, and powered off; the revert brings back its CPUs and its running state.
    target.cpus = 4;
    target.power = 'POWERED_OFF';
    await d().revertSnapshot('vm-1005', taken!.externalId);
    expect(target).toMatchObject({ power: 'POWERED_ON', cpus: 2 });

    await d().deleteSnapshot('vm-1005', taken!.externalId);
    expect(await d().listSnapshots('vm-1005')).toEqual([]);
    expect(sim.vim.snapshotsOf('vm-1005')).toEqual([]);
  });

  it('lists a chain of snapshots and keeps the later one when an earlier one is deleted', async () => {
    await d().createSnapshot('vm-1003', 'first');
    await d().createSnapshot('vm-1003', 'second');
    const both = await d().listSnapshots('vm-1003');
    expect(both.map((s) => s.name)).toEqual(['first', 'second']);
    // Of a powered-off VM: its disks only.
    expect(sim.vim.snapshotsOf('vm-1003').map((s) => s.state)).toEqual(['poweredOff', 'poweredOff']);
    await d().deleteSnapshot('vm-1003', both[0]!.externalId);
    expect((await d().listSnapshots('vm-1003')).map((s) => s.name)).toEqual(['second']);
  });

  it("refuses another VM's snapshot and ids that are none, touching nothing", async () => {
    await d().createSnapshot('vm-1006', 'mine');
    const [own] = await d().listSnapshots('vm-1006');
    const foreign = await failure(d().revertSnapshot('vm-1001', own!.externalId));
    expect(foreign.kind).toBe('not-found');
    expect((await failure(d().deleteSnapshot('vm-1001', own!.externalId))).kind).toBe('not-found');
    expect((await failure(d().deleteSnapshot('vm-1006', '../Task/task-1'))).kind).toBe('not-found');
    expect(sim.vim.snapshots.has(own!.externalId)).toBe(true);
  });

  it("says in vSphere's words when a task fails, a name is refused or the user may only look", async () => {
    // Two snapshots asked for at once: vCenter runs the first and fails the second's task.
    const running = () =>
      [...sim.vim.tasks.values()].filter((t) => t.vm === 'vm-1007' && t.state === 'running');
    sim.vim.holdTasks = true;
    const first = d().createSnapshot('vm-1007', 'one');
    await eventually(async () => expect(running()).toHaveLength(1));
    const second = failure(d().createSnapshot('vm-1007', 'two'));
    await eventually(async () => expect(running()).toHaveLength(2));
    sim.vim.holdTasks = false;
    await first;
    expect(await second).toMatchObject({
      kind: 'conflict',
      message: 'Another task is already in progress.',
      options: { code: 'TaskInProgress' },
    });
    expect(sim.vim.snapshotsOf('vm-1007').map((s) => s.name)).toEqual(['one']);

    const long = await failure(d().createSnapshot('vm-1007', 'x'.repeat(81)));
    expect(long).toMatchObject({ kind: 'invalid', options: { code: 'InvalidName' } });

    const auditor = driver(AUDITOR);
    expect(await auditor.listSnapshots('vm-1007')).toHaveLength(1);
    const denied = await failure(auditor.createSnapshot('vm-1008', 'nope'));
    expect(denied).toMatchObject({ kind: 'auth', options: { code: 'NoPermission' } });
    expect(denied.message).toBe('Permission to perform this operation was denied.');
    expect(sim.vim.snapshotsOf('vm-1008')).toEqual([]);
  });

  it('logs in again once when vCenter forgot the session, and refuses a wrong password', async () => {
    const one = d();
    await one.createSnapshot('vm-1009', 'kept');
    sim.expireSessions();
    expect((await one.listSnapshots('vm-1009')).map((s) => s.name)).toEqual(['kept']);
    const wrong = await failure(driver({ ...USER, password: 'wrong' }).listSnapshots('vm-1009'));
    expect(wrong).toMatchObject({ kind: 'auth', options: { code: 'InvalidLogin' } });
  });
});

describe('vSphere rename', () => {
  it("renames a VM through the VI/JSON API; a taken or empty name is refused in vSphere's words", async () => {
    await d().machineAction('vm-1009', 'rename', { name: 'billing-db' });
    expect(vm('vm-1009').name).toBe('billing-db');
    const listed = (await collect(d().listMachines(new AbortController().signal))).find(
      (m) => m.externalId === 'vm-1009',
    );
    expect(listed?.name).toBe('billing-db');

    const taken = await failure(d().machineAction('vm-1010', 'rename', { name: 'billing-db' }));
    expect(taken).toMatchObject({
      kind: 'conflict',
      message: "The name 'billing-db' already exists.",
      options: { code: 'DuplicateName' },
    });
    expect(vm('vm-1010').name).not.toBe('billing-db');
    const long = await failure(d().machineAction('vm-1010', 'rename', { name: 'x'.repeat(81) }));
    expect(long).toMatchObject({ kind: 'invalid', options: { code: 'InvalidName' } });
    const denied = await failure(driver(AUDITOR).machineAction('vm-1010', 'rename', { name: 'mine' }));
    expect(denied).toMatchObject({ kind: 'auth', options: { code: 'NoPermission' } });
  });
});
