import type { CloudProvider } from '@overcast/contracts';
import type { Role } from '@overcast/db';
import { DomainError } from '../errors';
import { assertOutboundAllowed, type OutboundRules } from '../outbound';

// Where a cloud's credentials are sent: its API endpoint and the hosts in its config. The same
// list decides what the outbound guard checks and which edits need the credentials again.

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** An address with a host in it (tcp://, ssh://, qemu+ssh://...), not a local socket or path. */
const remoteUri = (v: unknown): string | null => {
  const s = str(v);
  if (!s || !/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(s) || s.startsWith('unix://')) return null;
  return s;
};

const hostPort = (address: unknown, port: unknown): string | null => {
  const a = str(address);
  return a ? `${a}:${port ?? 22}` : null;
};

/** Each destination as text; the hosts among them are what the guard checks. */
export function cloudDestinations(
  provider: CloudProvider | string,
  endpoint: string | null | undefined,
  config: Record<string, unknown> | null | undefined,
): { key: string; host: string }[] {
  const c = config ?? {};
  const out: { key: string; host: string }[] = [];
  const endpointUrl = str(endpoint);
  if (endpointUrl) out.push({ key: `endpoint ${endpointUrl}`, host: endpointUrl });
  if (provider === 'docker') {
    const host = remoteUri(c.host);
    if (host) out.push({ key: `engine ${host}`, host });
  }
  if (provider === 'libvirt') {
    const h = (c.host ?? null) as Record<string, unknown> | null;
    const at = h && hostPort(h.address, h.port);
    if (at) out.push({ key: `ssh ${at}`, host: String(h.address).trim() });
    const uri = remoteUri(c.uri);
    if (uri) out.push({ key: `uri ${uri}`, host: uri });
  }
  if (provider === 'ssh_host' && Array.isArray(c.hosts)) {
    for (const h of c.hosts as Record<string, unknown>[]) {
      const at = h && hostPort(h.address, h.port);
      if (at) out.push({ key: `ssh ${at}`, host: String(h.address).trim() });
    }
  }
  return out;
}

/**
 * Every address of a cloud must pass the outbound guard. Private networks are fine for clouds
 * an admin sets up (KVM and SSH hosts usually live there); loopback, link-local and the rest
 * only when an admin allowed the range in settings.
 */
export async function checkCloudDestinations(
  provider: CloudProvider | string,
  endpoint: string | null | undefined,
  config: Record<string, unknown> | null | undefined,
  access: { actorRole: Role; rules: OutboundRules },
): Promise<void> {
  for (const { host } of cloudDestinations(provider, endpoint, config)) {
    await assertOutboundAllowed(host, { purpose: 'cloud', ...access });
  }
}

/**
 * Pointing a cloud somewhere new without entering its credentials would send the stored ones
 * there (a DigitalOcean token to any server): that needs the credentials typed again.
 */
export function requireCredentialsForNewDestinations(
  before: { key: string }[],
  after: { key: string }[],
  credentialsGiven: boolean,
): void {
  if (credentialsGiven) return;
  const known = new Set(before.map((d) => d.key));
  if (after.every((d) => known.has(d.key))) return;
  throw new DomainError(
    'invalid',
    'credentials_required',
    'The endpoint or a host address changed: enter the credentials again, so that stored ones are never sent to a new address.',
  );
}
