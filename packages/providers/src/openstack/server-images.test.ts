// Resizing servers and their snapshots through the driver against the OpenStack emulator: Nova's
// resize and confirmResize, createImage into Glance, rebuild from a snapshot, and Nova's refusals.

import { isResizeDriver, isSnapshotDriver } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenStackSim, startOpenStackSim } from '../../../cloud-sim/src/openstack/index';
import { eventually } from '../common/test-support/eventually';
import { failure } from '../common/test-support/failure';
import { createOpenStackDriver } from './index';

let sim: OpenStackSim;

const driver = () => {
  const d = createOpenStackDriver({
    credentials: { username: 'ops', password: 'secret', projectName: 'work', userDomainName: 'Default' },
    endpoint: sim.authUrl,
    config: { retryBaseDelayMs: 5, retryMaxDelayMs: 50, actionPollMs: 20 },
  });
  if (!isSnapshotDriver(d) || !isResizeDriver(d)) throw new Error('no snapshots or resize');
  return d;
};
const work = () => sim.project('work');
const serverNamed = (name: string) => [...work().servers.values()].find((s) => s.name === name)!;

beforeAll(async () => {
  sim = await startOpenStackSim({
    projects: [{ name: 'work', servers: 3, namePrefix: 'work' }],
    users: [{ name: 'ops', password: 'secret', projects: ['work'] }],
    bootDelayMs: 100,
    actionDelayMs: 100,
  });
});
afterAll(() => sim?.close());

describe('resize', () => {
  it('offers only the flavors whose disk is no smaller than the server’s', async () => {
    // work-000001 is an m1.small: 20 GB of disk.
    const server = serverNamed('work-000001');
    expect(server.flavor.name).toBe('m1.small');
    const sizes = await driver().resizeTargets!(server.id);
    expect(sizes).toEqual(expect.arrayContaining(['2', '3', '4', '5']));
    expect(sizes).not.toContain('1');
    expect(sizes).not.toContain('d2');
  });

  it('resizes a shut-off server and confirms it, leaving it shut off with the new flavor', async () => {
    const d = driver();
    const server = serverNamed('work-000001');
    await d.machineAction(server.id, 'stop');
    await eventually(async () => expect(work().server('RegionOne', server.id).status).toBe('SHUTOFF'));
    await d.resizeMachine(server.id, '3');
    const after = work().server('RegionOne', server.id);
    expect(after).toMatchObject({ status: 'SHUTOFF', taskState: null });
    expect(after.flavor.name).toBe('m1.medium');
  });

  it('refuses in Nova’s words: an unknown flavor, a smaller disk, the same flavor, a server busy', async () => {
    const d = driver();
    const server = serverNamed('work-000001');
    const unknown = await failure(d.resizeMachine(server.id, '999'));
    expect(unknown).toMatchObject({ kind: 'invalid', message: 'Unable to locate requested flavor.' });
    const down = await failure(d.resizeMachine(server.id, '1'));
    expect(down.message).toBe('Resize error: Unable to resize disk down.');
    const same = await failure(d.resizeMachine(server.id, '3'));
    expect(same.message).toBe('When resizing, instances must change flavor!');

    await d.machineAction(server.id, 'start');
    const busy = await failure(d.resizeMachine(server.id, '4'));
    expect(busy.kind).toBe('conflict');
    expect(busy.message).toMatch(/Cannot 'resize' instance .* while it is in task_state powering-on/);
    await eventually(async () => expect(work().server('RegionOne', server.id).status).toBe('ACTIVE'));
    expect(work().server('RegionOne', server.id).flavor.name).toBe('m1.medium');
  });
});

describe('snapshots', () => {
  it('takes a snapshot into Glance, lists it as the server’s, rebuilds from it and deletes it', async () => {
    const d = driver();
    const server = serverNamed('work-000002');
    const other = serverNamed('work-000000');
    const firstImage = server.image.id;
    await d.createSnapshot(server.id, 'before-upgrade');
    const [taken] = await d.listSnapshots(server.id);
    expect(taken).toMatchObject({ name: 'before-upgrade' });
    expect(['creating', 'available']).toContain(taken!.state);
    expect(taken!.sizeGb).toBeGreaterThan(0);
    // It is a Glance snapshot of this server, and no other server lists it.
    const image = work().images.get(taken!.externalId)!;
    expect(image.properties).toMatchObject({ instance_uuid: server.id, image_type: 'snapshot' });
    expect(await d.listSnapshots(other.id)).toEqual([]);

    // Rebuilding needs the image active, and Nova refuses other actions until the snapshot is done.
    await eventually(async () => expect((await d.listSnapshots(server.id))[0]!.state).toBe('available'));
    await d.revertSnapshot(server.id, taken!.externalId);
    const rebuilt = work().server('RegionOne', server.id);
    expect(rebuilt).toMatchObject({ status: 'ACTIVE', taskState: null });
    expect(rebuilt.image.id).toBe(taken!.externalId);
    expect(rebuilt.image.id).not.toBe(firstImage);

    await d.deleteSnapshot(server.id, taken!.externalId);
    expect(await d.listSnapshots(server.id)).toEqual([]);
    expect(work().images.size).toBe(0);
  });

  it('refuses an unknown snapshot, another server’s snapshot, and a snapshot while one is taken', async () => {
    const d = driver();
    const server = serverNamed('work-000002');
    const other = serverNamed('work-000000');
    const unknown = await failure(d.revertSnapshot(server.id, '3f1e0c62-0000-4000-a000-000000000000'));
    expect(unknown.kind).toBe('not-found');
    expect((await failure(d.deleteSnapshot(server.id, 'x'.repeat(80)))).kind).toBe('invalid');

    await d.createSnapshot(other.id, 'theirs');
    const [theirs] = await d.listSnapshots(other.id);
    expect((await failure(d.deleteSnapshot(server.id, theirs!.externalId))).kind).toBe('not-found');
    const twice = await failure(d.createSnapshot(other.id, 'again'));
    expect(twice.kind).toBe('conflict');
    expect(twice.message).toMatch(/Cannot 'createImage' instance .* while it is in task_state image_/);
    await eventually(async () => expect((await d.listSnapshots(other.id))[0]!.state).toBe('available'));
    await d.deleteSnapshot(other.id, theirs!.externalId);
    expect(work().images.size).toBe(0);
  });
});
