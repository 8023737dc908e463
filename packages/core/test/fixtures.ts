import { randomBytes } from 'node:crypto';
import type { RemoteMachine, RemoteVolume } from '@overcast/contracts';
import type { Database } from '@overcast/db';

/** A new organization and cloud to sync into; tests never share them. */
export async function createOrgAndCloud(db: Database, provider = 'digitalocean') {
  const org = await db.prisma.organization.create({
    data: { name: 'Sync test', slug: `sync-${randomBytes(6).toString('hex')}` },
  });
  const cloud = await db.prisma.cloud.create({
    data: {
      organizationId: org.id,
      provider,
      title: `cloud-${randomBytes(3).toString('hex')}`,
      credentials: Buffer.from('x'),
    },
  });
  return { organizationId: org.id, cloudId: cloud.id };
}

export function remoteMachine(i: number, over: Partial<RemoteMachine> = {}): RemoteMachine {
  return {
    externalId: `m-${i}`,
    name: `machine-${i}`,
    state: 'running',
    rawState: 'active',
    size: 's-1vcpu-1gb',
    image: 'ubuntu-24-04-x64',
    location: 'nyc3',
    publicIps: [`203.0.113.${i % 250}`],
    privateIps: [`10.0.0.${i % 250}`],
    createdAt: new Date('2026-01-01T00:00:00Z'),
    tags: { env: i % 2 ? 'prod' : 'dev' },
    costMonthly: { amount: '6.00', currency: 'USD' },
    extra: { vcpus: 1 },
    ...over,
  };
}

export function remoteVolume(i: number, over: Partial<RemoteVolume> = {}): RemoteVolume {
  return {
    externalId: `v-${i}`,
    name: `volume-${i}`,
    sizeGb: 10,
    state: 'available',
    rawState: '',
    location: 'nyc3',
    attachedTo: [],
    createdAt: new Date('2026-01-01T00:00:00Z'),
    tags: {},
    extra: {},
    ...over,
  };
}
