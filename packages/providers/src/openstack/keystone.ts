// Keystone v3: a token for the credentials (POST /v3/auth/tokens, the token in X-Subject-Token)
// and, from the token's catalog, the endpoints of the services the driver uses in one region.

import { ProviderError } from '@overcast/contracts';
import { authBody, type OpenStackConfig, type OpenStackCredentials } from './config';
import { type Agents, answerError, exchange, header, PROVIDER } from './http';

export type Service = 'compute' | 'volume' | 'image' | 'network' | 'dns';

/** The catalog types each service goes by, in order of preference. */
const CATALOG_TYPES: Record<Service, string[]> = {
  compute: ['compute'],
  volume: ['block-storage', 'volumev3', 'volume'],
  image: ['image'],
  network: ['network'],
  dns: ['dns'],
};

interface WireEndpoint {
  interface?: string;
  region?: string | null;
  region_id?: string | null;
  url?: string;
}

interface WireToken {
  expires_at?: string;
  catalog?: Array<{ type?: string; name?: string; endpoints?: WireEndpoint[] }>;
  project?: { id?: string; name?: string; domain?: { id?: string; name?: string } };
  user?: { id?: string; name?: string; domain?: { id?: string; name?: string } };
}

export interface Session {
  token: string;
  expiresAt: number;
  projectId: string | null;
  region: string;
  /** Endpoint URLs as the catalog gives them; a missing service is absent. */
  endpoints: Partial<Record<Service, string>>;
}

/** A catalog region's name (v3 writes `region_id`, older catalogs `region`). */
const regionOf = (e: WireEndpoint) => e.region_id ?? e.region ?? null;

function pickRegion(catalog: NonNullable<WireToken['catalog']>, wanted: string | null): string {
  const regions = [...new Set(catalog.flatMap((s) => (s.endpoints ?? []).map(regionOf)))].filter(
    (r): r is string => !!r,
  );
  if (wanted) {
    if (regions.includes(wanted)) return wanted;
    throw new ProviderError(
      'invalid',
      regions.length
        ? `The region '${wanted}' is not in this cloud's catalog; it has ${regions.join(', ')}.`
        : `The region '${wanted}' is not in this cloud's catalog, which names no region.`,
    );
  }
  if (regions.length <= 1) return regions[0] ?? '';
  throw new ProviderError(
    'invalid',
    `This cloud has several regions (${regions.join(', ')}): choose one in the region field.`,
  );
}

function endpointsOf(
  catalog: NonNullable<WireToken['catalog']>,
  region: string,
  iface: OpenStackConfig['interface'],
): Session['endpoints'] {
  const out: Session['endpoints'] = {};
  for (const [service, types] of Object.entries(CATALOG_TYPES) as Array<[Service, string[]]>) {
    for (const type of types) {
      const entry = catalog.find((s) => s.type === type);
      const endpoint = entry?.endpoints?.find(
        (e) =>
          e.interface === iface && (region === '' || regionOf(e) === region) && typeof e.url === 'string',
      );
      if (endpoint?.url) {
        out[service] = endpoint.url.replace(/\/+$/, '');
        break;
      }
    }
  }
  return out;
}

/**
 * Asks Keystone for a project-scoped token. A 404 at /v3 is a Keystone that does not speak v3
 * (Mist #931): the answer says so rather than "not found".
 */
export async function authenticate(
  agents: Agents,
  root: URL,
  credentials: OpenStackCredentials,
  config: OpenStackConfig,
  signal?: AbortSignal,
): Promise<Session> {
  const url = new URL(`${root.pathname}/auth/tokens`, root);
  const answer = await exchange(agents, {
    method: 'POST',
    url,
    headers: {},
    body: authBody(credentials),
    signal,
    timeoutMs: config.requestTimeoutMs,
  });
  if (answer.status === 404 || answer.status === 300)
    throw new ProviderError(
      'invalid',
      `${url.origin}${root.pathname} does not answer Identity v3 (HTTP ${answer.status}): Overcast speaks Keystone v3 only, so this cloud's Keystone is too old or the auth URL points elsewhere.`,
      { status: answer.status },
    );
  if (answer.status < 200 || answer.status >= 300) {
    const err = answerError(answer, 'Keystone');
    // Keystone answers a wrong domain, project or password alike; point at the likely cause.
    throw err.kind === 'auth'
      ? new ProviderError(
          'auth',
          `${err.message} (Keystone refused these credentials: check the user, password, domains and project.)`,
          err.options,
        )
      : err;
  }
  const token = header(answer.headers, 'x-subject-token');
  const body = (answer.body as { token?: WireToken } | undefined)?.token;
  if (!token || !body)
    throw new ProviderError('unavailable', `${PROVIDER} Keystone answered without a token`);
  const catalog = body.catalog ?? [];
  if (catalog.length === 0)
    throw new ProviderError(
      'auth',
      'Keystone gave a token with an empty catalog: the user has no role on the project, or no project was named.',
    );
  const region = pickRegion(catalog, config.region);
  const expires = Date.parse(body.expires_at ?? '');
  return {
    token,
    expiresAt: Number.isNaN(expires) ? Date.now() + 3_600_000 : expires,
    projectId: body.project?.id ?? null,
    region,
    endpoints: endpointsOf(catalog, region, config.interface),
  };
}
