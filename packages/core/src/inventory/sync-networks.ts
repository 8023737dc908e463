import type { RemoteFirewall, RemoteNetwork, RemoteSubnet } from '@overcast/contracts';
import type { Database, Prisma } from '@overcast/db';
import { sameJson } from '../canonical-json';

export interface NetworkListing {
  networks: RemoteNetwork[];
  subnets: RemoteSubnet[];
  firewalls: RemoteFirewall[];
}

export interface NetworkSyncResult {
  seen: number;
  created: number;
  updated: number;
  deleted: number;
}

interface Target {
  cloudId: string;
  organizationId: string;
}

type Delegate = {
  findMany(args: { where: { cloudId: string } }): Promise<Record<string, unknown>[]>;
  createMany(args: { data: Record<string, unknown>[] }): Promise<{ count: number }>;
  update(args: { where: { id: string }; data: Record<string, unknown> }): Promise<unknown>;
  deleteMany(args: { where: { cloudId: string; id: { in: string[] } } }): Promise<{ count: number }>;
};

/** Writes one table's rows as the listing has them: new ones created, changed ones updated, vanished ones deleted. */
async function apply(
  delegate: Delegate,
  target: Target,
  incoming: Map<string, Record<string, unknown>>,
  result: NetworkSyncResult,
): Promise<void> {
  const stored = await delegate.findMany({ where: { cloudId: target.cloudId } });
  const byExternal = new Map(stored.map((row) => [row.externalId as string, row]));
  const fresh: Record<string, unknown>[] = [];
  for (const [externalId, data] of incoming) {
    const row = byExternal.get(externalId);
    if (!row) {
      fresh.push({ ...data, externalId, cloudId: target.cloudId, organizationId: target.organizationId });
      continue;
    }
    if (Object.entries(data).some(([key, value]) => !sameJson(row[key], value))) {
      await delegate.update({ where: { id: row.id as string }, data });
      result.updated++;
    }
  }
  if (fresh.length) result.created += (await delegate.createMany({ data: fresh })).count;
  const gone = stored.filter((row) => !incoming.has(row.externalId as string)).map((row) => row.id as string);
  if (gone.length)
    result.deleted += (
      await delegate.deleteMany({ where: { cloudId: target.cloudId, id: { in: gone } } })
    ).count;
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

/**
 * Networks, subnets and firewalls as a complete listing has them, in one transaction: a network
 * gone from the provider is gone here too (nothing bills for it, so nothing is kept as missing).
 * Called only with a listing that finished, so a failing provider never wipes inventory.
 */
export async function syncNetworks(
  db: Database,
  target: Target,
  listing: NetworkListing,
): Promise<NetworkSyncResult> {
  const result: NetworkSyncResult = {
    seen: listing.networks.length + listing.subnets.length + listing.firewalls.length,
    created: 0,
    updated: 0,
    deleted: 0,
  };
  await db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sync:networks:${target.cloudId}`}))`;
    await apply(
      tx.network as unknown as Delegate,
      target,
      new Map(
        listing.networks.map((n) => [
          n.externalId,
          {
            name: n.name,
            cidr: n.cidr,
            region: n.region,
            isDefault: n.isDefault,
            machineIds: [...n.machineIds].sort(),
            providerTags: json(n.tags),
            extra: json(n.extra),
          },
        ]),
      ),
      result,
    );
    await apply(
      tx.subnet as unknown as Delegate,
      target,
      new Map(
        listing.subnets.map((s) => [
          s.externalId,
          {
            networkExternalId: s.networkId,
            name: s.name,
            cidr: s.cidr,
            location: s.location,
            machineIds: [...s.machineIds].sort(),
            extra: json(s.extra),
          },
        ]),
      ),
      result,
    );
    await apply(
      tx.firewall as unknown as Delegate,
      target,
      new Map(
        listing.firewalls.map((f) => [
          f.externalId,
          {
            networkExternalId: f.networkId,
            name: f.name,
            description: f.description,
            rules: json(f.rules),
            machineIds: [...f.machineIds].sort(),
            extra: json(f.extra),
          },
        ]),
      ),
      result,
    );
  });
  return result;
}
