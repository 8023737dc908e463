import { machineAddress } from '../common/addresses';
import { bootLog } from '../common/boot-log';
import { MACHINE_TYPES, PUBLIC_IMAGES } from './catalog';
import type { IdSource } from './ids';
import { links } from './links';
import { gceTime, type SimDisk, type SimInstance } from './model';

const SEED_EPOCH = Date.UTC(2024, 0, 1);
const LIVE_IMAGES = PUBLIC_IMAGES.filter((i) => !i.deprecated);
const SEED_TYPES = MACHINE_TYPES.slice(0, 6);
// Shared, never mutated: the API replaces labels and tags wholesale.
const LABEL_SETS: ReadonlyArray<Readonly<Record<string, string>>> = [
  Object.freeze({ env: 'prod', team: 'web' }),
  Object.freeze({ env: 'dev' }),
  Object.freeze({}),
];
const TAG_SETS: ReadonlyArray<readonly string[]> = [
  Object.freeze(['http-server', 'https-server']),
  Object.freeze([]),
];
const NO_METADATA = Object.freeze([]) as ReadonlyArray<{ key: string; value: string }>;

/**
 * Instance `i` of a seeded project and its boot disk. Everything derives from `i`, so the same
 * options always give the same fleet.
 */
export function seededInstance(i: number, zone: string, prefix: string, ids: IdSource) {
  const name = `${prefix}-${String(i).padStart(6, '0')}`;
  const image = LIVE_IMAGES[i % LIVE_IMAGES.length]!;
  const created = gceTime(SEED_EPOCH + i * 60_000);
  const n = i + 2;
  const stopped = i % 10 === 9;
  const disk: SimDisk = {
    id: ids.next(),
    name,
    zone,
    sizeGb: 10 + (i % 3) * 10,
    type: 'pd-balanced',
    status: 'READY',
    description: '',
    creationTimestamp: created,
    sourceImage: links.image(image.project, image.name),
    sourceImageId: image.id,
    licenses: image.licenses ?? [],
    users: [name],
    labels: LABEL_SETS[2]!,
    lastAttachTimestamp: created,
  };
  const instance: SimInstance = {
    id: ids.next(),
    name,
    zone,
    machineType: SEED_TYPES[i % SEED_TYPES.length]!.name,
    status: stopped ? 'TERMINATED' : 'RUNNING',
    description: '',
    creationTimestamp: created,
    labels: LABEL_SETS[i % 3]!,
    metadata: NO_METADATA,
    networkTags: TAG_SETS[i % 2]!,
    network: 'default',
    subnetwork: 'default',
    disks: [
      { diskName: name, deviceName: 'persistent-disk-0', boot: true, autoDelete: true, mode: 'READ_WRITE' },
    ],
    networkIP: machineAddress('gce', 'private', n),
    natIP: machineAddress('gce', 'public', n),
    external: true,
    cpuPlatform: 'Intel Broadwell',
    lastStartTimestamp: created,
    lastStopTimestamp: stopped ? created : undefined,
    generation: 0,
    serial: stopped
      ? { boots: 0, text: '', dropped: 0 }
      : { boots: 1, text: bootLog(name, 1, Date.parse(created)), dropped: 0 },
  };
  return { instance, disk };
}
