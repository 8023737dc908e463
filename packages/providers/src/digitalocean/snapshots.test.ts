// Snapshots and resize of droplets, through the driver against the DigitalOcean emulator.

import { isResizeDriver, isSnapshotDriver, ProviderError, type RemoteMachine } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DigitalOceanSim, startDigitalOceanSim } from '../../../cloud-sim/src/digitalocean/index';
import { createDigitalOceanDriver } from './index';

const FAST = { retryBaseDelayMs: 5, retryMaxDelayMs: 50, actionPollMs: 5, shutdownWaitMs: 2_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DigitalOcean snapshots and resize on the emulator', () => {
  let sim: DigitalOceanSim;
  const make = () =>
    createDigitalOceanDriver({ credentials: { token: 'snap' }, endpoint: sim.url, config: FAST });
  const machine = async (id: string): Promise<RemoteMachine> => {
    for await (const m of make().listMachines(new AbortController().signal))
      if (m.externalId === id) return m;
    throw new Error(`no droplet ${id}`);
  };

  beforeAll(async () => {
    sim = await startDigitalOceanSim({
      accounts: [{ token: 'snap', droplets: 2, namePrefix: 'snap' }],
      bootDelayMs: 10,
      actionDelayMs: 400,
    });
  });
  afterAll(() => sim.close());

  it('takes a snapshot (listed as creating until done), reverts to it and deletes it', async () => {
    const driver = make();
    if (!isSnapshotDriver(driver)) throw new Error('the DigitalOcean driver has no snapshots');
    expect(driver.canRevertSnapshots).toBe(true);
    const id = [...sim.account('snap').droplets.keys()][0]!.toString();
    expect(await driver.listSnapshots(id)).toEqual([]);

    await driver.createSnapshot(id, 'before-upgrade');
    const pending = await driver.listSnapshots(id);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ state: 'creating' });

    await sleep(450);
    const done = await driver.listSnapshots(id);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ name: 'before-upgrade', state: 'available' });
    expect(done[0]!.sizeGb).toBeGreaterThan(0);
    expect(done[0]!.createdAt).toBeInstanceOf(Date);

    await driver.revertSnapshot(id, done[0]!.externalId);
    const restore = [...sim.account('snap').actions.values()].find((a) => a.type === 'restore');
    expect(restore).toMatchObject({ status: 'completed', resourceId: Number(id) });

    // A snapshot of another droplet is not this one's to revert to or delete.
    const other = [...sim.account('snap').droplets.keys()][1]!.toString();
    const refused = await driver.revertSnapshot(other, done[0]!.externalId).catch((e) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused.message).toMatch(/snapshot or backup of this Droplet/);
    await expect(driver.deleteSnapshot(other, done[0]!.externalId)).rejects.toMatchObject({
      kind: 'not-found',
    });

    await driver.deleteSnapshot(id, done[0]!.externalId);
    expect(await driver.listSnapshots(id)).toEqual([]);
    expect(sim.account('snap').privateImages).toEqual([]);
  });

  it('resizes a powered-off droplet and refuses a running one in DigitalOcean words', async () => {
    const driver = make();
    if (!isResizeDriver(driver)) throw new Error('the DigitalOcean driver cannot resize');
    const [first, second] = [...sim.account('snap').droplets.values()];
    sim.account('snap').mutateDroplet(first!.id, { status: 'active' });
    const running = await driver.resizeMachine(String(first!.id), 's-2vcpu-4gb').catch((e) => e);
    expect(running).toBeInstanceOf(ProviderError);
    expect(running.message).toMatch(/powered off/);

    sim.account('snap').mutateDroplet(second!.id, { status: 'off' });
    await driver.resizeMachine(String(second!.id), 's-2vcpu-4gb');
    const after = await machine(String(second!.id));
    expect(after).toMatchObject({ size: 's-2vcpu-4gb', costMonthly: { amount: '24.0000', currency: 'USD' } });

    const unknown = await driver.resizeMachine(String(second!.id), 'x-nope').catch((e) => e);
    expect(unknown.message).toMatch(/invalid size/);
  });
});
