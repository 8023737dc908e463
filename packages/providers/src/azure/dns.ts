// Azure DNS through @azure/arm-dns: public zones in every resource group of the subscriptions the
// cloud covers (a new one in the cloud's resource group), and their record sets, as the DnsDriver
// part of the Azure driver. Azure keeps record sets of typed records (ARecords, MXRecords…), read
// here as zone-file values so RecordSetDns gives one record per value. A change writes each set it
// touches whole, held to the ETag the set was read with (If-Match), or If-None-Match: * for a new
// set, so a change made elsewhere meanwhile is refused in Azure's words rather than overwritten.

import {
  type RecordSet as AzureRecordSet,
  getContinuationToken,
  type RecordType,
  type Zone,
} from '@azure/arm-dns';
import { type DnsZoneSpec, ProviderError, type RemoteZone } from '@overcast/contracts';
import {
  absolute,
  absoluteName,
  fromRdata,
  type RecordSet,
  type RecordSetChange,
  relativeName,
  txtStrings,
  withoutDot,
} from '../common/dns-values';
import { RecordSetDns } from '../common/record-set-dns';
import type { AzureApi } from './client';
import type { AzureConfig } from './config';
import { parseDnsZoneId } from './ids';
import { subscriptionIds, targetSubscription } from './subscriptions';

const setKey = (zoneId: string, name: string, type: string) =>
  `${zoneId.toLowerCase()} ${absolute(name).toLowerCase()} ${type}`;

/** A set's records as zone-file values; SOA as its seven fields. */
function valuesOf(type: string, s: AzureRecordSet): string[] {
  switch (type) {
    case 'A':
      return (s.aRecords ?? []).map((r) => r.ipv4Address ?? '');
    case 'AAAA':
      return (s.aaaaRecords ?? []).map((r) => r.ipv6Address ?? '');
    case 'CNAME':
      return s.cnameRecord?.cname ? [absolute(s.cnameRecord.cname)] : [];
    case 'MX':
      return (s.mxRecords ?? []).map((r) => `${r.preference ?? 0} ${absolute(r.exchange ?? '')}`);
    case 'NS':
      return (s.nsRecords ?? []).map((r) => absolute(r.nsdname ?? ''));
    case 'PTR':
      return (s.ptrRecords ?? []).map((r) => absolute(r.ptrdname ?? ''));
    case 'SRV':
      return (s.srvRecords ?? []).map(
        (r) => `${r.priority ?? 0} ${r.weight ?? 0} ${r.port ?? 0} ${absolute(r.target ?? '')}`,
      );
    case 'TXT':
      return (s.txtRecords ?? []).map((r) =>
        (r.value ?? []).map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(' '),
      );
    case 'CAA':
      return (s.caaRecords ?? []).map((r) => `${r.flags ?? 0} ${r.tag ?? ''} "${r.value ?? ''}"`);
    case 'SOA': {
      const o = s.soaRecord;
      return o
        ? [
            `${absolute(o.host ?? '')} ${absolute(o.email ?? '')} ${o.serialNumber ?? 0} ${o.refreshTime ?? 0} ${o.retryTime ?? 0} ${o.expireTime ?? 0} ${o.minimumTtl ?? 0}`,
          ]
        : [];
    }
    default:
      return [];
  }
}

/** The typed records of a set to write, from its zone-file values. */
function recordsOf(set: RecordSet): Partial<AzureRecordSet> {
  const parsed = set.values.map((v) => fromRdata(set.type, v));
  switch (set.type) {
    case 'A':
      return { aRecords: parsed.map((p) => ({ ipv4Address: p.value })) };
    case 'AAAA':
      return { aaaaRecords: parsed.map((p) => ({ ipv6Address: p.value })) };
    case 'CNAME':
      // Azure's CNAME set holds one record.
      if (parsed.length > 1)
        throw new ProviderError(
          'conflict',
          `${withoutDot(set.name)} already has a CNAME record: Azure DNS keeps one CNAME per name. Change that record instead.`,
        );
      return { cnameRecord: { cname: parsed[0]?.value } };
    case 'MX':
      return { mxRecords: parsed.map((p) => ({ preference: p.priority, exchange: p.value })) };
    case 'NS':
      return { nsRecords: parsed.map((p) => ({ nsdname: p.value })) };
    case 'PTR':
      return { ptrRecords: parsed.map((p) => ({ ptrdname: p.value })) };
    case 'SRV':
      return {
        srvRecords: parsed.map((p) => ({
          priority: p.priority,
          weight: p.weight,
          port: p.port,
          target: p.value,
        })),
      };
    case 'TXT':
      return { txtRecords: set.values.map((v) => ({ value: txtStrings(v) })) };
    case 'CAA':
      return { caaRecords: parsed.map((p) => ({ flags: p.flags, tag: p.tag, value: p.value })) };
    default:
      throw new ProviderError('invalid', `Overcast does not write ${set.type} record sets in Azure DNS.`);
  }
}

const toZone = (z: Zone): RemoteZone => ({
  externalId: z.id ?? '',
  name: withoutDot((z.name ?? '').toLowerCase()),
  extra: {
    resourceGroup: /\/resourceGroups\/([^/]+)/i.exec(z.id ?? '')?.[1] ?? null,
    nameServers: z.nameServers ?? [],
    numberOfRecordSets: z.numberOfRecordSets ?? null,
  },
});

/** The set's type from ARM's "Microsoft.Network/dnszones/A". */
const typeOf = (s: AzureRecordSet) => (s.type ?? '').split('/').pop()?.toUpperCase() ?? '';

export class AzureDns extends RecordSetDns {
  /** Each set's ETag as last read, by zone, absolute name and type: what a change is held to. */
  private readonly etags = new Map<string, string>();

  constructor(
    private readonly arm: AzureApi,
    private readonly settings: AzureConfig,
  ) {
    super();
  }

  async listZones(): Promise<RemoteZone[]> {
    const out: RemoteZone[] = [];
    for (const subscriptionId of await subscriptionIds(this.arm, this.settings)) {
      const { dns } = this.arm.clients(subscriptionId);
      for await (const z of this.arm.pages(
        () => dns.zones.list(this.arm.callOptions()),
        undefined,
        getContinuationToken,
      ))
        if (z.id && z.name && (z.zoneType ?? 'Public') === 'Public') out.push(toZone(z));
    }
    return out;
  }

  /** A public zone in the cloud's resource group; If-None-Match keeps an existing one from being replaced. */
  async createZone(spec: DnsZoneSpec): Promise<RemoteZone> {
    const subscriptionId = await targetSubscription(this.arm, this.settings);
    const { dns } = this.arm.clients(subscriptionId);
    const zone = await this.arm.call(
      () =>
        dns.zones.createOrUpdate(
          this.settings.resourceGroup,
          spec.name,
          { location: 'global', zoneType: 'Public' },
          { ifNoneMatch: '*', ...this.arm.callOptions() },
        ),
      { idempotent: false },
    );
    return toZone(zone);
  }

  /** Azure deletes a zone with its record sets, as a long-running operation. */
  async deleteZone(zoneId: string): Promise<void> {
    const ref = parseDnsZoneId(zoneId);
    const { dns } = this.arm.clients(ref.subscriptionId);
    await this.arm.operation((o) => dns.zones.beginDeleteAndWait(ref.resourceGroup, ref.name, o), true);
  }

  protected async zoneName(zoneId: string): Promise<string> {
    return parseDnsZoneId(zoneId).name;
  }

  protected async sets(zoneId: string, only?: { name: string; type: string }): Promise<RecordSet[]> {
    const ref = parseDnsZoneId(zoneId);
    const { recordSets } = this.arm.clients(ref.subscriptionId).dns;
    let raw: AzureRecordSet[];
    if (only) {
      const relative = relativeName(only.name, ref.name);
      try {
        raw = [
          await this.arm.read(() =>
            recordSets.get(
              ref.resourceGroup,
              ref.name,
              relative,
              only.type as RecordType,
              this.arm.callOptions(),
            ),
          ),
        ];
      } catch (err) {
        if (!(err instanceof ProviderError && err.kind === 'not-found')) throw err;
        // No such set yet; an unknown zone still answers in Azure's words.
        await this.arm.read(() =>
          this.arm
            .clients(ref.subscriptionId)
            .dns.zones.get(ref.resourceGroup, ref.name, this.arm.callOptions()),
        );
        raw = [];
      }
    } else {
      raw = [];
      for await (const s of this.arm.pages(
        () => recordSets.listAllByDnsZone(ref.resourceGroup, ref.name, this.arm.callOptions()),
        undefined,
        getContinuationToken,
      ))
        raw.push(s);
    }
    return raw
      .filter((s) => s.name && s.type)
      .map((s) => {
        const type = typeOf(s);
        const name = absoluteName(s.name!, ref.name);
        if (s.etag) this.etags.set(setKey(zoneId, name, type), s.etag);
        return { name, type, ttl: s.ttl ?? 3600, values: valuesOf(type, s) };
      });
  }

  /** Each touched set written whole (or deleted when emptied), held to the ETag it was read with. */
  protected async commit(zoneId: string, change: RecordSetChange): Promise<void> {
    const ref = parseDnsZoneId(zoneId);
    const { recordSets } = this.arm.clients(ref.subscriptionId).dns;
    const key = (s: RecordSet) => setKey(zoneId, s.name, s.type);
    const before = new Map(change.deletions.map((s) => [key(s), s]));
    const after = new Map(change.additions.map((s) => [key(s), s]));
    for (const k of new Set([...before.keys(), ...after.keys()])) {
      const set = (after.get(k) ?? before.get(k))!;
      const relative = relativeName(set.name, ref.name);
      const etag = this.etags.get(k);
      const held = before.has(k) && etag ? { ifMatch: etag } : { ifNoneMatch: '*' };
      const now = after.get(k);
      if (now)
        await this.arm.call(
          () =>
            recordSets.createOrUpdate(
              ref.resourceGroup,
              ref.name,
              relative,
              set.type as RecordType,
              { ttl: now.ttl, ...recordsOf(now) },
              { ...held, ...this.arm.callOptions() },
            ),
          { idempotent: false },
        );
      else
        await this.arm.call(
          () =>
            recordSets.delete(ref.resourceGroup, ref.name, relative, set.type as RecordType, {
              ...(etag ? { ifMatch: etag } : {}),
              ...this.arm.callOptions(),
            }),
          { idempotent: false },
        );
      this.etags.delete(k);
    }
  }
}
