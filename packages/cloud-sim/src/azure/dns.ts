// Azure DNS (Microsoft.Network/dnsZones) as the emulated Resource Manager keeps it: public zones
// per resource group, each made with its SOA and apex NS record sets, and record sets by relative
// name and type holding their records in ARM's wire properties (ARecords, MXRecords, caaRecords…).
// Every change gives the set a new ETag, which If-Match and If-None-Match are held to.

import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../common/server';
import { armError } from './errors';

/** The wire property of each record type, and the field of its one value where it has one. */
export const RECORD_PROPERTIES = {
  A: 'ARecords',
  AAAA: 'AAAARecords',
  CAA: 'caaRecords',
  CNAME: 'CNAMERecord',
  MX: 'MXRecords',
  NS: 'NSRecords',
  PTR: 'PTRRecords',
  SOA: 'SOARecord',
  SRV: 'SRVRecords',
  TXT: 'TXTRecords',
} as const;
export type AzureRecordType = keyof typeof RECORD_PROPERTIES;

export interface SimRecordSet {
  /** Relative to the zone, "@" for the apex, as first written. */
  name: string;
  type: AzureRecordType;
  ttl: number;
  etag: string;
  metadata: Record<string, string>;
  /** The record property as written (an array, or one object for CNAME and SOA). */
  records: unknown;
}

export interface SimDnsZone {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  etag: string;
  tags: Record<string, string>;
  nameServers: string[];
  /** By `${type} ${lower-case name}`. */
  sets: Map<string, SimRecordSet>;
}

const lower = (s: string) => s.toLowerCase();
export const setKey = (type: string, name: string) => `${type.toUpperCase()} ${lower(name)}`;
export const zoneId = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/dnszones/${name}`;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const badRequest = (message: string) => armError(400, 'BadRequest', message);

export class ArmDns {
  readonly zones = new Map<string, SimDnsZone>();
  private serverPool = 0;

  zone(id: string): SimDnsZone | undefined {
    return this.zones.get(lower(id));
  }

  /** A zone with Azure's SOA (serial 1, an hour's TTL) and its four name servers. */
  addZone(sub: string, rg: string, name: string): SimDnsZone | SimResponse {
    if (!DOMAIN.test(name))
      return badRequest(`The zone name '${name}' is invalid: it must be a domain of at least two labels.`);
    const pool = String(++this.serverPool % 100).padStart(2, '0');
    const nameServers = [1, 2, 3, 4].map(
      (n, i) => `ns${n}-${pool}.azure-dns.${['com', 'net', 'org', 'info'][i]}.`,
    );
    const zone: SimDnsZone = {
      id: zoneId(sub, rg, name),
      subscriptionId: sub,
      resourceGroup: rg,
      name: lower(name),
      etag: randomUUID(),
      tags: {},
      nameServers,
      sets: new Map(),
    };
    const set = (type: AzureRecordType, ttl: number, records: unknown) =>
      zone.sets.set(setKey(type, '@'), { name: '@', type, ttl, etag: randomUUID(), metadata: {}, records });
    set('SOA', 3600, {
      host: nameServers[0],
      email: 'azuredns-hostmaster.microsoft.com',
      serialNumber: 1,
      refreshTime: 3600,
      retryTime: 300,
      expireTime: 2419200,
      minimumTTL: 300,
    });
    set(
      'NS',
      172800,
      nameServers.map((nsdname) => ({ nsdname })),
    );
    this.zones.set(lower(zone.id), zone);
    return zone;
  }

  /**
   * Writes a set from its PUT properties, or answers Azure's refusal: the record property of another
   * type, a bad address, a CNAME beside other sets of its name.
   */
  putSet(
    zone: SimDnsZone,
    type: AzureRecordType,
    name: string,
    props: Record<string, unknown>,
    metadata: Record<string, string>,
  ): SimRecordSet | SimResponse {
    const ttl = props.TTL ?? 3600;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > 2_147_483_647)
      return badRequest(`The value '${String(ttl)}' of TTL is invalid: it must be from 0 to 2147483647.`);
    for (const [other, property] of Object.entries(RECORD_PROPERTIES))
      if (other !== type && props[property] !== undefined)
        return badRequest(
          `The record set of type '${type}' cannot contain the '${property}' property of type '${other}'.`,
        );
    const records = props[RECORD_PROPERTIES[type]] ?? (type === 'CNAME' || type === 'SOA' ? undefined : []);
    if (type !== 'CNAME' && type !== 'SOA' && !Array.isArray(records))
      return badRequest(`The ${RECORD_PROPERTIES[type]} property of a record set must be a list.`);
    if (type === 'A')
      for (const r of records as Array<{ ipv4Address?: unknown }>)
        if (typeof r?.ipv4Address !== 'string' || !IPV4.test(r.ipv4Address))
          return badRequest(`The value '${String(r?.ipv4Address)}' is not a valid IPv4 address.`);
    if (type === 'SOA' && name !== '@') return badRequest('An SOA record set may only be at the zone apex.');
    const others = [...zone.sets.values()].filter((s) => lower(s.name) === lower(name) && s.type !== type);
    if ((type === 'CNAME' && others.length > 0) || others.some((s) => s.type === 'CNAME'))
      return armError(
        409,
        'Conflict',
        `The record set could not be created because a ${type === 'CNAME' ? 'record set' : 'CNAME record set'} with the same name '${name}' already exists in zone '${zone.name}'.`,
      );
    const existing = zone.sets.get(setKey(type, name));
    const set: SimRecordSet = {
      name: existing?.name ?? name,
      type,
      ttl,
      etag: randomUUID(),
      metadata,
      records,
    };
    zone.sets.set(setKey(type, name), set);
    return set;
  }

  /** Removes a set; the SOA and the apex NS are the zone's own. */
  deleteSet(zone: SimDnsZone, type: AzureRecordType, name: string): SimResponse | null {
    if (type === 'SOA') return badRequest('The SOA record set cannot be deleted.');
    if (type === 'NS' && name === '@')
      return badRequest('The NS record set at the zone apex cannot be deleted.');
    zone.sets.delete(setKey(type, name));
    return null;
  }

  /** The set's absolute name, with the trailing dot, as `properties.fqdn` gives it. */
  static fqdn(zone: SimDnsZone, name: string): string {
    return name === '@' ? `${zone.name}.` : `${name}.${zone.name}.`;
  }
}
