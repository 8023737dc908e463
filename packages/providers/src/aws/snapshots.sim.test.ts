// EBS snapshots and instance resizing, through the real SDK against the EC2 emulator.

import { ProviderError, type ResizeDriver, type SnapshotDriver } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { EC2_SIM_ACCESS_KEY_ID, type Ec2Sim, startEc2Sim } from '../../../cloud-sim/src/ec2/index';
import { attachVolume, createVolume } from '../../../cloud-sim/src/ec2/volume-ops';
import { createAwsDriver } from './index';

let now = Date.parse('2026-06-01T12:00:00Z');
let sim: Ec2Sim;
let driver: SnapshotDriver & ResizeDriver;
let instanceId: string;

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error('expected a ProviderError');
}

beforeAll(async () => {
  sim = await startEc2Sim({ regions: ['us-east-1'], transitionMs: 1000, now: () => now });
  driver = createAwsDriver({
    credentials: { accessKeyId: EC2_SIM_ACCESS_KEY_ID, secretAccessKey: 'any' },
    endpoint: sim.url,
    config: { retry: { attempts: 1 } },
  }) as unknown as SnapshotDriver & ResizeDriver;
  const image = sim.state.regions.get('us-east-1')!.images[0]!.id;
  const made = await (
    driver as unknown as { createMachine: (s: object) => Promise<{ externalId: string }> }
  ).createMachine({ name: 'db-1', size: 't3.micro', image, location: 'us-east-1a' });
  instanceId = made.externalId;
  now += 1000;
});
afterAll(() => sim?.close());

const region = () => sim.state.regions.get('us-east-1')!;

describe('EBS snapshots of a machine', () => {
  it('takes one EBS snapshot per volume, lists them as one, creating then available, and deletes them all', async () => {
    expect(await driver.listSnapshots(instanceId)).toEqual([]);
    expect(driver.canRevertSnapshots).toBe(true);
    const instance = sim.state.instances.get(instanceId)!;
    const volumeIds = [...instance.volumeIds];

    await driver.createSnapshot(instanceId, 'before-upgrade');
    const ebs = [...region().snapshots.values()];
    expect(ebs.map((s) => s.volumeId)).toEqual(volumeIds);
    expect(ebs.every((s) => s.tags.get('overcast:machine') === instanceId)).toBe(true);

    const [taken] = await driver.listSnapshots(instanceId);
    expect(taken).toMatchObject({ name: 'before-upgrade', state: 'creating', createdAt: new Date(now) });
    expect(taken!.sizeGb).toBe(ebs.reduce((sum, s) => sum + s.volumeSize, 0));
    now += 1000;
    expect((await driver.listSnapshots(instanceId))[0]?.state).toBe('available');

    await driver.createSnapshot(instanceId, 'second');
    expect((await driver.listSnapshots(instanceId)).map((s) => s.name).sort()).toEqual([
      'before-upgrade',
      'second',
    ]);
    await driver.deleteSnapshot(instanceId, taken!.externalId);
    expect((await driver.listSnapshots(instanceId)).map((s) => s.name)).toEqual(['second']);
    expect([...region().snapshots.values()].map((s) => s.tags.get('Name'))).toEqual(['second']);
  });

  it('refuses an unknown snapshot and an unknown instance', async () => {
    const missing = await failure(driver.deleteSnapshot(instanceId, 'no-such-snapshot'));
    expect(missing.kind).toBe('not-found');
    expect((await failure(driver.revertSnapshot(instanceId, 'no-such-snapshot'))).kind).toBe('not-found');
    expect((await failure(driver.createSnapshot('i-0123456789abcdef0', 'x'))).kind).toBe('not-found');
  });

  it('reverts by replacing the root volume with one from the snapshot, the old one deleted', async () => {
    const instance = sim.state.instances.get(instanceId)!;
    const [oldRoot] = instance.volumeIds;
    now += 1000;
    const [second] = await driver.listSnapshots(instanceId);
    expect(second!.state).toBe('available');
    const ebs = [...region().snapshots.values()].find(
      (s) => s.tags.get('overcast:snapshot') === second!.externalId,
    )!;
    expect(ebs.tags.get('overcast:device')).toBe(instance.rootDeviceName);

    await driver.revertSnapshot(instanceId, second!.externalId);
    const [task] = region().replaceRootVolumeTasks.values();
    expect(task).toMatchObject({
      instanceId,
      snapshotId: ebs.id,
      state: 'pending',
      deleteReplacedRootVolume: true,
    });
    now += 1000;
    await driver.listSnapshots(instanceId);
    expect(task!.state).toBe('succeeded');
    const newRoot = sim.state.volumes.get(instance.volumeIds[0]!)!;
    expect(newRoot.id).not.toBe(oldRoot);
    expect(newRoot).toMatchObject({ snapshotId: ebs.id, attachment: { device: instance.rootDeviceName } });
    expect(sim.state.volumes.has(oldRoot!)).toBe(false);
    expect(instance.state).toBe('running');

    // A snapshot that also holds a data volume cannot be put back in place.
    const data = createVolume(sim.state, region(), { zone: instance.zone, size: 10 });
    now += 1000;
    await driver.listSnapshots(instanceId);
    attachVolume(sim.state, region(), data.id, instanceId, '/dev/sdf');
    now += 1000;
    await driver.createSnapshot(instanceId, 'with-data');
    now += 1000;
    const withData = (await driver.listSnapshots(instanceId)).find((s) => s.name === 'with-data')!;
    const refused = await failure(driver.revertSnapshot(instanceId, withData.externalId));
    expect(refused.kind).toBe('invalid');
    expect(refused.message).toContain('also holds /dev/sdf; EC2 replaces only the root volume in place');
    expect(region().replaceRootVolumeTasks.size).toBe(1);
  });
});

describe('resizing an instance', () => {
  it('is refused in EC2’s words while the instance runs, and changes the type once stopped', async () => {
    const running = await failure(driver.resizeMachine(instanceId, 't3.large'));
    expect(running.kind).toBe('conflict');
    expect(running.message).toContain(`The instance '${instanceId}' is not in the 'stopped' state.`);
    expect(sim.state.instances.get(instanceId)!.instanceType).toBe('t3.micro');

    await (driver as unknown as { machineAction: (id: string, a: string) => Promise<void> }).machineAction(
      instanceId,
      'stop',
    );
    now += 1000;
    // EC2 replaces a root volume only while the instance runs.
    const rootOnly = (await driver.listSnapshots(instanceId)).find((s) => s.name === 'second')!;
    const stopped = await failure(driver.revertSnapshot(instanceId, rootOnly.externalId));
    expect(stopped.message).toContain('is not in a state from which it can be rebooted');
    const unknown = await failure(driver.resizeMachine(instanceId, 'x9.nope'));
    expect(unknown.message).toContain('Value (x9.nope) for parameter instanceType is invalid.');
    await driver.resizeMachine(instanceId, 't3.large');
    expect(sim.state.instances.get(instanceId)!.instanceType).toBe('t3.large');
  });
});
