// Snapshots and resize of Hetzner servers through the driver against the emulator, in pages of
// two so that the image listing walks meta.pagination.

import { ProviderError } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { type HetznerSim, startHetznerSim } from '../../../cloud-sim/src/hetzner/index';
import { type SnapshotResizeDriver, snapshotResizeDriver } from '../common/test-support/snapshot-driver';
import { onEmulator } from '../common/test-support/token-api-suite';
import { createHetznerDriver } from './index';

let sim: HetznerSim;
let driver: SnapshotResizeDriver;
const project = () => sim.project('snap');
const WAIT = { timeout: 15_000, interval: 50 };
/** The seeded servers: web-000000 is a cx22 in fsn1, web-000001 a cx32 in nbg1. */
const server = (n: number) => project().listServers(`web-00000${n}`)[0]!;

beforeAll(async () => {
  sim = await startHetznerSim({
    projects: [{ token: 'snap', servers: 3, namePrefix: 'web' }],
    bootDelayMs: 0,
    // Long enough that a snapshot is still being taken when the next step looks.
    actionDelayMs: 1_000,
    rateLimit: { limit: 100_000, windowMs: 1_000 },
  });
  driver = snapshotResizeDriver(
    onEmulator(createHetznerDriver, () => sim.url, { perPage: 2, pollMs: 20 }).driver('snap'),
    'the Hetzner Cloud driver',
  );
});
afterAll(() => sim.close());

describe('Hetzner Cloud snapshots on the emulator', () => {
  it('takes snapshots (creating until the action ends), lists only the server’s own, rebuilds from one and deletes it', async () => {
    expect(driver.canRevertSnapshots).toBe(true);
    expect(driver.revertNeeds).toBeUndefined();
    const id = String(server(0).id);
    const other = String(server(1).id);
    expect(await driver.listSnapshots(id)).toEqual([]);

    // Hetzner locks a server while its snapshot is taken, so they are taken one after another:
    // three of the first server and one of the second, more than one page of two.
    await driver.createSnapshot(id, 'nightly-1');
    await driver.createSnapshot(other, 'elsewhere');
    expect(await driver.listSnapshots(id)).toEqual([
      expect.objectContaining({ name: 'nightly-1', state: 'creating', sizeGb: null }),
    ]);
    const busy = await driver.createSnapshot(id, 'too-soon').catch((e) => e);
    expect(busy).toMatchObject({ kind: 'conflict', message: 'server is locked' });
    for (const name of ['nightly-2', 'before-upgrade']) {
      await expect.poll(async () => (await driver.listSnapshots(id)).at(-1)?.state, WAIT).toBe('available');
      await driver.createSnapshot(id, name);
    }
    await expect.poll(async () => (await driver.listSnapshots(id)).at(-1)?.state, WAIT).toBe('available');
    const all = await driver.listSnapshots(id);
    expect(all.map((s) => [s.name, s.state])).toEqual([
      ['nightly-1', 'available'],
      ['nightly-2', 'available'],
      ['before-upgrade', 'available'],
    ]);
    const taken = all[2]!;
    expect(taken.sizeGb).toBeGreaterThan(0);
    expect(taken.createdAt).toBeInstanceOf(Date);
    expect((await driver.listSnapshots(other)).map((s) => s.name)).toEqual(['elsewhere']);

    // The rebuild replaces the disk in place: same server, the snapshot as its image, running again.
    await driver.revertSnapshot(id, taken.externalId);
    expect(server(0)).toMatchObject({ status: 'running', image: { id: Number(taken.externalId) } });
    expect(project().actions.get(Math.max(...project().actions.keys()))).toMatchObject({
      command: 'rebuild_server',
      status: 'success',
    });

    // Another server's snapshot is not the first one's to delete; an unknown one is refused by Hetzner.
    await expect(driver.deleteSnapshot(other, taken.externalId)).rejects.toMatchObject({ kind: 'not-found' });
    const unknown = await driver.revertSnapshot(id, '99').catch((e) => e);
    expect(unknown).toBeInstanceOf(ProviderError);
    expect(unknown.message).toBe("invalid input in field 'image'");

    await driver.deleteSnapshot(id, taken.externalId);
    expect((await driver.listSnapshots(id)).map((s) => s.name)).toEqual(['nightly-1', 'nightly-2']);
    expect(project().images.byId.has(Number(taken.externalId))).toBe(false);
  });
});

describe('Hetzner Cloud resize on the emulator', () => {
  it('offers the types of the server’s architecture and location whose disk holds its disk', async () => {
    expect((await driver.resizeTargets(String(server(0).id))).sort()).toEqual([
      'cpx11',
      'cpx21',
      'cx22',
      'cx32',
    ]);
    // A cx32 (80 GB) in Nuremberg: the 40 GB types are too small; the arm cax11 never fits.
    expect((await driver.resizeTargets(String(server(1).id))).sort()).toEqual(['cpx21', 'cx32']);
  });

  it('refuses a running server and a type that does not fit; resizes a stopped one and back, keeping its disk', async () => {
    const target = server(0);
    const id = String(target.id);
    const running = await driver.resizeMachine(id, 'cx32').catch((e) => e);
    expect(running).toMatchObject({
      kind: 'conflict',
      message: 'server must be stopped before changing its type',
    });
    target.status = 'off';
    const arm = await driver.resizeMachine(id, 'cax11').catch((e) => e);
    expect(arm).toMatchObject({
      kind: 'invalid',
      message: 'server type cax11 does not fit for the given server',
    });
    const unknown = await driver.resizeMachine(id, 'cx99').catch((e) => e);
    expect(unknown).toMatchObject({ kind: 'invalid', message: "invalid input in field 'server_type'" });
    expect(target.type.name).toBe('cx22');

    await driver.resizeMachine(id, 'cx32');
    expect(server(0)).toMatchObject({ type: { name: 'cx32' }, diskGb: 40 });
    // The disk was kept, so the smaller type still fits.
    expect(await driver.resizeTargets(id)).toContain('cx22');
    await driver.resizeMachine(id, 'cx22');
    expect(server(0).type.name).toBe('cx22');
  });
});
