// Resizing a server and its snapshots, through Nova's server actions and Glance.
// A resize is Nova's two steps: `resize` to the flavor, which leaves the server in VERIFY_RESIZE,
// then `confirmResize`, which the driver sends itself (Overcast has no "keep or undo" step).
// A snapshot is `createImage`: a Glance image carrying the server's instance_uuid and
// image_type=snapshot, listed by those properties. Nova has no revert: it rebuilds the server
// from the image in place (same id and addresses, the root disk replaced; attached volumes stay).

import { ProviderError, type RemoteSnapshot, type SnapshotState } from '@overcast/contracts';
import { collect, parseDate, present, walkPages } from '../common/json-api';
import { type OpenStackClient, PROVIDER } from './client';
import type { OsWireFlavor, OsWireImage, OsWireServer } from './map';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Glance's root: the catalog may name it with or without its version. */
const glanceRoot = async (client: OpenStackClient) =>
  (await client.endpoint('image')).replace(/\/v2(\.\d+)?$/, '');

/**
 * Glance v2's images, `filters` being its property filters. Glance pages by a `next` link
 * relative to its root; the link's query is applied to our own root (a proxied cloud's links may
 * name an address we cannot reach), and a link that leads nowhere new ends the walk.
 */
export async function* glanceImages(
  client: OpenStackClient,
  filters: Record<string, string> = {},
): AsyncIterable<OsWireImage> {
  const root = await glanceRoot(client);
  const seen = new Set<string>();
  yield* walkPages<OsWireImage, string>('', async (next) => {
    const query: Record<string, string> = { ...filters, limit: String(client.config.perPage) };
    if (next) for (const [k, v] of new URL(next, 'http://next.invalid').searchParams) query[k] = v;
    const page = await client.request<{ images?: OsWireImage[]; next?: string }>(
      'image',
      'GET',
      `${root}/v2/images`,
      { query },
    );
    const link = typeof page?.next === 'string' ? page.next : null;
    const marker = link ? new URL(link, 'http://next.invalid').searchParams.get('marker') : null;
    if (!link || !marker || seen.has(marker)) return { items: page?.images ?? [], next: null };
    seen.add(marker);
    return { items: page?.images ?? [], next: link };
  });
}

const STATES: Record<string, SnapshotState> = { queued: 'creating', saving: 'creating', active: 'available' };

function toSnapshot(i: OsWireImage): RemoteSnapshot {
  return {
    externalId: i.id,
    name: i.name || i.id,
    state: STATES[i.status ?? ''] ?? 'error',
    createdAt: parseDate(i.created_at),
    sizeGb: typeof i.size === 'number' ? Math.ceil(i.size / 1024 ** 3) : null,
  };
}

export class ServerImages {
  constructor(private readonly client: OpenStackClient) {}

  private async server(id: string): Promise<OsWireServer> {
    const answer = await this.client.request<{ server?: OsWireServer }>('compute', 'GET', `/servers/${id}`);
    return present(answer?.server, PROVIDER, 'server');
  }

  private action(id: string, body: unknown) {
    return this.client.request('compute', 'POST', `/servers/${id}/action`, { body, idempotent: false });
  }

  /** Reads the server until `done` says so; a server gone to ERROR is the action's failure, in Nova's words. */
  private async until(id: string, what: string, done: (s: OsWireServer) => boolean): Promise<OsWireServer> {
    const deadline = Date.now() + this.client.config.actionTimeoutMs;
    for (;;) {
      const s = await this.server(id);
      if (done(s)) return s;
      if (s.status === 'ERROR')
        throw new ProviderError(
          'conflict',
          `${PROVIDER} could not finish the ${what}: ${s.fault?.message ?? 'the server is in ERROR'}.`,
        );
      if (Date.now() > deadline)
        throw new ProviderError('unavailable', `The ${what} is still running at ${PROVIDER}.`);
      await sleep(this.client.config.actionPollMs);
    }
  }

  /**
   * The flavors the server can be resized to: Nova grows a root disk but never shrinks it, so
   * those with at least the server's disk, and not disabled.
   */
  async resizeTargets(id: string, flavors: OsWireFlavor[]): Promise<string[]> {
    const server = await this.server(id);
    // Before microversion 2.47 a server names its flavor by id; from it, it carries the figures.
    const disk =
      server.flavor?.disk ?? flavors.find((f) => String(f.id) === String(server.flavor?.id))?.disk ?? 0;
    return flavors
      .filter((f) => (f.disk ?? 0) >= disk && f['OS-FLV-DISABLED:disabled'] !== true)
      .map((f) => String(f.id));
  }

  /** Resizes and confirms; the server ends as it began, running or shut off. */
  async resize(id: string, flavorRef: string): Promise<void> {
    await this.action(id, { resize: { flavorRef } });
    const resized = await this.until(
      id,
      'resize',
      (s) => s.status === 'VERIFY_RESIZE' || s.status === 'ACTIVE' || s.status === 'SHUTOFF',
    );
    if (resized.status !== 'VERIFY_RESIZE')
      throw new ProviderError(
        'conflict',
        `${PROVIDER} did not resize the server: ${resized.fault?.message ?? `it is ${resized.status} again with its old flavor`}.`,
      );
    await this.action(id, { confirmResize: null });
    await this.until(id, 'resize', (s) => s.status === 'ACTIVE' || s.status === 'SHUTOFF');
  }

  async list(id: string): Promise<RemoteSnapshot[]> {
    const images = await collect(glanceImages(this.client, { instance_uuid: id, image_type: 'snapshot' }));
    // The filter is Glance's; checking again keeps a cloud that ignores it from mixing in others.
    return images.filter((i) => i.instance_uuid === id && i.image_type === 'snapshot').map(toSnapshot);
  }

  async create(id: string, name: string): Promise<void> {
    await this.action(id, { createImage: { name } });
  }

  private async own(id: string, imageId: string): Promise<void> {
    if (!(await this.list(id)).some((s) => s.externalId === imageId))
      throw new ProviderError('not-found', `The server has no snapshot ${imageId}.`);
  }

  /** Rebuilds the server from its snapshot and waits until Nova is done. */
  async revert(id: string, imageId: string): Promise<void> {
    await this.own(id, imageId);
    await this.action(id, { rebuild: { imageRef: imageId } });
    await this.until(
      id,
      'rebuild',
      (s) => (s.status === 'ACTIVE' || s.status === 'SHUTOFF') && !s['OS-EXT-STS:task_state'],
    );
  }

  async delete(id: string, imageId: string): Promise<void> {
    await this.own(id, imageId);
    const root = await glanceRoot(this.client);
    await this.client.request('image', 'DELETE', `${root}/v2/images/${encodeURIComponent(imageId)}`);
  }
}
