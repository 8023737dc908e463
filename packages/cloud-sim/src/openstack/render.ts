// Nova, Cinder and Glance objects on the wire.

import type { OsImage } from './catalog';
import { compareVersions, type SimOsVolume } from './project';
import { type SimOsServer, vmState } from './server';

const POWER = {
  BUILD: 0,
  ACTIVE: 1,
  SHUTOFF: 4,
  REBOOT: 1,
  ERROR: 0,
  RESIZE: 1,
  VERIFY_RESIZE: 1,
  REBUILD: 0,
} as const;

export function serverJson(
  s: SimOsServer,
  origin: string,
  projectId: string,
  userId: string,
  microversion: string | null,
) {
  const link = (path: string) => [{ rel: 'bookmark', href: `${origin}/${path}` }];
  // From 2.47 a server carries its flavor's figures instead of the flavor's id.
  const flavor =
    microversion && compareVersions(microversion, '2.47') >= 0
      ? {
          original_name: s.flavor.name,
          vcpus: s.flavor.vcpus,
          ram: s.flavor.ram,
          disk: s.flavor.disk,
          ephemeral: s.flavor.ephemeral,
          swap: s.flavor.swap,
          extra_specs: {},
        }
      : { id: s.flavor.id, links: link(`flavors/${s.flavor.id}`) };
  const mac = `fa:16:3e:${s.fixedIp
    .split('.')
    .slice(1)
    .map((p) => Number(p).toString(16).padStart(2, '0'))
    .join(':')}`;
  const addresses: Record<string, unknown[]> = {
    private: [
      { version: 4, addr: s.fixedIp, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': mac },
      ...(s.floatingIp
        ? [{ version: 4, addr: s.floatingIp, 'OS-EXT-IPS:type': 'floating', 'OS-EXT-IPS-MAC:mac_addr': mac }]
        : []),
    ],
  };
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    tenant_id: projectId,
    user_id: userId,
    metadata: s.metadata,
    hostId: s.status === 'BUILD' ? '' : `host-${s.id.slice(0, 8)}`,
    image: { id: s.image.id, links: link(`images/${s.image.id}`) },
    flavor,
    created: s.created,
    updated: s.updated,
    addresses: s.status === 'BUILD' ? {} : addresses,
    accessIPv4: '',
    accessIPv6: '',
    links: [{ rel: 'self', href: `${origin}/servers/${s.id}` }],
    'OS-DCF:diskConfig': 'MANUAL',
    progress: s.status === 'BUILD' ? 0 : 100,
    'OS-EXT-AZ:availability_zone': s.zone,
    config_drive: '',
    key_name: s.keyName,
    'OS-SRV-USG:launched_at': s.status === 'BUILD' ? null : `${s.created.replace('Z', '')}.000000`,
    'OS-SRV-USG:terminated_at': null,
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': vmState(s),
    'OS-EXT-STS:power_state': POWER[s.status],
    'os-extended-volumes:volumes_attached': s.volumeIds.map((id) => ({ id, delete_on_termination: false })),
    security_groups: [{ name: 'default' }],
  };
}

export function volumeJson(v: SimOsVolume, projectId: string) {
  return {
    id: v.id,
    name: v.name,
    status: v.status,
    size: v.size,
    availability_zone: v.zone,
    created_at: v.created,
    updated_at: v.created,
    attachments: v.serverId
      ? [
          {
            id: v.id,
            attachment_id: `${v.id.slice(0, 24)}${v.serverId.slice(24)}`,
            volume_id: v.id,
            server_id: v.serverId,
            host_name: null,
            device: '/dev/vdb',
            attached_at: v.created,
          },
        ]
      : [],
    description: null,
    volume_type: '__DEFAULT__',
    snapshot_id: null,
    source_volid: null,
    metadata: {},
    bootable: 'false',
    encrypted: false,
    multiattach: false,
    replication_status: null,
    consistencygroup_id: null,
    user_id: 'sim-user',
    'os-vol-tenant-attr:tenant_id': projectId,
    links: [],
  };
}

export function imageJson(i: OsImage, owner: string) {
  return {
    id: i.id,
    name: i.name,
    status: i.status ?? 'active',
    visibility: i.visibility,
    os_distro: i.osDistro,
    os_hidden: false,
    protected: false,
    min_disk: i.minDisk,
    min_ram: 0,
    size: i.size,
    virtual_size: null,
    disk_format: 'qcow2',
    container_format: 'bare',
    checksum: i.id.replace(/-/g, ''),
    owner,
    created_at: i.createdAt,
    updated_at: i.createdAt,
    tags: [],
    self: `/v2/images/${i.id}`,
    file: `/v2/images/${i.id}/file`,
    schema: '/v2/schemas/image',
    // Glance lists an image's own properties beside its fields.
    ...i.properties,
  };
}
