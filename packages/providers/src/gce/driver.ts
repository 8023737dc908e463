import type { protos } from '@google-cloud/compute';
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
  type SerialConsoleDriver,
  type SerialOutput,
  type SnapshotDriver,
  type VolumeOperation,
} from '@overcast/contracts';
import { withDns } from '../common/with-dns';
import { withNetworks } from '../common/with-networks';
import { GceApi, type Operation } from './client';
import { type GceConfig, readConfig, readServiceAccount } from './config';
import { diskImage, imageRef } from './disk-image';
import { CloudDns } from './dns';
import { diskKey, toImage, toLocation, toMachine, toSizes, toVolume } from './map';
import { GceNetworks } from './networks';
import { mutate } from './operations';
import { resizeInstance } from './resize';
import { revertSnapshot } from './revert';
import * as snapshots from './snapshots';

export interface GceCredentials {
  /** The service account key file (JSON object). */
  serviceAccount: object;
}

type MachineType = protos.google.cloud.compute.v1.IMachineType;

/** Instances and disks are addressed by zone and name; externalIds carry both. */
function zoned(externalId: string, what: string): { zone: string; name: string } {
  const m = /^([a-z0-9-]+)\/([a-z]([-a-z0-9]*[a-z0-9])?)$/.exec(externalId);
  if (!m) throw new ProviderError('invalid', `'${externalId}' is not a ${what} id (expected zone/name)`);
  return { zone: m[1]!, name: m[2]! };
}

/** What createMachine accepts as an image: a full or partial image path, or a bare name of the project's own. */
function sourceImage(image: string, project: string): string {
  if (/^https?:\/\//.test(image) || image.startsWith('projects/')) return image;
  if (image.startsWith('global/')) return `projects/${project}/${image}`;
  return `projects/${project}/global/images/${image}`;
}

class GceDriver implements ProviderDriver, SerialConsoleDriver, SnapshotDriver, ResizeDriver {
  readonly provider = 'gce' as const;
  /** By new disks from the snapshot swapped in while the instance is stopped (see revert.ts). */
  readonly canRevertSnapshots = true;
  /** Compute Engine swaps the disks of a stopped instance only. */
  readonly revertNeeds = 'stopped' as const;
  private readonly project: string;

  constructor(
    private readonly api: GceApi,
    private readonly config: GceConfig,
  ) {
    this.project = config.project;
  }

  private opts(signal?: AbortSignal) {
    return this.api.callOptions(signal);
  }

  /** Runs a mutating call and waits for its zone operation; a failed operation throws. */
  private mutate(zone: string, run: () => Promise<unknown[]>): Promise<Operation | null> {
    return mutate(this.api, { zone }, run);
  }

  async validate(): Promise<void> {
    await this.api.read(() => this.api.zones.list({ project: this.project, maxResults: 1 }, this.opts()));
  }

  /** zone/disk -> image, so each machine can report the image its boot disk came from. */
  private async bootImages(signal: AbortSignal): Promise<Map<string, string>> {
    const images = new Map<string, string>();
    if (!this.config.resolveImages) return images;
    const pages = this.api.disks.aggregatedListAsync(
      { project: this.project, maxResults: this.config.pageSize },
      this.opts(signal),
    );
    for await (const [scope, list] of this.api.pages(pages, signal)) {
      const zone = scope.replace(/^zones\//, '');
      for (const d of list.disks ?? []) {
        const image = diskImage(d);
        if (image) images.set(`${zone}/${d.name}`, image);
      }
    }
    return images;
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    const images = await this.bootImages(signal);
    const pages = this.api.instances.aggregatedListAsync(
      { project: this.project, maxResults: this.config.pageSize },
      this.opts(signal),
    );
    for await (const [scope, list] of this.api.pages(pages, signal)) {
      if (!scope.startsWith('zones/')) continue;
      const zone = scope.slice('zones/'.length);
      for (const inst of list.instances ?? []) yield toMachine(inst, zone, images);
    }
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    const pages = this.api.disks.aggregatedListAsync(
      { project: this.project, maxResults: this.config.pageSize },
      this.opts(signal),
    );
    for await (const [scope, list] of this.api.pages(pages, signal)) {
      if (!scope.startsWith('zones/')) continue;
      const zone = scope.slice('zones/'.length);
      for (const d of list.disks ?? []) yield toVolume(d, zone);
    }
  }

  async listSizes(): Promise<RemoteSize[]> {
    const entries: Array<{ zone: string; type: MachineType }> = [];
    const pages = this.api.machineTypes.aggregatedListAsync(
      { project: this.project, maxResults: this.config.pageSize },
      this.opts(),
    );
    for await (const [scope, list] of this.api.pages(pages)) {
      const zone = scope.replace(/^zones\//, '');
      for (const type of list.machineTypes ?? []) entries.push({ zone, type });
    }
    return toSizes(entries);
  }

  async listImages(): Promise<RemoteImage[]> {
    const out: RemoteImage[] = [];
    for (const project of [
      this.project,
      ...this.config.publicImageProjects.filter((p) => p !== this.project),
    ]) {
      const pages = this.api.images.listAsync({ project, maxResults: this.config.pageSize }, this.opts());
      for await (const image of this.api.pages(pages)) {
        // Public projects keep years of superseded builds; only live ones are worth offering.
        if (project !== this.project && image.deprecated?.state) continue;
        out.push(toImage(image, project, this.project));
      }
    }
    return out;
  }

  async listLocations(): Promise<RemoteLocation[]> {
    const out: RemoteLocation[] = [];
    const pages = this.api.zones.listAsync(
      { project: this.project, maxResults: this.config.pageSize },
      this.opts(),
    );
    for await (const zone of this.api.pages(pages)) out.push(toLocation(zone));
    return out;
  }

  /**
   * Serial port 1 (getSerialPortOutput): `since` is the byte offset Compute Engine gave as `next`;
   * when older output was dropped meanwhile, the answer starts later than asked.
   */
  async serialOutput(externalId: string, since?: string): Promise<SerialOutput> {
    const { zone, name } = zoned(externalId, 'machine');
    if (since !== undefined && !/^\d{1,15}$/.test(since))
      throw new ProviderError(
        'invalid',
        'That console cursor is not one this driver gave; read from the start.',
      );
    const [out] = await this.api.read(() =>
      this.api.instances.getSerialPortOutput(
        { project: this.project, zone, instance: name, port: 1, ...(since ? { start: since } : {}) },
        this.opts(),
      ),
    );
    const start = String(out.start ?? since ?? '0');
    return {
      text: out.contents ?? '',
      next: String(out.next ?? start),
      truncated: since !== undefined && Number(start) > Number(since),
    };
  }

  async listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]> {
    return snapshots.listSnapshots(this.api, zoned(machineExternalId, 'machine'));
  }
  async createSnapshot(machineExternalId: string, name: string): Promise<void> {
    return snapshots.createSnapshot(this.api, zoned(machineExternalId, 'machine'), name);
  }
  async revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return revertSnapshot(this.api, zoned(machineExternalId, 'machine'), snapshotExternalId);
  }
  async deleteSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return snapshots.deleteSnapshot(this.api, zoned(machineExternalId, 'machine'), snapshotExternalId);
  }
  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    return resizeInstance(this.api, zoned(externalId, 'machine'), sizeId);
  }

  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    const { zone, name } = zoned(externalId, 'machine');
    const target = { project: this.project, zone, instance: name };
    switch (action) {
      case 'start':
        await this.mutate(zone, () => this.api.instances.start(target, this.opts()));
        return;
      case 'stop':
        await this.mutate(zone, () => this.api.instances.stop(target, this.opts()));
        return;
      case 'reboot':
        await this.mutate(zone, () => this.api.instances.reset(target, this.opts()));
        return;
      case 'destroy':
        await this.mutate(zone, () => this.api.instances.delete(target, this.opts()));
        return;
      case 'rename':
        return this.rename(zone, name, options.name);
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  /** Compute Engine renames only stopped instances; anything else is refused up front. */
  private async rename(zone: string, name: string, next: string | undefined): Promise<void> {
    const newName = next?.trim();
    if (!newName) throw new ProviderError('invalid', 'rename needs a new name');
    const [inst] = await this.api.read(() =>
      this.api.instances.get({ project: this.project, zone, instance: name }, this.opts()),
    );
    if (inst.status !== 'TERMINATED') {
      throw new ProviderError(
        'invalid',
        `Compute Engine can only rename a stopped instance; '${name}' is ${inst.status}. Stop it first.`,
      );
    }
    await this.mutate(zone, () =>
      this.api.instances.setName(
        {
          project: this.project,
          zone,
          instance: name,
          instancesSetNameRequestResource: { name: newName, currentName: name },
        },
        this.opts(),
      ),
    );
  }

  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    const zone = spec.location;
    const items: Array<{ key: string; value: string }> = [];
    if (spec.userData) items.push({ key: 'startup-script', value: spec.userData });
    if (spec.sshKey)
      items.push({ key: 'ssh-keys', value: `${this.config.sshUser}:${spec.sshKey.publicKey.trim()}` });
    const image = sourceImage(spec.image, this.project);
    await this.mutate(zone, () =>
      this.api.instances.insert(
        {
          project: this.project,
          zone,
          instanceResource: {
            name: spec.name,
            machineType: `zones/${zone}/machineTypes/${spec.size}`,
            disks: [
              {
                boot: true,
                autoDelete: true,
                initializeParams: {
                  sourceImage: image,
                  diskType: `zones/${zone}/diskTypes/${this.config.diskType}`,
                },
              },
            ],
            networkInterfaces: [
              {
                network: this.config.network,
                accessConfigs: this.config.externalIp
                  ? [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT' }]
                  : [],
              },
            ],
            labels: spec.tags ?? {},
            metadata: { items },
          },
        },
        this.opts(),
      ),
    );
    const [inst] = await this.api.read(() =>
      this.api.instances.get({ project: this.project, zone, instance: spec.name }, this.opts()),
    );
    return toMachine(inst, zone, await this.bootImageOf(zone, inst, image));
  }

  /**
   * The image a new instance's boot disk was made from, resolved the way listings report it
   * (a family reference becomes the concrete image). Falls back to what was asked for.
   */
  private async bootImageOf(
    zone: string,
    inst: protos.google.cloud.compute.v1.IInstance,
    requested: string,
  ): Promise<Map<string, string>> {
    const boot = diskKey((inst.disks ?? []).find((d) => d.boot)?.source);
    if (!boot) return new Map();
    const diskName = boot.slice(boot.indexOf('/') + 1);
    try {
      const [disk] = await this.api.read(() =>
        this.api.disks.get({ project: this.project, zone, disk: diskName }, this.opts()),
      );
      return new Map([[boot, diskImage(disk) ?? imageRef(requested) ?? requested]]);
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'not-found') {
        return new Map([[boot, imageRef(requested) ?? requested]]);
      }
      throw err;
    }
  }

  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    switch (op.op) {
      case 'create': {
        const zone = op.location;
        await this.mutate(zone, () =>
          this.api.disks.insert(
            {
              project: this.project,
              zone,
              diskResource: {
                name: op.name,
                sizeGb: String(op.sizeGb),
                type: `zones/${zone}/diskTypes/${this.config.diskType}`,
              },
            },
            this.opts(),
          ),
        );
        const [disk] = await this.api.read(() =>
          this.api.disks.get({ project: this.project, zone, disk: op.name }, this.opts()),
        );
        return toVolume(disk, zone);
      }
      case 'attach': {
        const disk = zoned(op.volumeId, 'volume');
        const inst = zoned(op.machineId, 'machine');
        if (disk.zone !== inst.zone) {
          throw new ProviderError(
            'invalid',
            `Disk '${disk.name}' is in ${disk.zone}, instance in ${inst.zone}`,
          );
        }
        await this.mutate(inst.zone, () =>
          this.api.instances.attachDisk(
            {
              project: this.project,
              zone: inst.zone,
              instance: inst.name,
              attachedDiskResource: {
                source: `projects/${this.project}/zones/${disk.zone}/disks/${disk.name}`,
                deviceName: disk.name,
                mode: 'READ_WRITE',
                autoDelete: false,
              },
            },
            this.opts(),
          ),
        );
        return undefined;
      }
      case 'detach': {
        const disk = zoned(op.volumeId, 'volume');
        const inst = zoned(op.machineId, 'machine');
        const [current] = await this.api.read(() =>
          this.api.instances.get(
            { project: this.project, zone: inst.zone, instance: inst.name },
            this.opts(),
          ),
        );
        const attached = (current.disks ?? []).find((d) => diskKey(d.source) === `${disk.zone}/${disk.name}`);
        // Already detached: nothing to do.
        if (!attached?.deviceName) return undefined;
        const deviceName = attached.deviceName;
        await this.mutate(inst.zone, () =>
          this.api.instances.detachDisk(
            { project: this.project, zone: inst.zone, instance: inst.name, deviceName },
            this.opts(),
          ),
        );
        return undefined;
      }
      case 'delete': {
        const disk = zoned(op.volumeId, 'volume');
        await this.mutate(disk.zone, () =>
          this.api.disks.delete({ project: this.project, zone: disk.zone, disk: disk.name }, this.opts()),
        );
        return undefined;
      }
    }
  }
}

/**
 * A driver for one Compute Engine project. `endpoint` overrides the API origin
 * (e.g. http://127.0.0.1:8080); `config` takes the fields of GceConfig.
 */
export function createGceDriver(init: DriverInit<GceCredentials>): ProviderDriver {
  const key = readServiceAccount(init.credentials?.serviceAccount);
  const config = readConfig(init.config, key);
  const api = new GceApi(key, init.endpoint, config, init.lookup);
  return withDns(
    withNetworks(new GceDriver(api, config), new GceNetworks(api)),
    new CloudDns(api.auth, init.endpoint, config),
  );
}
