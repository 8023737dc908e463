// What can be launched where: instance types, images and zones of the chosen regions.

import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  type Filter,
  type Image,
  type InstanceTypeInfo,
} from '@aws-sdk/client-ec2';
import type { RemoteImage, RemoteLocation, RemoteSize } from '@overcast/contracts';
import type { Ec2Api } from './api';
import type { AwsDriverConfig } from './config';
import { toRemoteImage, toRemoteLocation, toRemoteSize } from './map-catalog';
import { mapLimit, type Page, paginate } from './pages';
import type { RegionDirectory } from './regions';

async function all<T>(fetchPage: (token: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of paginate(undefined, fetchPage)) out.push(item);
  return out;
}

function instanceTypes(api: Ec2Api, config: AwsDriverConfig, region: string): Promise<InstanceTypeInfo[]> {
  return all(async (token) => {
    const page = await api.call(region, (c, o) =>
      c.send(
        new DescribeInstanceTypesCommand({ MaxResults: config.pageSize.instanceTypes, NextToken: token }),
        o,
      ),
    );
    return { items: page.InstanceTypes ?? [], next: page.NextToken };
  });
}

/**
 * Instance types differ per region: each region's list is read and merged. `locations`
 * names the zones offering a type when some chosen region lacks it, [] when all offer it.
 */
export async function listSizes(
  api: Ec2Api,
  directory: RegionDirectory,
  config: AwsDriverConfig,
): Promise<RemoteSize[]> {
  const zones = await directory.zones();
  const perRegion = await mapLimit(zones, config.concurrency, async ({ region }) => ({
    region,
    types: await instanceTypes(api, config, region),
  }));
  const byName = new Map<string, { type: InstanceTypeInfo; regions: string[] }>();
  for (const { region, types } of perRegion) {
    for (const type of types) {
      if (!type.InstanceType) continue;
      const entry = byName.get(type.InstanceType) ?? { type, regions: [] };
      entry.regions.push(region);
      byName.set(type.InstanceType, entry);
    }
  }
  const zoneNames = (region: string) =>
    (zones.find((z) => z.region === region)?.zones ?? [])
      .map((z) => z.ZoneName)
      .filter((z): z is string => !!z);
  return [...byName.values()]
    .map(({ type, regions }) => {
      const size = toRemoteSize(type);
      size.locations = regions.length === zones.length ? [] : regions.flatMap(zoneNames);
      size.extra.regions = regions;
      return size;
    })
    .sort((a, b) => a.externalId.localeCompare(b.externalId));
}

function describeImages(
  api: Ec2Api,
  config: AwsDriverConfig,
  region: string,
  owners: string[],
  filters: Filter[],
): Promise<Image[]> {
  return all(async (token) => {
    const page = await api.call(region, (c, o) =>
      c.send(
        new DescribeImagesCommand({
          Owners: owners,
          Filters: [
            { Name: 'state', Values: ['available'] },
            { Name: 'image-type', Values: ['machine'] },
            ...filters,
          ],
          MaxResults: config.pageSize.images,
          NextToken: token,
        }),
        o,
      ),
    );
    return { items: page.Images ?? [], next: page.NextToken };
  });
}

/**
 * The account's own images, plus those of `config.imageOwners` whose names match
 * `config.imageNames` (public owners publish thousands of images per region; the name
 * patterns keep current server images). Images are regional: every chosen region is read.
 */
export async function listImages(
  api: Ec2Api,
  directory: RegionDirectory,
  config: AwsDriverConfig,
): Promise<RemoteImage[]> {
  const regions = await directory.regions();
  const publicOwners = config.imageOwners.filter((o) => o !== 'self');
  const nameFilter: Filter[] =
    config.imageNames.length > 0 ? [{ Name: 'name', Values: config.imageNames }] : [];
  const perRegion = await mapLimit(regions, config.concurrency, async (region) => {
    const images = new Map<string, RemoteImage>();
    const own = await describeImages(api, config, region, ['self'], []);
    const shared =
      publicOwners.length > 0 ? await describeImages(api, config, region, publicOwners, nameFilter) : [];
    for (const image of [...own, ...shared]) {
      if (image.ImageId && !images.has(image.ImageId))
        images.set(image.ImageId, toRemoteImage(image, region));
    }
    return [...images.values()];
  });
  return perRegion.flat();
}

export async function listLocations(directory: RegionDirectory): Promise<RemoteLocation[]> {
  const zones = await directory.zones();
  return zones.flatMap(({ region, zones }) => zones.map((zone) => toRemoteLocation(zone, region)));
}
