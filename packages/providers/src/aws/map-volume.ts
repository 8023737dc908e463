import type { Volume } from '@aws-sdk/client-ec2';
import type { RemoteVolume } from '@overcast/contracts';
import { compact, tagsToRecord } from './map-machine';

/** `state` is EC2's own word (creating, available, in-use, deleting, error...). */
export function toRemoteVolume(volume: Volume, region: string): RemoteVolume {
  const tags = tagsToRecord(volume.Tags);
  const id = volume.VolumeId ?? '';
  const attachments = volume.Attachments ?? [];
  return {
    externalId: id,
    name: tags.Name || id,
    sizeGb: volume.Size ?? 0,
    state: volume.State ?? 'unknown',
    location: volume.AvailabilityZone ?? null,
    attachedTo: [
      ...new Set(
        attachments
          .filter((a) => a.State !== 'detached')
          .map((a) => a.InstanceId)
          .filter((x): x is string => !!x),
      ),
    ],
    createdAt: volume.CreateTime ?? null,
    tags,
    extra: compact({
      region,
      volumeType: volume.VolumeType,
      iops: volume.Iops,
      throughput: volume.Throughput,
      encrypted: volume.Encrypted,
      kmsKeyId: volume.KmsKeyId,
      snapshotId: volume.SnapshotId || undefined,
      multiAttachEnabled: volume.MultiAttachEnabled,
      attachments: attachments.map((a) =>
        compact({
          instanceId: a.InstanceId,
          device: a.Device,
          state: a.State,
          attachTime: a.AttachTime?.toISOString(),
          deleteOnTermination: a.DeleteOnTermination,
        }),
      ),
    }),
  };
}
