// Designate (DNS API v2, the catalog's `dns` service) as the DnsDriver part of the OpenStack
// driver: the project's zones and their record sets of zone-file text under absolute names, so
// records come from RecordSetDns. A cloud whose catalog names no DNS service offers none
// (`offersDns`). Designate is asynchronous: a change answers PENDING and turns ACTIVE once the
// name servers have it. A new zone is awaited until ACTIVE and a deleted one until it is gone, so
// the zone list read right after shows the outcome; record sets being deleted are not listed.

import { type DnsZoneSpec, ProviderError, type RemoteZone } from '@overcast/contracts';
import { absolute, type RecordSet, type RecordSetChange, withoutDot } from '../common/dns-values';
import { collect, present, walkPages } from '../common/json-api';
import { RecordSetDns } from '../common/record-set-dns';
import { type OpenStackClient, PROVIDER } from './client';
import { resourceId } from './paths';

interface OsWireZone {
  id?: string;
  name?: string;
  email?: string;
  ttl?: number;
  status?: string;
  action?: string;
  type?: string;
}

interface OsWireRecordset {
  id?: string;
  name?: string;
  type?: string;
  records?: string[];
  ttl?: number | null;
  status?: string;
  action?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const toZone = (z: OsWireZone): RemoteZone => ({
  externalId: z.id ?? '',
  name: withoutDot(z.name ?? '').toLowerCase(),
  extra: { status: z.status ?? null, action: z.action ?? null, type: z.type ?? null, email: z.email ?? null },
});

const zonePath = (zoneId: string) => `/v2/zones/${resourceId(zoneId, 'DNS zone')}`;

export class OpenStackDns extends RecordSetDns {
  /** Each zone's apex and default TTL (a set without a TTL of its own takes the zone's). */
  private readonly zones = new Map<string, { name: string; ttl: number }>();
  /** Each set's id as last read, by zone, absolute name and type: what a change names. */
  private readonly ids = new Map<string, string>();

  constructor(private readonly client: OpenStackClient) {
    super();
  }

  /** Whether this cloud's catalog names a DNS (Designate) endpoint. */
  offersDns(): Promise<boolean> {
    return this.client.offers('dns');
  }

  /** Every item of a Designate listing, by `limit` and the marker its `links.next` carries. */
  private list<T>(path: string, key: string, query: Record<string, string> = {}): Promise<T[]> {
    return collect(
      walkPages<T, string>('', async (marker) => {
        const page = await this.client.request<Record<string, unknown>>('dns', 'GET', path, {
          query: { ...query, limit: this.client.config.perPage, marker: marker || undefined },
        });
        const items = (Array.isArray(page?.[key]) ? page[key] : []) as T[];
        const next = (page?.links as { next?: unknown } | undefined)?.next;
        // The marker, never the link itself: the token goes only to the catalog's endpoint.
        const nextMarker = typeof next === 'string' ? new URL(next).searchParams.get('marker') : null;
        return { items, next: nextMarker || null };
      }),
    );
  }

  async listZones(): Promise<RemoteZone[]> {
    const zones = await this.list<OsWireZone>('/v2/zones', 'zones');
    for (const z of zones) this.remember(z);
    return zones.filter((z) => z.id && z.name && z.action !== 'DELETE').map(toZone);
  }

  /** A primary zone, its SOA mailbox hostmaster@ the domain; awaited until Designate serves it. */
  async createZone(spec: DnsZoneSpec): Promise<RemoteZone> {
    const made = await this.client.request<OsWireZone>('dns', 'POST', '/v2/zones', {
      body: { name: `${spec.name}.`, email: `hostmaster@${spec.name}`, type: 'PRIMARY' },
      idempotent: false,
    });
    const zone = present(made, PROVIDER, 'zone');
    this.remember(zone);
    return toZone(await this.until(zone.id ?? '', 'zone creation', (z) => z?.status === 'ACTIVE'));
  }

  /** Designate deletes a zone with its record sets; awaited until it is gone. */
  async deleteZone(zoneId: string): Promise<void> {
    await this.client.request('dns', 'DELETE', zonePath(zoneId));
    await this.until(zoneId, 'zone deletion', (z) => z === null);
    this.zones.delete(zoneId);
  }

  /** Reads the zone until `done` says so (null: gone); an ERROR status is the change's failure. */
  private async until(
    zoneId: string,
    what: string,
    done: (z: OsWireZone | null) => boolean,
  ): Promise<OsWireZone> {
    const deadline = Date.now() + this.client.config.actionTimeoutMs;
    for (;;) {
      const zone = await this.client.request<OsWireZone>('dns', 'GET', zonePath(zoneId)).catch((err) => {
        if (err instanceof ProviderError && err.kind === 'not-found') return null;
        throw err;
      });
      if (done(zone)) return zone ?? {};
      if (zone?.status === 'ERROR')
        throw new ProviderError(
          'unavailable',
          `Designate could not finish the ${what}: the zone is in ERROR.`,
        );
      if (Date.now() > deadline)
        throw new ProviderError('unavailable', `The ${what} is still pending at Designate.`);
      await sleep(this.client.config.actionPollMs);
    }
  }

  protected async zoneName(zoneId: string): Promise<string> {
    return (await this.zone(zoneId)).name;
  }

  protected async sets(zoneId: string, only?: { name: string; type: string }): Promise<RecordSet[]> {
    const zone = await this.zone(zoneId);
    const query: Record<string, string> = only ? { name: absolute(only.name), type: only.type } : {};
    const raw = await this.list<OsWireRecordset>(`${zonePath(zoneId)}/recordsets`, 'recordsets', query);
    return raw
      .filter((s) => s.id && s.name && s.type && Array.isArray(s.records) && s.action !== 'DELETE')
      .map((s) => {
        this.ids.set(this.key(zoneId, s.name!, s.type!), s.id!);
        return { name: s.name!, type: s.type!, ttl: s.ttl ?? zone.ttl, values: s.records! };
      });
  }

  /** Each touched set created, rewritten (records and TTL) or deleted when emptied. */
  protected async commit(zoneId: string, change: RecordSetChange): Promise<void> {
    const key = (s: RecordSet) => this.key(zoneId, s.name, s.type);
    const before = new Map(change.deletions.map((s) => [key(s), s]));
    const after = new Map(change.additions.map((s) => [key(s), s]));
    for (const k of new Set([...before.keys(), ...after.keys()])) {
      const now = after.get(k);
      const id = before.has(k) ? this.ids.get(k) : undefined;
      const path = `${zonePath(zoneId)}/recordsets`;
      if (now && !id)
        await this.client.request('dns', 'POST', path, {
          body: { name: absolute(now.name), type: now.type, ttl: now.ttl, records: now.values },
          idempotent: false,
        });
      else if (now && id)
        await this.client.request('dns', 'PUT', `${path}/${resourceId(id, 'record set')}`, {
          body: { ttl: now.ttl, records: now.values },
        });
      else if (id) await this.client.request('dns', 'DELETE', `${path}/${resourceId(id, 'record set')}`);
      this.ids.delete(k);
    }
  }

  private key(zoneId: string, name: string, type: string): string {
    return `${zoneId} ${absolute(name).toLowerCase()} ${type}`;
  }

  private async zone(zoneId: string): Promise<{ name: string; ttl: number }> {
    if (!this.zones.has(zoneId))
      this.remember(
        present(await this.client.request<OsWireZone>('dns', 'GET', zonePath(zoneId)), PROVIDER, 'zone'),
      );
    const zone = this.zones.get(zoneId);
    if (!zone) throw new ProviderError('not-found', 'Could not find Zone');
    return zone;
  }

  private remember(z: OsWireZone): void {
    if (z.id && z.name) this.zones.set(z.id, { name: withoutDot(z.name).toLowerCase(), ttl: z.ttl ?? 3600 });
  }
}
