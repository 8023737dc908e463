// Hetzner Cloud DNS (/v1/zones, /v1/zones/{id}/rrsets): the DnsDriver part of the Hetzner Cloud
// driver, on the project's own token. Hetzner keeps record sets of zone-file values under names
// relative to the zone ("@" is the apex), so records come from RecordSetDns; a change sends only
// the values it adds or removes (`add_records`, `remove_records`), so a value added elsewhere
// meanwhile is kept rather than overwritten.

import {
  type DnsRecordSpec,
  type DnsZoneSpec,
  ProviderError,
  type RemoteRecord,
  type RemoteZone,
} from '@overcast/contracts';
import {
  absolute,
  absoluteName,
  parseRecordSetValueId,
  type RecordSet,
  type RecordSetChange,
  relativeName,
} from '../common/dns-values';
import { collect, type JsonApi, present } from '../common/json-api';
import { RecordSetDns } from '../common/record-set-dns';
import type { HzWireAction } from './map';
import { awaitAction, hetznerPages, numericId } from './rest';

interface HzWireZone {
  id?: number;
  name?: string;
  mode?: string;
  status?: string;
  ttl?: number;
}

interface HzWireRrset {
  name?: string;
  type?: string;
  ttl?: number | null;
  records?: Array<{ value?: string; comment?: string }>;
}

const toZone = (z: HzWireZone): RemoteZone => ({
  externalId: String(z.id ?? ''),
  name: z.name ?? '',
  extra: { mode: z.mode ?? null, status: z.status ?? null },
});

const zonePath = (zoneId: string) => `/zones/${numericId(zoneId, 'Hetzner Cloud zone')}`;
const setPath = (zoneId: string, name: string, type: string) =>
  `${zonePath(zoneId)}/rrsets/${encodeURIComponent(name)}/${encodeURIComponent(type)}`;

export class HetznerDns extends RecordSetDns {
  /** Each zone's apex and default TTL (a set without a TTL of its own takes the zone's). */
  private readonly zones = new Map<string, { name: string; ttl: number }>();

  constructor(
    private readonly api: JsonApi,
    private readonly pollMs: number,
  ) {
    super();
  }

  async listZones(): Promise<RemoteZone[]> {
    const zones = await collect(hetznerPages<HzWireZone>(this.api, '/zones', 'zones'));
    for (const z of zones) this.remember(z);
    return zones.map(toZone);
  }

  /** A primary zone: Hetzner serves it and makes its SOA and NS sets. */
  async createZone(spec: DnsZoneSpec): Promise<RemoteZone> {
    const made = await this.api.request<{ zone?: HzWireZone; action?: HzWireAction }>('POST', '/zones', {
      body: { name: spec.name, mode: 'primary' },
      idempotent: false,
    });
    const zone = present(made?.zone, 'Hetzner Cloud', 'zone');
    await awaitAction(this.api, made?.action, this.pollMs, 'zone creation');
    this.remember(zone);
    return toZone(zone);
  }

  async deleteZone(zoneId: string): Promise<void> {
    const done = await this.api.request<{ action?: HzWireAction }>('DELETE', zonePath(zoneId));
    await awaitAction(this.api, done?.action, this.pollMs, 'zone deletion');
    this.zones.delete(zoneId);
  }

  /** Hetzner keeps a set's type: a record cannot change its type in place. */
  override async updateRecord(zoneId: string, recordId: string, spec: DnsRecordSpec): Promise<RemoteRecord> {
    const was = parseRecordSetValueId(recordId);
    if (was && was.type !== spec.type)
      throw new ProviderError(
        'invalid',
        `Hetzner Cloud cannot turn a ${was.type} record into a ${spec.type} record: delete it and add a new one.`,
      );
    return super.updateRecord(zoneId, recordId, spec);
  }

  protected async zoneName(zoneId: string): Promise<string> {
    return (await this.zone(zoneId)).name;
  }

  protected async sets(zoneId: string, only?: { name: string; type: string }): Promise<RecordSet[]> {
    const zone = await this.zone(zoneId);
    const query: Record<string, string> = only
      ? { name: relativeName(only.name, zone.name), type: only.type }
      : {};
    const raw = await collect(
      hetznerPages<HzWireRrset>(this.api, `${zonePath(zoneId)}/rrsets`, 'rrsets', undefined, query),
    );
    return raw
      .filter((s) => s.name && s.type && Array.isArray(s.records))
      .map((s) => ({
        name: absoluteName(s.name!, zone.name),
        type: s.type!,
        ttl: s.ttl ?? zone.ttl,
        values: s.records!.map((r) => r.value ?? ''),
      }));
  }

  /**
   * Each touched set in one step where Hetzner allows it: a set that stays is replaced whole
   * with `set_records` (so no moment serves neither the old value nor the new), a new one is
   * made by `add_records`, one left empty is emptied by `remove_records`; then its new TTL.
   */
  protected async commit(zoneId: string, change: RecordSetChange): Promise<void> {
    const zone = await this.zone(zoneId);
    const key = (s: RecordSet) => `${absolute(s.name).toLowerCase()} ${s.type}`;
    const before = new Map(change.deletions.map((s) => [key(s), s]));
    const after = new Map(change.additions.map((s) => [key(s), s]));
    for (const k of new Set([...before.keys(), ...after.keys()])) {
      const was = before.get(k);
      const now = after.get(k);
      const set = (now ?? was)!;
      const path = setPath(zoneId, relativeName(set.name, zone.name), set.type);
      const kept = !!was && !!now && now.values.length > 0;
      const same =
        kept && was.values.length === now.values.length && now.values.every((v) => was.values.includes(v));
      if (kept && !same) await this.act(`${path}/actions/set_records`, { records: now.values.map(wire) });
      else if (!was && now?.values.length)
        await this.act(`${path}/actions/add_records`, { ttl: now.ttl, records: now.values.map(wire) });
      else if (was && !now?.values.length)
        await this.act(`${path}/actions/remove_records`, { records: was.values.map(wire) });
      if (kept && was.ttl !== now.ttl) await this.act(`${path}/actions/change_ttl`, { ttl: now.ttl });
    }
  }

  private async act(path: string, body: unknown): Promise<void> {
    const done = await this.api.request<{ action?: HzWireAction }>('POST', path, { body, idempotent: false });
    await awaitAction(this.api, done?.action, this.pollMs, 'record change');
  }

  private async zone(zoneId: string): Promise<{ name: string; ttl: number }> {
    if (!this.zones.has(zoneId)) {
      const answer = await this.api.request<{ zone?: HzWireZone }>('GET', zonePath(zoneId));
      this.remember(present(answer?.zone, 'Hetzner Cloud', 'zone'));
    }
    return this.zones.get(zoneId)!;
  }

  private remember(z: HzWireZone): void {
    if (z.id !== undefined && z.name) this.zones.set(String(z.id), { name: z.name, ttl: z.ttl ?? 3600 });
  }
}

const wire = (value: string) => ({ value });
