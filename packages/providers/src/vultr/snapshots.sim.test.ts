// Snapshots and resize of Vultr instances through the driver against the emulator, in pages of
// two so that the snapshot listing follows meta.links.next.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { startVultrSim, type VultrSim } from '../../../cloud-sim/src/vultr/index';
import { type SnapshotResizeDriver, snapshotResizeDriver } from '../common/test-support/snapshot-driver';
import { onEmulator } from '../common/test-support/token-api-suite';
import { createVultrDriver } from './index';

let sim: VultrSim;
let driver: SnapshotResizeDriver;
const account = () => sim.account('snap');
/** The seeded instances: vc2-1c-1gb in ewr, vc2-1c-2gb in ord, vc2-2c-4gb in ams. */
const instance = (n: number) => account().listInstances()[n]!;

beforeAll(async () => {
  sim = await startVultrSim({
    accounts: [{ token: 'snap', instances: 3, namePrefix: 'snap' }],
    // Nothing finishes by itself: the test says when Vultr is done, so no step races a timer.
    bootDelayMs: 60_000,
    actionDelayMs: 60_000,
    rateLimit: { limit: 100_000, windowMs: 1_000 },
  });
  driver = snapshotResizeDriver(
    onEmulator(createVultrDriver, () => sim.url, { perPage: 2 }).driver('snap'),
    'the Vultr driver',
  );
});
afterAll(() => sim.close());

describe('Vultr snapshots on the emulator', () => {
  it('takes snapshots, lists each instance’s own by the mark in its description, restores from one and deletes it', async () => {
    expect(driver.canRevertSnapshots).toBe(true);
    const id = instance(0).id;
    const other = instance(1).id;
    expect(await driver.listSnapshots(id)).toEqual([]);

    await driver.createSnapshot(id, 'nightly');
    await driver.createSnapshot(id, 'before-upgrade');
    await driver.createSnapshot(other, 'elsewhere');
    // Taken in Vultr's portal: no mark, so no instance's.
    account().snapshots.create({ instance_id: id, description: 'by hand' });
    expect(await driver.listSnapshots(id)).toEqual([
      expect.objectContaining({ name: 'nightly', state: 'creating' }),
      expect.objectContaining({ name: 'before-upgrade', state: 'creating' }),
    ]);
    // What Vultr holds: the description names the instance.
    expect([...account().snapshots.byId.values()].map((s) => s.description)).toContain(
      `nightly (of instance ${id})`,
    );
    for (const s of account().snapshots.byId.values()) s.status = 'complete';
    expect((await driver.listSnapshots(id)).map((s) => s.state)).toEqual(['available', 'available']);
    const taken = (await driver.listSnapshots(id))[1]!;
    expect(taken.sizeGb).toBeGreaterThan(0);
    expect(taken.createdAt).toBeInstanceOf(Date);
    expect((await driver.listSnapshots(other)).map((s) => s.name)).toEqual(['elsewhere']);

    await driver.revertSnapshot(id, taken.externalId);
    expect(account().instances.get(id)).toMatchObject({
      restoredFrom: taken.externalId,
      serverStatus: 'installingbooting',
    });
    const unknown = await driver.revertSnapshot(id, 'a0b1c2d3-0000-4000-8000-000000000000').catch((e) => e);
    expect(unknown).toMatchObject({ kind: 'invalid', message: 'Invalid snapshot_id.' });

    await expect(driver.deleteSnapshot(other, taken.externalId)).rejects.toMatchObject({ kind: 'not-found' });
    await driver.deleteSnapshot(id, taken.externalId);
    expect((await driver.listSnapshots(id)).map((s) => s.name)).toEqual(['nightly']);
    expect(account().snapshots.byId.has(taken.externalId)).toBe(false);
  });

  it('refuses a snapshot of an instance still being installed, in Vultr’s words', async () => {
    const { instance: fresh } = account().createInstance({ region: 'ewr', plan: 'vc2-1c-1gb', os_id: 2136 });
    const refused = await driver.createSnapshot(fresh.id, 'too-soon').catch((e) => e);
    expect(refused).toMatchObject({
      kind: 'conflict',
      message: 'Unable to snapshot: server is still being installed.',
    });
  });
});

describe('Vultr resize on the emulator', () => {
  it('offers the plans Vultr lists as upgrades: larger ones, in the instance’s region', async () => {
    expect((await driver.resizeTargets(instance(0).id)).sort()).toEqual([
      'vc2-1c-2gb',
      'vc2-2c-4gb',
      'vhf-2c-4gb',
    ]);
    // Chicago has no high-frequency plans.
    expect(await driver.resizeTargets(instance(1).id)).toEqual(['vc2-2c-4gb']);
  });

  it('refuses a smaller plan and an unknown one; moves to a larger one', async () => {
    const id = instance(1).id;
    const down = await driver.resizeMachine(id, 'vc2-1c-1gb').catch((e) => e);
    expect(down).toMatchObject({
      kind: 'invalid',
      message: 'Unable to change plan: vc2-1c-1gb is not an upgrade of vc2-1c-2gb.',
    });
    const unknown = await driver.resizeMachine(id, 'vc9-64c').catch((e) => e);
    expect(unknown).toMatchObject({ kind: 'invalid', message: 'Invalid plan chosen.' });
    expect(instance(1).plan.id).toBe('vc2-1c-2gb');

    await driver.resizeMachine(id, 'vc2-2c-4gb');
    expect(instance(1).plan.id).toBe('vc2-2c-4gb');
    expect(await driver.resizeTargets(id)).toEqual([]);
  });
});
