// Internal records -> DigitalOcean v2 JSON, field for field as the API (and the recorded
// fixtures) write them.

import { type DoRegion, findRegion, findSize } from './catalog';
import type { SimAction, SimDroplet, SimSshKey, SimVolume } from './model';

const regionJson = (slug: string): DoRegion =>
  findRegion(slug) ?? { slug, name: slug, features: [], available: false, sizes: [] };

export function dropletJson(d: SimDroplet) {
  const size = findSize(d.sizeSlug);
  // A droplet still being built has no addresses yet.
  const booting = d.status === 'new';
  const v4 = booting
    ? []
    : [
        { ip_address: d.privateIpv4, netmask: '255.255.240.0', gateway: '<nil>', type: 'private' },
        {
          ip_address: d.publicIpv4,
          netmask: '255.255.240.0',
          gateway: d.publicIpv4.replace(/\.\d+$/, '.1'),
          type: 'public',
        },
      ];
  const v6 =
    booting || !d.publicIpv6
      ? []
      : [
          {
            ip_address: d.publicIpv6,
            netmask: 64,
            gateway: d.publicIpv6.replace(/::[0-9a-f]+$/, '::1'),
            type: 'public',
          },
        ];
  return {
    id: d.id,
    name: d.name,
    memory: size?.memory ?? 0,
    vcpus: size?.vcpus ?? 0,
    disk: d.diskGb ?? size?.disk ?? 0,
    locked: false,
    status: d.status,
    kernel: null,
    created_at: d.createdAt,
    features: d.publicIpv6 ? ['private_networking', 'ipv6'] : ['private_networking'],
    backup_ids: [],
    next_backup_window: null,
    snapshot_ids: [],
    image: d.image,
    volume_ids: d.volumeIds,
    size: size ?? null,
    size_slug: d.sizeSlug,
    networks: { v4, v6 },
    region: regionJson(d.regionSlug),
    tags: d.tags,
    vpc_uuid: d.vpcUuid,
  };
}

export function volumeJson(v: SimVolume) {
  return {
    id: v.id,
    region: regionJson(v.regionSlug),
    droplet_ids: v.dropletIds,
    name: v.name,
    description: v.description,
    size_gigabytes: v.sizeGigabytes,
    created_at: v.createdAt,
    filesystem_type: v.filesystemType,
    filesystem_label: '',
    tags: v.tags,
  };
}

export function actionJson(a: SimAction) {
  return {
    id: a.id,
    status: a.status,
    type: a.type,
    started_at: a.startedAt,
    completed_at: a.completedAt,
    resource_id: a.resourceId,
    resource_type: a.resourceType,
    region: regionJson(a.regionSlug),
    region_slug: a.regionSlug,
  };
}

export function keyJson(k: SimSshKey) {
  return { id: k.id, fingerprint: k.fingerprint, public_key: k.publicKey, name: k.name };
}
