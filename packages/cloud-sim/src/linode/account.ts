import { machineAddress } from '../common/addresses';
import { Timeline } from '../common/timeline';
import { ApiError, isObject, isoSeconds, type SimTiming } from '../common/token-api';
import { parsePublicKey } from '../digitalocean/ssh-keys';
import { LinodeBackupService, noBackups, type SimLinodeBackup, type SimLinodeBackups } from './backups';
import { IMAGES, type LinodeImage, type LinodeRegion, type LinodeType, REGIONS, TYPES } from './catalog';
import { LinodeDomains } from './domains';
import { LinodeNetworking } from './networks';
import { fieldError, type LinodeIds } from './shared';

export type LinodeStatus =
  | 'provisioning'
  | 'booting'
  | 'running'
  | 'shutting_down'
  | 'offline'
  | 'rebooting'
  | 'resizing'
  | 'restoring';

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
  /** Disk allocated to the Linode, in MB: the plan's at creation, grown by a resize up, never shrunk. */
  diskMb: number;
  backups: SimLinodeBackups;
  /** The backup its disks were last restored from. */
  restoredFrom: number | null;
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
const TRANSIENT: LinodeStatus[] = [
  'provisioning',
  'booting',
  'shutting_down',
  'rebooting',
  'resizing',
  'restoring',
];

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
  /** VPCs with their subnets, and Cloud Firewalls. */
  readonly net: LinodeNetworking;
  /** Each Linode's Backup Service: automatic backups and the manual snapshot. */
  readonly backupService: LinodeBackupService;

  constructor(
    readonly username: string,
    private readonly ids: LinodeIds,
    readonly timing: SimTiming,
  ) {
    this.dns = new LinodeDomains(ids);
    this.net = new LinodeNetworking(ids, { regionOf: (l) => this.linodes.get(l)?.region.id });
    this.backupService = new LinodeBackupService(
      ids,
      (delayMs, run) => this.later(delayMs, run),
      () => timing.actionDelayMs,
    );
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
        diskMb: TYPES[i % 3]!.disk,
        backups: noBackups(),
        restoredFrom: null,
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
      diskMb: type.disk,
      backups: noBackups(body.backups_enabled === true),
      restoredFrom: null,
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
    this.net.forget(id);
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

  /**
   * POST .../resize {type}: Linode shuts the Linode down, migrates it to a host with room for the
   * new plan, and boots it again if it was running. It grows the disk to the new plan's unless
   * told not to (`allow_auto_disk_resize: false`), and refuses a plan with less disk than is
   * allocated.
   */
  resize(id: number, body: unknown): void {
    const linode = this.linode(id);
    if (!isObject(body)) throw fieldError(null, 'Request body must be a JSON object');
    const type = TYPES.find((t) => t.id === body.type);
    if (!type) throw fieldError('type', 'A valid plan type by that ID was not found');
    if (TRANSIENT.includes(linode.status)) throw busy();
    if (type.id === linode.type.id) throw fieldError('type', 'Linode is already running this service plan.');
    if (type.disk < linode.diskMb)
      throw fieldError(
        null,
        'Linode has allocated more disk than the new service plan allows. Delete or resize disks smaller.',
      );
    const wasRunning = linode.status === 'running';
    const grow = body.allow_auto_disk_resize !== false;
    linode.status = 'resizing';
    this.history.push({ linodeId: id, command: 'resize' });
    this.later(this.timing.actionDelayMs, () => {
      if (linode.status !== 'resizing') return;
      linode.type = type;
      if (grow) linode.diskMb = type.disk;
      linode.status = wasRunning ? 'running' : 'offline';
      linode.updated = isoSeconds(Date.now(), '');
    });
  }

  backups(id: number): SimLinodeBackups {
    return this.linode(id).backups;
  }

  enableBackups(id: number): void {
    this.backupService.enable(this.linode(id));
  }

  cancelBackups(id: number): void {
    this.backupService.cancel(this.linode(id));
  }

  takeSnapshot(id: number, body: unknown): SimLinodeBackup {
    return this.backupService.takeSnapshot(this.linode(id), body);
  }

  /**
   * POST .../backups/{backupId}/restore {linode_id, overwrite}: the target's disks are replaced by
   * the backup's while it is `restoring`; it is left powered off.
   */
  restoreBackup(id: number, backupId: number, body: unknown): void {
    const backup = this.backupService.restorable(this.linode(id), backupId);
    if (!isObject(body)) throw fieldError(null, 'Request body must be a JSON object');
    if (typeof body.linode_id !== 'number') throw fieldError('linode_id', 'linode_id is required');
    const target = this.linode(body.linode_id);
    this.backupService.checkRestore(backup, target, body);
    if (TRANSIENT.includes(target.status)) throw busy();
    target.status = 'restoring';
    this.history.push({ linodeId: target.id, command: 'restore' });
    this.later(this.timing.actionDelayMs, () => {
      if (target.status !== 'restoring') return;
      target.diskMb = backup.diskMb;
      target.image = IMAGES.find((i) => i.id === backup.image) ?? null;
      target.restoredFrom = backup.id;
      target.status = 'offline';
    });
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
