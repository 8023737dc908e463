import { PUBLIC_IMAGES, REGIONS, SIZES } from './catalog';
import { isoSeconds, type SimDroplet } from './model';

const OPEN_REGIONS = REGIONS.filter((r) => r.available).map((r) => r.slug);
const SEED_EPOCH = Date.UTC(2024, 0, 1);

/** Addresses derive from the id so they are unique per droplet and stable between runs. */
export function addressesFor(id: number) {
  const b = (id >>> 16) & 255;
  const c = (id >>> 8) & 255;
  const d = id & 255;
  return {
    publicIpv4: `104.${b}.${c}.${d}`,
    privateIpv4: `10.${b}.${c}.${d}`,
    publicIpv6: `2604:a880:400:d1::${id.toString(16)}`,
  };
}

/**
 * Builds droplet `i` of a seeded account. Everything comes from `i` and the id, so the same
 * options always give the same fleet; 100k droplets take a few hundred milliseconds.
 */
export function seededDroplet(i: number, id: number, prefix: string): SimDroplet {
  const tagSets: string[][] = [['web'], ['db', 'prod'], []];
  return {
    id,
    name: `${prefix}-${String(i).padStart(6, '0')}`,
    status: i % 10 === 9 ? 'off' : 'active',
    sizeSlug: SIZES[i % 5]!.slug,
    image: PUBLIC_IMAGES[i % PUBLIC_IMAGES.length]!,
    regionSlug: OPEN_REGIONS[i % OPEN_REGIONS.length]!,
    createdAt: isoSeconds(SEED_EPOCH + i * 60_000),
    tags: [...tagSets[i % 3]!],
    ...addressesFor(id),
    volumeIds: [],
    sshKeyIds: [],
    userData: null,
    vpcUuid: `5a4981aa-9653-4bd1-bef5-${String(id % 1e12).padStart(12, '0')}`,
    ignoresShutdown: false,
  };
}
