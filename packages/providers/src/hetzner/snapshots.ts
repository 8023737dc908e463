// Snapshots and resizing of Hetzner servers.
// A snapshot is an image of type `snapshot`; Hetzner lists the project's images, not a server's,
// so a server's snapshots are those whose `created_from` names it. Reverting is `rebuild` from the
// snapshot: the server's disk is replaced in place, its id, addresses and type kept.
// Resizing is `change_type` with the disk kept (`upgrade_disk: false`), so a server can go back
// down later; the types it fits are then those of its CPU architecture, offered in its location,
// whose disk holds the server's.

import type { RemoteSnapshot, SnapshotState } from '@overcast/contracts';
import { collect, type JsonApi, parseDate, present } from '../common/json-api';
import { requireOwnSnapshot, type SnapshotPart } from '../common/with-snapshots';
import type { HzWireAction, HzWireImage, HzWireServer, HzWireServerType } from './map';
import { awaitAction, hetznerPages, numericId } from './rest';

const STATES: Record<string, SnapshotState> = { available: 'available', creating: 'creating' };

function toSnapshot(i: HzWireImage): RemoteSnapshot {
  return {
    externalId: String(i.id),
    name: i.description || String(i.id),
    // Hetzner's third state is `unavailable`: the image cannot be used.
    state: STATES[i.status ?? ''] ?? 'error',
    createdAt: parseDate(i.created),
    sizeGb: i.image_size ?? null,
  };
}

type ActionAnswer = { action?: HzWireAction };

export class HetznerSnapshots implements SnapshotPart {
  /** `rebuild` replaces the server's disk with the snapshot's, in place. */
  readonly canRevertSnapshots = true;

  constructor(
    private readonly api: JsonApi,
    private readonly pollMs: number,
  ) {}

  async listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]> {
    const server = numericId(machineExternalId, 'server');
    const images = await collect(
      hetznerPages<HzWireImage>(this.api, '/images', 'images', undefined, { type: 'snapshot' }),
    );
    return images.filter((i) => i.created_from?.id === server).map(toSnapshot);
  }

  /** `create_image` of type snapshot, named by its description; it is `creating` until Hetzner is done. */
  async createSnapshot(machineExternalId: string, name: string): Promise<void> {
    const server = numericId(machineExternalId, 'server');
    await this.api.request('POST', `/servers/${server}/actions/create_image`, {
      body: { type: 'snapshot', description: name },
    });
  }

  async revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    const server = numericId(machineExternalId, 'server');
    const image = numericId(snapshotExternalId, 'snapshot');
    // The answer's root_password is null for a snapshot, and is not kept if it is not.
    const answer = await this.api.request<ActionAnswer>('POST', `/servers/${server}/actions/rebuild`, {
      body: { image },
    });
    await awaitAction(this.api, answer?.action, this.pollMs, 'rebuild from the snapshot');
  }

  async deleteSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    await requireOwnSnapshot(this, machineExternalId, snapshotExternalId, 'server');
    await this.api.request('DELETE', `/images/${numericId(snapshotExternalId, 'snapshot')}`);
  }

  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    const server = numericId(externalId, 'server');
    const answer = await this.api.request<ActionAnswer>('POST', `/servers/${server}/actions/change_type`, {
      body: { server_type: sizeId, upgrade_disk: false },
    });
    await awaitAction(this.api, answer?.action, this.pollMs, 'change of server type');
  }

  async resizeTargets(externalId: string): Promise<string[]> {
    const id = numericId(externalId, 'server');
    const answer = await this.api.request<{ server?: HzWireServer }>('GET', `/servers/${id}`);
    const server = present(answer?.server, 'Hetzner Cloud', 'server');
    const disk = server.primary_disk_size ?? server.server_type?.disk ?? 0;
    const location = server.datacenter?.location?.name;
    const types = await collect(hetznerPages<HzWireServerType>(this.api, '/server_types', 'server_types'));
    return types
      .filter(
        (t) =>
          !t.deprecated &&
          t.architecture === server.server_type?.architecture &&
          (t.disk ?? 0) >= disk &&
          (t.prices ?? []).some((p) => p.location === location),
      )
      .map((t) => t.name ?? String(t.id));
  }
}
