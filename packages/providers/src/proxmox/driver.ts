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
import { inBatches } from '../common/batches';
import { withNetworks } from '../common/with-networks';
import { PROVIDER, PveClient } from './client';
import {
  apiRoot,
  type ProxmoxConfig,
  type ProxmoxCredentials,
  readAuth,
  readConfig,
  type SizePreset,
} from './config';
import { ProxmoxFirewalls } from './firewalls';
import { clusterGuests } from './guests';
import {
  addressesOf,
  disksOf,
  type GuestType,
  type PveDisk,
  type PveInterface,
  type PveNode,
  type PveResource,
  toImage,
  toLocation,
  toMachine,
  toSize,
  toVolume,
} from './map';
import { ProxmoxNetworks } from './networks';
import * as snapshots from './snapshots';
import { TaskRunner } from './tasks';
import { type CertificateInfo, learnedPin } from './tls';

/** A Proxmox driver also tells which certificate it saw, for the caller to pin. */
export interface ProxmoxDriver extends ProviderDriver, SnapshotDriver, ResizeDriver {
  readonly provider: 'proxmox';
  /** The certificate of the latest connection; null before one, or when the system's CAs vouch for it. */
  readonly certificate: CertificateInfo | null;
}

const VMID = /^[1-9]\d{2,8}$/;
/** Proxmox's rule for guest names and container host names: a DNS name. */
const DNS_NAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** Proxmox tags: lowercase letters, digits and a few marks; no values. */
const TAG = /^[a-z0-9_][a-z0-9_\-+.]*$/i;

function vmidOf(externalId: string, what = 'machine'): number {
  if (!VMID.test(externalId))
    throw new ProviderError('invalid', `'${externalId}' is not a Proxmox ${what} id (a VMID such as 100).`);
  return Number(externalId);
}

function checkName(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (!DNS_NAME.test(trimmed))
    throw new ProviderError(
      'invalid',
      `'${trimmed}' is not a name Proxmox accepts: letters, digits and hyphens, in dot-separated parts of up to 63.`,
    );
  return trimmed;
}

/** A node's cores and memory (bytes), when it is up and says them. */
const fitsNode = (s: SizePreset, n: PveNode) =>
  typeof n.maxcpu === 'number' &&
  typeof n.maxmem === 'number' &&
  n.status !== 'offline' &&
  s.cores <= n.maxcpu &&
  s.memoryMb * 1024 ** 2 <= n.maxmem;

class Driver implements ProxmoxDriver {
  readonly provider = 'proxmox' as const;
  /** Rolled back in place, running or not (see snapshots.ts). */
  readonly canRevertSnapshots = true;
  private readonly tasks: TaskRunner;

  constructor(
    private readonly api: PveClient,
    private readonly config: ProxmoxConfig,
  ) {
    this.tasks = new TaskRunner(api, config);
  }

  get certificate(): CertificateInfo | null {
    return this.api.certificate;
  }

  /** A certificate trusted on first use is pinned from then on. */
  learnedConfig(): Record<string, unknown> {
    return learnedPin(this.api.certificate);
  }

  /** `/version` needs only a valid login; `/cluster/resources` proves the token may see guests. */
  async validate(): Promise<void> {
    await this.api.request('GET', '/version');
    await this.api.request('GET', '/cluster/resources', { params: { type: 'vm' } });
  }

  private guests(signal?: AbortSignal): Promise<PveResource[]> {
    return clusterGuests(this.api, signal);
  }

  private async guest(externalId: string): Promise<PveResource> {
    const vmid = vmidOf(externalId);
    const found = (await this.guests()).find((g) => g.vmid === vmid);
    if (!found) throw new ProviderError('not-found', `VM ${vmid} does not exist in this cluster.`);
    return found;
  }

  private path(g: { node: string; type: GuestType; vmid: number }, rest = ''): string {
    return `/nodes/${encodeURIComponent(g.node)}/${g.type}/${g.vmid}${rest}`;
  }

  /**
   * A running guest's addresses, from the QEMU guest agent or the container's interfaces. A
   * guest without an agent (or one not answering) has none; that is no failure of the poll.
   */
  private async addresses(g: PveResource, signal?: AbortSignal) {
    if (g.status !== 'running') return undefined;
    try {
      if (g.type === 'qemu') {
        const answer = await this.api.request<{ result?: PveInterface[] } | null>(
          'GET',
          this.path(g, '/agent/network-get-interfaces'),
          { signal, idempotent: false },
        );
        return addressesOf(answer?.result ?? []);
      }
      const list = await this.api.request<PveInterface[] | null>('GET', this.path(g, '/interfaces'), {
        signal,
        idempotent: false,
      });
      return addressesOf(list ?? []);
    } catch (err) {
      if (err instanceof ProviderError && (err.kind === 'auth' || err.kind === 'throttled')) throw err;
      return undefined;
    }
  }

  async *listMachines(signal: AbortSignal): AsyncIterable<RemoteMachine> {
    const guests = (await this.guests(signal)).filter((g) => g.template !== 1);
    const addressed = inBatches(guests, this.config.concurrency, (g) => this.addresses(g, signal), signal);
    for await (const [g, addresses] of addressed) yield toMachine(g, addresses);
  }

  private guestConfig(g: PveResource, signal?: AbortSignal) {
    return this.api.request<Record<string, unknown> | null>('GET', this.path(g, '/config'), { signal });
  }

  /** Sizes of unused disks, which the config does not say, from their storage's content list. */
  private async contentSizes(node: string, storage: string, vmid: number): Promise<Map<string, number>> {
    const items = await this.api.request<Array<{ volid?: string; size?: number }> | null>(
      'GET',
      `/nodes/${encodeURIComponent(node)}/storage/${encodeURIComponent(storage)}/content`,
      { params: { vmid } },
    );
    return new Map(
      (items ?? [])
        .filter((i) => typeof i.volid === 'string' && typeof i.size === 'number')
        .map((i) => [i.volid!, Math.max(1, Math.round(i.size! / 1024 ** 3))]),
    );
  }

  private async volumesOf(g: PveResource, signal?: AbortSignal): Promise<RemoteVolume[]> {
    let config: Record<string, unknown> | null;
    try {
      config = await this.guestConfig(g, signal);
    } catch (err) {
      // Gone between the two calls: it has no disks any more.
      if (err instanceof ProviderError && err.kind === 'not-found') return [];
      throw err;
    }
    const disks = disksOf(config ?? {});
    const unsized = disks.filter((d) => d.sizeGb === null);
    const sizes = new Map<string, number>();
    for (const storage of new Set(unsized.map((d) => d.storage))) {
      for (const [volid, gb] of await this.contentSizes(g.node, storage, g.vmid)) sizes.set(volid, gb);
    }
    return disks.map((d) => toVolume(g, d, sizes.get(d.volid) ?? null));
  }

  async *listVolumes(signal: AbortSignal): AsyncIterable<RemoteVolume> {
    const guests = (await this.guests(signal)).filter((g) => g.template !== 1);
    const lists = inBatches(guests, this.config.concurrency, (g) => this.volumesOf(g, signal), signal);
    for await (const [, list] of lists) yield* list;
  }

  /**
   * Proxmox has no sizes of its own: these are the cloud's presets, each offered on the nodes
   * with the cores and memory for it (qemu-server starts no VM with more vCPUs than its node has).
   */
  async listSizes(): Promise<RemoteSize[]> {
    const nodes = await this.nodes();
    return this.config.sizes.flatMap((s) => {
      const fit = nodes.filter((n) => fitsNode(s, n)).map((n) => n.node);
      return fit.length > 0 ? [{ ...toSize(s), locations: fit }] : [];
    });
  }

  private async nodes(): Promise<PveNode[]> {
    const nodes = await this.api.request<PveNode[] | null>('GET', '/nodes');
    return (nodes ?? []).filter((n) => typeof n.node === 'string');
  }

  /** A preset of this cloud, or a refusal naming them. */
  private preset(id: string): SizePreset {
    const size = this.config.sizes.find((s) => s.id === id);
    if (!size)
      throw new ProviderError(
        'invalid',
        `'${id}' is not a size of this cloud: choose one of ${this.config.sizes.map((s) => s.id).join(', ')}.`,
      );
    return size;
  }

  /**
   * New cores and memory for a stopped guest. A running VM would take them only at its next
   * start (Proxmox keeps them pending), so it is refused; one socket, so cores are the vCPUs.
   */
  async resizeMachine(externalId: string, sizeId: string): Promise<void> {
    const size = this.preset(sizeId);
    const g = await this.guest(externalId);
    if (g.template === 1) throw new ProviderError('invalid', `${g.vmid} is a template, not a machine.`);
    if (g.status !== 'stopped')
      throw new ProviderError(
        'conflict',
        `${g.type === 'lxc' ? 'CT' : 'VM'} ${g.vmid} is ${g.status ?? 'not stopped'}: stop it before changing its cores and memory.`,
      );
    const node = (await this.nodes()).find((n) => n.node === g.node);
    if (node && !fitsNode(size, node))
      throw new ProviderError(
        'invalid',
        `${size.name} does not fit node ${g.node} (${node.maxcpu} cores, ${Math.floor((node.maxmem ?? 0) / 1024 ** 2)} MiB).`,
      );
    await this.api.request('PUT', this.path(g, '/config'), {
      params: {
        cores: size.cores,
        memory: size.memoryMb,
        ...(g.type === 'qemu' ? { sockets: 1 } : {}),
      },
    });
  }

  async listSnapshots(machineExternalId: string): Promise<RemoteSnapshot[]> {
    return snapshots.listSnapshots(this.api, await this.guest(machineExternalId));
  }

  async createSnapshot(machineExternalId: string, name: string): Promise<void> {
    return snapshots.createSnapshot(this.tasks, await this.guest(machineExternalId), name);
  }

  async revertSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return snapshots.revertSnapshot(this.tasks, await this.guest(machineExternalId), snapshotExternalId);
  }

  async deleteSnapshot(machineExternalId: string, snapshotExternalId: string): Promise<void> {
    return snapshots.deleteSnapshot(this.tasks, await this.guest(machineExternalId), snapshotExternalId);
  }

  async listImages(): Promise<RemoteImage[]> {
    return (await this.guests()).filter((g) => g.template === 1).map(toImage);
  }

  async listLocations(): Promise<RemoteLocation[]> {
    return (await this.nodes()).map(toLocation);
  }

  /** Posts a guest's status change and waits for its task to end. */
  private power(g: PveResource, command: string, params?: Record<string, string | number>) {
    return this.tasks.run('POST', this.path(g, `/status/${command}`), params, true);
  }

  async machineAction(
    externalId: string,
    action: MachineAction,
    options: { name?: string } = {},
  ): Promise<void> {
    const name = action === 'rename' ? checkName(options.name) : undefined;
    const g = await this.guest(externalId);
    switch (action) {
      case 'start':
        if (g.status !== 'running') await this.power(g, 'start');
        return;
      case 'stop':
        // A clean shutdown first; Proxmox itself stops the guest hard when the time is up.
        if (g.status !== 'stopped')
          await this.power(g, 'shutdown', { forceStop: 1, timeout: this.config.shutdownTimeoutS });
        return;
      case 'reboot':
        await this.power(g, 'reboot');
        return;
      case 'destroy':
        return this.destroy(g);
      case 'rename':
        await this.api.request('PUT', this.path(g, '/config'), {
          params: g.type === 'qemu' ? { name } : { hostname: name },
        });
        return;
      default:
        throw new ProviderError('invalid', `unsupported action '${String(action)}'`);
    }
  }

  /** Proxmox refuses to destroy a running guest: it is stopped hard first, then purged. */
  private async destroy(g: { node: string; type: GuestType; vmid: number; status?: string }): Promise<void> {
    if (g.status !== 'stopped') await this.tasks.run('POST', this.path(g, '/status/stop'), undefined, true);
    await this.tasks.run('DELETE', this.path(g), { purge: 1, 'destroy-unreferenced-disks': 1 }, true);
  }

  async createMachine(spec: CreateMachineSpec): Promise<RemoteMachine> {
    // Everything is checked before the first call, so a refusal leaves nothing behind.
    const name = checkName(spec.name);
    const size = this.preset(spec.size);
    if (spec.userData)
      throw new ProviderError(
        'invalid',
        'Proxmox VE takes cloud-init user data only as a snippet file on a storage (cicustom); leave user data empty.',
      );
    const tags = Object.entries(spec.tags ?? {});
    const bad = tags.find(([k, v]) => v !== '' || !TAG.test(k));
    if (bad)
      throw new ProviderError(
        'invalid',
        `Proxmox tags are single words without values: '${bad[0]}${bad[1] ? `=${bad[1]}` : ''}' cannot be one.`,
      );
    const template = await this.guest(spec.image).catch((err) => {
      if (err instanceof ProviderError && err.kind === 'not-found')
        throw new ProviderError('invalid', `There is no template ${spec.image} in this cluster.`);
      throw err;
    });
    if (template.template !== 1)
      throw new ProviderError(
        'invalid',
        `${template.name ?? template.vmid} (${template.vmid}) is not a template.`,
      );
    if (template.type === 'lxc' && spec.sshKey)
      throw new ProviderError(
        'invalid',
        'Proxmox cannot add an SSH key to a container cloned from a template: put the key in the template, or create without one.',
      );
    const nodes = await this.listLocations();
    if (!nodes.some((n) => n.externalId === spec.location))
      throw new ProviderError('invalid', `There is no node '${spec.location}' in this cluster.`);

    const newid = Number(await this.api.request<string | number>('GET', '/cluster/nextid'));
    if (!Number.isInteger(newid))
      throw new ProviderError('unavailable', `${PROVIDER} answered /cluster/nextid without an id`);
    await this.tasks.run(
      'POST',
      this.path(template, '/clone'),
      {
        newid,
        target: spec.location,
        full: this.config.fullClone,
        ...(template.type === 'qemu' ? { name } : { hostname: name }),
      },
      false,
    );
    const made = { node: spec.location, type: template.type, vmid: newid };
    try {
      await this.api.request('PUT', this.path(made, '/config'), {
        params: {
          cores: size.cores,
          memory: size.memoryMb,
          tags: tags.length > 0 ? tags.map(([k]) => k.toLowerCase()).join(';') : undefined,
          // Proxmox wants the key list URL-encoded inside the form value.
          sshkeys: spec.sshKey ? encodeURIComponent(`${spec.sshKey.publicKey.trim()}\n`) : undefined,
        },
      });
      await this.power({ ...made, status: 'stopped' } as PveResource, 'start');
    } catch (err) {
      // A clone that could not be set up is removed, so a failed create leaves no guest behind.
      await this.destroy({ ...made, status: 'unknown' }).catch(() => {});
      throw err;
    }
    return toMachine(await this.guest(String(newid)));
  }

  async volumeAction(op: VolumeOperation): Promise<RemoteVolume | undefined> {
    switch (op.op) {
      case 'create':
        throw new ProviderError(
          'invalid',
          "Proxmox VE keeps every disk in a guest's configuration, so a disk is not made on its own: add it to the machine in Proxmox, then it shows here.",
        );
      case 'attach':
        return this.attach(op.volumeId, op.machineId);
      case 'detach':
        return this.detach(op.volumeId, op.machineId);
      case 'delete':
        return this.deleteVolume(op.volumeId);
    }
  }

  /** The guest whose config holds `volid`, and the disk line; a volid no guest holds is not found. */
  private async holder(volid: string): Promise<{ guest: PveResource; disk: PveDisk }> {
    if (!/^[A-Za-z][\w.-]*:[\w./-]+$/.test(volid))
      throw new ProviderError('invalid', `'${volid}' is not a Proxmox volume id (storage:name).`);
    const owner = /(?:^|[:/])(?:vm|base|subvol)-(\d+)-/.exec(volid)?.[1];
    const guests = (await this.guests()).filter((g) => g.template !== 1);
    const candidates = owner ? guests.filter((g) => String(g.vmid) === owner) : guests;
    for (const guest of candidates) {
      const disk = disksOf((await this.guestConfig(guest)) ?? {}).find((d) => d.volid === volid);
      if (disk) return { guest, disk };
    }
    throw new ProviderError('not-found', `volume '${volid}' does not exist`);
  }

  /** A disk is attached only to the guest that owns it: an unused disk goes back into a free slot. */
  private async attach(volid: string, machineId: string): Promise<undefined> {
    const vmid = vmidOf(machineId);
    const { guest, disk } = await this.holder(volid);
    if (guest.vmid !== vmid)
      throw new ProviderError(
        'conflict',
        `volume '${volid}' belongs to ${guest.type === 'lxc' ? 'CT' : 'VM'} ${guest.vmid}; Proxmox attaches a disk only to its owner.`,
      );
    if (!disk.key.startsWith('unused'))
      throw new ProviderError('conflict', `volume '${volid}' is already attached as ${disk.key}`);
    const config = (await this.guestConfig(guest)) ?? {};
    const prefix = guest.type === 'qemu' ? 'scsi' : 'mp';
    let n = guest.type === 'qemu' ? 1 : 0;
    while (`${prefix}${n}` in config) n++;
    const slot = `${prefix}${n}`;
    const value = guest.type === 'qemu' ? volid : `${volid},mp=/mnt/${slot}`;
    await this.api.request('PUT', this.path(guest, '/config'), { params: { [slot]: value } });
    return undefined;
  }

  private async detach(volid: string, machineId: string): Promise<undefined> {
    const vmid = vmidOf(machineId);
    const { guest, disk } = await this.holder(volid);
    if (guest.vmid !== vmid || disk.key.startsWith('unused'))
      throw new ProviderError('conflict', `volume '${volid}' is not attached to ${machineId}`);
    if (disk.key === 'rootfs')
      throw new ProviderError('conflict', "a container's root disk cannot be detached");
    await this.api.request('PUT', this.path(guest, '/config'), { params: { delete: disk.key } });
    return undefined;
  }

  /** Removing an unused disk from the config deletes it from its storage. */
  private async deleteVolume(volid: string): Promise<undefined> {
    const { guest, disk } = await this.holder(volid);
    if (!disk.key.startsWith('unused'))
      throw new ProviderError('conflict', `volume '${volid}' is attached as ${disk.key}: detach it first`);
    await this.api.request('PUT', this.path(guest, '/config'), { params: { delete: disk.key } });
    return undefined;
  }
}

/**
 * A driver for one Proxmox VE cluster, reached at `endpoint` (any node: each answers for all).
 * `config` takes ProxmoxConfig's fields; `certificateFingerprint` pins the TLS certificate.
 */
export function createProxmoxDriver(init: DriverInit<ProxmoxCredentials>): ProviderDriver {
  return createProxmoxDriverWithCertificate(init);
}

/** The same driver, typed with the certificate it saw (for pinning on first use). */
export function createProxmoxDriverWithCertificate(init: DriverInit<ProxmoxCredentials>): ProxmoxDriver {
  const config = readConfig(init.config);
  const api = new PveClient(apiRoot(init.endpoint), readAuth(init.credentials), config, init.lookup);
  const tasks = new TaskRunner(api, config);
  return withNetworks(
    withNetworks(new Driver(api, config), new ProxmoxNetworks(api, tasks, config.concurrency)),
    new ProxmoxFirewalls(api, config.concurrency),
  );
}
