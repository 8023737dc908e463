import type { CloudProvider } from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { HOURS_PER_MONTH, regionOf, sizePrice } from './cost';
import { DomainError } from './errors';
import { repos } from './repositories';

type Extra = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

/** x86_64 / arm64, whatever the provider's case (Compute Engine says X86_64). */
const arch = (v: unknown): string | null => text(v)?.toLowerCase() ?? null;

/** The region a catalog location belongs to: EC2 zones name theirs, other locations are one. */
function locationRegion(provider: CloudProvider, location: { externalId: string; extra: unknown }): string {
  return (
    text((location.extra as Extra).region) ?? regionOf(provider, location.externalId) ?? location.externalId
  );
}

/**
 * Whether an image can boot in a location: EC2 images belong to one region (`extra.region`),
 * DigitalOcean's list the regions they are in; Compute Engine images are global.
 */
function imageServes(extra: Extra, location: string, region: string): boolean {
  const own = text(extra.region);
  if (own) return own === region;
  const regions = texts(extra.regions);
  return regions.length === 0 || regions.includes(location) || regions.includes(region);
}

/** A name people read: public images' descriptions say "Canonical, Ubuntu, 24.04, amd64 noble image". */
const readableName = (name: string, isPublic: boolean, extra: Extra) =>
  (isPublic && text(extra.description)) || name;

/**
 * Sizes, images and locations of one cloud, as last polled. Given a location, only what can be
 * launched there, with the shipped price of each size in that region when the provider gives none.
 */
export async function cloudCatalog(db: Database, organizationId: string, cloudId: string, location?: string) {
  const cloud = await repos(db).clouds.getInOrg(organizationId, cloudId);
  const where = { cloudId, organizationId };
  const [sizes, images, locations] = await Promise.all([
    db.prisma.size.findMany({ where, orderBy: [{ priceMonthly: 'asc' }, { name: 'asc' }] }),
    db.prisma.image.findMany({ where, orderBy: { name: 'asc' } }),
    db.prisma.location.findMany({ where, orderBy: { name: 'asc' } }),
  ]);
  const chosen = location === undefined ? undefined : locations.find((l) => l.externalId === location);
  if (location !== undefined && !chosen)
    throw new DomainError(
      'invalid',
      'unknown_location',
      `${cloud.title} has no location "${location}"; choose one of its locations (refresh the cloud if it is new).`,
    );
  const region = chosen ? locationRegion(cloud.provider, chosen) : null;
  const seen = new Set<string>();
  return {
    sizes: sizes
      .filter((s) => !chosen || s.locations.length === 0 || s.locations.includes(chosen.externalId))
      .map((s) => {
        const shipped =
          s.priceMonthly === null && s.priceHourly === null && chosen
            ? sizePrice(cloud.provider, s.externalId, chosen.externalId)
            : null;
        const hourly = shipped?.price ?? (s.priceHourly === null ? null : Number(s.priceHourly));
        const monthly =
          shipped?.price != null
            ? shipped.price * HOURS_PER_MONTH
            : s.priceMonthly === null
              ? null
              : Number(s.priceMonthly);
        return {
          externalId: s.externalId,
          name: s.name,
          cpus: s.cpus,
          memoryMb: s.memoryMb,
          diskGb: s.diskGb,
          priceMonthly: monthly === null ? null : monthly.toFixed(2),
          priceHourly: hourly === null ? null : hourly.toFixed(4),
          currency: s.currency,
          architectures: texts((s.extra as Extra).architectures).map((a) => a.toLowerCase()),
          locations: s.locations,
        };
      })
      .sort((a, b) => price(a) - price(b) || a.name.localeCompare(b.name)),
    images: images
      .filter((i) => !chosen || imageServes(i.extra as Extra, chosen.externalId, region!))
      .map((i) => {
        const extra = i.extra as Extra;
        return {
          externalId: i.externalId,
          name: readableName(i.name, i.isPublic, extra),
          providerName: i.name,
          os: i.os,
          architecture: arch(extra.architecture),
          region: text(extra.region),
          isPublic: i.isPublic,
        };
      })
      // Copies of one image (same name and architecture) are listed once: the first is enough to launch.
      .filter((i) => {
        const key = `${i.region ?? ''}\n${i.providerName}\n${i.architecture ?? ''}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
    locations: locations.map((l) => ({
      externalId: l.externalId,
      name: l.name,
      country: l.country,
      region: locationRegion(cloud.provider, l),
    })),
  };
}

const price = (s: { priceMonthly: string | null }) =>
  s.priceMonthly === null ? Number.POSITIVE_INFINITY : Number(s.priceMonthly);

/**
 * Refuses an image of another region before the provider is asked (EC2 would answer that the
 * image "does not exist"). Images the catalog does not know yet are left to the provider.
 */
export async function checkImageServesLocation(
  db: Database,
  cloud: { id: string; provider: CloudProvider },
  image: string,
  location: string,
): Promise<void> {
  const [row, place] = await Promise.all([
    db.prisma.image.findUnique({ where: { cloudId_externalId: { cloudId: cloud.id, externalId: image } } }),
    db.prisma.location.findUnique({
      where: { cloudId_externalId: { cloudId: cloud.id, externalId: location } },
    }),
  ]);
  if (!row || !place) return;
  const region = locationRegion(cloud.provider, place);
  const extra = row.extra as Extra;
  if (imageServes(extra, location, region)) return;
  const where = text(extra.region) ?? texts(extra.regions).join(', ');
  throw new DomainError(
    'invalid',
    'image_not_in_location',
    `The image ${row.name} is in ${where}, not in ${region}: choose an image of ${region}.`,
  );
}
