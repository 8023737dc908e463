// Reverting an instance to a machine snapshot. Compute Engine has no in-place revert: each disk in
// the snapshot becomes a new disk (disks.insert with sourceSnapshot, the old disk's type), swapped
// in under the old device name while the instance is stopped, boot disk first. The replaced disks
// are then deleted: a revert means whatever changed since is lost (as EC2's revert deletes the
// replaced root volume), and keeping them would leave disks billed that nothing in Overcast shows.
// Disks attached after the snapshot was taken are left as they are. The instance stays stopped.

import { randomBytes } from 'node:crypto';
import type { protos } from '@google-cloud/compute';
import { ProviderError } from '@overcast/contracts';
import type { GceApi } from './client';
import { diskImage, imageLabels, labelledImage } from './disk-image';
import { diskKey } from './map';
import { mutate } from './operations';
import { DEVICE_LABEL, groups, type InstanceRef, instanceOf, type Snapshot } from './snapshots';

type Instance = protos.google.cloud.compute.v1.IInstance;
type Attached = protos.google.cloud.compute.v1.IAttachedDisk;

/** One device of the instance: the disk it has now and the disk snapshot it goes back to. */
interface Swap {
  device: string;
  attached: Attached;
  oldDisk: string;
  snapshot: Snapshot;
  newDisk: string;
}

const nameOf = (key: string) => key.slice(key.indexOf('/') + 1);

/** The old disk's name, less an earlier revert's suffix, with a fresh one: at most 62 characters. */
function replacementName(oldDisk: string): string {
  const base = oldDisk
    .replace(/-r[0-9a-f]{6}$/, '')
    .slice(0, 54)
    .replace(/-+$/, '');
  return `${base}-r${randomBytes(3).toString('hex')}`;
}

/** Which device each disk snapshot belongs to now; refused before anything changes. */
function plan(inst: Instance, parts: Snapshot[], snapshotId: string): Swap[] {
  const disks = inst.disks ?? [];
  const swaps = parts.map((snapshot) => {
    // Snapshots taken before devices were recorded name only their disk, still attached or not.
    const device =
      snapshot.labels?.[DEVICE_LABEL] ??
      disks.find((d) => diskKey(d.source) === diskKey(snapshot.sourceDisk))?.deviceName ??
      '';
    const attached = disks.find((d) => d.deviceName === device);
    const key = diskKey(attached?.source);
    if (!attached || !key) {
      throw new ProviderError(
        'invalid',
        device
          ? `The snapshot ${snapshotId} holds a disk that ${inst.name} no longer has attached as '${device}'; attach a disk under that device name again, or revert to a newer snapshot.`
          : `The snapshot ${snapshotId} holds a disk that ${inst.name} no longer has attached; revert to a newer snapshot.`,
      );
    }
    return { device, attached, oldDisk: nameOf(key), snapshot, newDisk: replacementName(nameOf(key)) };
  });
  return swaps.sort((a, b) => Number(b.attached.boot === true) - Number(a.attached.boot === true));
}

function deleteDisk(api: GceApi, zone: string, disk: string) {
  return mutate(api, { zone }, () =>
    api.disks.delete({ project: api.config.project, zone, disk }, api.callOptions()),
  );
}

/** Every new disk, or none: when one cannot be made, those made are deleted again. */
async function makeDisks(api: GceApi, zone: string, swaps: Swap[]): Promise<void> {
  const made: string[] = [];
  const results = await Promise.allSettled(
    swaps.map(async ({ oldDisk, snapshot, newDisk }) => {
      const [old] = await api.read(() =>
        api.disks.get({ project: api.config.project, zone, disk: oldDisk }, api.callOptions()),
      );
      await mutate(api, { zone }, async () => {
        const sent = await api.disks.insert(
          {
            project: api.config.project,
            zone,
            diskResource: {
              name: newDisk,
              // The snapshot's own size: the disk as it was then.
              sourceSnapshot: snapshot.selfLink ?? `global/snapshots/${snapshot.name}`,
              ...(old.type ? { type: old.type } : {}),
              // The new disk names no image of its own, so it is labelled with the snapshot's (see
              // disk-image.ts); a snapshot taken before snapshots recorded it is of this device's
              // disk, whose image is the one to keep.
              labels: {
                ...old.labels,
                ...imageLabels(labelledImage(snapshot.labels) ?? diskImage(old)),
              },
              ...(old.description ? { description: old.description } : {}),
            },
          },
          api.callOptions(),
        );
        made.push(newDisk);
        return sent;
      });
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(made.map((disk) => deleteDisk(api, zone, disk)));
    throw failed.reason;
  }
}

function detach(api: GceApi, { zone, name }: InstanceRef, deviceName: string) {
  return mutate(api, { zone }, () =>
    api.instances.detachDisk(
      { project: api.config.project, zone, instance: name, deviceName },
      api.callOptions(),
    ),
  );
}

/** Attaches `disk` where `like` was: same device name, boot flag, mode and auto-delete. */
function attach(api: GceApi, { zone, name }: InstanceRef, disk: string, like: Attached) {
  return mutate(api, { zone }, () =>
    api.instances.attachDisk(
      {
        project: api.config.project,
        zone,
        instance: name,
        attachedDiskResource: {
          source: `projects/${api.config.project}/zones/${zone}/disks/${disk}`,
          deviceName: like.deviceName,
          boot: like.boot === true,
          mode: like.mode ?? 'READ_WRITE',
          autoDelete: like.autoDelete === true,
        },
      },
      api.callOptions(),
    ),
  );
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Swaps the disks device by device. When one cannot be swapped, its old disk is put back so the
 * instance keeps a complete set; devices already swapped stay reverted and keep their old disks.
 */
async function swapDisks(api: GceApi, ref: InstanceRef, swaps: Swap[]): Promise<void> {
  for (const [i, swap] of swaps.entries()) {
    let back = `its disk ${swap.oldDisk} stays attached`;
    try {
      await detach(api, ref, swap.device);
      try {
        await attach(api, ref, swap.newDisk, swap.attached);
      } catch (err) {
        back = await attach(api, ref, swap.oldDisk, swap.attached).then(
          () => `its disk ${swap.oldDisk} is attached again`,
          (again) =>
            `its disk ${swap.oldDisk} could not be attached again either (${reasonOf(again)}): attach it as '${swap.device}'${swap.attached.boot ? ' (boot)' : ''} before starting ${ref.name}`,
        );
        throw err;
      }
    } catch (err) {
      const done = swaps.slice(0, i);
      await Promise.allSettled(swaps.slice(i).map((s) => deleteDisk(api, ref.zone, s.newDisk)));
      throw new ProviderError(
        err instanceof ProviderError ? err.kind : 'unavailable',
        `Reverting ${ref.name} stopped at device '${swap.device}' (${reasonOf(err)}); ${back}. ${
          done.length > 0
            ? `Already reverted: ${done.map((s) => `'${s.device}' (old disk ${s.oldDisk} kept)`).join(', ')}.`
            : 'No disk was replaced.'
        }`,
        { cause: err },
      );
    }
  }
}

/** Puts the stopped instance's disks back as they were in the snapshot; it stays stopped. */
export async function revertSnapshot(api: GceApi, ref: InstanceRef, snapshotId: string): Promise<void> {
  const inst = await instanceOf(api, ref);
  const parts = (await groups(api, String(inst.id))).get(snapshotId);
  if (!parts) throw new ProviderError('not-found', `${ref.name} has no snapshot ${snapshotId}.`);
  if (inst.status !== 'TERMINATED') {
    throw new ProviderError(
      'conflict',
      `Stop the instance first: Compute Engine replaces disks only of a stopped instance, and ${ref.name} is ${inst.status}.`,
    );
  }
  if (parts.some((p) => p.status !== 'READY')) {
    throw new ProviderError(
      'conflict',
      `The snapshot ${snapshotId} is still being taken; wait until it is available.`,
    );
  }
  const swaps = plan(inst, parts, snapshotId);
  await makeDisks(api, ref.zone, swaps);
  await swapDisks(api, ref, swaps);
  const kept = (await Promise.allSettled(swaps.map((s) => deleteDisk(api, ref.zone, s.oldDisk)))).flatMap(
    (r, i) => (r.status === 'rejected' ? [`${swaps[i]!.oldDisk} (${reasonOf(r.reason)})`] : []),
  );
  if (kept.length > 0) {
    throw new ProviderError(
      'conflict',
      `${ref.name} was reverted to the snapshot, but the replaced disks could not be deleted: ${kept.join(', ')}. Delete them yourself, or they keep being billed.`,
    );
  }
}
