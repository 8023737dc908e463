import {
  type CreateMachineSpec,
  type DriverInit,
  type MachineAction,
  type ProviderDriver,
  ProviderError,
  type RemoteImage,
  type RemoteLocation,
  type RemoteMachine,
  type RemoteSize,
  type RemoteSnapshot,
  type RemoteVolume,
  type ResizeDriver,
  type SnapshotDriver,
  type VolumeOperation,
} from '@overcast/contracts';
import { concatAhead } from '../common/concat-ahead';
import { withDns } from '../common/with-dns';
import { withNetworks } from '../common/with-networks';
import { DoClient, type DotsClient } from './client';
import { apiRoot, type DigitalOceanConfig, readConfig } from './config';
import { DigitalOceanDns } from './dns';
import { toImage, toLocation, toMachine, toSize, toVolume } from './map';
import { DigitalOceanNetworks } from './networks';
import { ensureAccountKey } from './ssh-key';
import { toDigitalOceanTags } from './tags';
import type {
  DoWireAction,
  DoWireDroplet,
  DoWireImage,
  DoWirePage,
  DoWireRegion,
  DoWireSize,
  DoWireVolume,
} from './wire';

export interface DigitalOceanCredentials {
  token: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A success answer missing the object it exists to return is an outage, not a crash. */
function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined || typeof value !== 'object') {
    throw new ProviderError('unavailable', `DigitalOcean answered without a ${what}`);
  }
  return value;
}

function dropletId(externalId: string): number {
  if (!/^\d{1,15}$/.test(externalId))
    throw new ProviderError('invalid', `'${externalId}' is not a droplet id`);
  return Number(externalId);
}

function imageId(externalId: string): number {
  if (!/^\d{1,15}$/.test(externalId))
    throw new ProviderError('not-found', `'${externalId}' is not a snapshot id`);
  return Number(externalId);
}

function toSnapshot(i: DoWireImage): RemoteSnapshot {
  return {
    externalId: String(i.id),
    name: i.name ?? String(i.id),
    state: 'available',
    createdAt: i.created_at ? new Date(i.created_at) : null,
    sizeGb: typeof i.size_gigabytes === 'number' ? i.size_gigabytes : null,
  };
}

class DigitalOceanDriver implements ProviderDriver, SnapshotDriver, ResizeDriver {
  readonly provider = 'digitalocean' as const;
  /** `restore` rewrites the droplet's disk from one of its own snapshots. */
  readonly canRevertSnapshots = true;

  constructor(
    private readonly client: DoClient,
    private readonly config: DigitalOceanConfig,
  ) {}

  async validate(): Promise<void> {
    const { account } = await this.client.get((api) => api.account.getAccount());
    if (account?.status === 'locked') {
      throw new ProviderError('auth', account.status_message || 'This DigitalOcean account is locked.');
    }
  }

  /**
   * Every page of a listing; stops quietly when the signal aborts. The first page tells how many
   * items there are, so the others are asked `pageConcurrency` at a time; a listing that grew
   * meanwhile goes on page by page while `links.pages.next` says there is more.
   */
  private async *pages<T>(
    signal: AbortSignal | undefined,
    fetch: (api: DotsClient, page: number) => Promise<{ data: unknown }>,
    key: string,
  ): AsyncGenerator<T> {
    const read = async (page: number) => {
      if (signal?.aborted) return undefined;
      try {
        const data = (await this.client.get((api) => fetch(api, page), signal)) as DoWirePage &
          Record<string, unknown>;
        const items = (data[key] ?? []) as T[];
        return { items, more: !!data.links?.pages?.next && items.length > 0, total: data.meta?.total };
      } catch (err) {
        if (signal?.aborted) return undefined;
        throw err;
      }
    };
    const first = await read(1);
    if (!first) return;
    yield* first.items;
    let more = first.more;
    if (!more) return;
    // Pages are full but the last: the first one's length is the page size.
    const last = first.total ? Math.ceil(first.total / first.items.length) : 1;
    const rest = Array.from({ length: Math.max(0, last - 1) }, (_, i) => {
      const page = i + 2;
      return async function* () {
        const got = await read(page);
        if (!got) return;
        if (page === last) more = got.more;
        yield* got.items;
      };
    });
    yield* concatAhead(rest, this.config.pageConcurrency, signal);
    for (let page = last + 1; more && !signal?.aborted; page++) {
      const got = await read(page);
      if (!got) return;
      yield* got.items;
      more = got.more;
    }
  }

  private async collect<T, R>(
    fetch: (api: DotsClient, page: number) => Promise<{ data: unknown }>,
    key: string,
    map: (t: T) => R,
  ): Promise<R[]> {
    const out: R[] = [];
    for await (const item of this.pages<T>(undefined, fetch, key)) out.push(map(item));
    return out;
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    const perPage = this.config.perPage;
    for await (const d of this.pages<DoWireDroplet>(
      signal,
      (api, page) => api.droplet.listDroplets({ page, per_page: perPage }),
      'droplets',
    )) {
      yield toMachine(d);
    }
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    const perPage = this.config.perPage;
    for await (const v of this.pages<DoWireVolume>(
      signal,
      (api, page) => api.volume.listVolumes({ page, per_page: perPage }),
      'volumes',
    )) {
      yield toVolume(v);
    }
  }

  listSizes(): Promise<RemoteSize[]> {
    return this.collect<DoWireSize, RemoteSize>(
      (api, page) => api.size.listSizes({ page, per_page: this.config.perPage }),
      'sizes',
      toSize,
    );
  }

  listImages(): Promise<RemoteImage[]> {
    return this.collect<DoWireImage, RemoteImage>(
      (api, page) => api.image.listImages({ page, per_page: this.config.perPage }),
      'images',
      toImage,
    );
  }

  listLocations(): Promise<RemoteLocation[]> {
    return this.collect<DoWireRegion, RemoteLocation>(
      (api, page) => api.region.listRegions({ page, per_page: this.config.perPage }),
      'regions',
      toLocation,
    );
  }

  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    const droplet_id = dropletId(externalId);
    switch (action) {
      case 'start':
        return this.powerAction(() => this.client.post((api) => api.droplet.powerOnDroplet({ droplet_id })));
      case 'stop':
        return this.stop(droplet_id);
      case 'reboot':
        await this.client.post((api) => api.droplet.rebootDroplet({ droplet_id }));
        return;
      case 'destroy':
        await this.client.get((api) => api.droplet.deleteDroplet({ droplet_id }));
        return;
      case 'rename': {
        const name = options.name?.trim();
        if (!name) throw new ProviderError('invalid', 'rename needs a new name');
        await this.client.post((api) => api.droplet.renameDroplet({ droplet_id, name }));
        return;
      }
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  /** Start and stop are idempotent for us: "already powered on/off" means the job is done. */
  private async powerAction(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (err) {
      if (err instanceof ProviderError && err.options.status === 422 && /already powered/i.test(err.message))
        return;
      throw err;
    }
  }

  /**
   * Stop asks the guest to shut down (DigitalOcean's `shutdown`), which is kind to its disks.
   * If DigitalOcean reports that the graceful shutdown failed, the droplet is powered off hard.
   */
  private async stop(droplet_id: number): Promise<void> {
    let started: DoWireAction | undefined;
    await this.powerAction(async () => {
      const answer = await this.client.post((api) => api.droplet.shutdownDroplet({ droplet_id }));
      started = answer?.action as DoWireAction | undefined;
    });
    if (!started || this.config.shutdownWaitMs === 0) return;
    const id = started.id;
    const deadline = Date.now() + this.config.shutdownWaitMs;
    let status = started.status;
    while (status === 'in-progress' && Date.now() < deadline) {
      await sleep(Math.min(this.config.actionPollMs, Math.max(0, deadline - Date.now())));
      const polled = await this.client.get((api) => api.action.getAction({ action_id: id }));
      status = (polled?.action as DoWireAction | undefined)?.status;
    }
    if (status === 'errored') {
      await this.powerAction(() => this.client.post((api) => api.droplet.powerOffDroplet({ droplet_id })));
    }
  }

  // ---- snapshots and resize ---------------------------------------------------------------

  async listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]> {
    const droplet_id = dropletId(machineExternalId);
    // A snapshot being taken is listed only once it exists; show the pending ones as `creating`.
    // Pending first: an action finishing between the two reads then shows twice for a moment
    // (its snapshot, and its action still pending), never not at all.
    const pending = await this.pendingSnapshots(droplet_id);
    const taken = await this.collect<DoWireImage, RemoteSnapshot>(
      (api, page) => api.droplet.listDropletSnapshots({ droplet_id, page, per_page: this.config.perPage }),
      'snapshots',
      toSnapshot,
    );
    return [...taken, ...pending];
  }

  /** The droplet's snapshot actions still in progress, as snapshots to come. */
  private async pendingSnapshots(droplet_id: number): Promise<RemoteSnapshot[]> {
    const actions = await this.collect<DoWireAction, DoWireAction>(
      (api, page) => api.droplet.listDropletActions({ droplet_id, page, per_page: this.config.perPage }),
      'actions',
      (a) => a,
    );
    return actions
      .filter((a) => a.type === 'snapshot' && a.status === 'in-progress')
      .map((a) => ({
        externalId: `action-${a.id}`,
        name: 'Snapshot in progress',
        state: 'creating' as const,
        createdAt: a.started_at ? new Date(a.started_at) : null,
        sizeGb: null,
      }));
  }

  async createSnapshot(machineExternalId: string, name: string): Promise<void> {
    const droplet_id = dropletId(machineExternalId);
    await this.client.post((api) => api.droplet.snapshotDroplet({ droplet_id, name }));
  }

  async revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    const droplet_id = dropletId(machineExternalId);
    const image = imageId(snapshotExternalId);
    const answer = await this.client.post((api) => api.droplet.restoreDroplet({ droplet_id, image }));
    await this.awaitAction(answer?.action as DoWireAction | undefined, 'restore');
  }

  async deleteSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    const owned = await this.listSnapshots(machineExternalId);
    if (!owned.some((s) => s.externalId === snapshotExternalId)) {
      throw new ProviderError('not-found', `The droplet has no snapshot ${snapshotExternalId}.`);
    }
    const snapshot_id = imageId(snapshotExternalId);
    await this.client.get((api) => api.snapshot.deleteSnapshot({ snapshot_id }));
  }

  /** DigitalOcean's `resize` action, CPU and memory only, so the droplet can be resized back down. */
  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    const droplet_id = dropletId(externalId);
    const answer = await this.client.post((api) =>
      api.droplet.resizeDroplet({ droplet_id, size: sizeId, disk: false }),
    );
    await this.awaitAction(answer?.action as DoWireAction | undefined, 'resize');
  }

  /** Waits for an action to leave `in-progress` (at most ten minutes); an errored one is a failure. */
  private async awaitAction(action: DoWireAction | undefined, what: string): Promise<void> {
    if (!action?.id) return;
    const id = action.id;
    const deadline = Date.now() + 600_000;
    let status = action.status;
    while (status === 'in-progress' && Date.now() < deadline) {
      await sleep(this.config.actionPollMs);
      const polled = await this.client.get((api) => api.action.getAction({ action_id: id }));
      status = (polled?.action as DoWireAction | undefined)?.status;
    }
    if (status === 'errored')
      throw new ProviderError('conflict', `DigitalOcean could not finish the ${what}.`);
    if (status === 'in-progress') {
      throw new ProviderError(
        'unavailable',
        `The ${what} is still running at DigitalOcean after ten minutes.`,
      );
    }
  }

  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    const sshKeys = spec.sshKey ? [await ensureAccountKey(this.client, spec.sshKey)] : undefined;
    const tags = toDigitalOceanTags(spec.tags);
    const answer = await this.client.post((api) =>
      api.droplet.createDroplet({
        name: spec.name,
        size: spec.size,
        image: /^\d+$/.test(spec.image) ? Number(spec.image) : spec.image,
        region: spec.location,
        ssh_keys: sshKeys,
        tags: tags.length > 0 ? tags : undefined,
        user_data: spec.userData,
        ipv6: this.config.ipv6 || undefined,
      }),
    );
    return toMachine(present(answer?.droplet, 'droplet') as unknown as DoWireDroplet);
  }

  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    switch (op.op) {
      case 'create': {
        const answer = await this.client.post((api) =>
          api.volume.createVolume({ name: op.name, size_gigabytes: op.sizeGb, region: op.location }),
        );
        return toVolume(present(answer?.volume, 'volume') as unknown as DoWireVolume);
      }
      case 'attach':
        await this.client.post((api) =>
          api.volume.attachVolumeToDroplet({
            volume_id: op.volumeId,
            droplet_id: dropletId(op.machineId),
          } as Parameters<DotsClient['volume']['attachVolumeToDroplet']>[0]),
        );
        return;
      case 'detach':
        await this.client.post((api) =>
          api.volume.detachVolumeFromDroplet({
            volume_id: op.volumeId,
            droplet_id: dropletId(op.machineId),
          } as Parameters<DotsClient['volume']['detachVolumeFromDroplet']>[0]),
        );
        return;
      case 'delete':
        await this.client.get((api) => api.volume.deleteVolume({ volume_id: op.volumeId }));
        return;
    }
  }
}

/**
 * A driver for one DigitalOcean account. `endpoint` overrides the API root (with or without
 * `/v2`); `config` takes the fields of DigitalOceanConfig.
 */
export function createDigitalOceanDriver(init: DriverInit<DigitalOceanCredentials>): ProviderDriver {
  const token = init.credentials?.token;
  if (typeof token !== 'string' || token.trim() === '') {
    throw new ProviderError('auth', 'A DigitalOcean API token is required.');
  }
  const config = readConfig(init.config);
  const client = new DoClient(token.trim(), apiRoot(init.endpoint), config, init.lookup);
  return withDns(
    withNetworks(new DigitalOceanDriver(client, config), new DigitalOceanNetworks(client, config.perPage)),
    new DigitalOceanDns(client, config.perPage),
  );
}
