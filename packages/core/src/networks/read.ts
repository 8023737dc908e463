import type {
  Exposure,
  Firewall,
  FirewallList,
  FirewallRule,
  MachineRef,
  Network,
  NetworkDetail,
  NetworkList,
  NetworkListQuery,
  Subnet,
} from '@overcast/contracts';
import type { Database } from '@overcast/db';
import { type Principal, policyFilter } from '../authz';
import { featuresOf, noFirewalls } from '../clouds';
import { notFound } from '../errors';
import { exposureWarnings, letsWorldIn } from './exposure';

// Reading networks, subnets and firewalls as the last poll stored them. Lists are filtered by the
// caller's policies for the `networks` kind; machines named in them are joined by provider id.

type Bind = (value: unknown) => string;

function binder(params: unknown[]): Bind {
  return (value) => {
    params.push(value);
    return `$${params.length}`;
  };
}

/** The machines of `alias.machine_ids` as refs, named when the inventory knows them. */
const machineRefs = (alias: string) => `
  coalesce((SELECT jsonb_agg(jsonb_build_object('externalId', a.ext, 'machineId', m.id, 'name', m.name)
                             ORDER BY m.name NULLS LAST, a.ext)
            FROM unnest(${alias}.machine_ids) AS a(ext)
            LEFT JOIN machines m ON m.cloud_id = ${alias}.cloud_id AND m.external_id = a.ext), '[]'::jsonb)`;

const onMachine = (alias: string, machine: string) =>
  `EXISTS (SELECT 1 FROM machines am WHERE am.id = ${machine} AND am.organization_id = $1
           AND am.cloud_id = ${alias}.cloud_id AND am.external_id = ANY (${alias}.machine_ids))`;

interface NetworkRow {
  id: string;
  cloud_id: string;
  cloud_title: string;
  external_id: string;
  name: string;
  cidr: string | null;
  region: string | null;
  is_default: boolean;
  subnet_count: number;
  machine_count: number;
  updated_at: Date;
}

const NETWORK_SELECT = `
  SELECT n.id, n.cloud_id, c.title AS cloud_title, n.external_id, n.name, n.cidr, n.region, n.is_default,
         (SELECT count(*)::int FROM subnets s WHERE s.cloud_id = n.cloud_id AND s.network_external_id = n.external_id) AS subnet_count,
         cardinality(n.machine_ids) AS machine_count, n.updated_at
  FROM networks n JOIN clouds c ON c.id = n.cloud_id`;

const toNetwork = (r: NetworkRow): Network => ({
  id: r.id,
  cloudId: r.cloud_id,
  cloudTitle: r.cloud_title,
  externalId: r.external_id,
  name: r.name,
  cidr: r.cidr,
  region: r.region,
  isDefault: r.is_default,
  subnetCount: r.subnet_count,
  machineCount: r.machine_count,
  updatedAt: r.updated_at.toISOString(),
});

export async function listNetworks(
  db: Database,
  organizationId: string,
  caller: Principal,
  query: NetworkListQuery = {},
): Promise<NetworkList> {
  const params: unknown[] = [organizationId];
  const p = binder(params);
  const where = ['n.organization_id = $1'];
  const allowed = policyFilter({ ...caller, organizationId }, 'networks', 'read', 'n', p);
  if (allowed) where.push(allowed);
  if (query.cloud) where.push(`n.cloud_id = ${p(query.cloud)}`);
  if (query.machine) where.push(onMachine('n', p(query.machine)));
  const { rows } = await db.pool.query<NetworkRow>(
    `${NETWORK_SELECT} WHERE ${where.join(' AND ')} ORDER BY c.title, n.is_default DESC, n.name, n.id LIMIT 1000`,
    params,
  );
  return { items: rows.map(toNetwork) };
}

interface FirewallRow {
  id: string;
  cloud_id: string;
  cloud_title: string;
  external_id: string;
  name: string;
  description: string;
  network_id: string | null;
  network_name: string | null;
  rules: FirewallRule[];
  machines: MachineRef[];
  read_only: boolean;
}

const FIREWALL_SELECT = `
  SELECT f.id, f.cloud_id, c.title AS cloud_title, f.external_id, f.name, f.description,
         n.id AS network_id, n.name AS network_name, f.rules, ${machineRefs('f')} AS machines,
         coalesce(f.extra->>'readOnly' = 'true', false) AS read_only
  FROM firewalls f JOIN clouds c ON c.id = f.cloud_id
  LEFT JOIN networks n ON n.cloud_id = f.cloud_id AND n.external_id = f.network_external_id`;

export const toFirewall = (r: FirewallRow): Firewall => ({
  id: r.id,
  cloudId: r.cloud_id,
  cloudTitle: r.cloud_title,
  externalId: r.external_id,
  name: r.name,
  description: r.description,
  networkId: r.network_id,
  networkName: r.network_name,
  rules: r.rules,
  machines: r.machines,
  readOnly: r.read_only,
  warnings: [...new Set(r.rules.flatMap(exposureWarnings))],
});

async function firewallsWhere(db: Database, where: string[], params: unknown[]): Promise<Firewall[]> {
  const { rows } = await db.pool.query<FirewallRow>(
    `${FIREWALL_SELECT} WHERE ${where.join(' AND ')} ORDER BY c.title, f.name, f.id LIMIT 1000`,
    params,
  );
  return rows.map(toFirewall);
}

/** Asking for the firewalls of a cloud whose provider has none is a 400 saying so, not an empty list. */
async function refuseWithoutFirewalls(db: Database, organizationId: string, cloudId: string): Promise<void> {
  const cloud = await db.prisma.cloud.findFirst({
    where: { id: cloudId, organizationId },
    select: { title: true, provider: true },
  });
  if (cloud && !featuresOf(cloud.provider).firewalls) throw noFirewalls(cloud);
}

export async function listFirewalls(
  db: Database,
  organizationId: string,
  caller: Principal,
  query: NetworkListQuery = {},
): Promise<FirewallList> {
  const params: unknown[] = [organizationId];
  const p = binder(params);
  const where = ['f.organization_id = $1'];
  const allowed = policyFilter({ ...caller, organizationId }, 'networks', 'read', 'f', p);
  if (allowed) where.push(allowed);
  if (query.cloud) {
    await refuseWithoutFirewalls(db, organizationId, query.cloud);
    where.push(`f.cloud_id = ${p(query.cloud)}`);
  }
  if (query.machine) where.push(onMachine('f', p(query.machine)));
  return { items: await firewallsWhere(db, where, params) };
}

export async function getFirewall(db: Database, organizationId: string, id: string): Promise<Firewall> {
  const [found] = await firewallsWhere(db, ['f.organization_id = $1', 'f.id = $2'], [organizationId, id]);
  if (!found) throw notFound('Firewall');
  return found;
}

/** The cloud a firewall belongs to, for the authorization of changes to it; 404 when not the organization's. */
export async function cloudOfFirewall(db: Database, organizationId: string, id: string): Promise<string> {
  const row = await db.prisma.firewall.findFirst({
    where: { id, organizationId },
    select: { cloudId: true },
  });
  if (!row) throw notFound('Firewall');
  return row.cloudId;
}

export async function getNetwork(db: Database, organizationId: string, id: string): Promise<NetworkDetail> {
  const { rows } = await db.pool.query<NetworkRow & { machines: MachineRef[] }>(
    `${NETWORK_SELECT.replace('n.updated_at', `n.updated_at, ${machineRefs('n')} AS machines`)}
     WHERE n.organization_id = $1 AND n.id = $2`,
    [organizationId, id],
  );
  const row = rows[0];
  if (!row) throw notFound('Network');
  const subnets = await db.pool.query<{
    id: string;
    external_id: string;
    name: string;
    cidr: string;
    location: string | null;
    machine_count: number;
  }>(
    `SELECT s.id, s.external_id, s.name, s.cidr, s.location, cardinality(s.machine_ids) AS machine_count
     FROM subnets s WHERE s.cloud_id = $1 AND s.network_external_id = $2 ORDER BY s.location, s.cidr`,
    [row.cloud_id, row.external_id],
  );
  const firewalls = await firewallsWhere(
    db,
    ['f.organization_id = $1', 'f.cloud_id = $2', 'f.network_external_id = $3'],
    [organizationId, row.cloud_id, row.external_id],
  );
  return {
    network: toNetwork(row),
    subnets: subnets.rows.map(
      (s): Subnet => ({
        id: s.id,
        externalId: s.external_id,
        name: s.name,
        cidr: s.cidr,
        location: s.location,
        machineCount: s.machine_count,
      }),
    ),
    machines: row.machines,
    firewalls,
  };
}

/**
 * The machines the whole internet can reach on `port` through a firewall's allow rule, among
 * those the caller may see. Only machines the inventory knows are listed.
 */
export async function exposedMachines(
  db: Database,
  organizationId: string,
  caller: Principal,
  port: number,
): Promise<Exposure> {
  const { items } = await listFirewalls(db, organizationId, caller);
  const open = items.filter((f) => f.rules.some((r) => letsWorldIn(r, port)));
  const byMachine = new Map<string, { firewalls: { id: string; name: string }[] }>();
  for (const f of open) {
    for (const m of f.machines) {
      if (!m.machineId) continue;
      const entry = byMachine.get(m.machineId) ?? { firewalls: [] };
      entry.firewalls.push({ id: f.id, name: f.name });
      byMachine.set(m.machineId, entry);
    }
  }
  if (byMachine.size === 0) return { port, machines: [] };
  const params: unknown[] = [organizationId];
  const p = binder(params);
  const where = [
    'm.organization_id = $1',
    `m.id = ANY(${p([...byMachine.keys()])}::uuid[])`,
    "m.state <> 'terminated'",
  ];
  const allowed = policyFilter({ ...caller, organizationId }, 'machines', 'read', 'm', p);
  if (allowed) where.push(allowed);
  const { rows } = await db.pool.query<{ id: string; name: string; cloud_id: string; cloud_title: string }>(
    `SELECT m.id, m.name, m.cloud_id, c.title AS cloud_title FROM machines m JOIN clouds c ON c.id = m.cloud_id
     WHERE ${where.join(' AND ')} ORDER BY m.name, m.id`,
    params,
  );
  return {
    port,
    machines: rows.map((r) => ({
      machineId: r.id,
      name: r.name,
      cloudId: r.cloud_id,
      cloudTitle: r.cloud_title,
      firewalls: byMachine.get(r.id)?.firewalls ?? [],
    })),
  };
}
