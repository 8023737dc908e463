import type { CloudProvider } from './api/clouds';

// Where a cloud's credentials are sent: its API endpoint and the hosts in its config. The same
// list decides what the outbound guard checks, which edits need the credentials again, and when
// the edit form asks for them.

export interface CloudDestination {
  /** Compared between the stored cloud and an edit. */
  key: string;
  /** A URL or a bare host, for the outbound guard. */
  host: string;
}

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
): CloudDestination[] {
  const c = config ?? {};
  const out: CloudDestination[] = [];
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

/** The destinations of `after` that `before` did not have. */
export function newCloudDestinations(
  before: CloudDestination[],
  after: CloudDestination[],
): CloudDestination[] {
  const known = new Set(before.map((d) => d.key));
  return after.filter((d) => !known.has(d.key));
}
