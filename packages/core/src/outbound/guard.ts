import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { OUTBOUND_REFUSED } from '@overcast/contracts';
import {
  type AddressClass,
  type Cidr,
  canonicalHost,
  classifyIp,
  effectiveIp,
  type Ip,
  inCidr,
  parseCidr,
  parseIp,
} from '@overcast/contracts/addresses';
import type { Role } from '@overcast/db';
import type { Settings } from '@overcast/runtime';
import { DomainError } from '../errors';

// One gate for every request Overcast makes on someone's say-so: webhooks, node_exporter
// scrapes, cloud endpoints and hosts. A host is resolved, every address it resolves to is
// judged, and the connection is made to the address that was judged.

/**
 * What a request is for. Cloud addresses (endpoints, KVM, Docker and SSH hosts) are set by the
 * people who manage clouds; private networks are normal there for admins. Webhooks and
 * node_exporter URLs are set by members and their answers are seen: only public addresses. So are
 * Git repositories templates are imported from.
 */
export type OutboundPurpose = 'webhook' | 'node_exporter' | 'cloud' | 'git_repository';

export interface OutboundRules {
  /** Ranges an admin opened in settings (outbound.allowPrivateNetworks). */
  allowed: Cidr[];
}

export interface OutboundOptions {
  purpose: OutboundPurpose;
  /** The role of the person who set the address; admins may point clouds at private networks. */
  actorRole?: Role | null;
  rules: OutboundRules;
}

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/** Parsed once per settings object: every driver, scrape and webhook asks for them. */
const parsedRules = new WeakMap<Settings['outbound'], OutboundRules>();

/** The rules from settings; a bad CIDR stops the start with the setting's name. */
export function outboundRules(settings: Pick<Settings, 'outbound'>): OutboundRules {
  let rules = parsedRules.get(settings.outbound);
  if (!rules) {
    rules = parseRules(settings);
    parsedRules.set(settings.outbound, rules);
  }
  return rules;
}

function parseRules(settings: Pick<Settings, 'outbound'>): OutboundRules {
  return {
    allowed: settings.outbound.allowPrivateNetworks.map((text) => {
      const cidr = parseCidr(text);
      if (!cidr)
        throw new Error(`outbound.allowPrivateNetworks: "${text}" is not a CIDR range such as 10.0.0.0/8.`);
      return cidr;
    }),
  };
}

const CLASS_WORDS: Record<Exclude<AddressClass, 'public'>, string> = {
  private: 'a private network address',
  loopback: 'a loopback address (this server itself)',
  'link-local': 'a link-local address (such as the cloud metadata service)',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

export { OUTBOUND_REFUSED };

function allowedByRules(ip: Ip, rules: OutboundRules): boolean {
  const target = effectiveIp(ip);
  return rules.allowed.some((cidr) => inCidr(ip, cidr) || inCidr(target, cidr));
}

function refusal(host: string, kind: AddressClass, opts: OutboundOptions): DomainError | null {
  if (kind === 'public') return null;
  if (
    kind === 'private' &&
    opts.purpose === 'cloud' &&
    (opts.actorRole === 'owner' || opts.actorRole === 'admin')
  )
    return null;
  const hint =
    kind === 'private' && opts.purpose === 'cloud'
      ? 'Private network addresses are for clouds added by an admin, or an admin can allow the range in the outbound.allowPrivateNetworks setting.'
      : 'Use a public address, or ask an admin to allow the range in the outbound.allowPrivateNetworks setting.';
  return new DomainError(
    'invalid',
    OUTBOUND_REFUSED,
    `${host} is ${CLASS_WORDS[kind]}; Overcast does not send requests there. ${hint}`,
  );
}

/** Throws the refusal for an address, if it is refused. */
export function checkAddress(host: string, ip: Ip, opts: OutboundOptions): void {
  if (allowedByRules(ip, opts.rules)) return;
  const refused = refusal(host, classifyIp(ip), opts);
  if (refused) throw refused;
}

/** A host that is no host name at all (user@host, a path...) is refused before anything else. */
function hostOf(target: string | URL): string {
  let raw = typeof target === 'string' ? target : target.hostname;
  if (typeof target === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    try {
      raw = new URL(target).hostname;
    } catch {
      throw new DomainError('invalid', OUTBOUND_REFUSED, `${target} is not a valid URL.`);
    }
  }
  const host = canonicalHost(raw);
  if (!host) {
    throw new DomainError('invalid', OUTBOUND_REFUSED, `"${raw}" is not a host name or IP address.`);
  }
  return host;
}

/**
 * Resolves `target` (a URL or a bare host) and checks every address it resolves to; returns
 * the one to connect to. A name that does not resolve throws the DNS error (ENOTFOUND...).
 */
export async function resolveOutbound(target: string | URL, opts: OutboundOptions): Promise<CheckedAddress> {
  const host = hostOf(target);
  const literal = parseIp(host);
  if (literal) {
    checkAddress(host, literal, opts);
    return { address: host, family: literal.family };
  }
  const name = host.replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    checkAddress(host, parseIp('127.0.0.1')!, opts);
  }
  const found = await dnsLookup(host, { all: true, verbatim: true });
  if (found.length === 0) throw Object.assign(new Error(`${host} did not resolve`), { code: 'ENOTFOUND' });
  // Every answer is judged: a name with one public and one internal address is refused.
  for (const { address } of found) checkAddress(host, parseIp(address)!, opts);
  return { address: found[0]!.address, family: found[0]!.family as 4 | 6 };
}

const isDnsFailure = (err: unknown) =>
  ['ENOTFOUND', 'EAI_AGAIN', 'ENODATA', 'ESERVFAIL'].includes((err as { code?: string })?.code ?? '');

/**
 * For saving an address: refuses what is refused now. A name that does not resolve yet is let
 * through; it is judged again each time it is used.
 */
export async function assertOutboundAllowed(target: string | URL, opts: OutboundOptions): Promise<void> {
  try {
    await resolveOutbound(target, opts);
  } catch (err) {
    if (err instanceof DomainError || !isDnsFailure(err)) throw err;
  }
}

/**
 * A `lookup` for net/http/ssh connections: resolves, checks, and hands the connection the
 * address it checked, so a name cannot resolve to something else between check and connect.
 * Literal IPs never reach a lookup: check those with `resolveOutbound` first.
 */
export function guardedLookup(opts: OutboundOptions): LookupFunction {
  return (hostname, options, callback) => {
    resolveOutbound(hostname, opts).then(
      ({ address, family }) => {
        if ((options as { all?: boolean }).all)
          (callback as (e: null, a: CheckedAddress[]) => void)(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
