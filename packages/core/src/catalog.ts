import type { Database } from '@overcast/db';
import { getCloud } from './clouds';

/** Sizes, images and locations of one cloud, as last polled. */
export async function cloudCatalog(db: Database, organizationId: string, cloudId: string) {
  await getCloud(db, organizationId, cloudId);
  const where = { cloudId, organizationId };
  const [sizes, images, locations] = await Promise.all([
    db.prisma.size.findMany({ where, orderBy: [{ priceMonthly: 'asc' }, { name: 'asc' }] }),
    db.prisma.image.findMany({ where, orderBy: { name: 'asc' } }),
    db.prisma.location.findMany({ where, orderBy: { name: 'asc' } }),
  ]);
  return {
    sizes: sizes.map((s) => ({
      externalId: s.externalId,
      name: s.name,
      cpus: s.cpus,
      memoryMb: s.memoryMb,
      diskGb: s.diskGb,
      priceMonthly: s.priceMonthly === null ? null : Number(s.priceMonthly).toFixed(2),
      priceHourly: s.priceHourly === null ? null : Number(s.priceHourly).toFixed(4),
      currency: s.currency,
      locations: s.locations,
    })),
    images: images.map((i) => ({ externalId: i.externalId, name: i.name, os: i.os, isPublic: i.isPublic })),
    locations: locations.map((l) => ({ externalId: l.externalId, name: l.name, country: l.country })),
  };
}
