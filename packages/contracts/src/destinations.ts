// Where a cloud's credentials are sent: its API endpoint and the hosts in its config. The same
// list decides what the outbound guard checks, which edits need the credentials again, and when
// the edit form asks for them. A provider's config schema marks the fields that are
// destinations with `destination`: 'uri' (an address with a host in it) or 'ssh' (an object
// with address and port, or a list of them).

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

type SchemaNode = { properties?: Record<string, SchemaNode>; items?: SchemaNode; destination?: string };

function destinationsOf(name: string, schema: SchemaNode, value: unknown, out: CloudDestination[]): void {
  if (value === null || value === undefined) return;
  if (schema.items && Array.isArray(value)) {
    for (const item of value) destinationsOf(name, schema.items, item, out);
    return;
  }
  if (schema.destination === 'uri') {
    const uri = remoteUri(value);
    if (uri) out.push({ key: `${name} ${uri}`, host: uri });
  } else if (schema.destination === 'ssh' && typeof value === 'object') {
    const h = value as Record<string, unknown>;
    const at = hostPort(h.address, h.port);
    if (at) out.push({ key: `ssh ${at}`, host: String(h.address).trim() });
  }
}

/**
 * Each destination as text; the hosts among them are what the guard checks. `configSchema` is
 * the provider's config schema (its module's, or the descriptor's JSON Schema).
 */
export function cloudDestinations(
  configSchema: unknown,
  endpoint: string | null | undefined,
  config: Record<string, unknown> | null | undefined,
): CloudDestination[] {
  const c = config ?? {};
  const out: CloudDestination[] = [];
  const endpointUrl = str(endpoint);
  if (endpointUrl) out.push({ key: `endpoint ${endpointUrl}`, host: endpointUrl });
  const properties = (configSchema as SchemaNode | null)?.properties ?? {};
  for (const [name, schema] of Object.entries(properties)) destinationsOf(name, schema, c[name], out);
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
