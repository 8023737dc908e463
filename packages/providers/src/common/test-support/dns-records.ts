import {
  type DnsDriver,
  type DnsRecordSpec,
  type DriverInit,
  isDnsDriver,
  type ProviderDriver,
  type RemoteRecord,
} from '@overcast/contracts';
import { expect } from 'vitest';

// Shared by the DNS drivers' tests: a token-API driver's DNS part, one record of each type
// Overcast writes, and what a user does with them.

/**
 * The DNS part of a token-API driver (one API token) at `endpoint`, retrying briefly; `perPage`
 * forces small pages.
 */
export function tokenDnsDriver(
  create: (init: DriverInit<{ token: string }>) => ProviderDriver,
  token: string,
  endpoint: string,
  perPage?: number,
): DnsDriver {
  const config = { retryBaseDelayMs: 5, retryMaxDelayMs: 20, retryAttempts: 2, perPage };
  const driver = create({ credentials: { token }, endpoint, config });
  if (!isDnsDriver(driver)) throw new Error(`the ${driver.provider} driver offers no DNS`);
  return driver;
}

/** One record of each type: host targets in both forms (with and without the dot), every field its type needs. */
export const EACH_TYPE = {
  a: { name: 'api', type: 'A', ttl: 300, value: '198.51.100.7' },
  aaaa: { name: 'api', type: 'AAAA', ttl: 300, value: '2001:db8::7' },
  cname: { name: 'www', type: 'CNAME', ttl: 3600, value: 'example.com' },
  txt: { name: '@', type: 'TXT', ttl: 300, value: 'v=spf1 -all' },
  ns: { name: 'lab', type: 'NS', ttl: 3600, value: 'ns1.lab.example' },
  mx: { name: '@', type: 'MX', ttl: 3600, value: 'mail.example.com.', priority: 10 },
  srv: {
    name: '_sip._tcp',
    type: 'SRV',
    ttl: 300,
    value: 'sip.example.com',
    priority: 5,
    weight: 10,
    port: 5060,
  },
  caa: { name: '@', type: 'CAA', ttl: 3600, value: 'letsencrypt.org', tag: 'issue', flags: 0 },
} as const satisfies Record<string, DnsRecordSpec>;

/** Creates each record in turn in `zone`, answering what the driver made of each. */
export async function createEach<K extends string>(
  dns: DnsDriver,
  zone: string,
  specs: Record<K, DnsRecordSpec>,
): Promise<Record<K, RemoteRecord>> {
  const made = {} as Record<K, RemoteRecord>;
  for (const key of Object.keys(specs) as K[]) made[key] = await dns.createRecord(zone, specs[key]);
  return made;
}

/** Adds one record of each type and holds each to what was asked (host names without the dot). */
export async function createEachAsAsked(dns: DnsDriver, zone: string) {
  const made = await createEach(dns, zone, EACH_TYPE);
  for (const [key, spec] of Object.entries(EACH_TYPE)) {
    const { value, ...rest } = spec;
    expect(made[key as keyof typeof EACH_TYPE]).toMatchObject({ ...rest, value: value.replace(/\.$/, '') });
  }
  return made;
}

/**
 * What a user does with records of each type through `dns`: adds one of each and reads back the
 * same fields, changes the A, is refused a change of type (the provider keeps types), deletes
 * the AAAA, and lists the zone as it then is. Answers the records as made, for the provider's
 * own checks of what it stored.
 */
export async function roundTripEachType(dns: DnsDriver, zone: string) {
  const made = await createEach(dns, zone, EACH_TYPE);
  const { a, aaaa, cname, txt, ns, mx, srv, caa } = made;
  expect(a).toMatchObject({ type: 'A', name: 'api', value: '198.51.100.7', ttl: 300 });
  expect(aaaa).toMatchObject({ type: 'AAAA', value: '2001:db8::7' });
  expect(cname).toMatchObject({ name: 'www', value: 'example.com' });
  expect(txt).toMatchObject({ name: '@', value: 'v=spf1 -all' });
  expect(ns).toMatchObject({ name: 'lab', value: 'ns1.lab.example' });
  expect(mx).toMatchObject({ type: 'MX', name: '@', value: 'mail.example.com', priority: 10 });
  expect(srv).toMatchObject({
    name: '_sip._tcp',
    priority: 5,
    weight: 10,
    port: 5060,
    value: 'sip.example.com',
  });
  expect(caa).toMatchObject({ name: '@', tag: 'issue', flags: 0, value: 'letsencrypt.org' });

  const moved = await dns.updateRecord(zone, a.externalId, {
    ...EACH_TYPE.a,
    ttl: 120,
    value: '198.51.100.8',
  });
  expect(moved).toMatchObject({ externalId: a.externalId, value: '198.51.100.8', ttl: 120 });
  const retyped = await dns
    .updateRecord(zone, a.externalId, { name: 'api', type: 'TXT', ttl: 120, value: 'x' })
    .catch((e) => e);
  expect(retyped).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/delete it and add/) });
  await dns.deleteRecord(zone, aaaa.externalId);

  const listed = await dns.listRecords(zone);
  expect(listed.find((r) => r.externalId === a.externalId)?.value).toBe('198.51.100.8');
  expect(listed.some((r) => r.externalId === aaaa.externalId)).toBe(false);
  for (const r of [cname, txt, ns, mx, srv, caa])
    expect(listed.find((l) => l.externalId === r.externalId)).toEqual(r);
  return made;
}
