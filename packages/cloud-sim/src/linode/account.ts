import { machineAddress } from '../common/addresses';
import { Timeline } from '../common/timeline';
import { ApiError, isObject, isoSeconds, type SimTiming } from '../common/token-api';
import { parsePublicKey } from '../digitalocean/ssh-keys';
import { IMAGES, type LinodeImage, type LinodeRegion, type LinodeType, REGIONS, TYPES } from './catalog';
import { LinodeDomains } from './domains';
import { fieldError, type LinodeIds } from './shared';

export type LinodeStatus = 'provisioning' | 'booting' | 'running' | 'shutting_down' | 'offline' | 'rebooting';

export interface SimLinode {
  id: number;
  label: string;
  status: LinodeStatus;
  type: LinodeType;
  image: LinodeImage | null;
  region: LinodeRegion;
  created: string;
  updated: string;
  tags: string[];
  ipv4: string;
  authorizedKeys: string[];
  userData: string | null;
}

export interface SimLinodeVolume {
  id: number;
  label: string;
  size: number;
  region: LinodeRegion;
  linodeId: number | null;
  status: 'creating' | 'active';
  created: string;
  tags: string[];
}

const notFound = () => new ApiError(404, 'not_found', 'Not found');
const busy = () => new ApiError(400, 'busy', 'Linode busy.');

const LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9])?$/;
const TRANSIENT: LinodeStatus[] = ['provisioning', 'booting', 'shutting_down', 'rebooting'];

function checkLabel(label: unknown, field = 'label'): string {
  if (typeof label !== 'string' || label.length < 3 || label.length > 64)
    throw fieldError(field, 'Length must be 3-64 characters');
  if (!LABEL.test(label))
    throw fieldError(
      field,
      'Label must include only ASCII letters, numbers, underscores, periods, and dashes.',
    );
  return label;
}

function checkTags(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw fieldError('tags', 'Must be a list of strings');
  for (const t of raw)
    if (typeof t !== 'string' || t.length < 3 || t.length > 50)
      throw fieldError('tags', 'Length must be 3-50 characters');
  return [...new Set(raw as string[])];
}

/** One Linode account: everything its personal access token can see. */
export class LinodeAccount {
  readonly linodes = new Map<number, SimLinode>();
  readonly volumes = new Map<number, SimLinodeVolume>();
  /** Every power command the account was sent, in order, for tests. */
  readonly history: Array<{ linodeId: number; command: string }> = [];
  private readonly timeline = new Timeline();
  /** Domains and their records (/v4/domains). */
  readonly dns: LinodeDomains;

  constructor(
    readonly username: string,
    private readonly ids: LinodeIds,
    readonly timing: SimTiming,
  ) {
    this.dns = new LinodeDomains(ids);
  }

  /** Seeds `count` deterministic Linodes named `<prefix>-000000`...; every tenth is offline. */
  seed(count: number, prefix: string): void {
    const epoch = Date.UTC(2024, 0, 1);
    for (let i = 0; i < count; i++) {
      const id = this.ids.next();
      const created = isoSeconds(epoch + i * 60_000, '');
      this.linodes.set(id, {
        id,
        label: `${prefix}-${String(i).padStart(6, '0')}`,
        status: i % 10 === 9 ? 'offline' : 'running',
        type: TYPES[i % 3]!,
        image: IMAGES[i % IMAGES.length]!,
        region: REGIONS[i % REGIONS.length]!,
        created,
        updated: created,
        tags: i % 3 === 0 ? ['web', 'env:prod'] : [],
        ipv4: machineAddress('linode', 'public', id),
        authorizedKeys: [],
        userData: null,
      });
    }
  }

  private later(delayMs: number, run: () => void) {
    this.timeline.schedule(delayMs, run);
  }

  linode(id: number): SimLinode {
    this.timeline.settle();
    const linode = this.linodes.get(id);
    if (!linode) throw notFound();
    return linode;
  }

  volume(id: number): SimLinodeVolume {
    this.timeline.settle();
    const volume = this.volumes.get(id);
    if (!volume) throw notFound();
    return volume;
  }

  listLinodes(): SimLinode[] {
    this.timeline.settle();
    return [...this.linodes.values()];
  }

  listVolumes(): SimLinodeVolume[] {
    this.timeline.settle();
    return [...this.volumes.values()];
  }

  createLinode(body: unknown): SimLinode {
    if (!isObject(body)) throw fieldError(null, 'Request body must be a JSON object');
    const region = REGIONS.find((r) => r.id === body.region);
    if (!region) throw fieldError('region', 'region is not valid');
    const type = TYPES.find((t) => t.id === body.type);
    if (!type) throw fieldError('type', 'A valid plan type by that ID was not found');
    const label = checkLabel(body.label ?? `linode${this.ids.next()}`);
    if ([...this.linodes.values()].some((l) => l.label === label))
      throw fieldError('label', 'Label must be unique among your linodes');
    let image: LinodeImage | null = null;
    if (body.image !== undefined && body.image !== null) {
      image = IMAGES.find((i) => i.id === body.image) ?? null;
      if (!image) throw fieldError('image', 'Not found');
      if (typeof body.root_pass !== 'string' || body.root_pass.length < 7)
        throw fieldError('root_pass', 'root_pass is required when specifying an image');
    }
    const keys = body.authorized_keys ?? [];
    if (!Array.isArray(keys) || !keys.every((k) => parsePublicKey(k)))
      throw fieldError('authorized_keys', 'Invalid SSH key');
    const tags = checkTags(body.tags);
    const metadata = body.metadata;
    let userData: string | null = null;
    if (isObject(metadata) && metadata.user_data !== undefined) {
      const raw = metadata.user_data;
      if (typeof raw !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(raw))
        throw fieldError('metadata.user_data', 'User data must be base64-encoded');
      userData = Buffer.from(raw, 'base64').toString('utf8');
    }
    const id = this.ids.next();
    const now = isoSeconds(Date.now(), '');
    const linode: SimLinode = {
      id,
      label,
      status: 'provisioning',
      type,
      image,
      region,
      created: now,
      updated: now,
      tags,
      ipv4: machineAddress('linode', 'public', id),
      authorizedKeys: (keys as string[]).map((k) => k.trim()),
      userData,
    };
    this.linodes.set(id, linode);
    const booted = body.booted !== false && image !== null;
    this.later(this.timing.bootDelayMs, () => {
      if (linode.status === 'provisioning') linode.status = booted ? 'running' : 'offline';
    });
    return linode;
  }

  updateLinode(id: number, body: unknown): SimLinode {
    const linode = this.linode(id);
    if (!isObject(body)) throw fieldError(null, 'Request body must be a JSON object');
    if (body.label !== undefined) {
      const label = checkLabel(body.label);
      if ([...this.linodes.values()].some((l) => l.label === label && l.id !== id))
        throw fieldError('label', 'Label must be unique among your linodes');
      linode.label = label;
    }
    if (body.tags !== undefined) linode.tags = checkTags(body.tags);
    linode.updated = isoSeconds(Date.now(), '');
    return linode;
  }

  deleteLinode(id: number): void {
    this.linode(id);
    for (const v of this.volumes.values()) if (v.linodeId === id) v.linodeId = null;
    this.linodes.delete(id);
  }

  /** boot, shutdown, reboot. A Linode in the middle of another change answers "Linode busy." */
  power(id: number, command: 'boot' | 'shutdown' | 'reboot'): void {
    const linode = this.linode(id);
    if (TRANSIENT.includes(linode.status)) throw busy();
    this.history.push({ linodeId: id, command });
    const settle = (via: LinodeStatus, to: LinodeStatus) => {
      linode.status = via;
      this.later(this.timing.actionDelayMs, () => {
        if (linode.status === via) linode.status = to;
      });
    };
    if (command === 'boot' && linode.status === 'offline') settle('booting', 'running');
    else if (command === 'shutdown' && linode.status === 'running') settle('shutting_down', 'offline');
    else if (command === 'reboot') settle('rebooting', 'running');
  }

  createVolume(body: unknown): SimLinodeVolume {
    if (!isObject(body)) throw fieldError(null, 'Request body must be a JSON object');
    const label = checkLabel(body.label);
    const size = body.size ?? 20;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 10 || size > 10_240)
      throw fieldError('size', 'Must be 10-10240');
    const linode = body.linode_id === undefined ? undefined : this.linode(Number(body.linode_id));
    const region = linode?.region ?? REGIONS.find((r) => r.id === body.region);
    if (!region) throw fieldError('region', 'region is not valid');
    if ([...this.volumes.values()].some((v) => v.label === label))
      throw fieldError('label', 'Label must be unique among your volumes');
    const volume: SimLinodeVolume = {
      id: this.ids.next(),
      label,
      size,
      region,
      linodeId: linode?.id ?? null,
      status: 'creating',
      created: isoSeconds(Date.now(), ''),
      tags: checkTags(body.tags),
    };
    this.volumes.set(volume.id, volume);
    this.later(this.timing.bootDelayMs, () => {
      volume.status = 'active';
    });
    return volume;
  }

  attachVolume(id: number, body: unknown): SimLinodeVolume {
    const volume = this.volume(id);
    const linodeId = isObject(body) ? body.linode_id : undefined;
    if (typeof linodeId !== 'number') throw fieldError('linode_id', 'linode_id is required');
    const linode = this.linode(linodeId);
    if (volume.linodeId !== null) throw fieldError(null, 'Volume is already attached to a Linode.');
    if (linode.region.id !== volume.region.id)
      throw fieldError('linode_id', 'Volume and Linode must be in the same region.');
    volume.linodeId = linode.id;
    return volume;
  }

  detachVolume(id: number): void {
    const volume = this.volume(id);
    volume.linodeId = null;
  }

  deleteVolume(id: number): void {
    const volume = this.volume(id);
    if (volume.linodeId !== null) throw fieldError(null, 'Volume must be detached before it can be deleted.');
    this.volumes.delete(id);
  }
}
