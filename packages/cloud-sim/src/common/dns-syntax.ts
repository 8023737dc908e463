// What the DNS emulators accept as a domain, a host name, a record name and an address; each
// provider's own refusals (and their words) stay with it.

export const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const LABEL = '[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?';
/** A host name a record points at, with or without the trailing dot. */
export const HOST = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})*\\.?$`);
/** A record's name relative to its domain: "" (the apex), labels, a leading "*" wildcard. */
export const RECORD_NAME = new RegExp(`^$|^(\\*|${LABEL})(\\.${LABEL})*$`);
export const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** Only the characters and length of an IPv6 address, as the providers check it. */
export const IPV6ISH = /^[0-9a-fA-F:]{2,39}$/;
/** The record types both Route 53 and Cloud DNS take (each refuses others in its own words). */
export const RECORD_TYPES: ReadonlySet<string> = new Set([
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'TXT',
]);
