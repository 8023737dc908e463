import { randomUUID } from 'node:crypto';
import {
  type CreateDnsRecordRequest,
  type CreateDnsZoneRequest,
  DNS_RECORD_TYPES,
  type DnsDriver,
  type DnsRecord,
  type DnsRecordList,
  type DnsRecordSpec,
  type DnsZone,
  dnsRecordProblem,
  dnsZoneNameProblem,
  isDnsDriver,
  isZoneOwnRecord,
  normalizeZoneName,
  ProviderError,
  type RemoteRecord,
  type RemoteZone,
  type UpdateDnsRecordRequest,
} from '@overcast/contracts';
import type { Cloud } from '@overcast/db';
import type { OrgActor } from '../actor';
import { recordAudit } from '../audit';
import { driverOf, featuresOf } from '../clouds';
import { DomainError, fromProviderError, notFound, providerName } from '../errors';
import { repos } from '../repositories';
import type { CloudRuntime, DriverRuntime } from '../runtime';

// DNS zones and records of a cloud, read live from its provider (nothing is stored: the
// provider's DNS is the truth, and other tools change it too, so a zone made or deleted here is
// only made or deleted there). Changes are audited on the cloud.

/**
 * The DNS side of a cloud's driver. A cloud whose provider offers no DNS is a 400 naming it, so
 * a provider without `features.dns` never has DNS anywhere.
 */
export async function dnsDriverOf(runtime: DriverRuntime, cloud: Cloud): Promise<DnsDriver> {
  const offered = featuresOf(cloud.provider).dns;
  const driver = offered ? await driverOf(runtime, cloud) : null;
  if (!driver || !isDnsDriver(driver)) {
    throw new DomainError('invalid', 'dns_not_offered', `${cloud.title} offers no DNS zones in Overcast.`);
  }
  if (offered === 'catalog' && driver.offersDns) {
    const has = await ask(cloud, 'reading its service catalog', () => driver.offersDns!());
    if (!has)
      throw new DomainError(
        'invalid',
        'dns_not_offered',
        `${cloud.title} has no DNS: its service catalog names no DNS service (Designate). Ask the cloud's operators to enable it.`,
      );
  }
  return driver;
}

/** Types Overcast writes; SOA and the apex NS are the provider's own. */
export function isEditable(r: Pick<RemoteRecord, 'type' | 'name'>): boolean {
  if (!(DNS_RECORD_TYPES as readonly string[]).includes(r.type)) return false;
  return !isZoneOwnRecord(r);
}

function toView(r: RemoteRecord): DnsRecord {
  const { externalId, ...rest } = r;
  return { id: externalId, ...rest, editable: isEditable(r) };
}

const zoneView = (cloudId: string, z: RemoteZone): DnsZone => ({ id: z.externalId, name: z.name, cloudId });

async function dnsCloud(runtime: CloudRuntime, organizationId: string, cloudId: string) {
  const cloud = await repos(runtime.db).clouds.getInOrg(organizationId, cloudId);
  return { cloud, dns: await dnsDriverOf(runtime, cloud) };
}

async function ask<T>(cloud: Cloud, doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw fromProviderError(cloud.provider, err, doing);
  }
}

async function findZone(cloud: Cloud, dns: DnsDriver, zoneId: string): Promise<RemoteZone> {
  const zones = await ask(cloud, 'listing the DNS zones', () => dns.listZones());
  const zone = zones.find((z) => z.externalId === zoneId);
  if (!zone) throw notFound('DNS zone');
  return zone;
}

/** The cloud's zones, as its provider lists them now. */
export async function listDnsZones(
  runtime: CloudRuntime,
  organizationId: string,
  cloudId: string,
): Promise<DnsZone[]> {
  const { cloud, dns } = await dnsCloud(runtime, organizationId, cloudId);
  const zones = await ask(cloud, 'listing the DNS zones', () => dns.listZones());
  return zones.map((z) => zoneView(cloud.id, z)).sort((a, b) => a.name.localeCompare(b.name));
}

/** A zone's records, apex first, then by name and type. */
export async function listDnsRecords(
  runtime: CloudRuntime,
  organizationId: string,
  cloudId: string,
  zoneId: string,
): Promise<DnsRecordList> {
  const { cloud, dns } = await dnsCloud(runtime, organizationId, cloudId);
  const zone = await findZone(cloud, dns, zoneId);
  const records = await ask(cloud, `listing the records of ${zone.name}`, () => dns.listRecords(zoneId));
  const order = (n: string) => (n === '@' ? '' : n);
  return {
    zone: zoneView(cloud.id, zone),
    items: records
      .map(toView)
      .sort((a, b) => order(a.name).localeCompare(order(b.name)) || a.type.localeCompare(b.type)),
  };
}

/** The record's fields for its type only: a priority left over from an MX does not follow it to an A. */
function specOf(input: CreateDnsRecordRequest): DnsRecordSpec {
  const spec: DnsRecordSpec = {
    name: input.name,
    type: input.type,
    ttl: input.ttl,
    value: input.value.trim(),
  };
  if (input.type === 'MX' || input.type === 'SRV') spec.priority = input.priority;
  if (input.type === 'SRV') {
    spec.weight = input.weight;
    spec.port = input.port;
  }
  if (input.type === 'CAA') {
    spec.flags = input.flags ?? 0;
    spec.tag = input.tag;
  }
  return spec;
}

function checked(input: CreateDnsRecordRequest, zone: RemoteZone): DnsRecordSpec {
  const spec = specOf(input);
  const problem = dnsRecordProblem(spec, zone.name);
  if (problem)
    throw new DomainError('invalid', 'dns_record_invalid', problem.message, `body.${problem.field}`);
  return spec;
}

const details = (zone: RemoteZone, spec: { name: string; type: string; value: string }) => ({
  zone: zone.name,
  name: spec.name,
  type: spec.type,
  value: spec.value,
});

async function audited<T>(
  runtime: CloudRuntime,
  actor: OrgActor,
  cloud: Cloud,
  action: string,
  what: Record<string, unknown>,
  doing: string,
  call: () => Promise<T>,
  /** Words of our own for a provider's conflict this change expects (a zone not empty...). */
  onConflict?: (err: ProviderError) => DomainError,
): Promise<T> {
  try {
    const out = await call();
    await recordAudit(runtime.db, actor, {
      action,
      resourceKind: 'clouds',
      resourceId: cloud.id,
      details: what,
    });
    return out;
  } catch (err) {
    await recordAudit(runtime.db, actor, {
      action,
      resourceKind: 'clouds',
      resourceId: cloud.id,
      result: 'failure',
      details: { ...what, error: (err as Error).message },
    });
    if (onConflict && err instanceof ProviderError && err.kind === 'conflict') throw onConflict(err);
    throw fromProviderError(cloud.provider, err, doing);
  }
}

const records = (n: number) => `${n} ${n === 1 ? 'record' : 'records'}`;

/**
 * Makes a zone at the provider. The name is checked here first (a domain, lower-case, no trailing
 * dot), and a second zone of the same name in the cloud is refused: Route 53 would make one.
 */
export async function createDnsZone(
  runtime: CloudRuntime,
  actor: OrgActor,
  cloudId: string,
  input: CreateDnsZoneRequest,
): Promise<DnsZone> {
  // The cloud first: another organization's id is not found, whatever the name.
  const { cloud, dns } = await dnsCloud(runtime, actor.organizationId, cloudId);
  const name = normalizeZoneName(input.name);
  const problem = dnsZoneNameProblem(name);
  if (problem) throw new DomainError('invalid', 'dns_zone_invalid', problem, 'body.name');
  const zones = await ask(cloud, 'listing the DNS zones', () => dns.listZones());
  const exists = () =>
    new DomainError(
      'conflict',
      'dns_zone_exists',
      `${cloud.title} already has a zone ${name}: open it from the DNS page, or choose another domain.`,
      'body.name',
    );
  if (zones.some((z) => z.name === name)) throw exists();
  const made = await audited(
    runtime,
    actor,
    cloud,
    'dns.zone.create',
    { zone: name },
    `creating the zone ${name}`,
    () => dns.createZone({ name, requestId: randomUUID() }),
    exists,
  );
  return zoneView(cloud.id, made);
}

/**
 * Deletes a zone at the provider. One that still has records besides its SOA and apex NS is
 * refused unless `force`, which deletes those records first, one by one, then the zone.
 */
export async function deleteDnsZone(
  runtime: CloudRuntime,
  actor: OrgActor,
  cloudId: string,
  zoneId: string,
  options: { force?: boolean },
): Promise<void> {
  const { cloud, dns } = await dnsCloud(runtime, actor.organizationId, cloudId);
  const zone = await findZone(cloud, dns, zoneId);
  const all = await ask(cloud, `listing the records of ${zone.name}`, () => dns.listRecords(zoneId));
  const remaining = all.filter((r) => !isZoneOwnRecord(r));
  if (remaining.length > 0 && !options.force)
    throw new DomainError(
      'conflict',
      'dns_zone_not_empty',
      `${zone.name} still has ${records(remaining.length)} besides its SOA and NS. Delete them first, or delete the zone with its records (force=true).`,
    );
  await audited(
    runtime,
    actor,
    cloud,
    'dns.zone.delete',
    { zone: zone.name, recordsDeleted: remaining.length },
    `deleting the zone ${zone.name}`,
    async () => {
      for (const r of remaining) await dns.deleteRecord(zoneId, r.externalId);
      await dns.deleteZone(zoneId);
    },
    // Records added at the provider after the count above.
    (err) =>
      new DomainError(
        'conflict',
        'dns_zone_not_empty',
        `${providerName(cloud.provider)} refused to delete ${zone.name}: ${err.message} Records were added meanwhile: delete them first, or delete the zone with its records (force=true).`,
      ),
  );
}

export async function createDnsRecord(
  runtime: CloudRuntime,
  actor: OrgActor,
  cloudId: string,
  zoneId: string,
  input: CreateDnsRecordRequest,
): Promise<DnsRecord> {
  const { cloud, dns } = await dnsCloud(runtime, actor.organizationId, cloudId);
  const zone = await findZone(cloud, dns, zoneId);
  const spec = checked(input, zone);
  const made = await audited(
    runtime,
    actor,
    cloud,
    'dns.record.create',
    details(zone, spec),
    `adding the ${spec.type} record ${spec.name} to ${zone.name}`,
    () => dns.createRecord(zoneId, spec),
  );
  return toView(made);
}

async function existing(cloud: Cloud, dns: DnsDriver, zone: RemoteZone, recordId: string) {
  const records = await ask(cloud, `listing the records of ${zone.name}`, () =>
    dns.listRecords(zone.externalId),
  );
  const record = records.find((r) => r.externalId === recordId);
  if (!record) throw notFound('DNS record');
  if (!isEditable(record))
    throw new DomainError(
      'conflict',
      'dns_record_read_only',
      `The ${record.type} record ${record.name} of ${zone.name} is managed by the provider; Overcast leaves it as it is.`,
    );
  return record;
}

export async function updateDnsRecord(
  runtime: CloudRuntime,
  actor: OrgActor,
  cloudId: string,
  zoneId: string,
  recordId: string,
  patch: UpdateDnsRecordRequest,
): Promise<DnsRecord> {
  const { cloud, dns } = await dnsCloud(runtime, actor.organizationId, cloudId);
  const zone = await findZone(cloud, dns, zoneId);
  const current = await existing(cloud, dns, zone, recordId);
  const merged = { ...current, ...patch } as CreateDnsRecordRequest;
  const spec = checked(merged, zone);
  const changed = await audited(
    runtime,
    actor,
    cloud,
    'dns.record.update',
    { ...details(zone, spec), was: current.value },
    `changing the ${spec.type} record ${spec.name} of ${zone.name}`,
    () => dns.updateRecord(zoneId, recordId, spec),
  );
  return toView(changed);
}

export async function deleteDnsRecord(
  runtime: CloudRuntime,
  actor: OrgActor,
  cloudId: string,
  zoneId: string,
  recordId: string,
): Promise<void> {
  const { cloud, dns } = await dnsCloud(runtime, actor.organizationId, cloudId);
  const zone = await findZone(cloud, dns, zoneId);
  const current = await existing(cloud, dns, zone, recordId);
  await audited(
    runtime,
    actor,
    cloud,
    'dns.record.delete',
    details(zone, current),
    `deleting the ${current.type} record ${current.name} of ${zone.name}`,
    () => dns.deleteRecord(zoneId, recordId),
  );
}
