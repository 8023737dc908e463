import {
  type DnsDriver,
  type DnsRecordSpec,
  type DnsZoneSpec,
  ProviderError,
  type RemoteRecord,
  type RemoteZone,
} from '@overcast/contracts';
import {
  absoluteName,
  fromRdata,
  parseRecordSetValueId,
  planRecordSetChange,
  type RecordSet,
  type RecordSetChange,
  recordSetValueId,
  relativeName,
  toRdata,
} from './dns-values';

// Records over a provider that keeps record sets (Route 53, Cloud DNS): each value is one record
// here, and every change rewrites the sets it touches in one atomic change whose deletions name
// the sets as they were read, so a change made elsewhere meanwhile is refused rather than lost.

/** A provider's DNS driver supplies its zones and these three calls; records come from here. */
export abstract class RecordSetDns implements DnsDriver {
  abstract listZones(): Promise<RemoteZone[]>;
  abstract createZone(spec: DnsZoneSpec): Promise<RemoteZone>;
  abstract deleteZone(zoneId: string): Promise<void>;
  /** The zone's apex, without the trailing dot. */
  protected abstract zoneName(zoneId: string): Promise<string>;
  /** Every set of the zone, or (with `only`) the one set of that absolute name and type, if any. */
  protected abstract sets(zoneId: string, only?: { name: string; type: string }): Promise<RecordSet[]>;
  /** Applies the deletions and additions as one change. */
  protected abstract commit(zoneId: string, change: RecordSetChange): Promise<void>;

  async listRecords(zoneId: string): Promise<RemoteRecord[]> {
    const zone = await this.zoneName(zoneId);
    return (await this.sets(zoneId)).flatMap((s) =>
      s.values.map((rdata) => record(relativeName(s.name, zone), s.type, s.ttl, rdata)),
    );
  }

  async createRecord(zoneId: string, spec: DnsRecordSpec): Promise<RemoteRecord> {
    return (await this.apply(zoneId, undefined, spec))!;
  }

  async updateRecord(zoneId: string, recordId: string, spec: DnsRecordSpec): Promise<RemoteRecord> {
    return (await this.apply(zoneId, parseId(recordId), spec))!;
  }

  async deleteRecord(zoneId: string, recordId: string): Promise<void> {
    await this.apply(zoneId, parseId(recordId));
  }

  private async apply(
    zoneId: string,
    remove?: { name: string; type: string; rdata: string },
    add?: DnsRecordSpec,
  ): Promise<RemoteRecord | undefined> {
    const zone = await this.zoneName(zoneId);
    const removeAbs = remove && { ...remove, name: absoluteName(remove.name, zone) };
    const addAbs = add && {
      name: absoluteName(add.name, zone),
      type: add.type,
      ttl: add.ttl,
      rdata: toRdata(add),
    };
    const [removed, added] = await Promise.all([
      removeAbs ? this.sets(zoneId, removeAbs) : [],
      addAbs ? this.sets(zoneId, addAbs) : [],
    ]);
    await this.commit(zoneId, planRecordSetChange([...removed, ...added], removeAbs, addAbs));
    return add && addAbs && record(add.name, add.type, add.ttl, addAbs.rdata);
  }
}

function record(name: string, type: string, ttl: number, rdata: string): RemoteRecord {
  return { externalId: recordSetValueId(name, type, rdata), name, type, ttl, ...fromRdata(type, rdata) };
}

function parseId(recordId: string) {
  const id = parseRecordSetValueId(recordId);
  if (!id) throw new ProviderError('not-found', `'${recordId}' is not a record of this zone`);
  return id;
}
