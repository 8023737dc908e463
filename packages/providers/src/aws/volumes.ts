// EBS volume operations: create in a zone, attach at a free device, detach, delete.

import { randomUUID } from 'node:crypto';
import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DetachVolumeCommand,
  type VolumeType,
} from '@aws-sdk/client-ec2';
import { ProviderError, type RemoteVolume, type VolumeOperation } from '@overcast/contracts';
import type { Ec2Api } from './api';
import type { AwsDriverConfig } from './config';
import { freeDevice } from './devices';
import { toRemoteVolume } from './map-volume';
import type { RegionDirectory } from './regions';

async function createVolume(
  api: Ec2Api,
  directory: RegionDirectory,
  config: AwsDriverConfig,
  op: Extract<VolumeOperation, { op: 'create' }>,
): Promise<RemoteVolume> {
  const { region, zone } = await directory.regionOfLocation(op.location);
  if (!zone) {
    throw new ProviderError(
      'invalid',
      `A volume needs an availability zone, not the region '${op.location}'`,
    );
  }
  // One ClientToken for every attempt: a retry after a lost answer creates no second volume.
  const clientToken = randomUUID();
  const out = await api.call(region, (c, o) =>
    c.send(
      new CreateVolumeCommand({
        AvailabilityZone: zone,
        Size: op.sizeGb,
        VolumeType: config.volumeType as VolumeType,
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'Name', Value: op.name }] }],
        ClientToken: clientToken,
      }),
      o,
    ),
  );
  if (!out.VolumeId) throw new ProviderError('unavailable', 'CreateVolume answered without a volume id');
  directory.remember(out.VolumeId, region);
  const volume = toRemoteVolume(out, region);
  // Some EC2-compatible clouds leave tags out of the CreateVolume answer.
  if (Object.keys(volume.tags).length === 0) {
    volume.tags = { Name: op.name };
    volume.name = op.name;
  }
  return volume;
}

async function attachVolume(api: Ec2Api, directory: RegionDirectory, volumeId: string, machineId: string) {
  const region = await directory.regionOfVolume(volumeId);
  const described = await api.call(region, (c, o) =>
    c.send(new DescribeInstancesCommand({ InstanceIds: [machineId] }), o),
  );
  const instance = described.Reservations?.flatMap((r) => r.Instances ?? []).find(
    (i) => i.InstanceId === machineId,
  );
  if (!instance) throw new ProviderError('not-found', `The instance ID '${machineId}' does not exist`);
  const device = freeDevice(instance);
  await api.call(region, (c, o) =>
    c.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: machineId, Device: device }), o),
  );
}

/** Returns the new volume for 'create'; the other operations return once EC2 accepted them. */
export async function volumeAction(
  api: Ec2Api,
  directory: RegionDirectory,
  config: AwsDriverConfig,
  op: VolumeOperation,
): Promise<RemoteVolume | undefined> {
  switch (op.op) {
    case 'create':
      return createVolume(api, directory, config, op);
    case 'attach':
      await attachVolume(api, directory, op.volumeId, op.machineId);
      return undefined;
    case 'detach': {
      const region = await directory.regionOfVolume(op.volumeId);
      await api.call(region, (c, o) =>
        c.send(new DetachVolumeCommand({ VolumeId: op.volumeId, InstanceId: op.machineId }), o),
      );
      return undefined;
    }
    case 'delete': {
      const region = await directory.regionOfVolume(op.volumeId);
      await api.call(region, (c, o) => c.send(new DeleteVolumeCommand({ VolumeId: op.volumeId }), o));
      return undefined;
    }
    default:
      throw new ProviderError('invalid', `Unknown volume operation '${(op as { op: unknown }).op}'`);
  }
}
