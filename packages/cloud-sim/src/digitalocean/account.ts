import { randomUUID } from 'node:crypto';
import { type DoImage, findRegion, findSize, PUBLIC_IMAGES } from './catalog';
import { DoDomains } from './domains';
import { DoApiError, notFound, unprocessable } from './errors';
import {
  type DropletStatus,
  isoSeconds,
  type SimAction,
  type SimDroplet,
  type SimSshKey,
  type SimVolume,
} from './model';
import { DoNetworks } from './networks';
import { addressesFor, seededDroplet } from './seed';
import { md5Fingerprint, parsePublicKey } from './ssh-keys';

export interface DoTiming {
  /** How long a new droplet stays `new` before it turns `active`. */
  bootDelayMs: number;
  /** How long a droplet or volume action stays `in-progress`. */
  actionDelayMs: number;
}

/** Ids are unique across the whole emulator, as they are across DigitalOcean. */
export class IdSource {
  private droplet: number;
  constructor(firstDropletId = 400_000_001) {
    this.droplet = firstDropletId - 1;
  }
  private action = 2_000_000_000;
  private key = 41_000_000;
  private image = 170_000_000;
  nextImage = () => ++this.image;
  nextDroplet = () => ++this.droplet;
  nextAction = () => ++this.action;
  nextKey = () => ++this.key;
}

export interface DoAccountInfo {
  token: string;
  uuid: string;
  email: string;
  dropletLimit: number;
  status: 'active' | 'warning' | 'locked';
  statusMessage: string;
}

const HOSTNAME = /^[a-zA-Z0-9.-]{1,255}$/;
const TAG = /^[a-zA-Z0-9_:-]{1,255}$/;
const VOLUME_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const MAX_USER_DATA = 64 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One DigitalOcean account: everything its token can see. Actions settle lazily, on the next
 * read after they fall due, so time passing needs no timers and 100k droplets cost nothing idle.
 */
export class DoAccount {
  readonly droplets = new Map<number, SimDroplet>();
  readonly volumes = new Map<string, SimVolume>();
  readonly keys = new Map<number, SimSshKey>();
  readonly actions = new Map<number, SimAction>();
  readonly privateImages: DoImage[] = [];
  /** Domains and their records (/v2/domains). */
  readonly dns = new DoDomains();
  /** VPCs and cloud firewalls (/v2/vpcs, /v2/firewalls). */
  readonly net = new DoNetworks();
  /** The droplet each snapshot image was taken of (image id -> droplet id). */
  readonly snapshotOf = new Map<number, number>();
  private pending: SimAction[] = [];
  private ordered: SimDroplet[] | null = null;

  constructor(
    readonly info: DoAccountInfo,
    private readonly ids: IdSource,
    readonly timing: DoTiming,
  ) {}

  // ---- time -------------------------------------------------------------------------------

  /** Applies every action that has fallen due. */
  settle(now = Date.now()): void {
    if (this.pending.length === 0) return;
    const still: SimAction[] = [];
    for (const action of this.pending) {
      if (action.dueAt > now) {
        still.push(action);
        continue;
      }
      const ok = action.effect ? action.effect() : true;
      action.status = ok ? 'completed' : 'errored';
      action.completedAt = isoSeconds(action.dueAt);
    }
    this.pending = still;
  }

  private startAction(
    type: string,
    resourceType: SimAction['resourceType'],
    resourceId: number | null,
    regionSlug: string,
    delayMs: number,
    effect?: () => boolean,
  ): SimAction {
    const now = Date.now();
    const action: SimAction = {
      id: this.ids.nextAction(),
      type,
      status: 'in-progress',
      startedAt: isoSeconds(now),
      completedAt: null,
      resourceId,
      resourceType,
      regionSlug,
      dueAt: now + delayMs,
      effect,
    };
    this.actions.set(action.id, action);
    this.pending.push(action);
    // A zero delay still leaves the action in-progress in the response that starts it.
    return action;
  }

  private hasPendingEvent(dropletId: number): boolean {
    return this.pending.some((a) => a.resourceType === 'droplet' && a.resourceId === dropletId);
  }

  // ---- droplets ---------------------------------------------------------------------------

  /** Droplets in id order, which is creation order. */
  listDroplets(tag?: string): SimDroplet[] {
    this.settle();
    if (!this.ordered) this.ordered = [...this.droplets.values()];
    return tag ? this.ordered.filter((d) => d.tags.includes(tag)) : this.ordered;
  }

  getDroplet(id: number): SimDroplet {
    this.settle();
    const droplet = this.droplets.get(id);
    if (!droplet) throw notFound();
    return droplet;
  }

  findImage(ref: unknown): DoImage | undefined {
    const all = [...PUBLIC_IMAGES, ...this.privateImages];
    if (typeof ref === 'number') return all.find((i) => i.id === ref);
    if (typeof ref !== 'string' || ref === '') return undefined;
    if (/^\d+$/.test(ref)) return all.find((i) => i.id === Number(ref));
    return all.find((i) => i.slug === ref);
  }

  createDroplet(body: unknown): { droplet: SimDroplet; action: SimAction } {
    if (!isObject(body)) throw unprocessable('Request body must be a JSON object.');
    const name = body.name;
    if (typeof name !== 'string' || !HOSTNAME.test(name)) {
      throw unprocessable('Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)');
    }
    const size = typeof body.size === 'string' ? findSize(body.size) : undefined;
    if (!size) throw unprocessable('You specified an invalid size for Droplet creation.');
    const regionSlug = body.region === undefined ? 'nyc3' : body.region;
    const region = typeof regionSlug === 'string' ? findRegion(regionSlug) : undefined;
    if (!region?.available) throw unprocessable('You specified an invalid region for Droplet creation.');
    const image = this.findImage(body.image);
    if (!image) throw unprocessable('You specified an invalid image for Droplet creation.');
    const tags = body.tags ?? [];
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' && TAG.test(t))) {
      throw unprocessable('Tags may contain letters, numbers, colons, dashes, and underscores.');
    }
    const sshKeyIds = this.resolveKeys(body.ssh_keys);
    const userData = body.user_data ?? null;
    if (userData !== null && (typeof userData !== 'string' || userData.length > MAX_USER_DATA)) {
      throw unprocessable('user_data must be a string of at most 64 KiB.');
    }
    if (this.droplets.size >= this.info.dropletLimit) {
      throw unprocessable('creating this/these droplet(s) will exceed your droplet limit');
    }
    const id = this.ids.nextDroplet();
    const droplet: SimDroplet = {
      id,
      name,
      status: 'new',
      sizeSlug: size.slug,
      image,
      regionSlug: region.slug,
      createdAt: isoSeconds(Date.now()),
      tags: [...new Set(tags as string[])],
      ...addressesFor(id),
      publicIpv6: body.ipv6 === true ? addressesFor(id).publicIpv6 : null,
      volumeIds: [],
      sshKeyIds,
      userData,
      vpcUuid: this.vpcFor(body.vpc_uuid, region.slug),
      ignoresShutdown: false,
    };
    this.insertDroplet(droplet);
    const action = this.startAction('create', 'droplet', id, region.slug, this.timing.bootDelayMs, () => {
      if (droplet.status === 'new') droplet.status = 'active';
      return true;
    });
    return { droplet, action };
  }

  /** The VPC a new droplet joins: the one named (in its region), else the region's default. */
  private vpcFor(ref: unknown, region: string): string {
    if (ref === undefined || ref === null) return this.net.defaultFor(region).id;
    const vpc = typeof ref === 'string' ? this.net.vpcs.get(ref) : undefined;
    if (!vpc || vpc.region !== region) {
      throw unprocessable("vpc_uuid is invalid: the VPC must exist and be in the droplet's region.");
    }
    return vpc.id;
  }

  /** The droplets in a VPC, in id order. */
  vpcMembers(id: string): SimDroplet[] {
    this.net.getVpc(id);
    return this.listDroplets().filter((d) => d.vpcUuid === id);
  }

  private resolveKeys(refs: unknown): number[] {
    if (refs === undefined || refs === null) return [];
    if (!Array.isArray(refs)) throw unprocessable('ssh_keys must be an array.');
    return refs.map((ref) => {
      const key = [...this.keys.values()].find(
        (k) =>
          k.id === (typeof ref === 'string' && /^\d+$/.test(ref) ? Number(ref) : ref) ||
          k.fingerprint === ref,
      );
      if (!key) throw unprocessable('You specified an invalid SSH key id or fingerprint.');
      return key.id;
    });
  }

  deleteDroplet(id: number): void {
    const droplet = this.getDroplet(id);
    for (const volumeId of droplet.volumeIds) {
      const volume = this.volumes.get(volumeId);
      if (volume) volume.dropletIds = volume.dropletIds.filter((d) => d !== id);
    }
    this.droplets.delete(id);
    this.ordered = null;
  }

  dropletAction(id: number, body: unknown): SimAction {
    const droplet = this.getDroplet(id);
    if (!isObject(body) || typeof body.type !== 'string') throw unprocessable('Action type is required.');
    if (droplet.status === 'archive') throw unprocessable('Droplet is archived.');
    if (this.hasPendingEvent(id)) throw unprocessable('Droplet already has a pending event.');
    const act = (effect?: () => boolean) =>
      this.startAction(
        body.type as string,
        'droplet',
        id,
        droplet.regionSlug,
        this.timing.actionDelayMs,
        effect,
      );
    const setStatus = (status: DropletStatus) => () => {
      droplet.status = status;
      return true;
    };
    switch (body.type) {
      case 'power_on':
        if (droplet.status === 'active') throw unprocessable('Droplet is already powered on.');
        return act(setStatus('active'));
      case 'power_off':
        if (droplet.status === 'off') throw unprocessable('Droplet is already powered off.');
        return act(setStatus('off'));
      case 'shutdown':
        if (droplet.status === 'off') throw unprocessable('Droplet is already powered off.');
        return act(() => {
          if (droplet.ignoresShutdown) return false;
          droplet.status = 'off';
          return true;
        });
      case 'reboot':
        if (droplet.status !== 'active') throw unprocessable('Droplet is currently off.');
        return act(setStatus('active'));
      case 'power_cycle':
        return act(setStatus('active'));
      case 'rename': {
        const name = body.name;
        if (typeof name !== 'string' || !HOSTNAME.test(name)) {
          throw unprocessable('Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)');
        }
        return act(() => {
          droplet.name = name;
          return true;
        });
      }
      case 'snapshot':
        return this.snapshotAction(droplet, body.name, act);
      case 'restore': {
        const image = this.findImage(body.image);
        if (!image || this.snapshotOf.get(image.id) !== droplet.id) {
          throw unprocessable(
            'You specified an invalid image for restore: use a snapshot or backup of this Droplet.',
          );
        }
        return act(() => {
          droplet.status = 'active';
          return true;
        });
      }
      case 'resize':
        return this.resizeAction(droplet, body, act);
      case 'enable_ipv6':
        return act(() => {
          droplet.publicIpv6 = addressesFor(droplet.id).publicIpv6;
          return true;
        });
      case 'enable_backups':
      case 'disable_backups':
      case 'enable_private_networking':
        return act();
      default:
        throw unprocessable(`'${body.type}' is not a valid action type.`);
    }
  }

  /** A snapshot is an image of type `snapshot` that exists once the action completes. */
  private snapshotAction(droplet: SimDroplet, name: unknown, act: (effect: () => boolean) => SimAction) {
    if (name !== undefined && (typeof name !== 'string' || name.length < 1 || name.length > 255)) {
      throw unprocessable('name must be a string of 1 to 255 characters.');
    }
    const size = findSize(droplet.sizeSlug);
    const label = typeof name === 'string' ? name : `${droplet.name}-${Date.now()}`;
    return act(() => {
      if (!this.droplets.has(droplet.id)) return false;
      const image: DoImage = {
        id: this.ids.nextImage(),
        name: label,
        distribution: droplet.image.distribution,
        slug: null,
        public: false,
        regions: [droplet.regionSlug],
        created_at: isoSeconds(Date.now()),
        min_disk_size: size?.disk ?? droplet.image.min_disk_size,
        type: 'snapshot',
        size_gigabytes: Math.round((size?.disk ?? 25) * 0.12 * 100) / 100,
        description: '',
        tags: [],
        status: 'available',
      };
      this.privateImages.push(image);
      this.snapshotOf.set(image.id, droplet.id);
      return true;
    });
  }

  /** DigitalOcean resizes only powered-off droplets, to a size offered in their region. */
  private resizeAction(
    droplet: SimDroplet,
    body: Record<string, unknown>,
    act: (effect: () => boolean) => SimAction,
  ): SimAction {
    const size = typeof body.size === 'string' ? findSize(body.size) : undefined;
    if (!size?.available || !size.regions.includes(droplet.regionSlug)) {
      throw unprocessable('You specified an invalid size for Droplet resize.');
    }
    if (droplet.status !== 'off') throw unprocessable('Droplet must be powered off before resizing.');
    if (droplet.diskGb !== undefined && droplet.diskGb > size.disk) {
      throw unprocessable('This size has a smaller disk than the Droplet; disk resizes cannot be undone.');
    }
    return act(() => {
      if (body.disk === true) droplet.diskGb = size.disk;
      droplet.sizeSlug = size.slug;
      return true;
    });
  }

  /** Snapshots of one droplet, oldest first. */
  dropletSnapshots(dropletId: number): DoImage[] {
    this.getDroplet(dropletId);
    return this.privateImages.filter((i) => this.snapshotOf.get(i.id) === dropletId);
  }

  getSnapshot(id: number): DoImage {
    this.settle();
    const image = this.privateImages.find((i) => i.id === id && i.type === 'snapshot');
    if (!image) throw notFound();
    return image;
  }

  deleteSnapshot(id: number): void {
    const image = this.getSnapshot(id);
    this.privateImages.splice(this.privateImages.indexOf(image), 1);
    this.snapshotOf.delete(image.id);
  }

  getAction(id: number): SimAction {
    this.settle();
    const action = this.actions.get(id);
    if (!action) throw notFound();
    return action;
  }

  // ---- volumes ----------------------------------------------------------------------------

  listVolumes(filter: { name?: string | null; region?: string | null } = {}): SimVolume[] {
    this.settle();
    return [...this.volumes.values()].filter(
      (v) => (!filter.name || v.name === filter.name) && (!filter.region || v.regionSlug === filter.region),
    );
  }

  getVolume(id: string): SimVolume {
    this.settle();
    const volume = this.volumes.get(id);
    if (!volume) throw notFound();
    return volume;
  }

  createVolume(body: unknown): SimVolume {
    if (!isObject(body)) throw unprocessable('Request body must be a JSON object.');
    const { name, size_gigabytes: size, region } = body;
    if (typeof name !== 'string' || !VOLUME_NAME.test(name)) {
      throw unprocessable(
        'name must start with a lowercase letter and contain only lowercase letters, numbers and hyphens.',
      );
    }
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 16_384) {
      throw unprocessable('size_gigabytes must be an integer between 1 and 16384.');
    }
    const r = typeof region === 'string' ? findRegion(region) : undefined;
    if (!r?.available) throw unprocessable('You specified an invalid region for Volume creation.');
    if (this.listVolumes({ name, region: r.slug }).length > 0) {
      throw new DoApiError(409, 'conflict', 'a volume with that name already exists');
    }
    const volume: SimVolume = {
      id: randomUUID(),
      name,
      sizeGigabytes: size,
      regionSlug: r.slug,
      dropletIds: [],
      description: typeof body.description === 'string' ? body.description : '',
      createdAt: isoSeconds(Date.now()),
      tags: Array.isArray(body.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [],
      filesystemType: typeof body.filesystem_type === 'string' ? body.filesystem_type : '',
    };
    this.volumes.set(volume.id, volume);
    return volume;
  }

  deleteVolume(id: string): void {
    const volume = this.getVolume(id);
    if (volume.dropletIds.length > 0) {
      throw new DoApiError(
        409,
        'conflict',
        'Volume is currently attached to a Droplet. Detach it before deleting.',
      );
    }
    this.volumes.delete(id);
  }

  volumeAction(id: string, body: unknown): SimAction {
    const volume = this.getVolume(id);
    if (!isObject(body) || typeof body.type !== 'string') throw unprocessable('Action type is required.');
    const dropletId = typeof body.droplet_id === 'string' ? Number(body.droplet_id) : body.droplet_id;
    if (body.type !== 'attach' && body.type !== 'detach') {
      throw unprocessable(`'${body.type}' is not a valid volume action type.`);
    }
    if (typeof dropletId !== 'number' || !Number.isInteger(dropletId)) {
      throw unprocessable('droplet_id is required.');
    }
    const droplet = this.droplets.get(dropletId);
    if (!droplet) throw notFound();
    const start = (type: string, effect: () => boolean) =>
      this.startAction(type, 'backend', null, volume.regionSlug, this.timing.actionDelayMs, effect);
    if (body.type === 'attach') {
      if (droplet.regionSlug !== volume.regionSlug) {
        throw unprocessable('Droplet and Volume must be in the same region.');
      }
      if (volume.dropletIds.includes(dropletId))
        throw unprocessable('Volume is already attached to this Droplet.');
      if (volume.dropletIds.length > 0) throw unprocessable('Volume is already attached to another Droplet.');
      if (droplet.volumeIds.length >= 7)
        throw unprocessable('A Droplet can have at most 7 volumes attached.');
      return start('attach_volume', () => {
        volume.dropletIds = [dropletId];
        droplet.volumeIds = [...droplet.volumeIds, volume.id];
        return true;
      });
    }
    if (!volume.dropletIds.includes(dropletId))
      throw unprocessable('Volume is not attached to this Droplet.');
    return start('detach_volume', () => {
      volume.dropletIds = volume.dropletIds.filter((d) => d !== dropletId);
      droplet.volumeIds = droplet.volumeIds.filter((v) => v !== volume.id);
      return true;
    });
  }

  // ---- ssh keys ---------------------------------------------------------------------------

  findKey(ref: string): SimSshKey {
    const key = /^\d+$/.test(ref)
      ? this.keys.get(Number(ref))
      : [...this.keys.values()].find((k) => k.fingerprint === ref);
    if (!key) throw notFound();
    return key;
  }

  createKey(body: unknown): SimSshKey {
    if (!isObject(body)) throw unprocessable('Request body must be a JSON object.');
    if (typeof body.name !== 'string' || body.name.trim() === '') throw unprocessable('Name is required.');
    const parsed = parsePublicKey(body.public_key);
    if (!parsed) throw unprocessable("Key invalid, key should be of the form 'type key [comment]'");
    const fingerprint = md5Fingerprint(parsed.blob);
    if ([...this.keys.values()].some((k) => k.fingerprint === fingerprint)) {
      throw unprocessable('SSH Key is already in use on your account');
    }
    const key: SimSshKey = {
      id: this.ids.nextKey(),
      name: body.name,
      publicKey: (body.public_key as string).trim(),
      fingerprint,
    };
    this.keys.set(key.id, key);
    return key;
  }

  deleteKey(ref: string): void {
    this.keys.delete(this.findKey(ref).id);
  }

  // ---- outside control (tests, benchmarks) ------------------------------------------------

  /** Adds `count` deterministic droplets. */
  seed(count: number, prefix = 'droplet'): void {
    const start = this.droplets.size;
    for (let i = start; i < start + count; i++) {
      const droplet = seededDroplet(i, this.ids.nextDroplet(), prefix);
      this.net.defaultFor(droplet.regionSlug);
      this.droplets.set(droplet.id, droplet);
    }
    this.ordered = null;
  }

  /** Inserts a droplet as-is, bypassing validation (for setting up odd states). */
  insertDroplet(droplet: SimDroplet): void {
    this.droplets.set(droplet.id, droplet);
    this.ordered = null;
  }

  /** Changes a droplet outside the API, as a console click or an outage would. */
  mutateDroplet(id: number, change: Partial<Omit<SimDroplet, 'id'>>): SimDroplet {
    const droplet = this.droplets.get(id);
    if (!droplet) throw new Error(`no droplet ${id}`);
    Object.assign(droplet, change);
    return droplet;
  }

  removeDroplet(id: number): boolean {
    this.ordered = null;
    return this.droplets.delete(id);
  }

  newDropletId(): number {
    return this.ids.nextDroplet();
  }
}
