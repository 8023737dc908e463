// Backups as snapshots, and resize, through the driver against the Linode emulator.

import { isResizeDriver, isSnapshotDriver, type ProviderDriver } from '@overcast/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LinodeSim, startLinodeSim } from '../../../cloud-sim/src/linode/index';
import { createLinodeDriver } from './index';

const TOKEN = 'li-snap';
const FAST = { retryBaseDelayMs: 5, retryMaxDelayMs: 50 };
const WAIT = { timeout: 10_000, interval: 50 };

describe('Linode backups and resize on the emulator', () => {
  let sim: LinodeSim;
  const account = () => sim.account(TOKEN);
  const make = () => createLinodeDriver({ credentials: { token: TOKEN }, endpoint: sim.url, config: FAST });
  const snapshots = (d: ProviderDriver) => {
    if (!isSnapshotDriver(d)) throw new Error('the Linode driver has no snapshots');
    return d;
  };
  /** The seeded Linodes: the first a Nanode (25 GB), the second a Linode 2GB (50 GB). */
  const linode = (n: number) => account().listLinodes()[n]!;

  beforeAll(async () => {
    sim = await startLinodeSim({
      accounts: [{ token: TOKEN, linodes: 3, namePrefix: 'snap' }],
      bootDelayMs: 10,
      actionDelayMs: 150,
    });
  });
  afterAll(() => sim.close());

  it('says what to do when the Backup Service is off', async () => {
    const driver = snapshots(make());
    const refused = await driver.createSnapshot(String(linode(0).id), 'before-upgrade').catch((e) => e);
    expect(refused).toMatchObject({ kind: 'conflict' });
    expect(refused.message).toMatch(/^Backups are not enabled for this Linode\. Enable the Backup Service/);
    expect(linode(0).backups.inProgress).toBeNull();
  });

  it('lists a snapshot being taken as creating, and refuses a second one meanwhile', async () => {
    // An emulator whose snapshots take a minute, so the one being taken is still there to see.
    const slow = await startLinodeSim({ accounts: [{ token: TOKEN, linodes: 1 }], actionDelayMs: 60_000 });
    try {
      const driver = snapshots(
        createLinodeDriver({ credentials: { token: TOKEN }, endpoint: slow.url, config: FAST }),
      );
      const only = slow.account(TOKEN).listLinodes()[0]!;
      slow.account(TOKEN).enableBackups(only.id);
      slow.account(TOKEN).backupService.runAutomatic(only);
      await driver.createSnapshot(String(only.id), 'before-upgrade');
      const listed = await driver.listSnapshots(String(only.id));
      expect(listed.map((s) => [s.name, s.state])).toEqual([
        [expect.stringMatching(/^Automatic backup \d{4}-\d\d-\d\d$/), 'available'],
        ['before-upgrade', 'creating'],
      ]);
      await expect(driver.createSnapshot(String(only.id), 'again')).rejects.toMatchObject({
        message: 'A snapshot is already in progress for this Linode.',
      });
    } finally {
      await slow.close();
    }
  });

  it('lists automatic backups and the manual snapshot, which the next one replaces, and restores one', async () => {
    const driver = snapshots(make());
    expect(driver.canRevertSnapshots).toBe(true);
    expect(driver.canDeleteSnapshots).toBe(false);
    const target = linode(0);
    const id = String(target.id);
    account().enableBackups(target.id);
    const nightly = account().backupService.runAutomatic(target);

    await driver.createSnapshot(id, 'before-upgrade');
    const first = await vi.waitFor(async () => {
      const s = (await driver.listSnapshots(id)).find((x) => x.name === 'before-upgrade');
      expect(s?.state).toBe('available');
      return s!;
    }, WAIT);
    expect(first.sizeGb).toBe(25);
    expect(first.createdAt).toBeInstanceOf(Date);

    await driver.createSnapshot(id, 'after-upgrade');
    await vi.waitFor(async () => {
      const names = (await driver.listSnapshots(id)).map((s) => [s.name, s.state]);
      expect(names).toEqual([
        [expect.stringMatching(/^Automatic backup/), 'available'],
        ['after-upgrade', 'available'],
      ]);
    }, WAIT);

    await driver.revertSnapshot(id, String(nightly.id));
    expect(linode(0)).toMatchObject({ restoredFrom: nightly.id, status: 'offline' });
    expect(account().history.at(-1)).toEqual({ linodeId: target.id, command: 'restore' });

    // A backup that is gone (replaced) or another Linode's is not found.
    await expect(driver.revertSnapshot(id, String(first.externalId))).rejects.toMatchObject({
      kind: 'not-found',
    });
    await expect(driver.revertSnapshot(String(linode(1).id), String(nightly.id))).rejects.toMatchObject({
      kind: 'not-found',
    });
    // Linode deletes no backup: the driver says so instead of pretending.
    const refused = await driver.deleteSnapshot(id, String(nightly.id)).catch((e) => e);
    expect(refused).toMatchObject({ kind: 'invalid' });
    expect(refused.message).toMatch(/next snapshot replaces the manual one/);
    expect(account().backups(target.id).automatic).toHaveLength(1);
  });

  it('resizes to a plan with as much disk or more, growing the disk, and answers once it is done', async () => {
    const driver = make();
    if (!isResizeDriver(driver)) throw new Error('the Linode driver does not resize');
    const second = linode(1);
    expect(second.type.id).toBe('g6-standard-1');
    await driver.resizeMachine(String(second.id), 'g6-standard-2');
    expect(linode(1)).toMatchObject({ status: 'running', diskMb: 80 * 1024 });
    expect(linode(1).type.id).toBe('g6-standard-2');
    expect(account().history.at(-1)).toEqual({ linodeId: second.id, command: 'resize' });
  });

  it('passes on Linode’s refusals: less disk than allocated, an unknown plan, a busy Linode', async () => {
    const driver = make();
    if (!isResizeDriver(driver)) throw new Error('the Linode driver does not resize');
    const id = String(linode(1).id);
    const smaller = await driver.resizeMachine(id, 'g6-nanode-1').catch((e) => e);
    expect(smaller).toMatchObject({ kind: 'invalid' });
    expect(smaller.message).toMatch(/allocated more disk than the new service plan allows/);

    const unknown = await driver.resizeMachine(id, 'g6-giant-99').catch((e) => e);
    expect(unknown).toMatchObject({ kind: 'invalid' });
    expect(unknown.message).toBe('type: A valid plan type by that ID was not found');

    // Held in the middle of a reboot, so the refusal does not depend on how fast the call is.
    linode(1).status = 'rebooting';
    await expect(driver.resizeMachine(id, 'g6-dedicated-2')).rejects.toMatchObject({
      kind: 'conflict',
      message: 'Linode busy.',
    });
    expect(linode(1).type.id).toBe('g6-standard-2');
    linode(1).status = 'running';
  });
});
