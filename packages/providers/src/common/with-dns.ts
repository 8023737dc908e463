import type { DnsDriver } from '@overcast/contracts';

// A driver taking on its provider's DnsDriver part (linode/dns.ts) without forwarding every
// method, as withNetworks does for networks.

const METHODS = [
  'listZones',
  'createZone',
  'deleteZone',
  'listRecords',
  'createRecord',
  'updateRecord',
  'deleteRecord',
] as const satisfies readonly (keyof DnsDriver)[];

/** `driver` with every DnsDriver method of `dns` (and `offersDns` where it has one), bound to it. */
export function withDns<D extends object>(driver: D, dns: DnsDriver): D & DnsDriver {
  for (const name of METHODS)
    Object.defineProperty(driver, name, { value: dns[name].bind(dns), enumerable: false });
  if (dns.offersDns)
    Object.defineProperty(driver, 'offersDns', { value: dns.offersDns.bind(dns), enumerable: false });
  return driver as D & DnsDriver;
}
