// A machine's snapshots on EC2 are EBS snapshots of its volumes, one per volume taken together
// and tagged with the instance and a shared snapshot id, so they list, and are deleted, as one.
// Reverting replaces the root volume in place (CreateReplaceRootVolumeTask: the instance reboots
// on a new volume from the snapshot); EC2 has no such call for other volumes, so a snapshot that
// also holds data volumes is not reverted.

import { randomUUID } from 'node:crypto';
import {
  CreateReplaceRootVolumeTaskCommand,
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import { ProviderError, type RemoteSnapshot } from '@overcast/contracts';
import type { Ec2Api } from './api';
import { tagsToRecord } from './map-machine';
import type { RegionDirectory } from './regions';

const MACHINE_TAG = 'overcast:machine';
const GROUP_TAG = 'overcast:snapshot';
/** The device the volume was attached as, so a revert finds the root volume's snapshot. */
const DEVICE_TAG = 'overcast:device';

/** The EBS snapshots taken of the instance's volumes, by the machine snapshot they belong to. */
async function groups(api: Ec2Api, region: string, instanceId: string): Promise<Map<string, Snapshot[]>> {
  const out = new Map<string, Snapshot[]>();
  let NextToken: string | undefined;
  do {
    const page = await api.call(region, (c, o) =>
      c.send(
        new DescribeSnapshotsCommand({
          OwnerIds: ['self'],
          Filters: [{ Name: `tag:${MACHINE_TAG}`, Values: [instanceId] }],
          NextToken,
        }),
        o,
      ),
    );
    for (const snapshot of page.Snapshots ?? []) {
      const group = tagsToRecord(snapshot.Tags)[GROUP_TAG];
      if (group) out.set(group, [...(out.get(group) ?? []), snapshot]);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

function toRemote(id: string, parts: Snapshot[]): RemoteSnapshot {
  const states = parts.map((p) => p.State);
  const starts = parts.map((p) => p.StartTime?.getTime()).filter((t): t is number => t !== undefined);
  return {
    externalId: id,
    name: tagsToRecord(parts[0]?.Tags).Name ?? id,
    state: states.includes('error')
      ? 'error'
      : states.every((s) => s === 'completed')
        ? 'available'
        : 'creating',
    createdAt: starts.length > 0 ? new Date(Math.min(...starts)) : null,
    sizeGb: parts.reduce((sum, p) => sum + (p.VolumeSize ?? 0), 0),
  };
}

/** The EBS snapshots that make up one machine snapshot, and their region; not-found when none. */
async function snapshotParts(
  api: Ec2Api,
  directory: RegionDirectory,
  instanceId: string,
  snapshotId: string,
) {
  const region = await directory.regionOfInstance(instanceId);
  const parts = (await groups(api, region, instanceId)).get(snapshotId);
  if (!parts) throw new ProviderError('not-found', `${instanceId} has no snapshot ${snapshotId}.`);
  return { region, parts };
}

export async function listSnapshots(
  api: Ec2Api,
  directory: RegionDirectory,
  instanceId: string,
): Promise<RemoteSnapshot[]> {
  const region = await directory.regionOfInstance(instanceId);
  return [...(await groups(api, region, instanceId))].map(([id, parts]) => toRemote(id, parts));
}

/** One EBS snapshot per attached volume, all tagged alike; those taken are deleted if one fails. */
export async function createSnapshot(
  api: Ec2Api,
  directory: RegionDirectory,
  instanceId: string,
  name: string,
): Promise<void> {
  const region = await directory.regionOfInstance(instanceId);
  const instance = await describeInstance(api, region, instanceId);
  const volumes = (instance?.BlockDeviceMappings ?? []).flatMap((m) =>
    m.Ebs?.VolumeId ? [{ volumeId: m.Ebs.VolumeId, device: m.DeviceName ?? '' }] : [],
  );
  if (volumes.length === 0) {
    throw new ProviderError('invalid', `${instanceId} has no EBS volume to take a snapshot of.`);
  }
  const group = randomUUID();
  const taken: string[] = [];
  try {
    for (const { volumeId, device } of volumes) {
      const out = await api.call(region, (c, o) =>
        c.send(
          new CreateSnapshotCommand({
            VolumeId: volumeId,
            Description: `${name}: ${device} of ${instanceId}`,
            TagSpecifications: [
              {
                ResourceType: 'snapshot',
                Tags: [
                  { Key: 'Name', Value: name },
                  { Key: MACHINE_TAG, Value: instanceId },
                  { Key: GROUP_TAG, Value: group },
                  { Key: DEVICE_TAG, Value: device },
                ],
              },
            ],
          }),
          o,
        ),
      );
      if (out.SnapshotId) taken.push(out.SnapshotId);
    }
  } catch (err) {
    await removeAll(api, region, taken).catch(() => {});
    throw err;
  }
}

async function describeInstance(api: Ec2Api, region: string, instanceId: string) {
  const described = await api.call(region, (c, o) =>
    c.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), o),
  );
  return described.Reservations?.[0]?.Instances?.[0];
}

/** The device a part of a machine snapshot was taken of: its tag, or its description. */
const deviceOf = (part: Snapshot) =>
  tagsToRecord(part.Tags)[DEVICE_TAG] ?? /: (\S+) of i-/.exec(part.Description ?? '')?.[1] ?? '';

/**
 * Puts the instance's root volume back as it was in the snapshot: EC2 makes a new root volume
 * from it and reboots the running instance on it (the replaced volume is deleted). Refused when
 * the snapshot holds other volumes too, since those cannot be put back in place.
 */
export async function revertSnapshot(
  api: Ec2Api,
  directory: RegionDirectory,
  instanceId: string,
  snapshotId: string,
): Promise<void> {
  const { region, parts } = await snapshotParts(api, directory, instanceId, snapshotId);
  const instance = await describeInstance(api, region, instanceId);
  const rootDevice = instance?.RootDeviceName ?? '';
  const root = parts.find((p) => deviceOf(p) === rootDevice);
  const others = parts.filter((p) => p !== root).map(deviceOf);
  if (!root?.SnapshotId)
    throw new ProviderError(
      'invalid',
      `The snapshot ${snapshotId} holds no copy of ${instanceId}'s root volume.`,
    );
  if (others.length)
    throw new ProviderError(
      'invalid',
      `The snapshot ${snapshotId} also holds ${others.join(', ')}; EC2 replaces only the root volume in place. Make volumes from its EBS snapshots instead.`,
    );
  await api.call(region, (c, o) =>
    c.send(
      new CreateReplaceRootVolumeTaskCommand({
        InstanceId: instanceId,
        SnapshotId: root.SnapshotId,
        DeleteReplacedRootVolume: true,
        // The same token on the SDK's own retries: one replacement, however often it is sent.
        ClientToken: randomUUID(),
      }),
      o,
    ),
  );
}

async function removeAll(api: Ec2Api, region: string, ids: string[]): Promise<void> {
  for (const SnapshotId of ids) {
    await api.call(region, (c, o) => c.send(new DeleteSnapshotCommand({ SnapshotId }), o));
  }
}

export async function deleteSnapshot(
  api: Ec2Api,
  directory: RegionDirectory,
  instanceId: string,
  snapshotId: string,
): Promise<void> {
  const { region, parts } = await snapshotParts(api, directory, instanceId, snapshotId);
  await removeAll(
    api,
    region,
    parts.flatMap((p) => (p.SnapshotId ? [p.SnapshotId] : [])),
  );
}
