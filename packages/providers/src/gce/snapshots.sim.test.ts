// Disk snapshots of a machine and resizing it, through @google-cloud/compute against the emulator.

import { generateKeyPairSync } from 'node:crypto';
import type { ProviderDriver, ProviderError, ResizeDriver, SnapshotDriver } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
// Test-only reach into the emulator package (providers depends on contracts only).
import { badRequest } from '../../../cloud-sim/src/gce/errors';
import { type GceProject, type GceSim, startGceSim } from '../../../cloud-sim/src/gce/index';
import { createGceDriver } from './index';

const EMAIL = 'snap@proj-s.iam.gserviceaccount.com';
const ZONE = 'us-central1-a';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let sim: GceSim;
let driver: ProviderDriver & SnapshotDriver & ResizeDriver;
let project: GceProject;
const MACHINE = `${ZONE}/db-1`;

beforeAll(async () => {
  sim = await startGceSim({
    serviceAccounts: [{ email: EMAIL, projects: ['proj-s'], publicKey: keys.publicKey }],
    projects: [{ id: 'proj-s', zones: [ZONE] }],
    operationMs: 5,
    provisionMs: 5,
    stopMs: 5,
  });
  project = sim.project('proj-s');
  driver = createGceDriver({
    credentials: {
      serviceAccount: {
        type: 'service_account',
        project_id: 'proj-s',
        private_key: keys.privateKey,
        client_email: EMAIL,
        token_uri: sim.tokenUri,
      },
    },
    endpoint: sim.url,
    config: { retryAttempts: 1, requestTimeoutMs: 5_000 },
  }) as ProviderDriver & SnapshotDriver & ResizeDriver;
  await machineWithData('db-1', 20);
});
afterAll(() => sim?.close());

/** An instance with a data disk (`NAME-data`) besides its boot disk: a machine snapshot covers both. */
async function machineWithData(name: string, dataGb: number) {
  await driver.createMachine({
    name,
    size: 'e2-small',
    image: 'projects/debian-cloud/global/images/family/debian-12',
    location: ZONE,
  });
  await driver.volumeAction({ op: 'create', name: `${name}-data`, sizeGb: dataGb, location: ZONE });
  await new Promise((r) => setTimeout(r, 20));
  await driver.volumeAction({ op: 'attach', volumeId: `${ZONE}/${name}-data`, machineId: `${ZONE}/${name}` });
}

const diskSnapshots = () => [...project.snapshots.byName.values()];

describe('Compute Engine snapshots of a machine', () => {
  it('takes one disk snapshot per attached disk, lists them as one and deletes them all', async () => {
    expect(driver.canRevertSnapshots).toBe(true);
    expect(await driver.listSnapshots(MACHINE)).toEqual([]);
    const before = Date.now();

    await driver.createSnapshot(MACHINE, 'Before the upgrade');
    const taken = diskSnapshots();
    expect(taken.map((s) => s.sourceDisk).sort()).toEqual(['db-1', 'db-1-data']);
    const instanceId = project.getInstance(ZONE, 'db-1').id;
    expect(taken.every((s) => s.labels['overcast-machine'] === instanceId)).toBe(true);

    const [listed, ...rest] = await driver.listSnapshots(MACHINE);
    expect(rest).toEqual([]);
    expect(listed).toMatchObject({ name: 'Before the upgrade', state: 'available' });
    expect(listed!.sizeGb).toBe(taken.reduce((sum, s) => sum + s.diskSizeGb, 0));
    expect(listed!.createdAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);

    await driver.createSnapshot(MACHINE, 'second');
    expect((await driver.listSnapshots(MACHINE)).map((s) => s.name).sort()).toEqual([
      'Before the upgrade',
      'second',
    ]);
    await driver.deleteSnapshot(MACHINE, listed!.externalId);
    expect((await driver.listSnapshots(MACHINE)).map((s) => s.name)).toEqual(['second']);
    expect(diskSnapshots().map((s) => s.description)).toEqual(['second', 'second']);
  });

  it("keeps another machine's snapshots out of this one's list", async () => {
    await driver.createMachine({
      name: 'web-1',
      size: 'e2-micro',
      image: 'projects/debian-cloud/global/images/family/debian-12',
      location: ZONE,
    });
    await driver.createSnapshot(`${ZONE}/web-1`, 'web');
    expect((await driver.listSnapshots(`${ZONE}/web-1`)).map((s) => s.name)).toEqual(['web']);
    expect((await driver.listSnapshots(MACHINE)).map((s) => s.name)).toEqual(['second']);
  });

  it('deletes the disk snapshots already taken when one disk cannot be snapshotted', async () => {
    const count = diskSnapshots().length;
    project.getDisk(ZONE, 'db-1-data').status = 'FAILED';
    try {
      await expect(driver.createSnapshot(MACHINE, 'doomed')).rejects.toMatchObject({
        kind: 'conflict',
        message: `The resource 'projects/proj-s/zones/${ZONE}/disks/db-1-data' is not ready`,
      });
    } finally {
      project.getDisk(ZONE, 'db-1-data').status = 'READY';
    }
    expect(diskSnapshots().length).toBe(count);
    expect((await driver.listSnapshots(MACHINE)).map((s) => s.name)).toEqual(['second']);
  });

  it('refuses an unknown snapshot and an unknown instance', async () => {
    const kindOf = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: ProviderError) => e.kind,
      );
    expect(await kindOf(driver.deleteSnapshot(MACHINE, 'no-such-snapshot'))).toBe('not-found');
    expect(await kindOf(driver.revertSnapshot(MACHINE, 'no-such-snapshot'))).toBe('not-found');
    expect(await kindOf(driver.createSnapshot(`${ZONE}/nobody`, 'x'))).toBe('not-found');
    expect(await kindOf(driver.listSnapshots('not an id'))).toBe('invalid');
  });
});

describe('resizing a Compute Engine instance', () => {
  it("is refused in Compute Engine's words while running, and changes the machine type once stopped", async () => {
    await expect(driver.resizeMachine(MACHINE, 'e2-medium')).rejects.toMatchObject({
      kind: 'conflict',
      message: `The resource 'projects/proj-s/zones/${ZONE}/instances/db-1' is not ready: Compute Engine changes the machine type only of a stopped instance; stop 'db-1' first.`,
    });
    expect(project.getInstance(ZONE, 'db-1').machineType).toBe('e2-small');

    await driver.machineAction(MACHINE, 'stop');
    await expect(driver.resizeMachine(MACHINE, 'x9-nope')).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining("Machine type with name 'x9-nope' does not exist"),
    });
    await driver.resizeMachine(MACHINE, 'e2-medium');
    expect(project.getInstance(ZONE, 'db-1').machineType).toBe('e2-medium');
    const machines = [];
    for await (const m of driver.listMachines(new AbortController().signal)) machines.push(m);
    expect(machines.find((m) => m.externalId === MACHINE)).toMatchObject({ size: 'e2-medium' });
  });
});

describe('reverting a Compute Engine instance to a snapshot', () => {
  const APP = `${ZONE}/app-1`;
  const devices = () =>
    project
      .getInstance(ZONE, 'app-1')
      .disks.map((d) => ({ device: d.deviceName, disk: d.diskName, boot: d.boot }));
  const diskOf = (device: string) => devices().find((d) => d.device === device)!.disk;
  let snapshotId: string;

  beforeAll(async () => {
    await machineWithData('app-1', 30);
    await driver.createSnapshot(APP, 'known good');
    const [taken] = await driver.listSnapshots(APP);
    snapshotId = taken!.externalId;
  });

  it('refuses a running instance and changes nothing', async () => {
    const before = devices();
    await expect(driver.revertSnapshot(APP, snapshotId)).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(
        /^Stop the instance first: Compute Engine replaces disks only of a stopped instance/,
      ),
    });
    expect(devices()).toEqual(before);
    expect(project.getInstance(ZONE, 'app-1').status).toBe('RUNNING');
  });

  it('swaps in new disks made from the disk snapshots under the same device names, boot disk first, and deletes the old ones', async () => {
    await driver.machineAction(APP, 'stop');
    // A disk grown since the snapshot goes back to the snapshot's size.
    project.getDisk(ZONE, 'app-1-data').sizeGb = 50;
    const before = devices();
    const log = sim.requestLog.length;

    await driver.revertSnapshot(APP, snapshotId);

    const after = devices();
    expect(after.map(({ device, boot }) => ({ device, boot }))).toEqual(
      before.map(({ device, boot }) => ({ device, boot })),
    );
    const snapshotOf = (oldDisk: string) =>
      [...project.snapshots.byName.values()].find(
        (s) => s.sourceDisk === oldDisk && s.description === 'known good',
      )!;
    for (const [i, { disk }] of after.entries()) {
      expect(disk).not.toBe(before[i]!.disk);
      const made = project.getDisk(ZONE, disk);
      const from = snapshotOf(before[i]!.disk);
      expect(made.sourceSnapshot).toBe(
        `https://www.googleapis.com/compute/v1/projects/proj-s/global/snapshots/${from.name}`,
      );
      expect(made).toMatchObject({ sizeGb: from.diskSizeGb, users: ['app-1'] });
    }
    expect(project.getDisk(ZONE, diskOf('app-1-data')).sizeGb).toBe(30);
    // The replaced disks are gone (their deletion settles after its operation).
    await new Promise((r) => setTimeout(r, 20));
    expect(before.filter((d) => project.disks.has(`${ZONE}/${d.disk}`))).toEqual([]);
    // The boot device is swapped first; the instance is left stopped.
    const swaps = sim.requestLog
      .slice(log)
      .filter((r) => /\/instances\/app-1\/(detach|attach)Disk/.test(r.path))
      .map((r) => /(detach|attach)Disk/.exec(r.path)![0]);
    expect(swaps).toEqual(['detachDisk', 'attachDisk', 'detachDisk', 'attachDisk']);
    expect(sim.requestLog.slice(log).find((r) => r.path.includes('/detachDisk'))!.path).toContain(
      `deviceName=${before.find((d) => d.boot)!.device}`,
    );
    expect(project.getInstance(ZONE, 'app-1').status).toBe('TERMINATED');

    // The same snapshot again: it names devices, so the disks made by the first revert are replaced.
    await driver.revertSnapshot(APP, snapshotId);
    expect(devices().map((d) => d.disk)).not.toEqual(after.map((d) => d.disk));
  });

  const imageOf = async () => {
    for await (const m of driver.listMachines(new AbortController().signal)) {
      if (m.externalId === APP) return m.image;
    }
    throw new Error(`${APP} is not listed`);
  };
  const made = 'projects/debian-cloud/global/images/debian-12-bookworm-v20240611';

  it('keeps reporting the image the machine was made from, through reverts and snapshots of reverted disks', async () => {
    // The swap test above reverted twice: the boot disk is one made from a snapshot.
    const boot = project.getDisk(ZONE, devices().find((d) => d.boot)!.disk);
    expect(boot.sourceSnapshot).toBeTruthy();
    expect(boot.sourceImage).toBeNull();
    expect(await imageOf()).toBe(made);

    // A snapshot of a reverted disk, reverted to after the disk it was taken from is gone.
    await driver.createSnapshot(APP, 'after a revert');
    const later = (await driver.listSnapshots(APP)).find((s) => s.name === 'after a revert')!;
    await driver.revertSnapshot(APP, later.externalId);
    await driver.revertSnapshot(APP, snapshotId);
    await driver.revertSnapshot(APP, later.externalId);
    expect(await imageOf()).toBe(made);
    await driver.deleteSnapshot(APP, later.externalId);
  });

  it('goes back to the image the snapshot was taken of when the boot disk has since been replaced by another', async () => {
    await driver.createSnapshot(APP, 'on debian');
    const taken = (await driver.listSnapshots(APP)).find((s) => s.name === 'on debian')!;
    // Each disk snapshot records its disk's image; the blank data disk has none.
    const boot = devices().find((d) => d.boot)!;
    expect(
      diskSnapshots()
        .filter((s) => s.description === 'on debian')
        .map((s) => [
          s.labels['overcast-device'],
          s.labels['overcast-image-project'],
          s.labels['overcast-image'],
        ])
        .sort(),
    ).toEqual([
      ['app-1-data', undefined, undefined],
      [boot.device, 'debian-cloud', 'debian-12-bookworm-v20240611'],
    ]);
    // Outside Overcast, the boot disk is swapped for one made from another image.
    const ubuntu = 'projects/ubuntu-os-cloud/global/images/ubuntu-2204-jammy-v20240614';
    project.insertDisk(ZONE, { name: 'app-1-ubuntu', sourceImage: ubuntu }, null, EMAIL);
    await new Promise((r) => setTimeout(r, 20));
    project.detachDisk(ZONE, 'app-1', boot.device, EMAIL);
    project.attachDisk(
      ZONE,
      'app-1',
      { source: `zones/${ZONE}/disks/app-1-ubuntu`, deviceName: boot.device, boot: true },
      EMAIL,
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(await imageOf()).toBe(ubuntu);

    await driver.revertSnapshot(APP, taken.externalId);
    expect(await imageOf()).toBe(made);
    await driver.deleteSnapshot(APP, taken.externalId);
  });

  it('puts the old disk back when a new one cannot be attached, and says what happened', async () => {
    const before = devices();
    const disks = project.disks.size;
    const attach = project.attachDisk.bind(project);
    const spy = vi.spyOn(project, 'attachDisk').mockImplementation((zone, name, body, user) => {
      const source = String((body as { source?: string }).source);
      const data = before.find((d) => !d.boot)!;
      if (!source.endsWith(`/${data.disk}`) && (body as { deviceName?: string }).deviceName === data.device)
        throw new Error('attach refused');
      return attach(zone, name, body, user);
    });
    try {
      await expect(driver.revertSnapshot(APP, snapshotId)).rejects.toMatchObject({
        message: expect.stringMatching(
          /^Reverting app-1 stopped at device 'app-1-data' \(.*\); its disk \S+ is attached again\. Already reverted: 'persistent-disk-0' \(old disk \S+ kept\)\.$/,
        ),
      });
    } finally {
      spy.mockRestore();
    }
    const after = devices();
    // A complete set: the boot device reverted, the data device on its old disk.
    expect(after.map(({ device, boot }) => ({ device, boot }))).toEqual(
      before.map(({ device, boot }) => ({ device, boot })),
    );
    expect(after.find((d) => !d.boot)!.disk).toBe(before.find((d) => !d.boot)!.disk);
    expect(after.find((d) => d.boot)!.disk).not.toBe(before.find((d) => d.boot)!.disk);
    await new Promise((r) => setTimeout(r, 20));
    // The unattached new disk is deleted; the replaced boot disk is kept.
    expect(project.disks.size).toBe(disks + 1);
    expect(project.disks.has(`${ZONE}/${before.find((d) => d.boot)!.disk}`)).toBe(true);
  });

  it('changes nothing when a new disk cannot be made, or the snapshot holds a disk no longer attached', async () => {
    const before = devices();
    const disks = project.disks.size;
    const insert = project.insertDisk.bind(project);
    let made = 0;
    const spy = vi.spyOn(project, 'insertDisk').mockImplementation((...args) => {
      made += 1;
      if (made === 2) throw badRequest('quotaExceeded', "Quota 'DISKS_TOTAL_GB' exceeded.");
      return insert(...args);
    });
    try {
      await expect(driver.revertSnapshot(APP, snapshotId)).rejects.toMatchObject({
        kind: 'invalid',
        message: "Quota 'DISKS_TOTAL_GB' exceeded.",
      });
    } finally {
      spy.mockRestore();
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(devices()).toEqual(before);
    expect(project.disks.size).toBe(disks);

    const data = before.find((d) => !d.boot)!;
    await driver.volumeAction({ op: 'detach', volumeId: `${ZONE}/${data.disk}`, machineId: APP });
    await expect(driver.revertSnapshot(APP, snapshotId)).rejects.toMatchObject({
      kind: 'invalid',
      message: `The snapshot ${snapshotId} holds a disk that app-1 no longer has attached as 'app-1-data'; attach a disk under that device name again, or revert to a newer snapshot.`,
    });
    expect(devices()).toEqual(before.filter((d) => d.boot));
    expect(project.disks.size).toBe(disks);
  });
});
