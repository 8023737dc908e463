import type { LookupFunction } from 'node:net';
import {
  type Change,
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  type HostedZone,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { type DnsZoneSpec, ProviderError, type RemoteZone } from '@overcast/contracts';
import { lookupAgents } from '../common/agents';
import { absolute, type RecordSet, type RecordSetChange, withoutDot } from '../common/dns-values';
import { RecordSetDns } from '../common/record-set-dns';
import { withRetry } from '../common/retry';
import type { AwsCredentials, AwsDriverConfig } from './config';
import { toProviderError } from './errors';

// Route 53 through its SDK, at the same endpoint override as EC2. Route 53 keeps record sets,
// changed in one atomic change batch (see RecordSetDns for records over them).

/** Route 53 writes a leading "*" as "\052" (and other odd bytes as octal escapes). */
const unescapeName = (name: string) =>
  name.replace(/\\(\d{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));

const zoneIdOf = (id: string) => id.replace(/^\/hostedzone\//, '');

export class Route53Dns extends RecordSetDns {
  private client: Route53Client | undefined;
  private readonly zoneNames = new Map<string, string>();

  constructor(
    private readonly credentials: AwsCredentials,
    private readonly endpoint: string | undefined,
    private readonly config: AwsDriverConfig,
    private readonly lookup?: LookupFunction,
  ) {
    super();
  }

  private route53(): Route53Client {
    if (!this.client) {
      const agents = this.lookup ? lookupAgents(this.lookup) : undefined;
      this.client = new Route53Client({
        region: 'us-east-1',
        credentials: {
          accessKeyId: this.credentials.accessKeyId,
          secretAccessKey: this.credentials.secretAccessKey,
          sessionToken: this.credentials.sessionToken,
        },
        ...(this.endpoint ? { endpoint: this.endpoint } : {}),
        maxAttempts: 1,
        requestHandler: {
          requestTimeout: this.config.requestTimeoutMs,
          throwOnRequestTimeout: true,
          connectionTimeout: this.config.connectTimeoutMs,
          socketTimeout: this.config.requestTimeoutMs,
          ...(agents && { httpAgent: agents.http, httpsAgent: agents.https }),
        },
      });
    }
    return this.client;
  }

  private call<T>(fn: (client: Route53Client) => Promise<T>, idempotent = true): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await fn(this.route53());
        } catch (err) {
          throw toProviderError(err);
        }
      },
      { ...this.config.retry, idempotent },
    );
  }

  private remember(z: HostedZone): RemoteZone {
    const zone: RemoteZone = {
      externalId: zoneIdOf(z.Id!),
      name: withoutDot(unescapeName(z.Name!)),
      extra: { private: z.Config?.PrivateZone ?? false, recordSets: z.ResourceRecordSetCount ?? null },
    };
    this.zoneNames.set(zone.externalId, zone.name);
    return zone;
  }

  async listZones(): Promise<RemoteZone[]> {
    const zones: RemoteZone[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const out = await this.call((c) => c.send(new ListHostedZonesCommand({ Marker: marker })));
      for (const z of out.HostedZones ?? []) if (z.Id && z.Name) zones.push(this.remember(z));
      if (!out.IsTruncated || !out.NextMarker) break;
      marker = out.NextMarker;
    }
    return zones;
  }

  async createZone(spec: DnsZoneSpec): Promise<RemoteZone> {
    // The caller reference makes a retry after an outage safe: Route 53 makes at most one zone
    // per reference, and answers HostedZoneAlreadyExists to a second request carrying it.
    const out = await this.call((c) =>
      c.send(new CreateHostedZoneCommand({ Name: spec.name, CallerReference: spec.requestId })),
    );
    if (!out.HostedZone?.Id || !out.HostedZone.Name)
      throw new ProviderError('unavailable', 'Route 53 answered CreateHostedZone without the hosted zone');
    return this.remember(out.HostedZone);
  }

  async deleteZone(zoneId: string): Promise<void> {
    await this.call((c) => c.send(new DeleteHostedZoneCommand({ Id: zoneId })));
    this.zoneNames.delete(zoneId);
  }

  protected async zoneName(zoneId: string): Promise<string> {
    if (!this.zoneNames.has(zoneId)) await this.listZones();
    const name = this.zoneNames.get(zoneId);
    if (!name) throw new ProviderError('not-found', `No hosted zone found with ID: ${zoneId}`);
    return name;
  }

  protected async sets(zoneId: string, only?: { name: string; type: string }): Promise<RecordSet[]> {
    const sets: RecordSet[] = [];
    let next: { name?: string; type?: string } = only ?? {};
    for (let page = 0; page < 10_000; page++) {
      const out = await this.call((c) =>
        c.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            StartRecordName: next.name,
            StartRecordType: next.type as ResourceRecordSet['Type'],
            ...(only ? { MaxItems: 1 } : {}),
          }),
        ),
      );
      for (const s of out.ResourceRecordSets ?? []) {
        // Alias records point at AWS resources and have no values of their own; they are not ours to list.
        if (!s.Name || !s.Type || !s.ResourceRecords) continue;
        sets.push({
          name: absolute(unescapeName(s.Name)),
          type: s.Type,
          ttl: s.TTL ?? 300,
          values: s.ResourceRecords.map((r) => r.Value ?? ''),
        });
      }
      if (only || !out.IsTruncated) break;
      next = { name: out.NextRecordName, type: out.NextRecordType };
    }
    // Route 53 lists from the given name and type on: the set asked for is the first, if it exists.
    return only
      ? sets.filter((s) => s.name.toLowerCase() === absolute(only.name).toLowerCase() && s.type === only.type)
      : sets;
  }

  protected async commit(zoneId: string, change: RecordSetChange): Promise<void> {
    const rrset = (s: RecordSet): ResourceRecordSet => ({
      Name: s.name,
      Type: s.type as ResourceRecordSet['Type'],
      TTL: s.ttl,
      ResourceRecords: s.values.map((Value) => ({ Value })),
    });
    const changes: Change[] = [
      ...change.deletions.map((s): Change => ({ Action: 'DELETE', ResourceRecordSet: rrset(s) })),
      ...change.additions.map((s): Change => ({ Action: 'CREATE', ResourceRecordSet: rrset(s) })),
    ];
    // Not retried on an outage: the batch may have been applied, and its DELETE would then refuse.
    await this.call(
      (c) =>
        c.send(
          new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }),
        ),
      false,
    );
  }

  destroy(): void {
    this.client?.destroy();
  }
}
