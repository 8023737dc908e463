import { type Static, Type as T } from '@sinclair/typebox';
import { CAA_TAGS, DNS_RECORD_TYPES, DNS_TTL_MAX, DNS_TTL_MIN } from '../provider-dns';
import { Strict, Uuid } from './common';

// DNS zones and records of a cloud whose provider offers DNS, read live from the provider.

/**
 * A zone's id as its provider gives it: a Route 53 hosted zone id, a Cloud DNS zone name, a domain,
 * a Designate UUID, or an Azure DNS zone's resource id (the one form with slashes).
 */
const ZoneId = T.String({
  minLength: 1,
  maxLength: 512,
  pattern:
    '^([A-Za-z0-9][A-Za-z0-9._-]*|/subscriptions/[0-9A-Fa-f-]{36}/resourceGroups/[-\\w.()]{1,90}/providers/Microsoft\\.Network/dnszones/[A-Za-z0-9.-]{1,253})$',
});
/** A record's id: the provider's own, or for record-set providers an opaque id Overcast gives it. */
const RecordId = T.String({ minLength: 1, maxLength: 2048, pattern: '^[A-Za-z0-9_-]+$' });

export const DnsZoneParams = Strict({ id: Uuid, zoneId: ZoneId });
export type DnsZoneParams = Static<typeof DnsZoneParams>;
export const DnsRecordParams = Strict({ id: Uuid, zoneId: ZoneId, recordId: RecordId });
export type DnsRecordParams = Static<typeof DnsRecordParams>;

export const DnsZone = T.Object(
  {
    id: T.String({ description: "The provider's id of the zone" }),
    name: T.String({ description: 'The domain, without the trailing dot' }),
    cloudId: Uuid,
  },
  { $id: 'DnsZone' },
);
export type DnsZone = Static<typeof DnsZone>;
export const DnsZoneList = T.Object({ items: T.Array(T.Ref(DnsZone)) });
export type DnsZoneList = Static<typeof DnsZoneList>;

export const CreateDnsZoneRequest = Strict({
  name: T.String({
    minLength: 1,
    maxLength: 254,
    description: 'The domain, such as example.com; stored lower-case, without the trailing dot',
  }),
});
export type CreateDnsZoneRequest = Static<typeof CreateDnsZoneRequest>;

export const DeleteDnsZoneQuery = Strict({
  force: T.Optional(
    T.Boolean({
      description: "Delete the zone's records first; without it a zone that still has records is refused",
    }),
  ),
});
export type DeleteDnsZoneQuery = Static<typeof DeleteDnsZoneQuery>;

const Uint16 = (description: string) => T.Integer({ minimum: 0, maximum: 65535, description });

const RecordType = T.Union(
  DNS_RECORD_TYPES.map((t) => T.Literal(t)),
  { description: 'Record type' },
);

const recordFields = {
  name: T.String({
    minLength: 1,
    maxLength: 200,
    description: 'Relative to the zone: "www", "_sip._tcp", or "@" for the apex',
  }),
  type: RecordType,
  ttl: T.Integer({ minimum: DNS_TTL_MIN, maximum: DNS_TTL_MAX, description: 'Seconds' }),
  value: T.String({
    minLength: 1,
    maxLength: 255,
    description: 'An address (A, AAAA), a host name (CNAME, MX, NS, SRV target), text (TXT) or a CAA value',
  }),
  priority: T.Optional(Uint16('MX and SRV')),
  weight: T.Optional(Uint16('SRV')),
  port: T.Optional(Uint16('SRV')),
  flags: T.Optional(T.Integer({ minimum: 0, maximum: 255, description: 'CAA: 0, or 128 (critical)' })),
  tag: T.Optional(
    T.Union(
      CAA_TAGS.map((t) => T.Literal(t)),
      { description: 'CAA' },
    ),
  ),
};

export const CreateDnsRecordRequest = Strict(recordFields);
export type CreateDnsRecordRequest = Static<typeof CreateDnsRecordRequest>;

/** What changes; the rest is kept from the record as it is. */
export const UpdateDnsRecordRequest = T.Partial(CreateDnsRecordRequest, {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateDnsRecordRequest = Static<typeof UpdateDnsRecordRequest>;

export const DnsRecord = T.Object(
  {
    id: T.String(),
    name: T.String(),
    type: T.String({ description: 'One of A, AAAA, CNAME, MX, TXT, SRV, NS, CAA; others are read-only' }),
    ttl: T.Integer(),
    value: T.String(),
    priority: T.Optional(T.Integer()),
    weight: T.Optional(T.Integer()),
    port: T.Optional(T.Integer()),
    flags: T.Optional(T.Integer()),
    tag: T.Optional(T.String()),
    editable: T.Boolean({
      description: 'False for records the provider manages (SOA, apex NS) or types Overcast does not write',
    }),
  },
  { $id: 'DnsRecord' },
);
export type DnsRecord = Static<typeof DnsRecord>;
export const DnsRecordList = T.Object({ zone: T.Ref(DnsZone), items: T.Array(T.Ref(DnsRecord)) });
export type DnsRecordList = Static<typeof DnsRecordList>;
