import { INSTANCE_TYPES, type InstanceTypeInfo, REGIONS, type RegionInfo, typesInRegion } from '../catalog';
import { Ec2Error, invalidValue } from '../errors';
import { compileFilters, type FilterFields } from '../filters';
import type { SimImage } from '../model';
import { encodeToken, readPage } from '../pagination';
import { imageXml, instanceTypeXml } from '../render';
import { itemList, leaf, node } from '../xml';
import type { ActionContext } from './context';

interface RegionView {
  info: RegionInfo;
  optInStatus: string;
}

const REGION_FILTERS: FilterFields<RegionView> = {
  fields: {
    'region-name': (r) => r.info.name,
    endpoint: (r) => `ec2.${r.info.name}.amazonaws.com`,
    'opt-in-status': (r) => r.optInStatus,
  },
};

/** Enabled regions by default; AllRegions adds the opt-in ones the account has not enabled. */
export function describeRegions({ state, params }: ActionContext): string {
  const all = params.bool('AllRegions');
  const names = params.list('RegionName');
  for (const name of names) {
    if (!REGIONS.some((r) => r.name === name)) throw invalidValue(`Invalid region: ${name}`);
  }
  const match = compileFilters(params.filters(), REGION_FILTERS);
  const views = REGIONS.filter((info) =>
    names.length > 0 ? names.includes(info.name) : all || state.regions.has(info.name),
  )
    .map((info): RegionView => {
      const enabled = state.regions.has(info.name);
      return {
        info,
        optInStatus: !info.optIn ? 'opt-in-not-required' : enabled ? 'opted-in' : 'not-opted-in',
      };
    })
    .filter(match);
  return itemList(
    'regionInfo',
    views,
    (r) =>
      leaf('regionName', r.info.name) +
      leaf('regionEndpoint', `ec2.${r.info.name}.amazonaws.com`) +
      leaf('optInStatus', r.optInStatus),
  );
}

interface ZoneView {
  name: string;
  id: string;
  region: string;
}

const ZONE_FILTERS: FilterFields<ZoneView> = {
  fields: {
    'zone-name': (z) => z.name,
    'zone-id': (z) => z.id,
    'region-name': (z) => z.region,
    state: () => 'available',
    'zone-type': () => 'availability-zone',
    'group-name': (z) => z.region,
    'opt-in-status': () => 'opt-in-not-required',
  },
};

export function describeAvailabilityZones({ region, params }: ActionContext): string {
  const names = params.list('ZoneName');
  const ids = params.list('ZoneId');
  const zones = region.zoneNames.map(
    (name): ZoneView => ({ name, id: region.zoneId(name), region: region.name }),
  );
  for (const name of names) {
    if (!zones.some((z) => z.name === name)) throw invalidValue(`Invalid availability zone: [${name}]`);
  }
  for (const id of ids) {
    if (!zones.some((z) => z.id === id)) throw invalidValue(`Invalid availability zone ID: [${id}]`);
  }
  const match = compileFilters(params.filters(), ZONE_FILTERS);
  const selected = zones.filter(
    (z) => (names.length === 0 && ids.length === 0) || names.includes(z.name) || ids.includes(z.id),
  );
  return itemList(
    'availabilityZoneInfo',
    selected.filter(match),
    (z) =>
      leaf('zoneName', z.name) +
      leaf('zoneState', 'available') +
      leaf('regionName', z.region) +
      node('messageSet', '') +
      leaf('zoneId', z.id) +
      leaf('groupName', z.region) +
      leaf('networkBorderGroup', z.region) +
      leaf('zoneType', 'availability-zone') +
      leaf('optInStatus', 'opt-in-not-required'),
  );
}

const TYPE_FILTERS: FilterFields<InstanceTypeInfo> = {
  fields: {
    'instance-type': (t) => t.name,
    'current-generation': (t) => t.currentGeneration,
    'vcpu-info.default-vcpus': (t) => t.vcpus,
    'memory-info.size-in-mib': (t) => t.memoryMiB,
    'processor-info.supported-architecture': (t) => t.arch,
    'burstable-performance-supported': (t) => t.burstable,
    'instance-storage-supported': (t) => t.instanceStorageGb !== undefined,
    'free-tier-eligible': (t) => t.name === 't2.micro' || t.name === 't3.micro',
  },
};

/** Pages over the region's catalog by position; the token carries the last position. */
export function describeInstanceTypes({ region, params }: ActionContext): string {
  const names = params.list('InstanceType');
  const unknown = names.filter((n) => !INSTANCE_TYPES.some((t) => t.name === n));
  if (unknown.length > 0) {
    throw new Ec2Error(
      'InvalidInstanceType',
      `The following supplied instance types do not exist: [${unknown.join(', ')}]`,
    );
  }
  const page = readPage(params, 'DescribeInstanceTypes', region.name, { min: 5, max: 100, default: 100 });
  const match = compileFilters(params.filters(), TYPE_FILTERS);
  const candidates = typesInRegion(region.name)
    .map((type, position) => ({ type, position }))
    .filter(
      ({ type, position }) => position > page.afterSeq && (names.length === 0 || names.includes(type.name)),
    )
    .filter(({ type }) => match(type));
  const items = candidates.slice(0, page.limit);
  const last = items[items.length - 1];
  return (
    itemList('instanceTypeSet', items, ({ type }) => instanceTypeXml(type)) +
    (candidates.length > items.length && last
      ? leaf('nextToken', encodeToken('DescribeInstanceTypes', region.name, last.position))
      : '')
  );
}

const IMAGE_FILTERS: FilterFields<SimImage> = {
  fields: {
    'image-id': (i) => i.id,
    name: (i) => i.name,
    description: (i) => i.description,
    'owner-id': (i) => i.ownerId,
    'owner-alias': (i) => i.ownerAlias,
    state: () => 'available',
    architecture: (i) => i.architecture,
    'is-public': (i) => i.isPublic,
    platform: (i) => i.platform,
    'platform-details': (i) => i.platformDetails,
    'image-type': () => 'machine',
    'root-device-type': () => 'ebs',
    'root-device-name': (i) => i.rootDeviceName,
    'virtualization-type': () => 'hvm',
  },
  tags: (i) => i.tags,
};

/** Owner.N accepts `self`, aliases (`amazon`) and account ids, like EC2. */
function ownedBy(image: SimImage, owners: string[], accountId: string): boolean {
  if (owners.length === 0) return true;
  return owners.some(
    (o) => (o === 'self' && image.ownerId === accountId) || o === image.ownerId || o === image.ownerAlias,
  );
}

export function describeImages({ state, region, params }: ActionContext): string {
  const ids = params.list('ImageId');
  const owners = params.list('Owner');
  const page = readPage(params, 'DescribeImages', region.name, {
    min: 5,
    max: 1000,
    default: Number.POSITIVE_INFINITY,
    idsParam: 'imageIds',
    ids,
  });
  const missing = ids.filter((id) => !region.imagesById.has(id));
  if (missing.length > 0) {
    throw new Ec2Error('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);
  }
  const match = compileFilters(params.filters(), IMAGE_FILTERS);
  const candidates = region.images
    .map((image, position) => ({ image, position }))
    .filter(
      ({ image, position }) =>
        position > page.afterSeq &&
        (ids.length === 0 || ids.includes(image.id)) &&
        ownedBy(image, owners, state.accountId) &&
        match(image),
    );
  const items = candidates.slice(0, page.limit);
  const last = items[items.length - 1];
  return (
    itemList('imagesSet', items, ({ image }) => imageXml(image)) +
    (candidates.length > items.length && last
      ? leaf('nextToken', encodeToken('DescribeImages', region.name, last.position))
      : '')
  );
}
