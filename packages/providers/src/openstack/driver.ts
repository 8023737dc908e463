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
import { collect, present } from '../common/json-api';
import { withDns } from '../common/with-dns';
import { withNetworks } from '../common/with-networks';
import { type Call, OpenStackClient, PROVIDER } from './client';
import { type OpenStackCredentials, readConfig } from './config';
import { OpenStackDns } from './dns';
import { ensureKeypair } from './keypairs';
import type { Service } from './keystone';
import {
  type OsWireFlavor,
  type OsWireServer,
  type OsWireVolume,
  type OsWireZone,
  toImage,
  toLocation,
  toMachine,
  toSize,
  toVolume,
} from './map';
import { OpenStackNetworks } from './networks';
import { markedPages, resourceId } from './paths';
import { glanceImages, ServerImages } from './server-images';

export type { OpenStackCredentials } from './config';

/** Nova caps metadata keys and values at 255 characters. */
function metadataOf(tags: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!tags || Object.keys(tags).length === 0) return undefined;
  for (const [k, v] of Object.entries(tags))
    if (k.length > 255 || v.length > 255)
      throw new ProviderError(
        'invalid',
        `The tag '${k.slice(0, 40)}' is longer than OpenStack's 255 characters.`,
      );
  return { ...tags };
}

class OpenStackDriver implements ProviderDriver, SnapshotDriver, ResizeDriver {
  readonly provider = 'openstack' as const;

  private readonly images: ServerImages;

  constructor(private readonly client: OpenStackClient) {
    this.images = new ServerImages(client);
  }

  /** Authenticates (scoped to the project, in the region) and reads one server: both must work. */
  async validate(): Promise<void> {
    await this.client.request('compute', 'GET', '/servers', { query: { limit: 1 } });
  }

  /** Nova's and Cinder's paging: `limit` and `marker` (the last id), while a `next` link is given. */
  private marked<T extends { id: string | number }>(
    service: Service,
    path: string,
    key: string,
    signal?: AbortSignal,
  ) {
    return markedPages<T>(this.client, service, path, key, signal);
  }

  /** Flavor ids by name, for servers Nova describes by their flavor's name (microversion 2.47). */
  private async flavorIds(signal?: AbortSignal): Promise<Map<string, string>> {
    if (!(await this.client.novaMicroversion(signal))) return new Map();
    const ids = new Map<string, string>();
    for await (const f of this.marked<OsWireFlavor>('compute', '/flavors/detail', 'flavors', signal))
      if (f.name) ids.set(f.name, String(f.id));
    return ids;
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    const flavors = await this.flavorIds(signal);
    for await (const s of this.marked<OsWireServer>('compute', '/servers/detail', 'servers', signal))
      yield toMachine(s, flavors);
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    for await (const v of this.marked<OsWireVolume>('volume', '/volumes/detail', 'volumes', signal))
      yield toVolume(v);
  }

  async listSizes(): Promise<RemoteSize[]> {
    return (await collect(this.marked<OsWireFlavor>('compute', '/flavors/detail', 'flavors'))).map(toSize);
  }

  async listImages(): Promise<RemoteImage[]> {
    return (await collect(glanceImages(this.client))).map(toImage);
  }

  // Snapshots and resizing (server-images.ts). Nova reverts by rebuilding the server from the
  // snapshot, which it does running or shut off.
  readonly canRevertSnapshots = true;

  async listSnapshots(externalId: string): Promise<RemoteSnapshot[]> {
    return this.images.list(resourceId(externalId, 'server'));
  }

  async createSnapshot(externalId: string, name: string): Promise<void> {
    return this.images.create(resourceId(externalId, 'server'), name);
  }

  async revertSnapshot(externalId: string, snapshotId: string): Promise<void> {
    return this.images.revert(resourceId(externalId, 'server'), resourceId(snapshotId, 'image'));
  }

  async deleteSnapshot(externalId: string, snapshotId: string): Promise<void> {
    return this.images.delete(resourceId(externalId, 'server'), resourceId(snapshotId, 'image'));
  }

  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    return this.images.resize(resourceId(externalId, 'server'), sizeId);
  }

  async resizeTargets(externalId: string): Promise<string[]> {
    const flavors = await collect(this.marked<OsWireFlavor>('compute', '/flavors/detail', 'flavors'));
    return this.images.resizeTargets(resourceId(externalId, 'server'), flavors);
  }

  /** Availability zones are the places inside the chosen region a server or volume goes. */
  async listLocations(): Promise<RemoteLocation[]> {
    const { region } = await this.client.current();
    const answer = await this.client.request<{ availabilityZoneInfo?: OsWireZone[] }>(
      'compute',
      'GET',
      '/os-availability-zone',
    );
    return (answer?.availabilityZoneInfo ?? [])
      .filter((z) => z.zoneName && z.zoneState?.available !== false)
      .map((z) => toLocation(z, region));
  }

  private action(id: string, body: unknown, call: Partial<Call> = {}) {
    return this.client.request('compute', 'POST', `/servers/${id}/action`, {
      body,
      idempotent: true,
      ...call,
    });
  }

  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    const id = resourceId(externalId, 'server');
    switch (action) {
      case 'start':
        await this.action(id, { 'os-start': null });
        return;
      case 'stop':
        await this.action(id, { 'os-stop': null });
        return;
      case 'reboot':
        await this.action(id, { reboot: { type: 'SOFT' } });
        return;
      case 'destroy':
        await this.client.request('compute', 'DELETE', `/servers/${id}`);
        return;
      case 'rename': {
        const name = options.name?.trim();
        if (!name) throw new ProviderError('invalid', 'rename needs a new name');
        await this.client.request('compute', 'PUT', `/servers/${id}`, { body: { server: { name } } });
        return;
      }
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  /** Nova answers a create with the server's id only: the server is then read whole. */
  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    if (!spec.size || !spec.image)
      throw new ProviderError('invalid', 'A server needs a flavor (size) and an image.');
    const metadata = metadataOf(spec.tags);
    const keyName = spec.sshKey ? await ensureKeypair(this.client, spec.sshKey) : undefined;
    const { networkId } = this.client.config;
    // From microversion 2.37 Nova needs `networks`; "auto" is what older releases did unasked.
    const networks = networkId
      ? [{ uuid: networkId }]
      : (await this.client.novaMicroversion())
        ? 'auto'
        : undefined;
    const answer = await this.client.request<{ server?: { id?: string } }>('compute', 'POST', '/servers', {
      body: {
        server: {
          name: spec.name,
          flavorRef: spec.size,
          imageRef: spec.image,
          availability_zone: spec.location || undefined,
          key_name: keyName,
          metadata,
          user_data: spec.userData ? Buffer.from(spec.userData).toString('base64') : undefined,
          networks,
        },
      },
    });
    const id = present(answer?.server, PROVIDER, 'server').id;
    if (typeof id !== 'string' || id === '')
      throw new ProviderError('unavailable', `${PROVIDER} answered without the server's id`);
    const made = await this.client.request<{ server?: OsWireServer }>(
      'compute',
      'GET',
      `/servers/${resourceId(id, 'server')}`,
    );
    return toMachine(present(made?.server, PROVIDER, 'server'), await this.flavorIds());
  }

  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    switch (op.op) {
      case 'create': {
        const answer = await this.client.request<{ volume?: OsWireVolume }>('volume', 'POST', '/volumes', {
          body: { volume: { name: op.name, size: op.sizeGb, availability_zone: op.location || undefined } },
        });
        return toVolume(present(answer?.volume, PROVIDER, 'volume'));
      }
      case 'attach':
        resourceId(op.volumeId, 'volume');
        await this.client.request(
          'compute',
          'POST',
          `/servers/${resourceId(op.machineId, 'server')}/os-volume_attachments`,
          { body: { volumeAttachment: { volumeId: op.volumeId } }, idempotent: false },
        );
        return;
      case 'detach':
        await this.client.request(
          'compute',
          'DELETE',
          `/servers/${resourceId(op.machineId, 'server')}/os-volume_attachments/${resourceId(op.volumeId, 'volume')}`,
        );
        return;
      case 'delete':
        await this.client.request('volume', 'DELETE', `/volumes/${resourceId(op.volumeId, 'volume')}`);
        return;
    }
  }
}

/**
 * A driver for one OpenStack project in one region, through Keystone v3. `endpoint` (or
 * `config.authUrl`) is the auth URL, with or without `/v3`; `config` takes the region, the
 * interface, a network for new servers and the paging, timeout and retry settings.
 */
export function createOpenStackDriver(init: DriverInit<OpenStackCredentials>): ProviderDriver {
  const client = new OpenStackClient(init.credentials ?? {}, readConfig(init), init.lookup);
  return withDns(
    withNetworks(new OpenStackDriver(client), new OpenStackNetworks(client)),
    new OpenStackDns(client),
  );
}
