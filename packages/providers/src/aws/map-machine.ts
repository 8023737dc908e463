import type { Instance, Reservation, Tag } from '@aws-sdk/client-ec2';
import type { MachineState, RemoteMachine } from '@overcast/contracts';

/**
 * EC2 state -> unified state. Transitional states map to where they are heading:
 * `stopping` is reported as `stopped` and `shutting-down` as `terminated`, because the
 * action that caused them has been accepted and cannot be taken back (rawState keeps the
 * exact word for the UI). `pending` is the only transitional state with its own name.
 */
const STATES: Record<string, MachineState> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopped',
  stopped: 'stopped',
  'shutting-down': 'terminated',
  terminated: 'terminated',
};

export function mapInstanceState(raw: string | undefined): MachineState {
  return raw && Object.hasOwn(STATES, raw) ? STATES[raw]! : 'unknown';
}

export function tagsToRecord(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];

/** Drops undefined fields so `extra` stays small and JSON round-trips unchanged. */
export function compact(record: Record<string, unknown>): Record<string, unknown> {
  // A loop, not entries/filter/fromEntries: this runs for every machine of a listing.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) if (record[key] !== undefined) out[key] = record[key];
  return out;
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

/**
 * LaunchTime moves on every start; the primary network interface is attached once, when
 * the instance is created, so its attach time is the creation time when EC2 reports it.
 */
function createdAt(instance: Instance): Date | null {
  const primary = instance.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0);
  return primary?.Attachment?.AttachTime ?? instance.LaunchTime ?? null;
}

export function toRemoteMachine(
  instance: Instance,
  region: string,
  reservation?: Reservation,
): RemoteMachine {
  const tags = tagsToRecord(instance.Tags);
  const nics = instance.NetworkInterfaces ?? [];
  const publicIps = unique([
    instance.PublicIpAddress,
    ...nics.flatMap((n) => [
      n.Association?.PublicIp,
      ...(n.PrivateIpAddresses ?? []).map((p) => p.Association?.PublicIp),
    ]),
    // EC2's IPv6 addresses are globally routable.
    instance.Ipv6Address,
    ...nics.flatMap((n) => (n.Ipv6Addresses ?? []).map((a) => a.Ipv6Address)),
  ]);
  const privateIps = unique([
    instance.PrivateIpAddress,
    ...nics.flatMap((n) => [
      n.PrivateIpAddress,
      ...(n.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress),
    ]),
  ]);
  const id = instance.InstanceId ?? '';
  return {
    externalId: id,
    name: tags.Name || id,
    state: mapInstanceState(instance.State?.Name),
    rawState: instance.State?.Name ?? 'unknown',
    size: instance.InstanceType ?? null,
    image: instance.ImageId ?? null,
    location: instance.Placement?.AvailabilityZone ?? null,
    publicIps,
    privateIps,
    createdAt: createdAt(instance),
    tags,
    extra: compact({
      region,
      reservationId: reservation?.ReservationId,
      ownerId: reservation?.OwnerId,
      vpcId: instance.VpcId,
      subnetId: instance.SubnetId,
      keyName: instance.KeyName,
      architecture: instance.Architecture,
      platform: instance.Platform,
      platformDetails: instance.PlatformDetails,
      launchTime: iso(instance.LaunchTime),
      lifecycle: instance.InstanceLifecycle ?? 'on-demand',
      privateDnsName: instance.PrivateDnsName || undefined,
      publicDnsName: instance.PublicDnsName || undefined,
      securityGroups: instance.SecurityGroups?.map((g) => compact({ id: g.GroupId, name: g.GroupName })),
      rootDeviceType: instance.RootDeviceType,
      rootDeviceName: instance.RootDeviceName,
      blockDevices: instance.BlockDeviceMappings?.map((b) =>
        compact({
          device: b.DeviceName,
          volumeId: b.Ebs?.VolumeId,
          status: b.Ebs?.Status,
          deleteOnTermination: b.Ebs?.DeleteOnTermination,
        }),
      ),
      virtualizationType: instance.VirtualizationType,
      hypervisor: instance.Hypervisor,
      tenancy: instance.Placement?.Tenancy,
      ebsOptimized: instance.EbsOptimized,
      iamInstanceProfile: instance.IamInstanceProfile?.Arn,
      spotInstanceRequestId: instance.SpotInstanceRequestId,
      stateReason: instance.StateReason?.Message,
      stateTransitionReason: instance.StateTransitionReason || undefined,
    }),
  };
}
