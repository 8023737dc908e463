import {
  type AvailabilityZone,
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeVolumesCommand,
} from '@aws-sdk/client-ec2';
import { ownCopy, ProviderError } from '@overcast/contracts';
import type { Ec2Api } from './api';
import type { AwsDriverConfig } from './config';
import { mapLimit } from './pages';

export interface RegionZones {
  region: string;
  zones: AvailabilityZone[];
}

/**
 * Which regions the driver works in, and which region holds a given zone, instance or
 * volume. EC2 ids carry no region, so an id not seen in a listing is looked up in every
 * region at once (one cheap Describe call each).
 */
export class RegionDirectory {
  private regionList?: Promise<string[]>;
  private zoneList?: Promise<RegionZones[]>;
  private readonly known = new Map<string, string>();

  constructor(
    private readonly api: Ec2Api,
    private readonly config: AwsDriverConfig,
  ) {}

  /** Configured regions, else the regions enabled for the account (cached once found). */
  regions(signal?: AbortSignal): Promise<string[]> {
    if (this.config.regions) return Promise.resolve(this.config.regions);
    this.regionList ??= this.api
      .call(this.config.defaultRegion, (c, o) => c.send(new DescribeRegionsCommand({}), o), signal)
      .then((out) =>
        (out.Regions ?? [])
          .filter((r) => r.OptInStatus !== 'not-opted-in')
          .map((r) => r.RegionName)
          .filter((r): r is string => !!r)
          .sort(),
      );
    // A failed discovery must not be cached for the driver's lifetime.
    this.regionList.catch(() => {
      this.regionList = undefined;
    });
    return this.regionList;
  }

  zones(): Promise<RegionZones[]> {
    this.zoneList ??= this.regions().then((regions) =>
      mapLimit(regions, this.config.concurrency, async (region) => {
        const out = await this.api.call(region, (c, o) =>
          c.send(new DescribeAvailabilityZonesCommand({}), o),
        );
        return { region, zones: out.AvailabilityZones ?? [] };
      }),
    );
    this.zoneList.catch(() => {
      this.zoneList = undefined;
    });
    return this.zoneList;
  }

  /** A location is a zone (`us-east-1a`) or, without a placement, a region (`us-east-1`). */
  async regionOfLocation(location: string): Promise<{ region: string; zone?: string }> {
    const regions = await this.regions();
    if (regions.includes(location)) return { region: location };
    for (const { region, zones } of await this.zones()) {
      if (zones.some((z) => z.ZoneName === location)) return { region, zone: location };
    }
    throw new ProviderError('invalid', `Unknown location '${location}': not a zone of ${regions.join(', ')}`);
  }

  remember(id: string, region: string): void {
    // Ids come as slices of the response they were read from: keep a copy, not the page.
    this.known.set(ownCopy(id), region);
  }

  regionOfInstance(id: string): Promise<string> {
    return this.locate(id, 'instance', (region) =>
      this.api
        .call(region, (c, o) => c.send(new DescribeInstancesCommand({ InstanceIds: [id] }), o))
        .then((out) => (out.Reservations ?? []).some((r) => r.Instances?.some((i) => i.InstanceId === id))),
    );
  }

  regionOfVolume(id: string): Promise<string> {
    return this.locate(id, 'volume', (region) =>
      this.api
        .call(region, (c, o) => c.send(new DescribeVolumesCommand({ VolumeIds: [id] }), o))
        .then((out) => (out.Volumes ?? []).some((v) => v.VolumeId === id)),
    );
  }

  /** The region holding `id`, asked of every region at once unless seen in a listing. */
  async locate(id: string, noun: string, holds: (region: string) => Promise<boolean>): Promise<string> {
    const cached = this.known.get(id);
    if (cached) return cached;
    const regions = await this.regions();
    if (regions.length === 1) return regions[0]!;
    let notFound: ProviderError | undefined;
    const found = await mapLimit(regions, regions.length, async (region) => {
      try {
        return (await holds(region)) ? region : undefined;
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'not-found') {
          notFound = err;
          return undefined;
        }
        throw err;
      }
    });
    const region = found.find((r): r is string => r !== undefined);
    if (!region) throw notFound ?? new ProviderError('not-found', `The ${noun} ID '${id}' does not exist`);
    this.remember(id, region);
    return region;
  }
}
