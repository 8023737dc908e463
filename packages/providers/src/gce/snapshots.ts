// A machine's snapshots on Compute Engine are disk snapshots (global/snapshots), one per attached
// disk, taken together and labelled with the instance's numeric id (stable across renames) and a
// shared group id, so they list, and are deleted, as one. Each also records the device name its disk
// was attached as, which is what a revert (revert.ts) puts the disk back under, and the image the
// disk came from (disk-image.ts), which Compute Engine does not keep on a snapshot.

import { randomUUID } from 'node:crypto';
import type { protos } from '@google-cloud/compute';
import { ProviderError, type RemoteSnapshot } from '@overcast/contracts';
import type { GceApi } from './client';
import { diskImage, imageLabels } from './disk-image';
import { diskKey, parseDate } from './map';
import { mutate } from './operations';

export type Snapshot = protos.google.cloud.compute.v1.ISnapshot;

const MACHINE_LABEL = 'overcast-machine';
const GROUP_LABEL = 'overcast-snapshot';
/** Device names are RFC 1035 names, so valid label values as they are. */
export const DEVICE_LABEL = 'overcast-device';

export interface InstanceRef {
  zone: string;
  name: string;
}

export async function instanceOf(api: GceApi, { zone, name }: InstanceRef) {
  const [inst] = await api.read(() =>
    api.instances.get({ project: api.config.project, zone, instance: name }, api.callOptions()),
  );
  return inst;
}

/** The instance's disk snapshots, by the machine snapshot (group) they belong to. */
export async function groups(api: GceApi, instanceId: string): Promise<Map<string, Snapshot[]>> {
  const out = new Map<string, Snapshot[]>();
  const pages = api.snapshots.listAsync(
    {
      project: api.config.project,
      filter: `labels.${MACHINE_LABEL}="${instanceId}"`,
      maxResults: api.config.pageSize,
    },
    api.callOptions(),
  );
  for await (const snapshot of api.pages(pages)) {
    // The filter is the server's; checking again keeps a lax one from mixing in other machines'.
    if (snapshot.labels?.[MACHINE_LABEL] !== instanceId) continue;
    const group = snapshot.labels?.[GROUP_LABEL];
    if (group) out.set(group, [...(out.get(group) ?? []), snapshot]);
  }
  return out;
}

function toRemote(id: string, parts: Snapshot[]): RemoteSnapshot {
  const states = parts.map((p) => p.status);
  const created = parts
    .map((p) => parseDate(p.creationTimestamp)?.getTime())
    .filter((t): t is number => t !== undefined);
  return {
    externalId: id,
    name: parts[0]?.description || id,
    state: states.includes('FAILED')
      ? 'error'
      : states.every((s) => s === 'READY')
        ? 'available'
        : 'creating',
    createdAt: created.length > 0 ? new Date(Math.min(...created)) : null,
    sizeGb: parts.reduce((sum, p) => sum + Number(p.diskSizeGb ?? 0), 0),
  };
}

export async function listSnapshots(api: GceApi, ref: InstanceRef): Promise<RemoteSnapshot[]> {
  const inst = await instanceOf(api, ref);
  return [...(await groups(api, String(inst.id)))].map(([id, parts]) => toRemote(id, parts));
}

/**
 * One disk snapshot per attached disk, all labelled alike and requested together; when a request
 * or its operation fails, the snapshots already taken are deleted again.
 */
export async function createSnapshot(api: GceApi, ref: InstanceRef, name: string): Promise<void> {
  const inst = await instanceOf(api, ref);
  const disks = (inst.disks ?? []).flatMap((d) => {
    const key = diskKey(d.source);
    return key ? [{ name: key.slice(key.indexOf('/') + 1), device: d.deviceName ?? '' }] : [];
  });
  if (disks.length === 0) {
    throw new ProviderError('invalid', `${ref.name} has no persistent disk to take a snapshot of.`);
  }
  const group = randomUUID();
  const labels = { [MACHINE_LABEL]: String(inst.id), [GROUP_LABEL]: group };
  const taken: string[] = [];
  const results = await Promise.allSettled(
    disks.map(async ({ name: disk, device }, i) => {
      const snapshotName = `ovc-${group}-${i}`;
      const [source] = await api.read(() =>
        api.disks.get({ project: api.config.project, zone: ref.zone, disk }, api.callOptions()),
      );
      await mutate(api, { zone: ref.zone }, async () => {
        const sent = await api.disks.createSnapshot(
          {
            project: api.config.project,
            zone: ref.zone,
            disk,
            snapshotResource: {
              name: snapshotName,
              description: name,
              labels: {
                ...labels,
                ...(device ? { [DEVICE_LABEL]: device } : {}),
                ...imageLabels(diskImage(source)),
              },
            },
          },
          api.callOptions(),
        );
        taken.push(snapshotName);
        return sent;
      });
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Best effort, one by one: a snapshot whose operation failed may not exist to delete.
    await Promise.allSettled(taken.map((snapshot) => removeAll(api, [snapshot])));
    throw failed.reason;
  }
}

async function removeAll(api: GceApi, names: string[]): Promise<void> {
  for (const snapshot of names) {
    await mutate(api, 'global', () =>
      api.snapshots.delete({ project: api.config.project, snapshot }, api.callOptions()),
    );
  }
}

export async function deleteSnapshot(api: GceApi, ref: InstanceRef, snapshotId: string): Promise<void> {
  const inst = await instanceOf(api, ref);
  const parts = (await groups(api, String(inst.id))).get(snapshotId);
  if (!parts) throw new ProviderError('not-found', `${ref.name} has no snapshot ${snapshotId}.`);
  await removeAll(
    api,
    parts.flatMap((p) => (p.name ? [p.name] : [])),
  );
}
