import { createHash } from 'node:crypto';
import {
  type DnsZoneSpec,
  ProviderError,
  type ProviderErrorKind,
  type RemoteZone,
} from '@overcast/contracts';
import type { OAuth2Client } from 'google-auth-library';
import { type RecordSet, type RecordSetChange, withoutDot } from '../common/dns-values';
import { RecordSetDns } from '../common/record-set-dns';
import { parseRetryAfter, withRetry } from '../common/retry';
import type { GceConfig } from './config';

// Google Cloud DNS (dns/v1) over REST with the service account's token: the Compute client
// library has no DNS, and a second Google SDK would cost far more than these four calls.
// Record sets change through `changes`, whose deletions must match the set as read (see
// RecordSetDns for records over them).

interface WireZone {
  name?: string;
  dnsName?: string;
  id?: string;
  visibility?: string;
}
interface WireRrset {
  name?: string;
  type?: string;
  ttl?: number;
  rrdatas?: string[];
}

function kindFor(status: number, reason: unknown): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  // A zone that still holds record sets.
  if (reason === 'containerNotEmpty') return 'conflict';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

/**
 * A managed zone's name for a domain: Cloud DNS names are 1 to 63 lower-case letters, digits and
 * hyphens, starting with a letter. "example.com" becomes "example-com"; a long domain keeps a
 * hash of itself so two of them that share a beginning do not collide.
 */
export function zoneNameFor(domain: string): string {
  let name = domain.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (!/^[a-z]/.test(name)) name = `z-${name}`;
  if (name.length > 63) {
    const hash = createHash('sha256').update(domain).digest('hex').slice(0, 8);
    name = `${name.slice(0, 54).replace(/-+$/, '')}-${hash}`;
  }
  return name;
}

const toZone = (z: WireZone): RemoteZone => ({
  externalId: z.name!,
  name: withoutDot(z.dnsName!),
  extra: { id: z.id ?? null, visibility: z.visibility ?? null },
});

export class CloudDns extends RecordSetDns {
  private readonly root: string;
  private readonly zoneNames = new Map<string, string>();

  constructor(
    private readonly auth: OAuth2Client,
    endpoint: string | null | undefined,
    private readonly config: GceConfig,
  ) {
    super();
    this.root = `${(endpoint || 'https://dns.googleapis.com').replace(/\/+$/, '')}/dns/v1/projects/${encodeURIComponent(config.project)}`;
  }

  private request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, data?: unknown): Promise<T> {
    return withRetry(
      async () => {
        let res: { status: number; data: unknown; headers: Headers };
        try {
          res = (await this.auth.request({
            url: `${this.root}${path}`,
            method,
            ...(data === undefined ? {} : { data }),
            responseType: 'json',
            validateStatus: () => true,
            retry: false,
            timeout: this.config.requestTimeoutMs,
          })) as unknown as typeof res;
        } catch (err) {
          if (err instanceof ProviderError) throw err;
          throw new ProviderError('unavailable', `Cloud DNS unreachable: ${(err as Error).message}`, {
            cause: err,
          });
        }
        if (res.status >= 200 && res.status < 300) return res.data as T;
        const body = res.data as {
          error?: { message?: unknown; errors?: Array<{ reason?: unknown }> };
        } | null;
        const message = typeof body?.error?.message === 'string' ? body.error.message : `HTTP ${res.status}`;
        const reason = body?.error?.errors?.[0]?.reason;
        throw new ProviderError(kindFor(res.status, reason), message, {
          status: res.status,
          code: typeof reason === 'string' ? reason : undefined,
          retryAfterMs:
            res.status === 429 ? parseRetryAfter(res.headers?.get?.('retry-after') ?? undefined) : undefined,
        });
      },
      {
        attempts: this.config.retryAttempts,
        baseDelayMs: this.config.retryBaseDelayMs,
        maxDelayMs: this.config.retryMaxDelayMs,
        idempotent: method === 'GET',
      },
    );
  }

  private async pages<T>(path: string, key: string): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10_000; i++) {
      const sep = path.includes('?') ? '&' : '?';
      const page = await this.request<Record<string, unknown>>(
        'GET',
        token ? `${path}${sep}pageToken=${encodeURIComponent(token)}` : path,
      );
      out.push(...((page?.[key] as T[] | undefined) ?? []));
      token = typeof page?.nextPageToken === 'string' ? page.nextPageToken : undefined;
      if (!token) break;
    }
    return out;
  }

  async listZones(): Promise<RemoteZone[]> {
    const zones = await this.pages<WireZone>('/managedZones', 'managedZones');
    return zones
      .filter((z) => z.name && z.dnsName)
      .map((z) => {
        this.zoneNames.set(z.name!, withoutDot(z.dnsName!));
        return toZone(z);
      });
  }

  async createZone(spec: DnsZoneSpec): Promise<RemoteZone> {
    const z = await this.request<WireZone>('POST', '/managedZones', {
      kind: 'dns#managedZone',
      name: zoneNameFor(spec.name),
      dnsName: `${spec.name}.`,
      description: `${spec.name}, made by Overcast`,
      visibility: 'public',
    });
    if (!z?.name || !z.dnsName)
      throw new ProviderError('unavailable', 'Cloud DNS answered managedZones.insert without the zone');
    this.zoneNames.set(z.name, withoutDot(z.dnsName));
    return toZone(z);
  }

  async deleteZone(zoneId: string): Promise<void> {
    await this.request('DELETE', `/managedZones/${encodeURIComponent(zoneId)}`);
    this.zoneNames.delete(zoneId);
  }

  protected async zoneName(zoneId: string): Promise<string> {
    if (!this.zoneNames.has(zoneId)) {
      const z = await this.request<WireZone>('GET', `/managedZones/${encodeURIComponent(zoneId)}`);
      if (!z?.dnsName) throw new ProviderError('not-found', `The managed zone '${zoneId}' does not exist.`);
      this.zoneNames.set(zoneId, withoutDot(z.dnsName));
    }
    return this.zoneNames.get(zoneId)!;
  }

  protected async sets(zoneId: string, only?: { name: string; type: string }): Promise<RecordSet[]> {
    const query = only ? `?name=${encodeURIComponent(only.name)}&type=${encodeURIComponent(only.type)}` : '';
    const raw = await this.pages<WireRrset>(
      `/managedZones/${encodeURIComponent(zoneId)}/rrsets${query}`,
      'rrsets',
    );
    return raw
      .filter((s) => s.name && s.type && Array.isArray(s.rrdatas))
      .map((s) => ({ name: s.name!, type: s.type!, ttl: s.ttl ?? 300, values: s.rrdatas! }));
  }

  protected async commit(zoneId: string, change: RecordSetChange): Promise<void> {
    const wire = (s: RecordSet) => ({
      kind: 'dns#resourceRecordSet',
      name: s.name,
      type: s.type,
      ttl: s.ttl,
      rrdatas: s.values,
    });
    await this.request('POST', `/managedZones/${encodeURIComponent(zoneId)}/changes`, {
      kind: 'dns#change',
      additions: change.additions.map(wire),
      deletions: change.deletions.map(wire),
    });
  }
}
