import { machineAddress } from '../common/addresses';
import { PUBLIC_IMAGES, REGIONS, SIZES } from './catalog';
import { isoSeconds, type SimDroplet } from './model';
import { defaultVpcId } from './networks';

const OPEN_REGIONS = REGIONS.filter((r) => r.available).map((r) => r.slug);
const SEED_EPOCH = Date.UTC(2024, 0, 1);

/** Addresses derive from the id so they are unique per droplet and stable between runs. */
export function addressesFor(id: number) {
  return {
    publicIpv4: machineAddress('digitalocean', 'public', id),
    privateIpv4: machineAddress('digitalocean', 'private', id),
    // The one IPv6 address that stays on this host.
    publicIpv6: '::1',
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
    vpcUuid: defaultVpcId(OPEN_REGIONS[i % OPEN_REGIONS.length]!),
    ignoresShutdown: false,
  };
}
