import { machineAddress } from '../common/addresses';
import { bootLog, SERIAL_KEEP_BYTES } from '../common/boot-log';
import { DISK_TYPES, findMachineType, type ImageInfo } from './catalog';
import { CloudDnsProject } from './dns';
import { alreadyExists, badRequest, GceApiError, invalidField, notFound, notReady } from './errors';
import type { IdSource } from './ids';
import { imagePath, resolveImage } from './images';
import { lastSegment, links, resourcePath } from './links';
import {
  gceTime,
  type InstanceStatus,
  labelFingerprint,
  type OperationError,
  type OperationScope,
  type SimAttachedDisk,
  type SimDisk,
  type SimInstance,
  type SimOperation,
} from './model';
import { GceNetworks } from './networks';
import { seededInstance } from './seed';
import { GceSnapshots } from './snapshots';
import { isObject, readInt, readLabels, readMetadata, readNetworkTags, requireName } from './validate';

export interface GceTiming {
  /** PROVISIONING -> STAGING -> RUNNING steps, STAGING -> RUNNING on start, CREATING -> READY for disks. */
  provisionMs: number;
  /** STOPPING -> TERMINATED, and how long a deleted instance lingers as STOPPING. */
  stopMs: number;
  /** How long an operation stays RUNNING before it reports DONE. */
  operationMs: number;
}

const key = (zone: string, name: string) => `${zone}/${name}`;

/** us-central1-a -> us-central1. */
export const regionOf = (zone: string) => zone.replace(/-[a-z]$/, '');

/**
 * One Compute Engine project. Transitions are scheduled events applied lazily on the next
 * request after they fall due, so an idle emulator with 100k instances does no work.
 */
/** A boot prints its lines on serial port 1; older text is dropped from the front. */
function logBoot(inst: SimInstance): void {
  const serial = inst.serial;
  serial.boots += 1;
  const joined = serial.text + bootLog(inst.name, serial.boots, Date.now());
  const cut = Math.max(0, joined.length - SERIAL_KEEP_BYTES);
  serial.text = joined.slice(cut);
  serial.dropped += cut;
}

export class GceProject {
  /** Cloud DNS (dns/v1) of the project. */
  readonly dns = new CloudDnsProject();
  readonly instances = new Map<string, SimInstance>();
  readonly disks = new Map<string, SimDisk>();
  readonly operations = new Map<string, SimOperation>();
  /** The project's own images (public ones live in the catalog). */
  readonly images: ImageInfo[] = [];
  private events: Array<{ at: number; run: () => void }> = [];
  private instanceOrder: SimInstance[] | null = null;
  private diskOrder: SimDisk[] | null = null;
  private ipSeq = 0;
  private opSeq = 0;
  /** VPC networks, subnetworks and firewall rules; every project starts with `default`. */
  readonly net: GceNetworks;
  /** Disk snapshots (global/snapshots). */
  readonly snapshots: GceSnapshots;

  constructor(
    readonly id: string,
    readonly zones: readonly string[],
    readonly timing: GceTiming,
    private readonly ids: IdSource,
  ) {
    this.net = new GceNetworks(id, [...new Set(zones.map(regionOf))], ids);
    this.net.seedDefault();
    this.snapshots = new GceSnapshots(id, ids, timing);
  }

  // ---- time -------------------------------------------------------------------------------

  settle(now = Date.now()): void {
    while (this.events.length > 0 && this.events[0]!.at <= now) {
      const due = this.events.filter((e) => e.at <= now);
      this.events = this.events.filter((e) => e.at > now);
      for (const e of due) e.run();
    }
  }

  private schedule(delayMs: number, run: () => void): void {
    this.scheduleAt(Date.now() + delayMs, run);
  }

  private scheduleAt(at: number, run: () => void): void {
    let i = this.events.length;
    while (i > 0 && this.events[i - 1]!.at > at) i--;
    this.events.splice(i, 0, { at, run });
  }

  /** Applies `steps` in order unless something else changes the instance first. */
  private transition(inst: SimInstance, now: InstanceStatus, steps: Array<[number, InstanceStatus]>): void {
    const generation = ++inst.generation;
    inst.status = now;
    for (const [delay, status] of steps) {
      this.schedule(delay, () => {
        if (inst.generation !== generation) return;
        inst.status = status;
        if (status === 'RUNNING') {
          inst.lastStartTimestamp = gceTime(Date.now());
          logBoot(inst);
        }
        if (status === 'TERMINATED') inst.lastStopTimestamp = gceTime(Date.now());
      });
    }
  }

  /** Records an operation that reports DONE after the configured delay; `zone` is '' for global ones. */
  operation(
    zone: string,
    operationType: string,
    targetLink: string,
    targetId: string,
    user: string,
    options: { delayMs?: number; error?: OperationError; scope?: OperationScope } = {},
  ): SimOperation {
    const now = Date.now();
    const delay = options.delayMs ?? this.timing.operationMs;
    const op: SimOperation = {
      id: this.ids.next(),
      name: `operation-${now}-${(++this.opSeq).toString(16).padStart(8, '0')}`,
      scope: options.scope ?? 'zones',
      zone,
      operationType,
      targetLink,
      targetId,
      user,
      status: 'RUNNING',
      insertTime: gceTime(now),
      startTime: gceTime(now),
      doneAt: now + delay,
    };
    this.operations.set(op.name, op);
    this.scheduleAt(op.doneAt, () => {
      op.status = 'DONE';
      op.endTime = gceTime(op.doneAt);
      op.error = options.error;
    });
    return op;
  }

  // ---- lookups ----------------------------------------------------------------------------

  /**
   * getSerialPortOutput: port 1's text from byte `start` (what is left of it when older text
   * was dropped; the newest bytes when start is negative), and where the next read begins.
   */
  serialPortOutput(zone: string, name: string, port: number, start: number) {
    const inst = this.getInstance(zone, name);
    if (port !== 1) {
      throw invalidField('port', `'${port}'. Only serial port 1 is emulated.`);
    }
    const { text, dropped } = inst.serial;
    const end = dropped + text.length;
    const from = start < 0 ? Math.max(dropped, end + start) : Math.min(Math.max(start, dropped), end);
    return { contents: text.slice(from - dropped), start: from, next: end };
  }

  requireZone(zone: string): void {
    if (!this.zones.includes(zone)) throw notFound(`projects/${this.id}/zones/${zone}`);
  }

  instancePath = (zone: string, name: string) => `projects/${this.id}/zones/${zone}/instances/${name}`;
  diskPath = (zone: string, name: string) => `projects/${this.id}/zones/${zone}/disks/${name}`;

  getInstance(zone: string, name: string): SimInstance {
    this.settle();
    this.requireZone(zone);
    const inst = this.instances.get(key(zone, name));
    if (!inst) throw notFound(this.instancePath(zone, name));
    return inst;
  }

  getDisk(zone: string, name: string): SimDisk {
    this.settle();
    this.requireZone(zone);
    const disk = this.disks.get(key(zone, name));
    if (!disk) throw notFound(this.diskPath(zone, name));
    return disk;
  }

  getOperation(zone: string, name: string, scope: OperationScope = 'zones'): SimOperation {
    this.settle();
    const op = this.operations.get(name);
    if (!op || op.zone !== zone || op.scope !== scope) {
      const where = scope === 'global' ? 'global' : `${scope}/${zone}`;
      throw notFound(`projects/${this.id}/${where}/operations/${name}`);
    }
    return op;
  }

  /** Every instance in zone order (as the catalog lists zones), then by name. */
  sortedInstances(): SimInstance[] {
    this.settle();
    if (!this.instanceOrder) this.instanceOrder = this.sorted([...this.instances.values()]);
    return this.instanceOrder;
  }

  sortedDisks(): SimDisk[] {
    this.settle();
    if (!this.diskOrder) this.diskOrder = this.sorted([...this.disks.values()]);
    return this.diskOrder;
  }

  private sorted<T extends { zone: string; name: string }>(items: T[]): T[] {
    const rank = new Map(this.zones.map((z, i) => [z, i]));
    return items.sort(
      (a, b) => rank.get(a.zone)! - rank.get(b.zone)! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
  }

  private changed(): void {
    this.instanceOrder = null;
    this.diskOrder = null;
  }

  private addresses() {
    const n = ++this.ipSeq + 1;
    return { networkIP: machineAddress('gce', 'private', n), natIP: machineAddress('gce', 'public', n) };
  }

  // ---- instances --------------------------------------------------------------------------

  insertInstance(zone: string, body: unknown, user: string): SimOperation {
    this.settle();
    this.requireZone(zone);
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    const name = requireName(body.name, 'resource.name');
    if (this.instances.has(key(zone, name))) throw alreadyExists(this.instancePath(zone, name));
    const typeName = machineTypeIn(zone, body.machineType);
    const labels = readLabels(body.labels, 'resource.labels');
    const metadata = readMetadata(body.metadata);
    const networkTags = readNetworkTags(body.tags);
    const nics = body.networkInterfaces;
    if (!Array.isArray(nics) || nics.length === 0 || !nics.every(isObject)) {
      throw invalidField('resource.networkInterfaces', "''. At least one network interface is required.");
    }
    const nic0 = nics[0] as Record<string, unknown>;
    const placed = this.placeNic(zone, nic0.network, nic0.subnetwork);
    const external = nics.some(
      (nic) =>
        Array.isArray(nic.accessConfigs) &&
        nic.accessConfigs.some((a) => isObject(a) && (a.type === undefined || a.type === 'ONE_TO_ONE_NAT')),
    );
    const plan = this.planDisks(zone, name, body.disks);

    // Validation passed: from here on nothing throws.
    const attached: SimAttachedDisk[] = plan.map((p, i) => {
      if (p.create) {
        this.disks.set(key(zone, p.create.name), p.create);
        this.diskReady(p.create);
      }
      const disk = p.create ?? p.existing!;
      disk.users = [name];
      disk.lastAttachTimestamp = gceTime(Date.now());
      return {
        diskName: disk.name,
        deviceName: p.deviceName ?? (i === 0 ? 'persistent-disk-0' : disk.name),
        boot: p.boot,
        autoDelete: p.autoDelete,
        mode: 'READ_WRITE',
      };
    });
    const inst: SimInstance = {
      id: this.ids.next(),
      name,
      zone,
      machineType: typeName,
      status: 'PROVISIONING',
      description: typeof body.description === 'string' ? body.description : '',
      creationTimestamp: gceTime(Date.now()),
      labels,
      metadata,
      networkTags,
      ...placed,
      disks: attached,
      ...this.addresses(),
      external,
      cpuPlatform: 'Intel Broadwell',
      generation: 0,
      serial: { boots: 0, text: '', dropped: 0 },
    };
    this.instances.set(key(zone, name), inst);
    this.changed();
    const p = this.timing.provisionMs;
    this.transition(inst, 'PROVISIONING', [
      [p, 'STAGING'],
      [2 * p, 'RUNNING'],
    ]);
    // Like Compute Engine, the insert operation finishes once the instance is up.
    return this.operation(zone, 'insert', links.instance(this.id, zone, name), inst.id, user, {
      delayMs: Math.max(this.timing.operationMs, 2 * p),
    });
  }

  private planDisks(zone: string, instance: string, value: unknown) {
    if (!Array.isArray(value) || value.length === 0) {
      throw invalidField('resource.disks', "''. No boot disk specified.");
    }
    const names = new Set<string>();
    return value.map((d, i) => {
      if (!isObject(d)) throw invalidField(`resource.disks[${i}]`, "''. Must be an attached disk.");
      const boot = d.boot === undefined ? i === 0 : d.boot === true;
      const autoDelete = d.autoDelete === undefined ? Boolean(d.initializeParams) : d.autoDelete === true;
      const deviceName =
        typeof d.deviceName === 'string'
          ? requireName(d.deviceName, `resource.disks[${i}].deviceName`)
          : undefined;
      if (isObject(d.initializeParams)) {
        const ip = d.initializeParams;
        const diskName =
          ip.diskName === undefined
            ? i === 0
              ? instance
              : `${instance}-${i}`
            : requireName(ip.diskName, `resource.disks[${i}].initializeParams.diskName`);
        if (this.disks.has(key(zone, diskName)) || names.has(diskName))
          throw alreadyExists(this.diskPath(zone, diskName));
        names.add(diskName);
        const create = this.newDisk(
          zone,
          diskName,
          ip.diskSizeGb,
          ip.diskType,
          ip.sourceImage,
          ip.labels,
          '',
        );
        return { boot, autoDelete, deviceName, create, existing: undefined };
      }
      const source = resourcePath(d.source);
      const m = source ? /^(?:projects\/[^/]+\/)?zones\/([^/]+)\/disks\/([^/]+)$/.exec(source) : null;
      if (!m) throw invalidField(`resource.disks[${i}].source`, `'${source ?? ''}'. Must be a disk URL.`);
      const existing = this.disks.get(key(m[1]!, m[2]!));
      if (!existing || m[1] !== zone) throw notFound(this.diskPath(m[1]!, m[2]!));
      if (existing.users.length > 0) throw inUse(this, existing);
      return { boot, autoDelete, deviceName, create: undefined, existing };
    });
  }

  private newDisk(
    zone: string,
    name: string,
    sizeRaw: unknown,
    typeRaw: unknown,
    imageRaw: unknown,
    labelsRaw: unknown,
    description: string,
  ): SimDisk {
    const image =
      imageRaw === undefined || imageRaw === null ? null : resolveImage(imageRaw, this.id, this.images);
    if (imageRaw !== undefined && imageRaw !== null && !image) throw notFound(imagePath(imageRaw, this.id));
    const type = typeRaw === undefined || typeRaw === null ? 'pd-standard' : lastSegment(typeRaw);
    if (!type || !DISK_TYPES.includes(type))
      throw notFound(`projects/${this.id}/zones/${zone}/diskTypes/${type ?? ''}`);
    const size = sizeRaw === undefined || sizeRaw === null ? (image?.diskSizeGb ?? 10) : readInt(sizeRaw);
    if (size === null || size < 1 || size > 65_536)
      throw invalidField('resource.sizeGb', `'${String(sizeRaw)}'.`);
    if (image && size < image.diskSizeGb) {
      throw invalidField(
        'resource.sizeGb',
        `'${size}'. Disk size cannot be smaller than the image size (${image.diskSizeGb} GB).`,
      );
    }
    return {
      id: this.ids.next(),
      name,
      zone,
      sizeGb: size,
      type,
      status: 'CREATING',
      description,
      creationTimestamp: gceTime(Date.now()),
      sourceImage: image ? links.image(image.project, image.name) : null,
      sourceImageId: image?.id ?? null,
      licenses: image?.licenses ?? [],
      users: [],
      labels: readLabels(labelsRaw, 'resource.labels'),
    };
  }

  private diskReady(disk: SimDisk): void {
    this.schedule(this.timing.provisionMs, () => {
      if (disk.status === 'CREATING') disk.status = 'READY';
    });
  }

  start(zone: string, name: string, user: string): SimOperation {
    const inst = this.getInstance(zone, name);
    if (inst.status === 'TERMINATED') {
      this.transition(inst, 'STAGING', [[this.timing.provisionMs, 'RUNNING']]);
    } else if (!['RUNNING', 'STAGING', 'PROVISIONING'].includes(inst.status)) {
      throw notReady(this.instancePath(zone, name));
    }
    return this.operation(zone, 'start', links.instance(this.id, zone, name), inst.id, user, {
      delayMs: Math.max(this.timing.operationMs, inst.status === 'STAGING' ? this.timing.provisionMs : 0),
    });
  }

  stop(zone: string, name: string, user: string): SimOperation {
    const inst = this.getInstance(zone, name);
    if (['RUNNING', 'STAGING', 'PROVISIONING', 'REPAIRING'].includes(inst.status)) {
      this.transition(inst, 'STOPPING', [[this.timing.stopMs, 'TERMINATED']]);
    } else if (inst.status !== 'TERMINATED' && inst.status !== 'STOPPING') {
      throw notReady(this.instancePath(zone, name));
    }
    return this.operation(zone, 'stop', links.instance(this.id, zone, name), inst.id, user, {
      delayMs: Math.max(this.timing.operationMs, inst.status === 'STOPPING' ? this.timing.stopMs : 0),
    });
  }

  reset(zone: string, name: string, user: string): SimOperation {
    const inst = this.getInstance(zone, name);
    if (inst.status !== 'RUNNING') throw notReady(this.instancePath(zone, name));
    inst.lastStartTimestamp = gceTime(Date.now());
    logBoot(inst);
    return this.operation(zone, 'reset', links.instance(this.id, zone, name), inst.id, user);
  }

  deleteInstance(zone: string, name: string, user: string): SimOperation {
    const inst = this.getInstance(zone, name);
    this.transition(inst, 'STOPPING', []);
    const generation = inst.generation;
    this.schedule(this.timing.stopMs, () => {
      if (inst.generation !== generation) return;
      this.removeInstance(zone, inst.name);
    });
    return this.operation(zone, 'delete', links.instance(this.id, zone, name), inst.id, user, {
      delayMs: Math.max(this.timing.operationMs, this.timing.stopMs),
    });
  }

  setLabels(zone: string, name: string, body: unknown, user: string): SimOperation {
    const inst = this.getInstance(zone, name);
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    if (body.labelFingerprint !== labelFingerprint(inst.labels)) {
      throw new GceApiError(
        412,
        'conditionNotMet',
        'Labels fingerprint either invalid or resource labels have changed',
        'FAILED_PRECONDITION',
      );
    }
    inst.labels = readLabels(body.labels, 'resource.labels');
    return this.operation(zone, 'setLabels', links.instance(this.id, zone, name), inst.id, user);
  }

  setName(zone: string, name: string, body: unknown, user: string): SimOperation {
    const inst = this.getInstance(zone, name);
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    if (body.currentName !== name) {
      throw new GceApiError(412, 'conditionNotMet', `The current name is '${name}'.`, 'FAILED_PRECONDITION');
    }
    const next = requireName(body.name, 'resource.name');
    if (inst.status !== 'TERMINATED') {
      throw badRequest(
        'resourceNotReady',
        `The instance '${this.instancePath(zone, name)}' must be stopped (TERMINATED) before it can be renamed; it is ${inst.status}.`,
      );
    }
    if (this.instances.has(key(zone, next))) throw alreadyExists(this.instancePath(zone, next));
    this.instances.delete(key(zone, name));
    inst.name = next;
    this.instances.set(key(zone, next), inst);
    for (const a of inst.disks) {
      const disk = this.disks.get(key(zone, a.diskName));
      if (disk) disk.users = disk.users.map((u) => (u === name ? next : u));
    }
    this.changed();
    return this.operation(zone, 'setName', links.instance(this.id, zone, next), inst.id, user);
  }

  /** Compute Engine changes the machine type only of a stopped (TERMINATED) instance. */
  setMachineType(zone: string, name: string, body: unknown, user: string): SimOperation {
    const inst = this.getInstance(zone, name);
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    const typeName = machineTypeIn(zone, body.machineType);
    if (inst.status !== 'TERMINATED') throw notReady(this.instancePath(zone, name));
    inst.machineType = typeName;
    return this.operation(zone, 'setMachineType', links.instance(this.id, zone, name), inst.id, user);
  }

  attachDisk(zone: string, name: string, body: unknown, user: string): SimOperation {
    const inst = this.getInstance(zone, name);
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    const source = resourcePath(body.source);
    const m = source ? /^(?:projects\/[^/]+\/)?zones\/([^/]+)\/disks\/([^/]+)$/.exec(source) : null;
    if (!m) throw invalidField('resource.source', `'${source ?? ''}'. Must be a disk URL.`);
    if (m[1] !== zone) throw invalidField('resource.source', `'${source}'. Disk must be in zone '${zone}'.`);
    const disk = this.getDisk(zone, m[2]!);
    const deviceName =
      body.deviceName === undefined ? disk.name : requireName(body.deviceName, 'resource.deviceName');
    if (inst.disks.some((d) => d.deviceName === deviceName)) {
      throw invalidField(
        'resource.deviceName',
        `'${deviceName}'. Device name is already in use on this instance.`,
      );
    }
    const boot = body.boot === true;
    if (boot) this.requireBootSwap(inst, 'attached as the boot disk');
    if (boot && inst.disks.some((d) => d.boot)) {
      throw badRequest('invalid', `The instance '${this.instancePath(zone, name)}' already has a boot disk.`);
    }
    const link = links.instance(this.id, zone, name);
    // Compute Engine accepts the request and fails the operation when the disk is taken.
    if (disk.users.length > 0) {
      return this.operation(zone, 'attachDisk', link, inst.id, user, {
        error: {
          httpStatus: 400,
          httpMessage: 'BAD REQUEST',
          code: 'RESOURCE_IN_USE_BY_ANOTHER_RESOURCE',
          message: inUse(this, disk).message,
        },
      });
    }
    const attached = {
      diskName: disk.name,
      deviceName,
      boot,
      autoDelete: body.autoDelete === true,
      mode: body.mode === 'READ_ONLY' ? ('READ_ONLY' as const) : ('READ_WRITE' as const),
    };
    // The boot disk is always index 0.
    inst.disks = boot ? [attached, ...inst.disks] : [...inst.disks, attached];
    disk.users = [name];
    disk.lastAttachTimestamp = gceTime(Date.now());
    return this.operation(zone, 'attachDisk', link, inst.id, user);
  }

  /** A boot disk is detached or attached only while the instance is stopped (TERMINATED). */
  private requireBootSwap(inst: SimInstance, what: string): void {
    if (inst.status === 'TERMINATED') return;
    throw notReady(
      this.instancePath(inst.zone, inst.name),
      `Cannot have a boot disk ${what} while the instance is ${inst.status}; stop it first.`,
    );
  }

  detachDisk(zone: string, name: string, deviceName: string | null, user: string): SimOperation {
    const inst = this.getInstance(zone, name);
    const attached = inst.disks.find((d) => d.deviceName === deviceName);
    if (!attached)
      throw badRequest('invalid', `No attached disk found with device name '${deviceName ?? ''}'`);
    if (attached.boot) this.requireBootSwap(inst, 'detached');
    inst.disks = inst.disks.filter((d) => d !== attached);
    const disk = this.disks.get(key(zone, attached.diskName));
    if (disk) {
      disk.users = disk.users.filter((u) => u !== name);
      disk.lastDetachTimestamp = gceTime(Date.now());
    }
    return this.operation(zone, 'detachDisk', links.instance(this.id, zone, name), inst.id, user);
  }

  // ---- disks ------------------------------------------------------------------------------

  insertDisk(zone: string, body: unknown, sourceImageParam: string | null, user: string): SimOperation {
    this.settle();
    this.requireZone(zone);
    if (!isObject(body)) throw badRequest('required', "Required field 'resource' not specified");
    const name = requireName(body.name, 'resource.name');
    if (this.disks.has(key(zone, name))) throw alreadyExists(this.diskPath(zone, name));
    const image = body.sourceImage ?? sourceImageParam;
    const snapshot = body.sourceSnapshot === undefined ? null : this.snapshots.source(body.sourceSnapshot);
    if (snapshot && image !== undefined && image !== null) {
      throw badRequest('invalid', 'Only one of sourceImage, sourceSnapshot or sourceDisk may be specified.');
    }
    // A disk from a snapshot is the snapshot's size unless asked bigger, never smaller.
    const sizeGb =
      snapshot && (body.sizeGb === undefined || body.sizeGb === null) ? snapshot.diskSizeGb : body.sizeGb;
    const disk = this.newDisk(
      zone,
      name,
      sizeGb,
      body.type,
      image,
      body.labels,
      typeof body.description === 'string' ? body.description : '',
    );
    if (snapshot) {
      if (disk.sizeGb < snapshot.diskSizeGb) {
        throw invalidField(
          'resource.sizeGb',
          `'${disk.sizeGb}'. Requested disk size cannot be smaller than the snapshot size (${snapshot.diskSizeGb} GB).`,
        );
      }
      disk.sourceSnapshot = links.snapshot(this.id, snapshot.name);
      disk.sourceSnapshotId = snapshot.id;
      disk.licenses = snapshot.licenses;
    }
    this.disks.set(key(zone, name), disk);
    this.diskReady(disk);
    this.changed();
    return this.operation(zone, 'insert', links.disk(this.id, zone, name), disk.id, user);
  }

  deleteDisk(zone: string, name: string, user: string): SimOperation {
    const disk = this.getDisk(zone, name);
    if (disk.users.length > 0) throw inUse(this, disk);
    disk.status = 'DELETING';
    this.schedule(this.timing.operationMs, () => {
      if (this.disks.get(key(zone, name)) === disk) {
        this.disks.delete(key(zone, name));
        this.changed();
      }
    });
    return this.operation(zone, 'delete', links.disk(this.id, zone, name), disk.id, user);
  }

  createSnapshot(zone: string, diskName: string, body: unknown, user: string): SimOperation {
    const disk = this.getDisk(zone, diskName);
    this.snapshots.take(disk, this.diskPath(zone, diskName), body);
    return this.operation(zone, 'createSnapshot', links.disk(this.id, zone, diskName), disk.id, user);
  }

  deleteSnapshot(name: string, user: string): SimOperation {
    const snapshot = this.snapshots.remove(name);
    return this.globalOp('delete', links.snapshot(this.id, name), snapshot.id, user);
  }

  // ---- networks ---------------------------------------------------------------------------

  /** nic0's network and subnetwork: named ones must exist; the network's own subnet of the region otherwise. */
  private placeNic(zone: string, networkRef: unknown, subnetRef: unknown) {
    const region = regionOf(zone);
    const subnetName = lastSegment(subnetRef);
    if (subnetName) {
      const subnet = this.net.subnetworks.get(`${region}/${subnetName}`);
      if (!subnet) {
        throw invalidField(
          'resource.networkInterfaces[0].subnetwork',
          `'${resourcePath(subnetRef)}'. The referenced subnetwork resource cannot be found.`,
        );
      }
      return { network: subnet.network, subnetwork: subnet.name };
    }
    const network = lastSegment(networkRef) ?? 'default';
    if (!this.net.networks.has(network)) {
      throw invalidField(
        'resource.networkInterfaces[0].network',
        `'${resourcePath(networkRef) ?? network}'. The referenced network resource cannot be found.`,
      );
    }
    const subnet = this.net.subnetworkFor(network, region);
    if (!subnet) {
      throw invalidField(
        'resource.networkInterfaces[0].subnetwork',
        `''. The network '${network}' has no subnetwork in region '${region}'; name one.`,
      );
    }
    return { network, subnetwork: subnet.name };
  }

  private globalOp(type: string, targetLink: string, targetId: string, user: string): SimOperation {
    return this.operation('', type, targetLink, targetId, user, { scope: 'global' });
  }

  insertNetwork(body: unknown, user: string): SimOperation {
    const n = this.net.insertNetwork(body);
    return this.globalOp('insert', links.network(this.id, n.name), n.id, user);
  }

  deleteNetwork(name: string, user: string): SimOperation {
    this.settle();
    const n = this.net.deleteNetwork(name, (network) => {
      const inst = [...this.instances.values()].find((i) => i.network === network);
      return inst ? this.instancePath(inst.zone, inst.name) : null;
    });
    return this.globalOp('delete', links.network(this.id, n.name), n.id, user);
  }

  insertSubnetwork(region: string, body: unknown, user: string): SimOperation {
    const s = this.net.insertSubnetwork(region, body);
    return this.operation(region, 'insert', links.subnetwork(this.id, region, s.name), s.id, user, {
      scope: 'regions',
    });
  }

  deleteSubnetwork(region: string, name: string, user: string): SimOperation {
    this.settle();
    const s = this.net.deleteSubnetwork(region, name, (r, n) => {
      const inst = [...this.instances.values()].find((i) => regionOf(i.zone) === r && i.subnetwork === n);
      return inst ? this.instancePath(inst.zone, inst.name) : null;
    });
    return this.operation(region, 'delete', links.subnetwork(this.id, region, s.name), s.id, user, {
      scope: 'regions',
    });
  }

  insertFirewall(body: unknown, user: string): SimOperation {
    const f = this.net.insertFirewall(body);
    return this.globalOp('insert', links.firewall(this.id, f.name), f.id, user);
  }

  patchFirewall(name: string, body: unknown, user: string): SimOperation {
    const f = this.net.patchFirewall(name, body);
    return this.globalOp('patch', links.firewall(this.id, f.name), f.id, user);
  }

  deleteFirewall(name: string, user: string): SimOperation {
    const f = this.net.deleteFirewall(name);
    return this.globalOp('delete', links.firewall(this.id, f.name), f.id, user);
  }

  // ---- outside control (tests, benchmarks) ------------------------------------------------

  /** Adds `count` deterministic instances, each with its boot disk, spread over the zones. */
  seed(count: number, prefix = 'instance'): void {
    const start = this.instances.size;
    for (let i = start; i < start + count; i++) {
      const { instance, disk } = seededInstance(i, this.zones[i % this.zones.length]!, prefix, this.ids);
      this.instances.set(key(instance.zone, instance.name), instance);
      this.disks.set(key(disk.zone, disk.name), disk);
    }
    this.ipSeq = this.instances.size + 1;
    this.changed();
  }

  /** Changes an instance outside the API (a console click, a host failure). */
  mutateInstance(
    zone: string,
    name: string,
    change: Partial<Omit<SimInstance, 'id' | 'zone' | 'name'>>,
  ): SimInstance {
    const inst = this.instances.get(key(zone, name));
    if (!inst) throw new Error(`no instance ${zone}/${name}`);
    Object.assign(inst, change);
    inst.generation += 1;
    return inst;
  }

  /** Removes an instance as if deleted elsewhere: auto-delete disks go with it, others are freed. */
  removeInstance(zone: string, name: string): boolean {
    const inst = this.instances.get(key(zone, name));
    if (!inst) return false;
    inst.generation += 1;
    this.instances.delete(key(zone, name));
    for (const a of inst.disks) {
      const disk = this.disks.get(key(zone, a.diskName));
      if (!disk) continue;
      if (a.autoDelete) this.disks.delete(key(zone, a.diskName));
      else disk.users = disk.users.filter((u) => u !== name);
    }
    this.changed();
    return true;
  }
}

/** The name of a machine type the zone offers, from its full or partial URL. */
function machineTypeIn(zone: string, ref: unknown): string {
  const typeRef = resourcePath(ref);
  const typeName = lastSegment(typeRef);
  if (!typeName || !findMachineType(typeName)) {
    throw invalidField(
      'resource.machineType',
      `'${typeRef ?? ''}'. Machine type with name '${typeName ?? ''}' does not exist in zone '${zone}'.`,
    );
  }
  return typeName;
}

function inUse(project: GceProject, disk: SimDisk): GceApiError {
  const user = disk.users[0] ?? '';
  return badRequest(
    'resourceInUseByAnotherResource',
    `The disk resource '${project.diskPath(disk.zone, disk.name)}' is already being used by '${project.instancePath(disk.zone, user)}'`,
  );
}
