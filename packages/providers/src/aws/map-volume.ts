import type { Volume } from '@aws-sdk/client-ec2';
import type { RemoteVolume, VolumeState } from '@overcast/contracts';
import { compact, tagsToRecord } from './map-machine';

/** EC2's volume states in the unified vocabulary; `rawState` keeps EC2's word. */
function volumeState(state: string | undefined): VolumeState {
  switch (state) {
    case 'available':
    case 'in-use':
    case 'creating':
    case 'error':
      return state;
    case 'deleting':
    case 'deleted':
      return 'deleting';
    default:
      return 'unknown';
  }
}

export function toRemoteVolume(volume: Volume, region: string): RemoteVolume {
  const tags = tagsToRecord(volume.Tags);
  const id = volume.VolumeId ?? '';
  const attachments = volume.Attachments ?? [];
  return {
    externalId: id,
    name: tags.Name || id,
    sizeGb: volume.Size ?? 0,
    state: volumeState(volume.State),
    rawState: volume.State ?? '',
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
