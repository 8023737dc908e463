import type { LookupFunction } from 'node:net';
import {
  DisksClient,
  FirewallsClient,
  GlobalOperationsClient,
  ImagesClient,
  InstancesClient,
  MachineTypesClient,
  NetworksClient,
  type protos,
  RegionOperationsClient,
  SnapshotsClient,
  SubnetworksClient,
  ZoneOperationsClient,
  ZonesClient,
} from '@google-cloud/compute';
import { withRetry } from '../common/retry';
import { connection, type GceConfig, type ServiceAccountKey } from './config';
import { toProviderError } from './errors';
import { serviceAccountAuth } from './token';

export type Operation = protos.google.cloud.compute.v1.IOperation;

/** Where an operation lives: instances and disks are zonal, subnetworks regional, networks and firewalls global. */
export type OperationScope = { zone: string } | { region: string } | 'global';

/** The longest Compute Engine holds an operations.wait call open. */
const SERVER_WAIT_MS = 120_000;

/**
 * The Compute Engine clients one cloud needs, sharing one auth client (and so one cached token).
 * Everything goes over the REST transport; google-gax's own retries are switched off so that
 * retries, timeouts and Retry-After handling follow our policy.
 */
export class GceApi {
  readonly instances: InstancesClient;
  readonly disks: DisksClient;
  readonly machineTypes: MachineTypesClient;
  readonly zones: ZonesClient;
  readonly images: ImagesClient;
  readonly operations: ZoneOperationsClient;
  readonly networks: NetworksClient;
  readonly subnetworks: SubnetworksClient;
  readonly firewalls: FirewallsClient;
  readonly snapshots: SnapshotsClient;
  readonly globalOperations: GlobalOperationsClient;
  readonly regionOperations: RegionOperationsClient;
  /** The service account's token source, shared with the Cloud DNS calls. */
  readonly auth: ReturnType<typeof serviceAccountAuth>;

  constructor(
    key: ServiceAccountKey,
    endpoint: string | null | undefined,
    readonly config: GceConfig,
    lookup?: LookupFunction,
  ) {
    this.auth = serviceAccountAuth(key, config.requestTimeoutMs, lookup);
    const options = {
      ...connection(endpoint),
      fallback: true,
      authClient: this.auth,
      projectId: config.project,
    };
    this.instances = new InstancesClient(options);
    this.disks = new DisksClient(options);
    this.machineTypes = new MachineTypesClient(options);
    this.zones = new ZonesClient(options);
    this.images = new ImagesClient(options);
    this.operations = new ZoneOperationsClient(options);
    this.networks = new NetworksClient(options);
    this.subnetworks = new SubnetworksClient(options);
    this.firewalls = new FirewallsClient(options);
    this.snapshots = new SnapshotsClient(options);
    this.globalOperations = new GlobalOperationsClient(options);
    this.regionOperations = new RegionOperationsClient(options);
  }

  /** Per-call options: our timeout, no gax retries, no auto-pagination. */
  callOptions(signal?: AbortSignal, timeoutMs = this.config.requestTimeoutMs) {
    return { timeout: timeoutMs, retry: null, autoPaginate: false, ...(signal ? { signal } : {}) };
  }

  /**
   * Runs one call with retries. Throttling is always retried; outages only when `idempotent`,
   * so an insert is never sent twice.
   */
  async call<T>(fn: () => Promise<T>, options: { idempotent: boolean; signal?: AbortSignal }): Promise<T> {
    return withRetry(
      async () => {
        try {
          return await fn();
        } catch (err) {
          throw toProviderError(err, this.config.requestTimeoutMs);
        }
      },
      {
        attempts: this.config.retryAttempts,
        baseDelayMs: this.config.retryBaseDelayMs,
        maxDelayMs: this.config.retryMaxDelayMs,
        signal: options.signal,
        idempotent: options.idempotent,
      },
    );
  }

  read = <T>(fn: () => Promise<T>, signal?: AbortSignal) => this.call(fn, { idempotent: true, signal });
  write = <T>(fn: () => Promise<T>) => this.call(fn, { idempotent: false });

  /**
   * Iterates one of google-gax's async list iterables. A failed page leaves the iterator on the
   * same page token, so calling next() again retries just that page.
   */
  async *pages<T>(iterable: AsyncIterable<T>, signal?: AbortSignal): AsyncGenerator<T> {
    const it = iterable[Symbol.asyncIterator]();
    for (;;) {
      if (signal?.aborted) return;
      let step: IteratorResult<T>;
      try {
        step = await this.read(() => it.next(), signal);
      } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
      if (step.done) return;
      yield step.value;
    }
  }

  /**
   * Waits for a zone operation. Returns the finished operation, or null when it is still running
   * after `operationTimeoutMs` (it will finish on its own; the next sync shows the outcome).
   */
  async waitFor(scope: OperationScope, started: Operation | null | undefined): Promise<Operation | null> {
    let op = started ?? null;
    const deadline = Date.now() + this.config.operationTimeoutMs;
    while (op && op.status !== 'DONE') {
      if (Date.now() >= deadline) return null;
      const name = op.name ?? '';
      try {
        const options = this.callOptions(
          undefined,
          Math.max(1, Math.min(deadline - Date.now(), SERVER_WAIT_MS + 10_000)),
        );
        const project = this.config.project;
        [op] = await this.read(() =>
          scope === 'global'
            ? this.globalOperations.wait({ project, operation: name }, options)
            : 'region' in scope
              ? this.regionOperations.wait({ project, region: scope.region, operation: name }, options)
              : this.operations.wait({ project, zone: scope.zone, operation: name }, options),
        );
      } catch (err) {
        if (Date.now() >= deadline) return null;
        throw err;
      }
    }
    return op;
  }
}
